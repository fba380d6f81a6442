//! The agent's drafts proved on the engine, judged by their stage's checks exactly as a learner's migration is:
//! a flawed draft fails exactly the checks its flaw names, a right draft passes every one, and Make's brief fields
//! describe what the reference solution really builds.

use super::gate;
use super::lab::{Broken, Lab};
use miglab_analysis::lesson::{
    BriefFields, Checks, Draft, DraftCheck, FileDiagnostic, Lesson, LessonMigration, Located,
    RunCommand,
};
use miglab_analysis::migration::Direction;
use miglab_analysis::schema::Schema;
use std::collections::BTreeMap;

/// Every check a flaw can name, in the order the page lists them.
const ALL: [DraftCheck; 7] = [
    DraftCheck::Upgrade,
    DraftCheck::Tables,
    DraftCheck::Values,
    DraftCheck::RoundTrip,
    DraftCheck::DowngradeOrder,
    DraftCheck::Forbid,
    DraftCheck::Destructive,
];

/// One stage's drafts with what they are judged by.
struct Stage<'a> {
    name: &'static str,
    start: &'a [RunCommand],
    checks: &'a Checks,
    drafts: &'a [Draft],
    loaded: &'a [LessonMigration],
}

/// Proves every draft of the lesson, and Make's brief fields; `skip_modify` when the server is too old for Modify.
pub fn check(
    lab: &mut Lab,
    lesson: &Lesson,
    at: &Located<'_>,
    skip_modify: bool,
    skipped: &mut Vec<String>,
) -> Result<Vec<FileDiagnostic>, Broken> {
    let manifest = &lesson.manifest;
    let modify = Stage {
        name: "modify",
        start: &manifest.modify.start,
        checks: &manifest.modify.checks,
        drafts: &manifest.modify.drafts,
        loaded: &lesson.modify_drafts,
    };
    let make = Stage {
        name: "make",
        start: &manifest.make.start,
        checks: &manifest.make.checks,
        drafts: &manifest.make.drafts,
        loaded: &lesson.make_drafts,
    };
    let mut out = Vec::new();
    for stage in [modify].into_iter().filter(|_| !skip_modify).chain([make]) {
        for (i, (draft, migration)) in stage.drafts.iter().zip(stage.loaded).enumerate() {
            let field = format!("{}.drafts[{i}]", stage.name);
            let Some(judged) = judge(lab, lesson, &stage, migration, skipped)? else { continue };
            out.extend(prove(at, &field, draft, stage.name, &judged));
        }
    }
    if let Some(fields) = &manifest.make.fields {
        if reach(lab, lesson, &manifest.make.start)? && upgrade(lab, &lesson.make)? {
            let schema = lab.schema()?;
            out.extend(
                brief_fields(fields, &schema).into_iter().map(|(key, message, help)| {
                    at.error(&key, "lesson-wrong-fields", message, help)
                }),
            );
        }
    }
    Ok(out)
}

/// What the stage's checks say about a draft.
enum Judged {
    /// `upgrade()` failed, so no other check ran, as for a learner.
    UpgradeFails(String),
    /// The upgrade ran: each check the stage runs, with its failures (empty when it passed).
    Ran(BTreeMap<DraftCheck, Vec<String>>),
}

/// Judges `migration` by each of the stage's checks in turn, each time from the stage's start and through
/// [`gate::evaluate`], the function that judges the reference solution, so a draft is judged as a learner's file is.
/// `None` when the start cannot be reached, which the gate already reports.
fn judge(
    lab: &mut Lab,
    lesson: &Lesson,
    stage: &Stage<'_>,
    migration: &LessonMigration,
    skipped: &mut Vec<String>,
) -> Result<Option<Judged>, Broken> {
    let mut ran = BTreeMap::new();
    for check in ALL {
        let Some(only) = only(stage.checks, check) else { continue };
        if !reach(lab, lesson, stage.start)? {
            return Ok(None);
        }
        let failures = gate::evaluate(lab, Some(migration), &only, skipped)?;
        if check == DraftCheck::Upgrade && !failures.is_empty() {
            return Ok(Some(Judged::UpgradeFails(failures.join("; "))));
        }
        ran.insert(check, failures);
    }
    Ok(Some(Judged::Ran(ran)))
}

