//! Saved progress: what a student has done in every lesson, versioned so old or damaged data is never silently lost.
//!
//! `load` never fails: unreadable data is set aside under its own storage key with a message,
//! and each lesson is recovered on its own so one damaged lesson does not cost the others.

use crate::lesson_view::Stage;
use miglab_core::grade::{self, Confidence, Graded, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Bump when the shape changes in a way `serde(default)` cannot absorb, and teach `load` the old one.
pub const VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub version: u32,
    #[serde(default)]
    pub lessons: BTreeMap<String, LessonProgress>,
}

impl Default for Progress {
    fn default() -> Progress {
        Progress { version: VERSION, lessons: BTreeMap::new() }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LessonProgress {
    pub stage: Option<Stage>,
    pub completed: BTreeSet<Stage>,
    /// Answers by question id.
    pub answers: BTreeMap<String, Answer>,
    /// Sections whose predictions were submitted and can no longer change.
    pub locked: BTreeSet<Stage>,
    /// Grading results by question id.
    pub verdicts: BTreeMap<String, Graded>,
    /// Self-explanations, by prompt index.
    pub explanations: BTreeMap<usize, String>,
    /// Editor text the student wrote for Modify and Make.
    pub drafts: BTreeMap<Stage, String>,
    pub checks: BTreeMap<Stage, Vec<CheckResult>>,
    pub gate: Gate,
    /// The Run stage's last results, so a reload can show what ran before it: the engine itself restarts from the seed.
    /// A copy of what the engine said, not the student's work: unreadable, it is dropped alone and never costs the lesson.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub last_run: Option<LastRun>,
}

/// What the Run stage showed last: the whole Alembic log since the branch point, and the last command's schema diff.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LastRun {
    /// Each command as `$ alembic upgrade head` followed by its log lines, in order.
    pub log: Vec<String>,
    /// The last command, e.g. `upgrade head`.
    pub command: String,
    pub before: miglab_core::schema::Schema,
    pub after: miglab_core::schema::Schema,
}

/// An answer as the student builds it: either half may still be missing until submit.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    #[serde(default)]
    pub response: Option<Response>,
    #[serde(default)]
    pub confidence: Option<Confidence>,
}

impl Answer {
    /// The complete answer the grader takes, once both halves are there.
    pub fn submitted(&self) -> Option<grade::Answer> {
        Some(grade::Answer { response: self.response.clone()?, confidence: self.confidence? })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub name: String,
    pub passed: bool,
    pub detail: String,
    /// Lines of the student's file Postgres failed on, marked in the editor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<(u32, u32)>,
}

/// The Make stage's mastery gate.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Gate {
    pub approval: String,
    pub approved: bool,
    /// The drop-guard answer: `Some(true)` refused, `Some(false)` proceeded with all three preconditions.
    pub refused: Option<bool>,
    /// What the student demands before the destructive migration may run.
    pub refusal: String,
    pub refusal_confidence: Option<Confidence>,
    /// The preconditions picked for the refusal (`gate::PRECONDITIONS` ids); the text above is only a reflection.
    #[serde(default)]
    pub preconditions: BTreeSet<String>,
    /// What the last Make run on the branch did, which the approval is checked against.
    #[serde(default)]
    pub run_claims: Option<crate::gate::RunClaims>,
    /// What the learner confirmed upgrade() and downgrade() did.
    #[serde(default)]
    pub confirmation: crate::gate::Confirmation,
}

/// What `load` found, for the message the student sees.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    pub progress: Progress,
    pub notice: Option<String>,
    /// Raw text to keep under a separate key, never thrown away.
    pub set_aside: Option<String>,
}

pub fn load(raw: Option<&str>) -> Loaded {
    let fresh = |notice: String, set_aside: String| Loaded { progress: Progress::default(), notice: Some(notice), set_aside: Some(set_aside) };
    let Some(raw) = raw else { return Loaded { progress: Progress::default(), notice: None, set_aside: None } };
    let Ok(value) = serde_json::from_str::<Value>(raw) else {
        return fresh("Your saved progress could not be read, so it was set aside and you start fresh; nothing was deleted.".into(), raw.into());
    };
    let version = value.get("version").and_then(Value::as_u64).unwrap_or(0);
    if version > u64::from(VERSION) {
        return fresh(
            format!("Your saved progress comes from a newer miglab (format {version}), so it was set aside and you start fresh; nothing was deleted."),
            raw.into(),
        );
    }
    let lessons = value.get("lessons").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut progress = Progress::default();
    let mut damaged = serde_json::Map::new();
    for (id, lesson) in lessons {
        match serde_json::from_value::<LessonProgress>(lesson.clone()) {
            Ok(lesson) => {
                progress.lessons.insert(id, lesson);
            }
            Err(_) => {
                damaged.insert(id, lesson);
            }
        }
    }
    let upgraded = version < u64::from(VERSION);
    let notice = match (damaged.is_empty(), upgraded) {
        (true, false) => None,
        (true, true) => Some("Your saved progress was from an older miglab and has been brought up to date.".to_owned()),
        (false, _) => Some(format!(
            "Saved progress for {} could not be read and was set aside; your other lessons are intact.",
            damaged.keys().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
        )),
    };
    let set_aside = (!damaged.is_empty()).then(|| Value::Object(damaged).to_string());
    Loaded { progress, notice, set_aside }
}

