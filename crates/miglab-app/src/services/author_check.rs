//! "Check on the engine" in the author view: the whole `miglab check` of the edited lesson, on the page's engine.
//!
//! The replay itself is not here and never will be: it moves from the CLI into the analysis crate and reaches the
//! page as a step function through the bridge (`services::lesson_check`, which takes a lesson folder's files as
//! `CheckLesson::Folder { id, files }`). Until that service is part of this build, [`check_on_engine`] says so
//! instead of checking anything, so there is never a second checker.

use crate::services::engine_link::Lab;
use crate::state::author::Check;
use std::collections::BTreeMap;

/// Checks lesson `folder` among `files` (keyed by their path in the lessons folder) on the engine: `Check::Done` with
/// each result as `miglab check` prints it and whether the lesson passed.
#[allow(clippy::unused_async)]
pub async fn check_on_engine(_lab: &Lab, folder: &str, _files: BTreeMap<String, String>) -> Check {
    Check::Failed(format!(
        "The in-page check of `{folder}` is not part of this build yet; run `miglab check` on the exported files meanwhile."
    ))
}
