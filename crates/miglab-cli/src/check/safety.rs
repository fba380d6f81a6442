//! The seam to the core's safety rules and downgrade analysis, which the drop-guard and gate checks rely on.

use miglab_core::downgrade;
use miglab_core::migration::Migration;
use miglab_core::rules::{self, RuleContext};
use miglab_core::schema::Schema;

/// The finding codes the rules report on a migration's upgrade from `before` (the engine's schema,
/// with row counts), and whether any of them is destructive. `None` would mean "rules unavailable";
/// the callers keep that case so a lesson checker built without rules still reports what it skipped.
pub fn findings(migration: &Migration, before: &Schema) -> Option<(Vec<String>, bool)> {
    let found = rules::check(&migration.upgrade, &RuleContext { schema: Some(before) });
    let destructive = found.iter().any(|f| f.is_destructive());
    Some((found.into_iter().map(|f| f.code).collect(), destructive))
}

/// Sentences describing how the downgrade fails to undo the upgrade exactly, in reverse order.
pub fn downgrade_problems(migration: &Migration, before: &Schema) -> Option<Vec<String>> {
    let report = downgrade::check_from(migration, Some(before));
    if report.exact {
        return Some(Vec::new());
    }
    Some(report.diagnostics.into_iter().filter(|d| d.is_error()).map(|d| d.message).collect())
}
