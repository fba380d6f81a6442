//! Grading free text: the learner compares their answer with the model answer and says how it went.

use super::answer::{Confidence, FreeTextKey, SelfAssessment};
use super::graded::{Element, Graded, Verdict};

/// Until the learner self-assesses, the result is `pending` and counts in no score.
pub fn grade(
    key: &FreeTextKey,
    text: &str,
    assessment: Option<SelfAssessment>,
    confidence: Confidence,
) -> Graded {
    let got = Some(text.to_owned());
    let expected = Some(key.model_answer.clone());
    let (verdict, credit) = match assessment {
        Some(SelfAssessment::Matches) => (Verdict::Correct, 1.0),
        Some(SelfAssessment::Partly) => (Verdict::Wrong, 0.5),
        Some(SelfAssessment::Misses) | None => (Verdict::Wrong, 0.0),
    };
    let element = if verdict == Verdict::Correct {
        Element { element: "text".into(), verdict, expected, got, explanation: None }
    } else {
        Element::miss(
            "text",
            verdict,
            expected,
            got,
            "Compare your answer with the model answer.".to_owned(),
        )
    };
    let mut graded = Graded::new(vec![element], credit, confidence);
    graded.pending = assessment.is_none();
    graded
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn free_text_pending_ok() {
        let key = FreeTextKey { model_answer: "It drops the index with the column.".into() };
        let graded = grade(&key, "no idea", None, Confidence::MAX);
        assert!(graded.pending && !graded.correct);
        let graded = grade(&key, "drops the index", Some(SelfAssessment::Matches), Confidence::MAX);
        assert!(!graded.pending && graded.correct);
    }
}
