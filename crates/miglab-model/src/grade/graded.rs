//! The result of grading one answer: a verdict per element, partial credit and one sentence per miss.

use super::answer::Confidence;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Correct,
    /// Present on both sides but different.
    Wrong,
    /// In the key, not in the answer.
    Missing,
    /// In the answer, not in the key.
    Extra,
}

/// One graded element: a column's type, an index, an option, a position in an ordering.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Element {
    /// A stable path such as `expenses.confidence_score.nullable`, `expenses.ix_expenses_run`,
    /// `option.b` or `step.2`; lesson `why` texts are keyed by it.
    pub element: String,
    pub verdict: Verdict,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub got: Option<String>,
    /// One full sentence for a miss; `None` when the element is correct.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
}

impl Element {
    pub fn correct(element: impl Into<String>, value: Option<String>) -> Element {
        Element {
            element: element.into(),
            verdict: Verdict::Correct,
            expected: value.clone(),
            got: value,
            explanation: None,
        }
    }

    pub fn miss(
        element: impl Into<String>,
        verdict: Verdict,
        expected: Option<String>,
        got: Option<String>,
        explanation: String,
    ) -> Element {
        Element { element: element.into(), verdict, expected, got, explanation: Some(explanation) }
    }

    pub fn is_correct(&self) -> bool {
        self.verdict == Verdict::Correct
    }
}

/// One graded answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Graded {
    pub elements: Vec<Element>,
    /// Partial credit in 0.0..=1.0.
    pub credit: f64,
    /// True when every element is correct.
    pub correct: bool,
    /// The first element that is not correct, for "first wrong step" feedback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_miss: Option<usize>,
    pub confidence: Confidence,
    /// The certainty-based mark for this answer (see `calibration::cbm_mark`).
    pub cbm: f64,
    /// True for free text not yet self-assessed: not counted in scores or calibration.
    #[serde(default)]
    pub pending: bool,
}

impl Graded {
    /// Builds the result from elements and credit, clamping credit so no caller can leave 0..=1.
    pub fn new(elements: Vec<Element>, credit: f64, confidence: Confidence) -> Graded {
        let credit = if credit.is_finite() { credit.clamp(0.0, 1.0) } else { 0.0 };
        let first_miss = elements.iter().position(|e| !e.is_correct());
        let correct = first_miss.is_none() && credit >= 1.0;
        Graded {
            elements,
            credit,
            correct,
            first_miss,
            confidence,
            cbm: super::marks::cbm_mark(credit, confidence),
            pending: false,
        }
    }

    /// An answer that cannot be graded yet (the engine has not shown what it asks about): no credit and no mark, and
    /// one element named `what` that says why.
    pub fn pending(what: &str, sentence: String, confidence: Confidence) -> Graded {
        let mut graded = Graded::new(
            vec![Element::miss(what, Verdict::Missing, None, None, sentence)],
            0.0,
            confidence,
        );
        graded.pending = true;
        graded
    }

    /// Credit as the fraction of correct elements; an empty element list is fully correct.
    pub fn by_elements(elements: Vec<Element>, confidence: Confidence) -> Graded {
        let total = elements.len();
        let right = elements.iter().filter(|e| e.is_correct()).count();
        let credit = if total == 0 { 1.0 } else { right as f64 / total as f64 };
        Graded::new(elements, credit, confidence)
    }

    /// The explanations of every miss, in order, for the grade view.
    pub fn explanations(&self) -> impl Iterator<Item = &str> {
        self.elements.iter().filter_map(|e| e.explanation.as_deref())
    }
}

/// Appends a lesson's `why` text to the grader's own sentence:
/// "`x` is nullable." + "the migration says `nullable=True`" → "`x` is nullable: the migration says `nullable=True`."
pub fn explain(sentence: &str, why: Option<&String>) -> String {
    let base = sentence.trim_end_matches('.');
    match why.map(|w| w.trim().trim_end_matches('.')).filter(|w| !w.is_empty()) {
        Some(why) => format!("{base}: {why}."),
        None => format!("{base}."),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn explain_with_why_ok() {
        let why = "the migration says `nullable=True`.".to_owned();
        insta::assert_snapshot!(explain("`confidence_score` is nullable.", Some(&why)), @"`confidence_score` is nullable: the migration says `nullable=True`.");
    }

    #[test]
    fn credit_clamped_ok() {
        let graded = Graded::new(Vec::new(), f64::NAN, Confidence::MIN);
        assert_eq!(graded.credit, 0.0);
        assert!(!graded.correct);
        assert_eq!(Graded::new(Vec::new(), 7.0, Confidence::MIN).credit, 1.0);
    }
}
