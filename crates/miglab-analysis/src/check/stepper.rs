//! The in-page `miglab check`: one lesson's engine checks, replayed over the answers the page's engine gave so far.
//!
//! The page's engine answers asynchronously, so the analyzer cannot call it; it runs [`super::lesson_run`] on a
//! [`crate::engine::replay`] of the answers instead, and hands out the first call it has no answer for. The loaded
//! lesson and the log stay here between steps, so the page sends each answer once and the lesson is read once.

use super::lesson_run::check_lesson;
use crate::diagnostic::Diagnostic;
use crate::engine::call::{Answer, Call};
use crate::engine::replay::{replay, Logged, Step};
use crate::lesson::{load_folder, FileDiagnostic, Lesson, MANIFEST};
use crate::protocol::{CheckLesson, CheckReport, CheckRequest, CheckStep, CheckedDiagnostic};

/// One lesson's check in progress.
pub struct Stepper {
    id: String,
    /// `<id>/lesson.toml`, the file the engine checks' diagnostics name.
    file: String,
    /// Its text, for positions; empty for a lesson that came loaded.
    text: String,
    lesson: Option<Lesson>,
    /// What loading the lesson found, reported before the engine's findings, as `miglab check` does.
    loaded: Vec<FileDiagnostic>,
    log: Vec<Logged>,
    /// The call the last step asked for, which the next answer answers.
    pending: Option<Call>,
}

impl Stepper {
    /// Reads the lesson and runs the check up to its first engine call.
    pub fn start(input: CheckLesson) -> (Stepper, CheckStep) {
        let mut stepper = match input {
            CheckLesson::Folder { id, files } => {
                let file = format!("{id}/{MANIFEST}");
                let read = |path: &str| files.get(&normalized(path)).cloned();
                match load_folder(&id, &read) {
                    Some(folder) => {
                        Stepper::new(id, file, folder.text, folder.lesson, folder.diagnostics)
                    }
                    None => {
                        let diagnostic = Diagnostic::error(
                            "lesson-missing-file",
                            format!("There is no {file} among the lesson's files."),
                        )
                        .with_help("Add the lesson's lesson.toml.");
                        let missing = FileDiagnostic::new(&file, None, diagnostic);
                        Stepper::new(id, file, String::new(), None, vec![missing])
                    }
                }
            }
            CheckLesson::Loaded { lesson } => {
                let id = lesson.manifest.id.clone();
                let file = format!("{id}/{MANIFEST}");
                Stepper::new(id, file, String::new(), Some(*lesson), Vec::new())
            }
        };
        let step = stepper.step();
        (stepper, step)
    }

    fn new(
        id: String,
        file: String,
        text: String,
        lesson: Option<Lesson>,
        loaded: Vec<FileDiagnostic>,
    ) -> Stepper {
        Stepper { id, file, text, lesson, loaded, log: Vec::new(), pending: None }
    }

    /// Takes the engine's answer to the call the last step asked for and runs the check again from the start.
    pub fn answer(&mut self, answer: Answer) -> CheckStep {
        let Some(call) = self.pending.take() else {
            return CheckStep::Failed {
                message: "An engine answer arrived, but the check asked for nothing.".to_owned(),
            };
        };
        self.log.push(Logged { call, answer });
        self.step()
    }

    fn step(&mut self) -> CheckStep {
        let mut diagnostics = self.loaded.clone();
        let mut skipped = Vec::new();
        // A lesson that does not load, or loads with errors, is not run, as `miglab check` does not run it.
        if let Some(lesson) =
            self.lesson.as_ref().filter(|_| !self.loaded.iter().any(FileDiagnostic::is_error))
        {
            let (file, text) = (self.file.as_str(), self.text.as_str());
            match replay(&self.log, |engine| check_lesson(lesson, file, text, engine, None)) {
                Step::Need(call) => {
                    self.pending = Some(call.clone());
                    return CheckStep::Need { call };
                }
                Step::Diverged(message) => return CheckStep::Failed { message },
                Step::Done(findings) => {
                    diagnostics.extend(findings.diagnostics);
                    skipped = findings.skipped;
                }
            }
        }
        let diagnostics = diagnostics
            .iter()
            .map(|d| CheckedDiagnostic {
                field: d.field.clone(),
                code: d.diagnostic.code.clone(),
                error: d.is_error(),
                message: d.diagnostic.message.clone(),
                rendered: d.render(),
            })
            .collect();
        CheckStep::Done {
            report: CheckReport {
                id: self.id.clone(),
                diagnostics,
                skipped,
                calls: self.log.len(),
            },
        }
    }
}