/// The stage's checks narrowed to `check`, or `None` when the stage does not run it.
/// Every narrowed set allows destructive steps, so only the `destructive` set judges them.
fn only(checks: &Checks, check: DraftCheck) -> Option<Checks> {
    let mut one = Checks { allow_destructive: true, ..Checks::default() };
    match check {
        DraftCheck::Upgrade => {}
        DraftCheck::Tables if !checks.tables.is_empty() => one.tables = checks.tables.clone(),
        DraftCheck::Values if !checks.values.is_empty() => one.values = checks.values.clone(),
        DraftCheck::RoundTrip if checks.round_trip => one.round_trip = true,
        DraftCheck::DowngradeOrder if checks.downgrade_order => one.downgrade_order = true,
        DraftCheck::Forbid if !checks.forbid.is_empty() => one.forbid = checks.forbid.clone(),
        DraftCheck::Destructive if !checks.allow_destructive => one.allow_destructive = false,
        _ => return None,
    }
    Some(one)
}

/// Back to the lesson's branch point, then to `start`; false when the start fails, which the gate reports.
fn reach(lab: &mut Lab, lesson: &Lesson, start: &[RunCommand]) -> Result<bool, Broken> {
    lab.restart()?;
    let Ok(plan) = lesson.plan(start) else { return Ok(false) };
    Ok(lab.apply(&plan.applications)?.is_none())
}

/// Upgrades one migration; false when it fails, which the gate reports for the reference solution.
fn upgrade(lab: &mut Lab, migration: &LessonMigration) -> Result<bool, Broken> {
    let application =
        miglab_analysis::lesson::Application { migration, direction: Direction::Upgrade };
    Ok(lab.apply(&[application])?.is_none())
}

/// The draft's claim against the engine's verdict: each problem at the field a lesson author would fix.
fn prove(
    at: &Located<'_>,
    field: &str,
    draft: &Draft,
    stage: &str,
    judged: &Judged,
) -> Vec<FileDiagnostic> {
    let id = &draft.id;
    let Some(flaw) = &draft.flaw else {
        return failed(judged)
            .into_iter()
            .map(|(check, failures)| {
                at.error(
                    &format!("{field}.migration"),
                    "lesson-draft-fails",
                    format!(
                        "The draft `{id}` has no flaw, but it fails `{}` ({}) on the engine: {}.",
                        name(check),
                        check.label(),
                        failures.trim_end_matches('.')
                    ),
                    format!(
                        "Fix the draft, or give it a `flaw` whose `fails` names `{}`.",
                        name(check)
                    ),
                )
            })
            .collect();
    };
    let mut out = Vec::new();
    let fails = format!("{field}.flaw.fails");
    for (j, check) in flaw.fails.iter().enumerate() {
        let claimed = format!("{fails}[{j}]");
        let (message, help) = match judged {
            Judged::UpgradeFails(_) if *check == DraftCheck::Upgrade => continue,
            Judged::UpgradeFails(error) => (
                format!("The draft `{id}` claims to fail `{}` ({}), but its upgrade fails first ({}), so that check never runs.", name(*check), check.label(), error.trim_end_matches('.')),
                "Name only `upgrade`: after a failed upgrade the learner sees no other check.".to_owned(),
            ),
            Judged::Ran(ran) => match ran.get(check) {
                Some(failures) if !failures.is_empty() => continue,
                Some(_) => (
                    format!("The draft `{id}` claims to fail `{}` ({}), but it passes that check on the engine.", name(*check), check.label()),
                    "Plant the flaw so the check fails, or name the checks the engine shows failing.".to_owned(),
                ),
                None => (
                    format!("The draft `{id}` claims to fail `{}` ({}), but `{stage}.checks` does not run that check.", name(*check), check.label()),
                    format!("Turn the check on in `{stage}.checks`, or name a check the stage runs."),
                ),
            },
        };
        out.push(at.error(&claimed, "lesson-draft-claim-wrong", message, help));
    }
    for (check, failures) in
        failed(judged).into_iter().filter(|(check, _)| !flaw.fails.contains(check))
    {
        out.push(at.error(
            &fails,
            "lesson-draft-claim-incomplete",
            format!(
                "The draft `{id}` also fails `{}` ({}), which `fails` does not name: {}.",
                name(check),
                check.label(),
                failures.trim_end_matches('.')
            ),
            format!("Add `\"{}\"` to `fails`, so the page shows what the run shows.", name(check)),
        ));
    }
    out
}