/// `None` for anything that does not read as a [`LastRun`].
fn lenient<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<LastRun>, D::Error> {
    Ok(Value::deserialize(deserializer).ok().and_then(|value| serde_json::from_value(value).ok()))
}

impl Progress {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn lesson(&self, id: &str) -> LessonProgress {
        self.lessons.get(id).cloned().unwrap_or_default()
    }
}

impl LessonProgress {
    /// A lesson is mastered when its Make gate passed: approved in writing, and the destructive migration answered.
    pub fn mastered(&self) -> bool {
        self.completed.contains(&Stage::Make)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn check(raw: Option<&str>, lessons: &[&str], notice: Option<&str>, set_aside: bool) {
        let loaded = load(raw);
        assert_eq!(loaded.progress.lessons.keys().map(String::as_str).collect::<Vec<_>>(), lessons);
        assert_eq!(loaded.notice.is_some(), notice.is_some(), "{:?}", loaded.notice);
        if let (Some(want), Some(got)) = (notice, &loaded.notice) {
            assert!(got.contains(want), "{got}");
        }
        assert_eq!(loaded.set_aside.is_some(), set_aside);
    }

    #[test]
    fn round_trip_ok() {
        let mut progress = Progress::default();
        let mut lesson = LessonProgress { stage: Some(Stage::Run), ..Default::default() };
        lesson.answers.insert("q1".into(), Answer { response: Some(Response::Value { value: None }), confidence: Confidence::new(4) });
        lesson.locked.insert(Stage::Predict);
        progress.lessons.insert("confidence_score".into(), lesson);
        assert_eq!(load(Some(&progress.to_json())).progress, progress);
    }

    #[test]
    fn last_run_round_trip_ok() {
        let mut progress = Progress::default();
        let before = miglab_core::schema::Schema { alembic_version: Some(vec!["9f0e1d2c".into()]), ..Default::default() };
        let after = miglab_core::schema::Schema { alembic_version: Some(vec!["ab12cd34".into()]), ..Default::default() };
        let last_run = LastRun { log: vec!["$ alembic upgrade head".into(), "INFO  [alembic.runtime.migration] Running upgrade".into()], command: "upgrade head".into(), before, after };
        progress.lessons.insert("confidence_score".into(), LessonProgress { last_run: Some(last_run), ..Default::default() });
        assert_eq!(load(Some(&progress.to_json())).progress, progress);
        assert!(!Progress::default().to_json().contains("last_run"));
    }

    #[test]
    fn damaged_last_run_keeps_lesson_err() {
        let raw = r#"{"version":1,"lessons":{"a":{"stage":"run","locked":["predict"],"last_run":{"before":42}}}}"#;
        check(Some(raw), &["a"], None, false);
        let lesson = load(Some(raw)).progress.lesson("a");
        assert_eq!((lesson.last_run, lesson.stage), (None, Some(Stage::Run)));
    }

    #[test]
    fn nothing_saved_ok() {
        check(None, &[], None, false);
    }

    #[test]
    fn older_version_ok() {
        check(Some(r#"{"lessons":{"a":{"stage":"run"}}}"#), &["a"], Some("older"), false);
    }

    #[test]
    fn corrupt_json_err() {
        check(Some("{\"version\":1,\"less"), &[], Some("set aside"), true);
    }

    #[test]
    fn newer_version_err() {
        check(Some(r#"{"version":99,"lessons":{}}"#), &[], Some("newer"), true);
    }

    #[test]
    fn bad_confidence_err() {
        check(Some(r#"{"version":1,"lessons":{"a":{"answers":{"q":{"confidence":9}}}}}"#), &[], Some("`a`"), true);
    }

    #[test]
    fn one_damaged_lesson_err() {
        check(Some(r#"{"version":1,"lessons":{"a":{"stage":"run"},"b":{"stage":42}}}"#), &["a"], Some("`b`"), true);
    }
}
