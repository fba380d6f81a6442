//! Modify and Make checks on one migration (or on none, to prove the untouched state fails them).

use super::compare as briefed;
use super::lab::{Broken, Lab};
use super::safety;
use crate::grade::{SchemaScope, ValueKey};
use crate::lesson::{Application, Checks, LessonMigration};
use crate::migration::Direction;
use crate::schema::{compare, Schema};

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
