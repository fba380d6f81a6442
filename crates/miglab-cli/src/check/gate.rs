//! Modify and Make checks on one migration (or on none, to prove the untouched state fails them).

use super::compare;
use super::lab::{Broken, Lab};
use super::safety;
use miglab_core::grade::{SchemaScope, ValueKey};
use miglab_core::lesson::{Application, Checks, LessonMigration};
use miglab_core::migration::Direction;

/// The checks `migration` fails, as sentences; empty when it passes. Checks that need the
/// safety rules or downgrade analysis are added to `skipped` while those are unavailable.
pub fn evaluate(lab: &mut Lab, migration: Option<&LessonMigration>, checks: &Checks, skipped: &mut Vec<String>) -> Result<Vec<String>, Broken> {
    let mut failures = Vec::new();
    let start = lab.schema()?;
    let before = start.tables.iter().map(|t| (t.name.clone(), t.row_count)).collect();
    if let Some(migration) = migration {
        if let Some(error) = lab.apply(&[Application { migration, direction: Direction::Upgrade }])? {
            return Ok(vec![format!("the upgrade fails: {error}")]);
        }
    }
    let schema = lab.schema()?;
    let scope = SchemaScope { columns: false, indexes: checks.tables.iter().any(|t| !t.indexes.is_empty()), constraints: checks.tables.iter().any(|t| !t.constraints.is_empty()), ..SchemaScope::default() };
    failures.extend(compare::tables(&checks.tables, &schema, &scope));
    for value in &checks.values {
        let key = ValueKey { expected: value.expected.clone(), ..ValueKey::default() };
        match lab.value(&value.query)? {
            Err(error) => failures.push(format!("`{}` fails: {error}", value.query)),
            Ok(got) if !compare::value(&key, got.as_deref()) => {
                failures.push(format!("`{}` returns {} instead of {}", value.query, compare::shown(got.as_deref()), compare::shown(value.expected.as_deref())));
            }
            Ok(_) => {}
        }
    }
    let Some(migration) = migration else { return Ok(failures) };
    if checks.round_trip {
        failures.extend(round_trip(lab, migration, &before)?);
    }
    if checks.downgrade_order {
        match safety::downgrade_problems(&migration.migration, &start) {
            None => skipped.push(format!("downgrade order of `{}` (downgrade analysis not available)", migration.file())),
            Some(problems) => failures.extend(problems),
        }
    }
    match safety::findings(&migration.migration, &start) {
        None if !checks.forbid.is_empty() || !checks.allow_destructive => skipped.push(format!("safety findings of `{}` (rules not available)", migration.file())),
        None => {}
        Some(safety) => {
            failures.extend(safety.codes.iter().filter(|code| checks.forbid.contains(code)).map(|code| format!("the rules report `{code}`, which this check forbids")));
            if safety.destructive() && !checks.allow_destructive {
                failures.push("the upgrade is destructive, and this check does not allow that".to_owned());
            }
        }
    }
    Ok(failures)
}

/// Upgrade (already done), downgrade, upgrade again: both runs succeed and no table loses or gains rows.
fn round_trip(lab: &mut Lab, migration: &LessonMigration, before: &std::collections::BTreeMap<String, Option<u64>>) -> Result<Vec<String>, Broken> {
    let upgraded = lab.row_counts()?;
    if let Some(error) = lab.apply(&[Application { migration, direction: Direction::Downgrade }])? {
        return Ok(vec![format!("the downgrade fails: {error}")]);
    }
    let mut failures = Vec::new();
    let changed = super::lesson_run::changed_counts(before, &lab.schema()?);
    if !changed.is_empty() {
        failures.push(format!("after the downgrade, row counts differ from the start: {}", changed.join(", ")));
    }
    if let Some(error) = lab.apply(&[Application { migration, direction: Direction::Upgrade }])? {
        failures.push(format!("the second upgrade fails: {error}"));
        return Ok(failures);
    }
    let changed = super::lesson_run::changed_counts(&upgraded, &lab.schema()?);
    if !changed.is_empty() {
        failures.push(format!("after upgrading again, row counts differ from the first upgrade: {}", changed.join(", ")));
    }
    Ok(failures)
}
