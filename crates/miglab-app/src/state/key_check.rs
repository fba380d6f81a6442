//! Which questions of a lesson the engine contradicts: the in-page check's report read per question, so a question
//! whose key disagrees with the engine is shown as such and never graded against.

use miglab_model::lesson::checks::questions;
use miglab_model::lesson::LessonManifest;
use miglab_model::protocol::CheckReport;
use std::collections::BTreeMap;

/// Each question an error of the report is about (its field is the question's, or inside it), with the engine's
/// sentences; questions the engine agrees with are absent.
pub fn disputed(manifest: &LessonManifest, report: &CheckReport) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (field, question) in questions(manifest) {
        let inside = format!("{field}.");
        let sentences: Vec<&str> = report
            .diagnostics
            .iter()
            .filter(|d| d.error)
            .filter(|d| d.field.as_deref().is_some_and(|f| f == field || f.starts_with(&inside)))
            .map(|d| d.message.as_str())
            .collect();
        if !sentences.is_empty() {
            let note =
                format!("This question's key disagrees with the engine: {}", sentences.join(" "));
            out.insert(question.id.clone(), note);
        }
    }
    out
}

/// Every question of a lesson whose keys could not be checked on the engine (the analyzer or the engine failed):
/// nothing a pack says is believed unchecked, so none is graded until a later opening checks them.
pub fn unchecked(manifest: &LessonManifest, why: &str) -> BTreeMap<String, String> {
    let note = format!(
        "This question's key could not be checked on the engine yet ({}), so it is not believed. Open the lesson again to retry.",
        why.trim_end_matches('.')
    );
    questions(manifest).into_iter().map(|(_, q)| (q.id.clone(), note.clone())).collect()
}

#[cfg(test)]
mod test {
    use super::*;
    use miglab_model::protocol::CheckedDiagnostic;

    fn error(field: &str, message: &str) -> CheckedDiagnostic {
        CheckedDiagnostic {
            field: Some(field.into()),
            code: "lesson-wrong-key".into(),
            error: true,
            message: message.into(),
            rendered: String::new(),
        }
    }

    #[test]
    fn wrong_key_names_its_question_err() {
        let manifest = crate::fixture::confidence_score().lesson.manifest;
        let report = CheckReport {
            diagnostics: vec![
                error("predict.questions[1].key", "The key says `6`, but the engine returns `5`."),
                error("predict.questions[10].key", "Not this lesson's question."),
                error("investigate.experiments[0].expect", "An experiment, no question."),
            ],
            ..CheckReport::default()
        };
        let found = disputed(&manifest, &report);
        let second = &questions(&manifest)[1].1.id;
        assert_eq!(found.keys().collect::<Vec<_>>(), [second]);
        assert_eq!(
            found[second],
            "This question's key disagrees with the engine: The key says `6`, but the engine returns `5`."
        );
    }

    #[test]
    fn agreeing_report_disputes_nothing_ok() {
        let manifest = crate::fixture::confidence_score().lesson.manifest;
        let mut report = CheckReport::default();
        report.diagnostics.push(CheckedDiagnostic {
            error: false,
            ..error("predict.questions[0].key", "a warning")
        });
        assert!(disputed(&manifest, &report).is_empty());
    }

    #[test]
    fn unchecked_disputes_every_question_err() {
        let manifest = crate::fixture::confidence_score().lesson.manifest;
        let found = unchecked(&manifest, "the analyzer did not load.");
        assert_eq!(found.len(), questions(&manifest).len());
        assert!(found.values().all(|note| note.contains("(the analyzer did not load)")));
    }
}
