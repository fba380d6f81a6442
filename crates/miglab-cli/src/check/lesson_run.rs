//! One lesson's engine checks on the CLI's engines: the analysis crate's checks (`miglab_analysis::check`) on PGlite
//! under Node or on a scratch database of a server, where nothing that would change the server itself is sent and a
//! question's lock queue is proved with several connections.

use super::lock_queue::ServerQueue;
use crate::engine::{self, DatabaseUrl};
use miglab_analysis::check::lesson_run::{self, broken_findings, Findings, QueueProof};
use miglab_analysis::lesson::{Lesson, Located};

/// Runs every engine check of `lesson` on a fresh database; `text` is its lesson.toml, for positions.
pub fn check_lesson(
    lesson: &Lesson,
    manifest_file: &str,
    text: &str,
    database_url: Option<&DatabaseUrl>,
) -> Findings {
    let at = Located::new(manifest_file, text);
    if database_url.is_some() {
        // Nothing of a lesson that would change the server itself is sent; the lesson fails instead.
        let refused = super::refuse_cluster::refusals(lesson, &at);
        if !refused.is_empty() {
            return Findings { diagnostics: refused, skipped: Vec::new() };
        }
    }
    let mut engine = match engine::open(database_url) {
        Ok(engine) => engine,
        Err(error) => return broken_findings(&at, &error.to_string()),
    };
    let mut queue = database_url.map(ServerQueue::new);
    let queue = queue.as_mut().map(|q| q as &mut dyn QueueProof);
    lesson_run::check_lesson(lesson, manifest_file, text, &mut *engine, queue)
}

#[cfg(test)]
mod test {
    use super::*;
    use miglab_analysis::lesson::{load, parse_manifest, scaffold, FileDiagnostic, MANIFEST};
    use std::collections::BTreeMap;

