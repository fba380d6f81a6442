//! The static simulation for `miglab check --static`: seed and chain simulated without an engine.
//!
//! With an engine, `guard.rs` holds the simulation to the engine revision by revision; without one,
//! this at least proves the simulation runs over the whole lesson and says where it cannot follow.

use crate::diagnostic::Diagnostic;
use crate::lesson::{FileDiagnostic, Lesson};
use crate::schema::Schema;
use crate::simulate;
use crate::sqlfile::split_statements;

/// Simulates the seed, then the chain up to its head; a predicted failure is an error unless the
/// lesson's run expects one, and what the simulation cannot model is counted in `skipped`.
pub fn check(lesson: &Lesson, skipped: &mut Vec<String>) -> Vec<FileDiagnostic> {
    let id = &lesson.manifest.id;
    let mut out = Vec::new();
    let (seed, _) = split_statements(&lesson.seed);
    let seeded = simulate::apply(&Schema::default(), &seed);
    let mut schema = seeded.schema;
    let mut unknown = seeded.unknowns.len();
    let run_fails = lesson.manifest.run.expect.error.is_some();
    for migration in &lesson.chain {
        let simulation = simulate::apply(&schema, &migration.migration.upgrade);
        unknown += simulation.unknowns.len();
        if let (Some(failure), false) = (&simulation.failure, run_fails) {
            let message = format!("The static simulation predicts this upgrade fails ({}: {}), but the lesson's run expects success.", failure.sqlstate, failure.error);
            let diagnostic = Diagnostic::error("lesson-simulation-fails", message)
                .with_help("Run `miglab check` with the engine to see what Postgres does.");
            out.push(FileDiagnostic::new(&format!("{id}/{}", migration.file()), None, diagnostic));
            break;
        }
        schema = simulation.schema;
    }
    if unknown > 0 {
        skipped.push(format!(
            "{unknown} statement{} the static simulation does not model (seed rows, data changes)",
            if unknown == 1 { "" } else { "s" }
        ));
    }
    out
}
