//! "Check on the engine" in the author view: the whole `miglab check` of the edited lesson, on the page's engine.
//!
//! The check is `services::lesson_check`, the analysis crate's own checks replayed by the analyzer module; this file
//! only hands it the lesson folder's files, as the author view holds them, and words its report for the view.

use crate::services::engine_link::Lab;
use crate::services::lesson_check;
use crate::state::author::Check;
use miglab_model::protocol::CheckLesson;
use std::collections::BTreeMap;

/// Checks lesson `folder` among `files` (keyed by their path in the lessons folder) on the engine: `Check::Done` with
/// each result as `miglab check` prints it and whether the lesson passed.
pub async fn check_on_engine(lab: &Lab, folder: &str, files: BTreeMap<String, String>) -> Check {
    let engine = match lab {
        Lab::Ready(engine) => engine.clone(),
        Lab::Booting => {
            return Check::Failed(
                "Postgres is still starting in this page; try the check again in a moment."
                    .to_owned(),
            )
        }
        Lab::Failed(reason) => {
            return Check::Failed(format!(
            "Postgres could not start in this page, so the lesson cannot be checked here: {reason}"
        ))
        }
    };
    let lesson = CheckLesson::Folder { id: folder.to_owned(), files };
    match lesson_check::check(engine.as_ref(), lesson).await {
        Ok(report) => {
            let mut lines: Vec<String> =
                report.diagnostics.iter().map(|d| d.rendered.clone()).collect();
            lines.extend(report.skipped.iter().map(|s| format!("skipped: {s}")));
            lines.push(format!(
                "{folder}: {} ({} engine calls)",
                if report.passed() { "ok" } else { "failed" },
                report.calls
            ));
            Check::Done { passed: report.passed(), lines }
        }
        Err(message) => Check::Failed(message),
    }
}
