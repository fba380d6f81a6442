//! Per-revision checks: the static simulation agrees with the engine, expected findings are reported,
//! and the drop guard fires on every revision that loses data.

use super::lab::{Broken, Lab};
use super::safety;
use crate::analysis::{analyze, Change};
use crate::diagnostic::Diagnostic;
use crate::lesson::{Application, FileDiagnostic, LessonMigration};
use crate::migration::Direction;
use crate::schema::Schema;
use crate::simulate;

/// Upgrades `migration` from the lab's current state and checks it; the lab is left upgraded.
pub fn check_revision(
    lab: &mut Lab,
    lesson_id: &str,
    migration: &LessonMigration,
    skipped: &mut Vec<String>,
) -> Result<Vec<FileDiagnostic>, Broken> {
    let file = format!("{lesson_id}/{}", migration.file());
    let error = |code: &str, message: String, help: &str| {
        FileDiagnostic::new(&file, None, Diagnostic::error(code, message).with_help(help))
    };
    let mut out = Vec::new();
    let before = lab.schema()?;
    let failed = lab.apply(&[Application { migration, direction: Direction::Upgrade }])?;
    let after = lab.schema()?;
    let mut simulation = simulate::apply(&before, &migration.migration.upgrade);
    match (&simulation.failure, &failed) {
        _ if !simulation.unknowns.is_empty() => {
            let count = simulation.unknowns.len();
            skipped.push(format!(
                "static simulation of `{file}` ({count} statement{} it does not model)",
                if count == 1 { "" } else { "s" }
            ));
        }
        (None, None) => {
            for table in &mut simulation.schema.tables {
                table.row_count = None;
            }
            let differences = simulate::differences(&simulation.schema, &after);
            if !differences.is_empty() {
                out.push(error(
                    "lesson-simulation-disagrees",
                    format!(
                        "The static simulation disagrees with the engine: {}.",
                        differences.join("; ")
                    ),
                    "Report this as a bug in miglab's simulation (`crate::simulate`), or simplify the migration.",
                ));
            }
        }
        (Some(predicted), Some(real)) if predicted.sqlstate == real.sqlstate => {}
        (predicted, real) => {
            let shown = |s: Option<String>| s.unwrap_or_else(|| "success".to_owned());
            let message = format!(
                "The static simulation predicts {}, but the engine gives {}.",
                shown(predicted.as_ref().map(|f| format!("ERROR {}", f.sqlstate))),
                shown(real.as_ref().map(|e| format!("ERROR {}", e.sqlstate)))
            );
            out.push(error(
                "lesson-simulation-disagrees",
                message,
                "Report this as a bug in miglab's simulation (`crate::simulate`), or simplify the migration.",
            ));
        }
    }
    let lost = lost_data(&before, &after, &renamed(&migration.migration.upgrade));
    let expected = &migration.reference.findings;
    match safety::findings(&migration.migration, &before) {
        None if !lost.is_empty() || !expected.is_empty() => {
            skipped.push(format!("drop guard on `{file}` (rules not available)"))
        }
        None => {}
        Some(safety) => {
            for (table, column) in lost.iter().filter(|(t, c)| !safety.covers(t, c.as_deref())) {
                let what = column.as_ref().map_or_else(
                    || format!("table `{table}`"),
                    |c| format!("column `{table}.{c}`"),
                );
                out.push(error("lesson-drop-guard-silent", format!("The upgrade loses {what} on the engine, but no destructive finding names it, so the drop guard would not stop it."), "Fix the safety rules, or report the gap."));
            }
            for code in expected.iter().filter(|code| !safety.codes.contains(code)) {
                out.push(error(
                    "lesson-missing-finding",
                    format!(
                        "The lesson expects the finding `{code}`, but the rules report {:?}.",
                        safety.codes
                    ),
                    "Change `findings` to the codes the rules report.",
                ));
            }
        }
    }
    Ok(out)
}

/// Tables and columns present before and gone after, where rows existed: what a drop loses,
/// as `(table, column)` with no column for a whole table.
/// A renamed table or column has only changed its name, so it is not lost.
fn lost_data(
    before: &Schema,
    after: &Schema,
    renamed: &[(String, Option<String>)],
) -> Vec<(String, Option<String>)> {
    let moved = |table: &str, column: Option<&str>| {
        renamed.iter().any(|(t, c)| t == table && c.as_deref() == column)
    };
    let mut lost = Vec::new();
    for table in
        before.tables.iter().filter(|t| t.row_count.unwrap_or(0) > 0 && !moved(&t.name, None))
    {
        let Some(now) = after.table(&table.name) else {
            lost.push((table.name.clone(), None));
            continue;
        };
        let gone = table
            .columns
            .iter()
            .filter(|c| now.column(&c.name).is_none() && !moved(&table.name, Some(&c.name)));
        lost.extend(gone.map(|c| (table.name.clone(), Some(c.name.clone()))));
    }
    lost
}

/// `(table, None)` for each renamed table and `(table, Some(column))` for each renamed column.
fn renamed(steps: &[crate::migration::Step]) -> Vec<(String, Option<String>)> {
    analyze(steps)
        .facts
        .into_iter()
        .filter_map(|fact| match fact.change {
            Change::RenameTable { table, .. } => Some((table.name, None)),
            Change::RenameColumn { table, column, .. } => Some((table.name, Some(column))),
            _ => None,
        })
        .collect()
}