    /// Scaffolds lesson `t`, applies `edit` to its lesson.toml, and runs the engine checks on PGlite.
    fn check(edit: impl Fn(String) -> String) -> String {
        let mut files: BTreeMap<String, String> = scaffold("t")
            .into_iter()
            .map(|(k, v)| (k.trim_start_matches("t/").to_owned(), v))
            .collect();
        let text = edit(files.remove(MANIFEST).unwrap_or_default());
        let (manifest, diagnostics) = parse_manifest("t/lesson.toml", &text);
        assert_eq!(diagnostics, Vec::new());
        let (lesson, diagnostics) = load(&manifest.expect("manifest parses"), &files);
        assert_eq!(diagnostics, Vec::new());
        let findings = check_lesson(&lesson.expect("lesson loads"), "t/lesson.toml", &text, None);
        findings.diagnostics.iter().map(FileDiagnostic::render).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn engine_checks_ok_and_err() {
        // One test, so PGlite boots twice rather than once per case.
        assert_eq!(check(|text| text), "");
        let wrong = check(|text| {
            text.replace(r#"expected = "5" }"#, r#"expected = "6" }"#)
                .replace("sqlstate = \"23502\"", "sqlstate = \"23503\"")
                .replace("why = \"A nullable column", "expected = \"00000000-0000-0000-0000-000000000000\"\nwhy = \"A nullable column")
                .replace("mode = \"ACCESS EXCLUSIVE\"\nrewritten = false", "mode = \"SHARE\"\nrewritten = true")
        });
        let lines: Vec<&str> = wrong.lines().filter(|line| !line.starts_with("  help")).collect();
        assert_eq!(
            lines,
            [
                "t/lesson.toml:56:1: field `predict.questions[1].key`: The key says `00000000-0000-0000-0000-000000000000`, but the engine returns NULL.",
                "t/lesson.toml:71:8: field `predict.questions[2].key.mode`: The key says `ALTER TABLE tasks ADD COLUMN created_by` holds SHARE on `tasks`, but the engine's trace shows ACCESS EXCLUSIVE (observed).",
                "t/lesson.toml:72:13: field `predict.questions[2].key.rewritten`: The key says `ALTER TABLE tasks ADD COLUMN created_by` rewrites `tasks`, but on the engine it does not rewrite.",
                "t/lesson.toml:99:1: field `investigate.experiments[0].expect.error`: The lesson expects ERROR 23503: column \"created_by\" of relation \"tasks\" contains null values, but the engine says ERROR 23502: column \"created_by\" of relation \"tasks\" contains null values.",
                "t/lesson.toml:107:1: field `modify.checks`: The reference solution `modify/dd36aabc83a0_add_priority.py` fails its own checks: `SELECT count(*) FROM tasks WHERE priority = 0` returns `5` instead of `6`.",
            ]
        );
    }

    /// The page's check: the same analysis code replayed by the analyzer's stepper, one engine call per step, on
    /// PGlite; it finds what the CLI finds, rendered alike.
    #[test]
    fn replayed_check_is_the_cli_check_ok() {
        use miglab_analysis::check::stepper::Stepper;
        use miglab_analysis::protocol::{CheckLesson, CheckStep};
        let mut files: BTreeMap<String, String> = scaffold("t").into_iter().collect();
        let text = files
            .remove("t/lesson.toml")
            .unwrap_or_default()
            .replace(r#"expected = "5" }"#, r#"expected = "6" }"#);
        files.insert("t/lesson.toml".into(), text.clone());
        let direct = check(|_| text.clone());
        let mut engine = crate::engine::open(None).expect("PGlite under Node boots");
        let (mut stepper, mut step) = Stepper::start(CheckLesson::Folder { id: "t".into(), files });
        let report = loop {
            match step {
                CheckStep::Need { call } => step = stepper.answer(call.perform(&mut *engine)),
                CheckStep::Done { report } => break report,
                CheckStep::Failed { message } => panic!("{message}"),
            }
        };
        let replayed: Vec<String> = report.diagnostics.iter().map(|d| d.rendered.clone()).collect();
        assert!(direct.contains("fails its own checks"), "{direct}");
        assert_eq!(replayed.join("\n"), direct);
        assert!(report.calls > 20, "{} calls", report.calls);
    }

    #[test]
    fn questions_discriminate_err() {
        let no_change = check(|text| {
            text.replacen("kind = \"schema\"\n", "kind = \"schema\"\nno_change = true\n", 1)
        });
        assert!(no_change.contains("`schema-after-upgrade` says nothing changes, but the engine shows changes: `tasks` has a column `created_by`"), "{no_change}");
        let untouched = check(|text| {
            text.replacen(
                "after = [\"upgrade head\"]\n\n[predict.questions.key]\nkind = \"schema\"",
                "after = []\n\n[predict.questions.key]\nkind = \"schema\"",
                1,
            )
        });
        assert!(
            untouched.contains("error[lesson-key-does-not-discriminate]")
                || untouched.contains(
                    "`schema-after-upgrade`: the untouched starting answer grades correct"
                ),
            "{untouched}"
        );
    }

    #[test]
    fn runaway_experiment_err() {
        // The experiment is stopped at the default 5 s limit; the engine restarts at the seed and the gates after it still run.
        let found = check(|text| {
            text.replace(
                "sql = \"ALTER TABLE tasks ADD COLUMN created_by uuid NOT NULL\"",
                "sql = \"SELECT pg_sleep(30)\"",
            )
            .replace("sqlstate = \"23502\"", "sqlstate = \"57014\"")
            .replace(
                r#"message = 'column "created_by" of relation "tasks" contains null values'"#,
                "message = 'canceling statement due to statement timeout'",
            )
            .replace(r#"expected = "5" }"#, r#"expected = "6" }"#)
        });
        let lines: Vec<&str> = found.lines().filter(|line| !line.starts_with("  help")).collect();
        assert_eq!(
            lines,
            [
                "t/lesson.toml:106:1: field `modify.checks`: The reference solution `modify/dd36aabc83a0_add_priority.py` fails its own checks: `SELECT count(*) FROM tasks WHERE priority = 0` returns `5` instead of `6`.",
            ],
            "the stopped experiment matches its expected 57014, and the checks after it still ran"
        );
        let found = check(|text| {
            text.replace(
                "sql = \"ALTER TABLE tasks ADD COLUMN created_by uuid NOT NULL\"",
                "sql = \"SELECT pg_sleep(30)\"",
            )
        });
        assert!(
            found.contains("but the engine says ERROR 57014: canceling statement due to statement timeout\nDETAIL: `SELECT pg_sleep(30)` was still running after 5000 ms"),
            "{found}"
        );
    }
}

/// The gate's round trip on PGlite (the gate is the analysis crate's; only the CLI has an engine to test it on).
#[cfg(test)]
mod gate_test {
    use miglab_analysis::analysis::steps_from_sql;
    use miglab_analysis::check::gate::evaluate;
    use miglab_analysis::check::lab::Lab;
    use miglab_analysis::lesson::{Checks, LessonMigration, MigrationRef, MigrationSource};
    use miglab_analysis::migration::Migration;

    const SEED: &str = "
CREATE TABLE expenses (id serial PRIMARY KEY, legacy_notes text, amount int NOT NULL);
INSERT INTO expenses (legacy_notes, amount) VALUES ('card 4417 replaced', 1), (NULL, 2);
";
    const UP: &str = "
CREATE TABLE archive AS SELECT id, legacy_notes FROM expenses WHERE legacy_notes IS NOT NULL;
ALTER TABLE expenses DROP COLUMN legacy_notes;
";

    fn migration(down: &str) -> LessonMigration {
        let source = MigrationSource::Sql {
            up_file: "up.sql".into(),
            up: UP.into(),
            down_file: "down.sql".into(),
            down: down.into(),
        };
        let migration = Migration {
            upgrade: steps_from_sql(UP).0,
            downgrade: steps_from_sql(down).0,
            ..Migration::default()
        };
        LessonMigration { reference: MigrationRef::default(), source, migration }
    }

    #[test]
    fn round_trip_by_name_ok_and_err() {
        // One test, so PGlite boots once for both cases.
        let setup = miglab_analysis::engine::session::LessonSetup {
            seed: SEED.to_owned(),
            revision: None,
            branch: "start".to_owned(),
        };
        let mut engine = crate::engine::open(None).expect("the engine starts");
        let (mut lab, _) =
            Lab::set_up(&mut *engine, &setup).expect("the engine answers").expect("the seed runs");
        let checks = Checks { round_trip: true, allow_destructive: true, ..Checks::default() };
        // The column comes back at the end of the table, with its note: a pass, whatever the order.
        let restores = migration("ALTER TABLE expenses ADD COLUMN legacy_notes text; UPDATE expenses SET legacy_notes = a.legacy_notes FROM archive AS a WHERE a.id = expenses.id; DROP TABLE archive;");
        assert_eq!(evaluate(&mut lab, Some(&restores), &checks, &mut Vec::new()), Ok(Vec::new()));
        lab.restart().expect("reset");
        // Back with another type: the failure names the column and both types.
        let retyped = migration(
            "ALTER TABLE expenses ADD COLUMN legacy_notes varchar(10); DROP TABLE archive;",
        );
        let failures = evaluate(&mut lab, Some(&retyped), &checks, &mut Vec::new())
            .expect("the engine answers");
        assert_eq!(
            failures,
            [
                "after the downgrade, the database differs from the start: `expenses.legacy_notes` is `character varying(10)` instead of `text`",
                "after upgrading again, the database differs from the first upgrade: `archive.legacy_notes` is `character varying(10)` instead of `text`; `archive` holds 0 rows instead of 1",
            ]
        );
    }
}