/// The checks the draft fails, each with its failures as one clause.
fn failed(judged: &Judged) -> Vec<(DraftCheck, String)> {
    match judged {
        Judged::UpgradeFails(error) => vec![(DraftCheck::Upgrade, error.clone())],
        Judged::Ran(ran) => ran
            .iter()
            .filter(|(_, failures)| !failures.is_empty())
            .map(|(check, failures)| (*check, failures.join("; ")))
            .collect(),
    }
}

/// The name a lesson writes in `fails`.
fn name(check: DraftCheck) -> &'static str {
    match check {
        DraftCheck::Upgrade => "upgrade",
        DraftCheck::Tables => "tables",
        DraftCheck::Values => "values",
        DraftCheck::RoundTrip => "round_trip",
        DraftCheck::DowngradeOrder => "downgrade_order",
        DraftCheck::Forbid => "forbid",
        DraftCheck::Destructive => "destructive",
    }
}

/// Make's brief fields against the reference solution's upgraded schema: `(field, message, help)` per difference.
fn brief_fields(fields: &BriefFields, schema: &Schema) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let table_name = &fields.table;
    let Some(table) = schema.table(table_name) else {
        let message = format!("The brief's fields name table `{table_name}`, which does not exist after the reference solution's upgrade.");
        out.push((
            "make.fields.table".to_owned(),
            message,
            "Name the table the solution changes.".to_owned(),
        ));
        return out;
    };
    let Some(column_name) = &fields.column else {
        if fields.data_type.is_some() || fields.nullable.is_some() || fields.index.is_some() {
            let message = "The brief's fields give a type, nullability or index, but no column they belong to.".to_owned();
            out.push(("make.fields".to_owned(), message, "Add `column = \"…\"`.".to_owned()));
        }
        return out;
    };
    let Some(column) = table.column(column_name) else {
        let message = format!("The brief's fields name column `{table_name}.{column_name}`, which does not exist after the reference solution's upgrade.");
        out.push((
            "make.fields.column".to_owned(),
            message,
            "Name the column the solution adds or changes.".to_owned(),
        ));
        return out;
    };
    if let Some(data_type) = &fields.data_type {
        if *data_type != column.data_type {
            let message = format!("The brief's fields say `{column_name}` is `{data_type}`, but after the reference solution it is `{}` on the engine.", column.data_type);
            out.push((
                "make.fields.type".to_owned(),
                message,
                format!(
                    "Write the type as `format_type` prints it: `type = \"{}\"`.",
                    column.data_type
                ),
            ));
        }
    }
    if let Some(nullable) = fields.nullable {
        if nullable == column.not_null {
            let (said, is) =
                if nullable { ("nullable", "NOT NULL") } else { ("NOT NULL", "nullable") };
            let message = format!("The brief's fields say `{column_name}` is {said}, but after the reference solution it is {is} on the engine.");
            out.push((
                "make.fields.nullable".to_owned(),
                message,
                format!("Set `nullable = {}`.", !nullable),
            ));
        }
    }
    if let Some(index) = fields.index {
        let own =
            table.indexes.iter().find(|i| i.columns.len() == 1 && &i.columns[0] == column_name);
        match (index, own) {
            (true, None) => {
                let message = format!("The brief's fields say `{column_name}` gets an index, but after the reference solution no index of `{table_name}` has `{column_name}` as its only column.");
                out.push((
                    "make.fields.index".to_owned(),
                    message,
                    "Set `index = false`, or index the column in the solution.".to_owned(),
                ));
            }
            (false, Some(found)) => {
                let message = format!("The brief's fields say `{column_name}` gets no index, but after the reference solution `{}` indexes it alone.", found.name);
                out.push((
                    "make.fields.index".to_owned(),
                    message,
                    "Set `index = true`.".to_owned(),
                ));
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod test {
    use super::*;
    use miglab_analysis::engine::session::LessonSetup;
    use miglab_analysis::lesson::{load, parse_manifest, scaffold, MANIFEST};

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
        let (mut lab, _) = Lab::set_up(None, &LessonSetup::of(&lesson))
            .expect("the engine starts")
            .expect("the seed runs");
        let at = Located::new("t/lesson.toml", &text);
        let found = super::check(&mut lab, &lesson, &at, false, &mut Vec::new())
            .expect("the engine answers");
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
}
