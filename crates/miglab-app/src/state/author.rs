//! The author view's state: the open lesson files, the one in the editor, what the analyzer last said about them,
//! and the draft that keeps them across a reload.
//!
//! Files are keyed by their path inside a lessons folder (`my_lesson/lesson.toml`), as the analyzer loads them and
//! names them in diagnostics. Opening more files adds them beside the open ones and never writes over one, so
//! nothing the instructor typed is lost to a click.

use crate::state::lesson_model::LessonView;
use miglab_model::diagnostic::{LineCol, LineIndex, Severity};
use miglab_model::lesson::FileDiagnostic;
use miglab_model::protocol::AuthoredLesson;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Reducible;

/// Where an edited lesson's preview keeps its progress: never a key of the course or of a pack.
pub const PREVIEW_PREFIX: &str = "author-preview:";

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AuthorState {
    pub files: BTreeMap<String, String>,
    /// The file in the editor.
    pub open: Option<String>,
    /// Bumped by every change to `files`, so a late reply about older text is dropped.
    pub revision: u64,
    /// The analyzer's last reply, and the revision it was about.
    pub lessons: Vec<AuthoredLesson>,
    pub analyzed: Option<u64>,
    /// The analyzer could not answer; its sentence.
    pub analyzer_failed: Option<String>,
    /// What the last open, export or save said.
    pub notice: Vec<String>,
    /// A place to show in the editor, from a click on a diagnostic; `seq` makes a second click on it move again.
    pub jump: Option<Jump>,
    pub check: Check,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Jump {
    pub path: String,
    pub at: LineCol,
    pub seq: u64,
}

/// "Check on the engine": not run, running, or its result lines (each `file:line: …`) and whether it passed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Check {
    #[default]
    Idle,
    Running,
    Done {
        passed: bool,
        lines: Vec<String>,
    },
    Failed(String),
}

pub enum AuthorAction {
    /// Files opened from `source` (a folder, a zip, a pack, a new lesson), with what was left out of them.
    Add {
        source: String,
        files: BTreeMap<String, String>,
        messages: Vec<String>,
    },
    /// Takes a lesson folder (or `course.toml`) out of the open files.
    Close(String),
    Select(String),
    Edit {
        path: String,
        text: String,
    },
    Analyzed {
        revision: u64,
        result: Result<Vec<AuthoredLesson>, String>,
    },
    Notice(Vec<String>),
    Dismiss,
    Jump {
        path: String,
        at: LineCol,
    },
    Checking,
    Checked(Check),
}

impl Reducible for AuthorState {
    type Action = AuthorAction;

    fn reduce(self: Rc<Self>, action: AuthorAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            AuthorAction::Add { source, files, messages } => {
                let taken: Vec<&String> =
                    files.keys().filter(|p| next.files.contains_key(*p)).collect();
                if let Some(first) = taken.first() {
                    next.notice = vec![format!(
                        "{source} was not opened: `{first}` is already open{}. Close that lesson first, or rename its folder, so your open work is not written over.",
                        if taken.len() > 1 { format!(", with {} more of its files", taken.len() - 1) } else { String::new() }
                    )];
                    return Rc::new(next);
                }
                let first = files
                    .keys()
                    .find(|p| p.ends_with("/lesson.toml"))
                    .or_else(|| files.keys().next())
                    .cloned();
                next.notice = messages;
                next.notice.insert(0, format!("Opened {source}: {} files.", files.len()));
                next.files.extend(files);
                next.open = first.or(next.open);
                next.changed();
            }
            AuthorAction::Close(folder) => {
                let prefix = format!("{folder}/");
                next.files.retain(|p, _| *p != folder && !p.starts_with(&prefix));
                if next.open.as_ref().is_some_and(|p| !next.files.contains_key(p)) {
                    next.open = next.files.keys().find(|p| p.ends_with("/lesson.toml")).cloned();
                }
                next.changed();
            }
            AuthorAction::Select(path) if next.files.contains_key(&path) => {
                next.open = Some(path);
                next.jump = None;
            }
            AuthorAction::Select(_) => return self,
            AuthorAction::Edit { path, text } => {
                if next.files.get(&path) == Some(&text) {
                    return self;
                }
                next.files.insert(path, text);
                next.changed();
            }
            AuthorAction::Analyzed { revision, result } => {
                if revision != next.revision {
                    return self;
                }
                match result {
                    Ok(lessons) => {
                        next.lessons = lessons;
                        next.analyzed = Some(revision);
                        next.analyzer_failed = None;
                    }
                    Err(message) => next.analyzer_failed = Some(message),
                }
            }
            AuthorAction::Notice(lines) => next.notice = lines,
            AuthorAction::Dismiss => next.notice.clear(),
            AuthorAction::Jump { path, at } => {
                let seq = next.jump.as_ref().map_or(0, |j| j.seq + 1);
                next.open = Some(path.clone());
                next.jump = Some(Jump { path, at, seq });
            }
            AuthorAction::Checking => next.check = Check::Running,
            AuthorAction::Checked(check) => next.check = check,
        }
        Rc::new(next)
    }
}