/// A path inside the lessons folder with `.` and `..` resolved, as the file system resolves the seed's
/// `../datasets/reconciler.sql` from inside a lesson folder.
fn normalized(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

/// Answers one [`CheckRequest`] as JSON with a [`CheckStep`] as JSON; `state` is the check in progress, which the
/// caller keeps between requests (the analyzer module keeps one).
pub fn answer_json(state: &mut Option<Stepper>, request: &str) -> String {
    let step = match serde_json::from_str::<CheckRequest>(request) {
        Err(error) => CheckStep::Failed {
            message: format!("The check request could not be read ({error}); reload the page so app and analyzer match."),
        },
        Ok(CheckRequest::Start { lesson }) => {
            let (stepper, step) = Stepper::start(lesson);
            *state = Some(stepper);
            step
        }
        Ok(CheckRequest::Answer { answer }) => match state.as_mut() {
            Some(stepper) => stepper.answer(answer),
            None => CheckStep::Failed { message: "An engine answer arrived, but no check is in progress.".to_owned() },
        },
    };
    serde_json::to_string(&step).unwrap_or_else(|error| {
        format!(
            r#"{{"step":"failed","message":"The check's step could not be written: {error}."}}"#
        )
    })
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::engine::call::Reply;
    use crate::lesson::scaffold;
    use std::collections::BTreeMap;

    fn folder() -> CheckLesson {
        let files: BTreeMap<String, String> = scaffold("t").into_iter().collect();
        CheckLesson::Folder { id: "t".into(), files }
    }

    #[test]
    fn normalized_ok() {
        assert_eq!(
            normalized("confidence_score/../datasets/reconciler.sql"),
            "datasets/reconciler.sql"
        );
        assert_eq!(normalized("./t//lesson.toml"), "t/lesson.toml");
    }

    #[test]
    fn first_call_is_the_setup_ok() {
        let (_, step) = Stepper::start(folder());
        match step {
            CheckStep::Need { call: Call::Setup { setup } } => {
                assert_eq!(setup.branch, "migration-created-by")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn broken_lesson_is_done_without_the_engine_err() {
        let mut files: BTreeMap<String, String> = scaffold("t").into_iter().collect();
        files.insert("t/lesson.toml".into(), "format = 1\nid = 't'\ntitel = 'x'\n".into());
        let (_, step) = Stepper::start(CheckLesson::Folder { id: "t".into(), files });
        let CheckStep::Done { report } = step else { panic!("{step:?}") };
        assert!(!report.passed());
        assert_eq!(report.calls, 0);
        assert!(report.diagnostics[0].rendered.starts_with("t/lesson.toml:"), "{report:?}");
    }

    #[test]
    fn engine_failure_ends_the_check_err() {
        let mut state = None;
        let start =
            serde_json::to_string(&CheckRequest::Start { lesson: folder() }).unwrap_or_default();
        assert!(answer_json(&mut state, &start).contains(r#""call":"setup""#));
        let lost = CheckRequest::Answer {
            answer: Err(crate::engine::EngineError::Boot("no worker".into())),
        };
        let step: CheckStep = serde_json::from_str(&answer_json(
            &mut state,
            &serde_json::to_string(&lost).unwrap_or_default(),
        ))
        .expect("a step");
        let CheckStep::Done { report } = step else { panic!("{step:?}") };
        assert_eq!(report.diagnostics.len(), 1);
        assert!(report.diagnostics[0].rendered.contains("The engine stopped while checking this lesson. The database engine could not start: no worker."), "{report:?}");
        // An answer nobody asked for.
        let stray = CheckRequest::Answer { answer: Ok(Reply::Done) };
        assert!(answer_json(&mut state, &serde_json::to_string(&stray).unwrap_or_default())
            .contains("asked for nothing"));
    }
}
