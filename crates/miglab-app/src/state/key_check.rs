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
            out.insert(question.id.clone(), sentences.join(" "));
        }
    }
    out
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
        assert_eq!(found[second], "The key says `6`, but the engine returns `5`.");
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
}
