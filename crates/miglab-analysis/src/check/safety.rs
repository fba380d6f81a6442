//! The seam to the analysis's safety rules and downgrade analysis, which the drop-guard and gate checks rely on.

use crate::downgrade;
use crate::migration::Migration;
use crate::rules::{self, RuleContext};
use crate::schema::Schema;

/// What the rules say about a migration's upgrade.
pub struct Safety {
    /// Every finding code, in step order.
    pub codes: Vec<String>,
    /// What the destructive findings name: `(table, column)`, with no column for a whole table.
    pub destroys: Vec<(String, Option<String>)>,
}

impl Safety {
    pub fn destructive(&self) -> bool {
        !self.destroys.is_empty()
    }

    /// Whether a destructive finding covers this table or column.
    pub fn covers(&self, table: &str, column: Option<&str>) -> bool {
        self.destroys.iter().any(|(t, c)| t == table && (c.is_none() || c.as_deref() == column))
    }
}

/// Runs the rules on a migration's upgrade from `before` (the engine's schema, with row counts).
/// `None` would mean "rules unavailable"; the callers keep that case so a lesson checker built
/// without rules still reports what it skipped.
pub fn findings(migration: &Migration, before: &Schema) -> Option<Safety> {
    let found = rules::check(&migration.upgrade, &RuleContext { schema: Some(before) });
    let destroys = found
        .iter()
        .filter(|f| f.is_destructive())
        .flat_map(|f| f.affected.iter().map(|a| (a.table.clone(), a.column.clone())))
        .collect();
    Some(Safety { codes: found.into_iter().map(|f| f.code).collect(), destroys })
}

/// Sentences describing how the downgrade fails to undo the upgrade exactly, in reverse order.
pub fn downgrade_problems(migration: &Migration, before: &Schema) -> Option<Vec<String>> {
    let report = downgrade::check_from(migration, Some(before));
    if report.exact {
        return Some(Vec::new());
    }
    Some(report.diagnostics.into_iter().filter(|d| d.is_error()).map(|d| d.message).collect())
}