/// One diagnostic placed in its file's text, for the editor: 1-based line and column at both ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mark {
    pub from: LineCol,
    pub to: LineCol,
    pub severity: &'static str,
    pub message: String,
}

/// What the analyzer's last reply says, in one line for the status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Empty,
    Analyzing,
    Failed(String),
    Problems { errors: usize, warnings: usize },
    Clean { lessons: usize },
}

impl AuthorState {
    /// The files changed: the analysis and the engine check are about older text now.
    fn changed(&mut self) {
        self.revision += 1;
        self.check = Check::Idle;
    }

    /// Every diagnostic of the last analysis, by file and position.
    pub fn diagnostics(&self) -> Vec<&FileDiagnostic> {
        let mut all: Vec<&FileDiagnostic> =
            self.lessons.iter().flat_map(|l| &l.diagnostics).collect();
        all.sort_by_key(|d| (d.file.clone(), d.diagnostic.at));
        all
    }

    pub fn status(&self) -> Status {
        if !self.files.keys().any(|p| p.ends_with("/lesson.toml")) {
            return Status::Empty;
        }
        if let Some(message) = &self.analyzer_failed {
            return Status::Failed(message.clone());
        }
        if self.analyzed.is_none() {
            return Status::Analyzing;
        }
        let all = self.diagnostics();
        let errors = all.iter().filter(|d| d.is_error()).count();
        match (errors, all.len() - errors) {
            (0, 0) => Status::Clean { lessons: self.lessons.len() },
            (errors, warnings) => Status::Problems { errors, warnings },
        }
    }

    /// Whether the last analysis is about the text as it is now.
    pub fn is_current(&self) -> bool {
        self.analyzed == Some(self.revision)
    }

    /// The editor's marks for `path`: each diagnostic with a position, from its start to the end of its span.
    pub fn marks(&self, path: &str) -> Vec<Mark> {
        let Some(text) = self.files.get(path) else { return Vec::new() };
        let index = LineIndex::new(text);
        self.diagnostics()
            .into_iter()
            .filter(|d| d.file == path)
            .filter_map(|d| {
                let from = d.diagnostic.at?;
                let to = d
                    .diagnostic
                    .span
                    .filter(|s| s.end <= text.len() && s.end > s.start)
                    .map_or(from, |s| index.line_col(s.end));
                Some(Mark {
                    from,
                    to,
                    severity: match d.diagnostic.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                        Severity::Info => "info",
                    },
                    message: shown(d),
                })
            })
            .collect()
    }

    /// The lesson folder of the file in the editor, or the only one open.
    pub fn folder(&self) -> Option<String> {
        let from_open =
            self.open.as_ref().and_then(|p| p.split_once('/')).map(|(f, _)| f.to_owned());
        from_open.filter(|f| self.files.contains_key(&format!("{f}/lesson.toml"))).or_else(|| {
            let mut folders = self.folders();
            (folders.len() == 1).then(|| folders.remove(0))
        })
    }

    /// Every lesson folder among the open files.
    pub fn folders(&self) -> Vec<String> {
        self.files
            .keys()
            .filter_map(|p| p.strip_suffix("/lesson.toml"))
            .filter(|f| !f.contains('/'))
            .map(str::to_owned)
            .collect()
    }

    /// The loaded lesson of [`Self::folder`] as a student would see it, with a progress key of its own; `None`
    /// until the text as it is now has loaded without errors.
    pub fn preview(&self) -> Option<LessonView> {
        if !self.is_current() {
            return None;
        }
        let folder = self.folder()?;
        let lesson = self.lessons.iter().find(|l| l.folder == folder)?.lesson.as_deref()?;
        let mut view = LessonView::new(lesson.clone());
        view.progress_key = format!("{PREVIEW_PREFIX}{}", view.progress_key);
        Some(view)
    }

    /// The draft kept across reloads.
    pub fn draft(&self) -> String {
        serde_json::to_string(&Draft {
            version: DRAFT_VERSION,
            files: self.files.clone(),
            open: self.open.clone(),
        })
        .unwrap_or_default()
    }

    /// The state a stored draft describes; `Err` with a sentence when the text is not a draft this build reads.
    pub fn from_draft(text: &str) -> Result<AuthorState, String> {
        let draft: Draft = serde_json::from_str(text).map_err(|e| {
            format!("The saved draft of the author view could not be read ({e}), so it was set aside and the view starts empty.")
        })?;
        if draft.version != DRAFT_VERSION {
            return Err(format!("The saved draft of the author view is version {}, and this page reads version {DRAFT_VERSION}; it was set aside and the view starts empty.", draft.version));
        }
        let open = draft.open.filter(|p| draft.files.contains_key(p));
        Ok(AuthorState { files: draft.files, open, revision: 1, ..AuthorState::default() })
    }
}

/// A diagnostic's message as the list and the editor show it: the field it is about, the message and the help.
pub fn shown(d: &FileDiagnostic) -> String {
    let mut text = match &d.field {
        Some(field) => format!("field `{field}`: {}", d.diagnostic.message),
        None => d.diagnostic.message.clone(),
    };
    if let Some(help) = &d.diagnostic.help {
        text.push_str(&format!(" {help}"));
    }
    text
}

