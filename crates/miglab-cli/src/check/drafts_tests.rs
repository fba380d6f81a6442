//! The agent's drafts proved on PGlite under Node (`miglab_analysis::check::drafts`): a right draft passes, a flaw
//! fails what it names, and each wrong claim is reported at its line.

use crate::engine;
use miglab_analysis::check::drafts;
use miglab_analysis::check::lab::Lab;
use miglab_analysis::engine::session::LessonSetup;
use miglab_analysis::lesson::Located;
use miglab_analysis::lesson::{load, parse_manifest, scaffold, MANIFEST};
use std::collections::BTreeMap;

/// The scaffold's make solution (`tasks` gains a nullable `due_on date`) as the draft `drafts/<name>.py`,
/// with `edits` applied.
type DraftFile<'a> = (&'a str, &'a [(&'a str, &'a str)]);

/// Scaffolds lesson `t`, adds `toml` before `[make.approval]` and the draft files, and runs only the draft checks
/// on PGlite; each diagnostic as `miglab check` prints it, without its help.
fn check(toml: &str, drafts: &[DraftFile<'_>]) -> Vec<String> {
    let mut files: BTreeMap<String, String> = scaffold("t")
        .into_iter()
        .map(|(k, v)| (k.trim_start_matches("t/").to_owned(), v))
        .collect();
    let solution = files.iter().find(|(k, _)| k.starts_with("make/")).map(|(_, v)| v.clone());
    for (name, edits) in drafts {
        let mut text = solution.clone().unwrap_or_default();
        for (from, to) in *edits {
            assert!(text.contains(from), "fixture edit `{from}` does not apply");
            text = text.replacen(from, to, 1);
        }
        files.insert(format!("drafts/{name}.py"), text);
    }
    let text = files.remove(MANIFEST).unwrap_or_default().replacen(
        "[make.approval]",
        &format!("{toml}\n[make.approval]"),
        1,
    );
    let (manifest, diagnostics) = parse_manifest("t/lesson.toml", &text);
    assert_eq!(diagnostics, Vec::new());
    let (lesson, diagnostics) = load(&manifest.expect("manifest parses"), &files);
    assert_eq!(diagnostics, Vec::new());
    let lesson = lesson.expect("lesson loads");
    let mut engine = engine::open(None).expect("PGlite starts under Node");
    let (mut lab, _) = Lab::set_up(&mut *engine, &LessonSetup::of(&lesson))
        .expect("the engine starts")
        .expect("the seed runs");
    let at = Located::new("t/lesson.toml", &text);
    let found =
        drafts::check(&mut lab, &lesson, &at, false, &mut Vec::new()).expect("the engine answers");
    found.iter().map(|d| d.render().lines().next().unwrap_or_default().to_owned()).collect()
}

const EMPTY_DOWNGRADE: &[(&str, &str)] =
    &[("    op.drop_column(\"tasks\", \"due_on\")", "    pass")];
const NOT_NULL: &[(&str, &str)] = &[("nullable=True", "nullable=False")];
const TEXT: &[(&str, &str)] = &[("sa.Date()", "sa.Text()")];

#[test]
fn drafts_ok() {
    let toml = r#"
[make.fields]
table = "tasks"
column = "due_on"
type = "date"
nullable = true
index = false

[[make.drafts]]
id = "right"
message = "Here is the migration."
migration = { file = "drafts/right.py" }

[[make.drafts]]
id = "empty-downgrade"
message = "Here is the migration; it never needs a rollback."
migration = { file = "drafts/empty_downgrade.py" }

[make.drafts.flaw]
lines = [23, 24]
fails = ["round_trip", "downgrade_order"]
why = "`downgrade()` does nothing."

[[make.drafts]]
id = "not-null"
message = "Every task gets a due date."
migration = { file = "drafts/not_null.py" }

[make.drafts.flaw]
lines = [20]
fails = ["upgrade"]
why = "Five tasks have no due date."
"#;
    let drafts: &[DraftFile<'_>] =
        &[("right", &[]), ("empty_downgrade", EMPTY_DOWNGRADE), ("not_null", NOT_NULL)];
    assert_eq!(check(toml, drafts), Vec::<String>::new());
}

#[test]
fn drafts_err() {
    let toml = r#"
[make.fields]
table = "tasks"
column = "due_on"
type = "timestamp without time zone"
nullable = false
index = true

[[make.drafts]]
id = "unflawed-text"
message = "Here is the migration."
migration = { file = "drafts/text.py" }

[[make.drafts]]
id = "round-trip-only"
message = "Here is the migration; it never needs a rollback."
migration = { file = "drafts/empty_downgrade.py" }

[make.drafts.flaw]
lines = [23, 24]
fails = ["round_trip"]
why = "`downgrade()` does nothing."

[[make.drafts]]
id = "claims-tables"
message = "Here is the migration."
migration = { file = "drafts/right.py" }

[make.drafts.flaw]
lines = [20]
fails = ["tables"]
why = "Nothing, in fact."

[[make.drafts]]
id = "not-null"
message = "Every task gets a due date."
migration = { file = "drafts/not_null.py" }

[make.drafts.flaw]
lines = [20]
fails = ["upgrade", "tables"]
why = "Five tasks have no due date."

[[make.drafts]]
id = "claims-values"
message = "Here is the migration."
migration = { file = "drafts/text.py" }

[make.drafts.flaw]
lines = [20]
fails = ["tables", "values"]
why = "Text is not a date."
"#;
    let drafts: &[DraftFile<'_>] = &[
        ("right", &[]),
        ("text", TEXT),
        ("empty_downgrade", EMPTY_DOWNGRADE),
        ("not_null", NOT_NULL),
    ];
    assert_eq!(
        check(toml, drafts),
        [
            "t/lesson.toml:141:13: field `make.drafts[0].migration`: The draft `unflawed-text` has no flaw, but it fails `tables` (the tables match the brief) on the engine: column `tasks.due_on` is `text default none` on the engine, not `date default none`.",
            "t/lesson.toml:150:9: field `make.drafts[1].flaw.fails`: The draft `round-trip-only` also fails `downgrade_order` (downgrade() undoes the upgrade in reverse order), which `fails` does not name: `downgrade()` does nothing, so `alembic downgrade` marks the revision as undone while every change `upgrade()` made stays in the database.",
            "t/lesson.toml:160:10: field `make.drafts[2].flaw.fails[0]`: The draft `claims-tables` claims to fail `tables` (the tables match the brief), but it passes that check on the engine.",
            "t/lesson.toml:170:21: field `make.drafts[3].flaw.fails[1]`: The draft `not-null` claims to fail `tables` (the tables match the brief), but its upgrade fails first (the upgrade fails: ERROR 23502: column \"due_on\" of relation \"tasks\" contains null values), so that check never runs.",
            "t/lesson.toml:180:20: field `make.drafts[4].flaw.fails[1]`: The draft `claims-values` claims to fail `values` (the values match), but `make.checks` does not run that check.",
            "t/lesson.toml:134:8: field `make.fields.type`: The brief's fields say `due_on` is `timestamp without time zone`, but after the reference solution it is `date` on the engine.",
            "t/lesson.toml:135:12: field `make.fields.nullable`: The brief's fields say `due_on` is NOT NULL, but after the reference solution it is nullable on the engine.",
            "t/lesson.toml:136:9: field `make.fields.index`: The brief's fields say `due_on` gets an index, but after the reference solution no index of `tasks` has `due_on` as its only column.",
        ]
    );
}
