//! Saved progress: what a student has done in every lesson, versioned so old or damaged data is never silently lost.
//!
//! `load` never fails: unreadable data is set aside under its own storage key with a message,
//! and each lesson is recovered on its own so one damaged lesson does not cost the others.

use crate::state::lesson_model::Stage;
use miglab_model::grade::{self, Confidence, Graded, Response};
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
    /// The work with the agent's drafts in Modify and Make: the brief, the drafts handed over and each review.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub reviews: BTreeMap<Stage, crate::state::draft_review::StageReview>,
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
    pub before: miglab_model::schema::Schema,
    pub after: miglab_model::schema::Schema,
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
    pub run_claims: Option<crate::state::gate::RunClaims>,
    /// What the learner confirmed upgrade() and downgrade() did.
    #[serde(default)]
    pub confirmation: crate::state::gate::Confirmation,
}

/// What `load` found, for the message the student sees.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    pub progress: Progress,
    pub notice: Option<String>,
    /// Raw text to keep under a separate key, never thrown away.
    pub set_aside: Option<String>,
}

/// The keys a saved root may have; anything else is a shape this version did not write.
const ROOT_KEYS: [&str; 2] = ["version", "lessons"];

/// Reads saved progress. Nothing that is not loaded is lost: it comes back in `set_aside` with a sentence saying why.
/// A root that is not the shape this version writes is set aside whole (the lessons that do read are still loaded);
/// otherwise only the lessons that do not read are set aside, as an object keyed by lesson id.
pub fn load(raw: Option<&str>) -> Loaded {
    let fresh = |notice: String, set_aside: String| Loaded {
        progress: Progress::default(),
        notice: Some(notice),
        set_aside: Some(set_aside),
    };
    let Some(raw) = raw else {
        return Loaded { progress: Progress::default(), notice: None, set_aside: None };
    };
    let Ok(value) = serde_json::from_str::<Value>(raw) else {
        return fresh("Your saved progress could not be read, so it was set aside and you start fresh; nothing was deleted.".into(), raw.into());
    };
    let Value::Object(root) = &value else {
        return fresh(format!("Your saved progress was {} where miglab keeps an object, so it was set aside and you start fresh; nothing was deleted.", kind(&value)), raw.into());
    };
    let version = match root.get("version") {
        None => 0,
        Some(v) => match v.as_u64() {
            Some(version) => version,
            None => return fresh(format!("Your saved progress has {} for its format version, so it was set aside and you start fresh; nothing was deleted.", kind(v)), raw.into()),
        },
    };
    if version > u64::from(VERSION) {
        return fresh(
            format!("Your saved progress comes from a newer miglab (format {version}), so it was set aside and you start fresh; nothing was deleted."),
            raw.into(),
        );
    }
    let lessons = match root.get("lessons") {
        None => serde_json::Map::new(),
        Some(Value::Object(lessons)) => lessons.clone(),
        Some(other) => return fresh(format!("Your saved progress has {} where miglab keeps its lessons, so it was set aside and you start fresh; nothing was deleted.", kind(other)), raw.into()),
    };
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
    let unknown: Vec<&String> = root.keys().filter(|k| !ROOT_KEYS.contains(&k.as_str())).collect();
    if !unknown.is_empty() {
        // The readable lessons load; the whole text is kept, since this version would drop the rest on its next save.
        let names = unknown.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        let notice = format!("Your saved progress has entries this miglab does not know ({names}), so a copy of it was set aside; the lessons it could read are loaded.");
        return Loaded { progress, notice: Some(notice), set_aside: Some(raw.into()) };
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

/// What a JSON value is, in words, for a message about data in the wrong place.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
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
        lesson.answers.insert(
            "q1".into(),
            Answer {
                response: Some(Response::Value { value: None }),
                confidence: Confidence::new(4),
            },
        );
        lesson.locked.insert(Stage::Predict);
        progress.lessons.insert("confidence_score".into(), lesson);
        assert_eq!(load(Some(&progress.to_json())).progress, progress);
    }

    #[test]
    fn last_run_round_trip_ok() {
        let mut progress = Progress::default();
        let before = miglab_model::schema::Schema {
            alembic_version: Some(vec!["9f0e1d2c".into()]),
            ..Default::default()
        };
        let after = miglab_model::schema::Schema {
            alembic_version: Some(vec!["ab12cd34".into()]),
            ..Default::default()
        };
        let last_run = LastRun {
            log: vec![
                "$ alembic upgrade head".into(),
                "INFO  [alembic.runtime.migration] Running upgrade".into(),
            ],
            command: "upgrade head".into(),
            before,
            after,
        };
        progress.lessons.insert(
            "confidence_score".into(),
            LessonProgress { last_run: Some(last_run), ..Default::default() },
        );
        assert_eq!(load(Some(&progress.to_json())).progress, progress);
        assert!(!Progress::default().to_json().contains("last_run"));
    }

    #[test]
    fn review_round_trip_ok() {
        use crate::state::draft_review::{Decision, Review, StageReview};
        let mut stage = StageReview {
            brief_sent: true,
            handed: vec!["empty-downgrade".into()],
            ..Default::default()
        };
        stage.brief.sentence = "Link each expense to its reconciler run.".into();
        stage.reviews.insert(
            "empty-downgrade".into(),
            Review {
                marked: [17].into(),
                confidence: Confidence::new(5),
                locked: true,
                decision: Some(Decision::Refuse),
                ..Default::default()
            },
        );
        let mut lesson = LessonProgress::default();
        lesson.reviews.insert(Stage::Make, stage);
        let mut progress = Progress::default();
        progress.lessons.insert("reconciler_run_id".into(), lesson);
        assert_eq!(load(Some(&progress.to_json())).progress, progress);
        assert!(
            !Progress::default().to_json().contains("reviews"),
            "nothing written for a lesson without drafts"
        );
    }

    #[test]
    fn progress_before_drafts_loads_ok() {
        // Saved by a miglab that had no agent drafts: no `reviews`, and the lesson loads whole.
        let raw = r#"{"version":1,"lessons":{"a":{"stage":"make","locked":["predict"],"gate":{"approval":"","approved":false}}}}"#;
        check(Some(raw), &["a"], None, false);
        assert!(load(Some(raw)).progress.lesson("a").reviews.is_empty());
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
        check(
            Some(r#"{"version":1,"lessons":{"a":{"answers":{"q":{"confidence":9}}}}}"#),
            &[],
            Some("`a`"),
            true,
        );
    }

    #[test]
    fn one_damaged_lesson_err() {
        check(
            Some(r#"{"version":1,"lessons":{"a":{"stage":"run"},"b":{"stage":42}}}"#),
            &["a"],
            Some("`b`"),
            true,
        );
    }

    #[test]
    fn wrong_shapes_set_aside_whole_err() {
        for (raw, notice) in [
            ("[]", "a list where miglab keeps an object"),
            ("null", "null where"),
            ("42", "a number where"),
            (r#""text""#, "text where"),
            (r#"{"version":1,"lessons":[]}"#, "a list where miglab keeps its lessons"),
            (r#"{"version":1,"lessons":"a"}"#, "text where miglab keeps its lessons"),
            (r#"{"version":"1","lessons":{}}"#, "text for its format version"),
            (r#"{"version":-1,"lessons":{}}"#, "a number for its format version"),
            (r#"{"version":1.5,"lessons":{}}"#, "a number for its format version"),
        ] {
            let loaded = load(Some(raw));
            assert_eq!(loaded.set_aside.as_deref(), Some(raw), "{raw}");
            assert!(
                loaded.notice.as_deref().is_some_and(|n| n.contains(notice)),
                "{raw}: {:?}",
                loaded.notice
            );
            assert!(loaded.progress.lessons.is_empty(), "{raw}");
        }
    }

    #[test]
    fn unknown_root_key_set_aside_whole_err() {
        let raw = r#"{"version":1,"lessons":{"a":{"stage":"run"}},"theme":"dark"}"#;
        check(Some(raw), &["a"], Some("`theme`"), true);
        assert_eq!(load(Some(raw)).set_aside.as_deref(), Some(raw));
    }

    /// The lesson ids in `raw`'s `lessons` object, when it has one.
    fn ids(raw: &str) -> Vec<String> {
        let value: Value = serde_json::from_str(raw).unwrap_or_default();
        value
            .get("lessons")
            .and_then(Value::as_object)
            .map(|l| l.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Never silently dropped: each saved lesson is loaded or in the set-aside text, and a notice says so.
    fn nothing_dropped(raw: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        use proptest::prelude::*;
        let loaded = load(Some(raw));
        prop_assert_eq!(
            loaded.set_aside.is_some(),
            loaded.notice.is_some()
                && !loaded.notice.as_deref().is_some_and(|n| n.contains("older miglab"))
        );
        if loaded.set_aside.as_deref() == Some(raw) {
            return Ok(());
        }
        let aside = loaded.set_aside.as_deref().map(ids_of_object).unwrap_or_default();
        for id in ids(raw) {
            prop_assert!(
                loaded.progress.lessons.contains_key(&id) || aside.contains(&id),
                "{id} was dropped from {raw}"
            );
        }
        // What loaded saves and loads again unchanged.
        prop_assert_eq!(load(Some(&loaded.progress.to_json())).progress, loaded.progress);
        Ok(())
    }

    fn ids_of_object(text: &str) -> Vec<String> {
        serde_json::from_str::<serde_json::Map<String, Value>>(text)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Any JSON value, a few levels deep, with the keys saved progress uses among the random ones.
    fn json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let key = prop_oneof![
            "[a-z_]{0,6}",
            Just("version".to_owned()),
            Just("lessons".to_owned()),
            Just("stage".to_owned()),
            Just("answers".to_owned()),
            Just("confidence".to_owned()),
            Just("locked".to_owned()),
            Just("reviews".to_owned()),
            Just("make".to_owned()),
            Just("marked".to_owned())
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            (0u64..3).prop_map(Value::from),
            prop_oneof!["\\PC{0,8}", Just("run".to_owned()), Just("predict".to_owned())]
                .prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map(key.clone(), inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        /// Arbitrary text: `load` never panics, and anything it does not load is set aside.
        #[test]
        fn arbitrary_text_never_panics_ok(raw in "\\PC{0,200}") {
            nothing_dropped(&raw)?;
        }

        /// Arbitrary JSON, and arbitrary lessons under a well-formed root.
        #[test]
        fn arbitrary_json_never_drops_ok(root in json(), lessons in proptest::collection::btree_map("[a-z]{1,4}", json(), 0..4), version in 0u64..3) {
            nothing_dropped(&root.to_string())?;
            let wrapped = serde_json::json!({ "version": version, "lessons": lessons });
            nothing_dropped(&wrapped.to_string())?;
        }

        /// A saved file cut anywhere is set aside, never half-loaded.
        #[test]
        fn truncated_save_is_set_aside_err(cut in 0usize..400) {
            let raw = r#"{"version":1,"lessons":{"a":{"stage":"run","locked":["predict"],"answers":{"q":{"confidence":3}}},"b":{"stage":"make"}}}"#;
            let cut = cut.min(raw.len() - 1);
            let loaded = load(Some(&raw[..cut]));
            proptest::prop_assert_eq!(loaded.set_aside.as_deref(), Some(&raw[..cut]));
        }
    }
}
