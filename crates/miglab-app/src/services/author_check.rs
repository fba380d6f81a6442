//! "Check on the engine" in the author view: the whole `miglab check` of the edited lesson, on the page's engine.
//!
//! The replay itself is not here and never will be: it moves from the CLI into the analysis crate and reaches the
//! page as a step function through the bridge (`services::lesson_check`). Until that service is part of this
//! build, [`check_on_engine`] says so instead of checking anything, so there is never a second checker.

use crate::services::engine_link::Lab;
use crate::state::author::Check;
use miglab_model::lesson::Lesson;

/// Runs the lesson's check on the engine: `Check::Done` with each result as `file:line: …` and whether all passed.
#[allow(clippy::unused_async)]
pub async fn check_on_engine(_lab: &Lab, lesson: &Lesson) -> Check {
    Check::Failed(format!(
        "The in-page check of `{}` is not part of this build yet; run `miglab check` on the exported files meanwhile.",
        lesson.manifest.id
    ))
}
