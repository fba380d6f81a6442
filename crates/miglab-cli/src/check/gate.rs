//! Modify and Make checks on one migration (or on none, to prove the untouched state fails them).

use super::compare as briefed;
use super::lab::{Broken, Lab};
use super::safety;
use miglab_analysis::grade::{SchemaScope, ValueKey};
use miglab_analysis::lesson::{Application, Checks, LessonMigration};
use miglab_analysis::migration::Direction;
use miglab_analysis::schema::{compare, Schema};

/// The checks `migration` fails, as sentences; empty when it passes. Checks that need the
/// safety rules or downgrade analysis are added to `skipped` while those are unavailable.
pub fn evaluate(
    lab: &mut Lab,
    migration: Option<&LessonMigration>,
    checks: &Checks,
    skipped: &mut Vec<String>,
) -> Result<Vec<String>, Broken> {
    let mut failures = Vec::new();
    let start = lab.schema()?;
    if let Some(migration) = migration {
        if let Some(error) =
            lab.apply(&[Application { migration, direction: Direction::Upgrade }])?
        {
            return Ok(vec![format!("the upgrade fails: {error}")]);
        }
    }
    let schema = lab.schema()?;
    let scope = SchemaScope {
        columns: false,
        indexes: checks.tables.iter().any(|t| !t.indexes.is_empty()),
        constraints: checks.tables.iter().any(|t| !t.constraints.is_empty()),
        ..SchemaScope::default()
    };
    failures.extend(briefed::tables(&checks.tables, &schema, &scope));
    for value in &checks.values {
        let key = ValueKey { expected: value.expected.clone(), ..ValueKey::default() };
        match lab.value(&value.query)? {
            Err(error) => failures.push(format!("`{}` fails: {error}", value.query)),
            Ok(got) if !briefed::value(&key, got.as_deref()) => {
                failures.push(format!(
                    "`{}` returns {} instead of {}",
                    value.query,
                    briefed::shown(got.as_deref()),
                    briefed::shown(value.expected.as_deref())
                ));
            }
            Ok(_) => {}
        }
    }
    let Some(migration) = migration else { return Ok(failures) };
    if checks.round_trip {
        failures.extend(round_trip(lab, migration, &start, &schema)?);
    }
    if checks.downgrade_order {
        match safety::downgrade_problems(&migration.migration, &start) {
            None => skipped.push(format!(
                "downgrade order of `{}` (downgrade analysis not available)",
                migration.file()
            )),
            Some(problems) => failures.extend(problems),
        }
    }
    match safety::findings(&migration.migration, &start) {
        None if !checks.forbid.is_empty() || !checks.allow_destructive => {
            skipped.push(format!("safety findings of `{}` (rules not available)", migration.file()))
        }
        None => {}
        Some(safety) => {
            failures.extend(
                safety
                    .codes
                    .iter()
                    .filter(|code| checks.forbid.contains(code))
                    .map(|code| format!("the rules report `{code}`, which this check forbids")),
            );
            if safety.destructive() && !checks.allow_destructive {
                failures.push(
                    "the upgrade is destructive, and this check does not allow that".to_owned(),
                );
            }
        }
    }
    Ok(failures)
}

/// Upgrade (already done), downgrade, upgrade again: both runs succeed, the downgrade gives back the start and the
/// second upgrade what the first gave. Compared by name, as Postgres identifies things: a column that `downgrade()`
/// re-adds comes back at the end of its table, which is no failure. Each failure says what differs.
fn round_trip(
    lab: &mut Lab,
    migration: &LessonMigration,
    start: &Schema,
    upgraded: &Schema,
) -> Result<Vec<String>, Broken> {
    if let Some(error) = lab.apply(&[Application { migration, direction: Direction::Downgrade }])? {
        return Ok(vec![format!("the downgrade fails: {error}")]);
    }
    let mut failures = Vec::new();
    let back = compare::compare(start, &lab.schema()?);
    if !back.same() {
        failures.push(format!(
            "after the downgrade, the database differs from the start: {}",
            sentences(&back.differences)
        ));
    }
    if let Some(error) = lab.apply(&[Application { migration, direction: Direction::Upgrade }])? {
        failures.push(format!("the second upgrade fails: {error}"));
        return Ok(failures);
    }
    let again = compare::compare(upgraded, &lab.schema()?);
    if !again.same() {
        failures.push(format!(
            "after upgrading again, the database differs from the first upgrade: {}",
            sentences(&again.differences)
        ));
    }
    Ok(failures)
}

/// The comparison's sentences inside one failure line, which ends with its own period.
fn sentences(differences: &[String]) -> String {
    differences.iter().map(|d| d.trim_end_matches('.')).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod test {
    use super::*;
    use miglab_analysis::analysis::steps_from_sql;
    use miglab_analysis::lesson::{MigrationRef, MigrationSource};
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
        let (mut lab, _) =
            Lab::set_up(None, &setup).expect("the engine starts").expect("the seed runs");
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
