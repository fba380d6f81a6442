//! The seam to the core's safety rules and downgrade analysis, which the drop-guard and Make checks rely on.
//!
//! Until those modules are in the core, every answer here is "unknown" and the checks that need them are skipped,
//! never passed silently: `miglab check` prints that they were skipped.

use miglab_core::migration::Migration;

/// The finding codes the rules report on a migration's upgrade, and whether any is destructive;
/// `None` while the rules are not available.
pub fn findings(migration: &Migration) -> Option<(Vec<String>, bool)> {
    let _ = migration;
    None
}

/// Sentences describing how the downgrade fails to undo the upgrade in reverse order;
/// `None` while downgrade analysis is not available.
pub fn downgrade_problems(migration: &Migration) -> Option<Vec<String>> {
    let _ = migration;
    None
}