/// The editor language of a file, by its extension.
pub fn language(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("py") => "python",
        Some("sql") => "sql",
        Some("toml") => "toml",
        _ => "text",
    }
}

const DRAFT_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Draft {
    version: u32,
    files: BTreeMap<String, String>,
    #[serde(default)]
    open: Option<String>,
}

#[cfg(test)]
mod test {
    use super::*;
    use miglab_model::protocol::{Reply, Request};

    fn reduce(state: AuthorState, action: AuthorAction) -> AuthorState {
        (*Rc::new(state).reduce(action)).clone()
    }

    fn scaffold(id: &str) -> BTreeMap<String, String> {
        match miglab_analysis::service::answer_any(Request::Scaffold { id: id.into() }) {
            Reply::Files { files, .. } => files,
            _ => panic!("scaffold"),
        }
    }

    fn analyzed(state: AuthorState) -> AuthorState {
        let Reply::Lessons { lessons } =
            miglab_analysis::service::answer_any(Request::Lessons { files: state.files.clone() })
        else {
            panic!("lessons")
        };
        let revision = state.revision;
        reduce(state, AuthorAction::Analyzed { revision, result: Ok(lessons) })
    }

    fn with_lesson(id: &str) -> AuthorState {
        let add = AuthorAction::Add {
            source: "a new lesson".into(),
            files: scaffold(id),
            messages: vec![],
        };
        reduce(AuthorState::default(), add)
    }

    #[test]
    fn new_lesson_opens_manifest_and_previews_ok() {
        let state = with_lesson("t");
        assert_eq!(state.open.as_deref(), Some("t/lesson.toml"));
        assert_eq!(state.status(), Status::Analyzing);
        assert_eq!(state.preview(), None);
        let state = analyzed(state);
        assert_eq!(state.status(), Status::Clean { lessons: 1 });
        let preview = state.preview().expect("the scaffold loads");
        assert_eq!(preview.progress_key, "author-preview:t");
    }

    #[test]
    fn error_marked_at_its_place_err() {
        let state = with_lesson("t");
        let text = state.files["t/lesson.toml"].replace("minutes = 20", "minutes = \"twenty\"");
        let state = analyzed(reduce(
            state,
            AuthorAction::Edit { path: "t/lesson.toml".into(), text: text.clone() },
        ));
        assert_eq!(state.status(), Status::Problems { errors: 1, warnings: 0 });
        assert_eq!(state.preview(), None);
        let line = 1 + text.lines().position(|l| l.starts_with("minutes")).expect("line");
        let marks = state.marks("t/lesson.toml");
        assert_eq!(marks.len(), 1);
        assert_eq!(marks[0].from.line as usize, line);
        assert!(marks[0].to.column > marks[0].from.column, "{marks:?}");
        assert_eq!(marks[0].severity, "error");
    }

    #[test]
    fn stale_reply_dropped_err() {
        let state = with_lesson("t");
        let old = state.revision;
        let state =
            reduce(state, AuthorAction::Edit { path: "t/seed.sql".into(), text: "x".into() });
        let state = reduce(state, AuthorAction::Analyzed { revision: old, result: Ok(vec![]) });
        assert_eq!(state.analyzed, None);
    }

    #[test]
    fn open_never_writes_over_err() {
        let state = with_lesson("t");
        let mut again = scaffold("t");
        again.insert("t/seed.sql".into(), "-- other".into());
        let state = reduce(
            state,
            AuthorAction::Add { source: "t.zip".into(), files: again, messages: vec![] },
        );
        assert_ne!(state.files["t/seed.sql"], "-- other");
        assert!(
            state.notice[0].starts_with("t.zip was not opened: `t/lesson.toml` is already open"),
            "{:?}",
            state.notice
        );
    }

    #[test]
    fn close_removes_folder_ok() {
        let state = with_lesson("t");
        let state = reduce(
            state,
            AuthorAction::Add { source: "u".into(), files: scaffold("u"), messages: vec![] },
        );
        assert_eq!(state.folders(), ["t", "u"]);
        let state = reduce(state, AuthorAction::Close("u".into()));
        assert_eq!(state.folders(), ["t"]);
        assert_eq!(state.open.as_deref(), Some("t/lesson.toml"));
    }

    #[test]
    fn draft_round_trip_ok() {
        let state = with_lesson("t");
        let back = AuthorState::from_draft(&state.draft()).expect("reads");
        assert_eq!((back.files, back.open), (state.files, state.open));
    }

    #[test]
    fn damaged_draft_err() {
        let error = AuthorState::from_draft("{\"version\":").expect_err("refused");
        assert!(
            error.starts_with("The saved draft of the author view could not be read"),
            "{error}"
        );
        let error = AuthorState::from_draft("{\"version\":9,\"files\":{}}").expect_err("refused");
        assert!(error.contains("version 9"), "{error}");
    }
}
