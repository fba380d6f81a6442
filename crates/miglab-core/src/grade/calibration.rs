//! Certainty-based marking and calibration: is the learner as sure as they are right?
//!
//! Marks follow Gardner-Medwin's certainty-based marking (CBM), whose three levels reward
//! 1/2/3 when right and cost 0/−2/−6 when wrong; miglab's five levels map onto them as
//! 1–2 → low, 3 → mid, 4–5 → high, so guessing confidently costs more than admitting doubt.

use super::answer::Confidence;
use super::graded::Graded;
use serde::{Deserialize, Serialize};

/// The CBM mark for an answer with `credit` in 0..=1: partial credit blends the right and wrong marks.
pub fn cbm_mark(credit: f64, confidence: Confidence) -> f64 {
    let (right, wrong) = match confidence.get() {
        1 | 2 => (1.0, 0.0),
        3 => (2.0, -2.0),
        _ => (3.0, -6.0),
    };
    let credit = if credit.is_finite() { credit.clamp(0.0, 1.0) } else { 0.0 };
    credit * right + (1.0 - credit) * wrong
}

/// One confidence level in a calibration chart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Level {
    pub confidence: Confidence,
    pub count: usize,
    /// Mean credit of the answers at this level; `None` when there are none.
    pub fraction_correct: Option<f64>,
    /// The probability the level stands for, to draw the diagonal of perfect calibration.
    pub stated: f64,
}

/// Confidence against correctness over any set of graded answers: a lesson or the whole course.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// All five levels, lowest first, including empty ones.
    pub levels: Vec<Level>,
    /// Answers counted (pending free text is left out).
    pub count: usize,
    /// Mean credit.
    pub score: f64,
    /// Mean CBM mark, in −6..=3.
    pub cbm: f64,
    /// Mean squared gap between stated probability and credit: 0 is perfect, lower is better.
    pub brier: f64,
    /// Mean stated probability minus mean credit: above 0 is overconfident, below 0 underconfident.
    pub overconfidence: f64,
}

impl Calibration {
    pub fn of<'a>(answers: impl IntoIterator<Item = &'a Graded>) -> Calibration {
        let counted: Vec<&Graded> = answers.into_iter().filter(|g| !g.pending).collect();
        let levels = Confidence::ALL
            .iter()
            .map(|&confidence| {
                let at: Vec<f64> = counted.iter().filter(|g| g.confidence == confidence).map(|g| g.credit).collect();
                Level { confidence, count: at.len(), fraction_correct: mean(&at), stated: confidence.probability() }
            })
            .collect();
        let credits: Vec<f64> = counted.iter().map(|g| g.credit).collect();
        let marks: Vec<f64> = counted.iter().map(|g| g.cbm).collect();
        let gaps: Vec<f64> = counted.iter().map(|g| (g.confidence.probability() - g.credit).powi(2)).collect();
        let stated: Vec<f64> = counted.iter().map(|g| g.confidence.probability()).collect();
        Calibration {
            levels,
            count: counted.len(),
            score: mean(&credits).unwrap_or(0.0),
            cbm: mean(&marks).unwrap_or(0.0),
            brier: mean(&gaps).unwrap_or(0.0),
            overconfidence: round(mean(&stated).unwrap_or(0.0) - mean(&credits).unwrap_or(0.0)),
        }
    }
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| round(values.iter().sum::<f64>() / values.len() as f64))
}

/// Four places, so charts and exported reports show clean figures.
fn round(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod test {
    use super::*;

    fn graded(credit: f64, level: u8) -> Graded {
        Graded::new(Vec::new(), credit, Confidence::new(level).unwrap_or_default())
    }

    #[test]
    fn cbm_marks_ok() {
        let marks: Vec<f64> = [1, 3, 5].iter().flat_map(|&l| [cbm_mark(1.0, Confidence::new(l).unwrap_or_default()), cbm_mark(0.0, Confidence::new(l).unwrap_or_default())]).collect();
        assert_eq!(marks, vec![1.0, 0.0, 2.0, -2.0, 3.0, -6.0]);
    }

    #[test]
    fn calibration_overconfident_ok() {
        let answers = [graded(0.0, 5), graded(0.0, 5), graded(1.0, 5), graded(1.0, 1)];
        let calibration = Calibration::of(&answers);
        insta::assert_json_snapshot!(calibration, @r#"
        {
          "levels": [
            {
              "confidence": 1,
              "count": 1,
              "fraction_correct": 1.0,
              "stated": 0.1
            },
            {
              "confidence": 2,
              "count": 0,
              "fraction_correct": null,
              "stated": 0.3
            },
            {
              "confidence": 3,
              "count": 0,
              "fraction_correct": null,
              "stated": 0.5
            },
            {
              "confidence": 4,
              "count": 0,
              "fraction_correct": null,
              "stated": 0.7
            },
            {
              "confidence": 5,
              "count": 3,
              "fraction_correct": 0.3333,
              "stated": 0.9
            }
          ],
          "count": 4,
          "score": 0.5,
          "cbm": -2.0,
          "brier": 0.61,
          "overconfidence": 0.2
        }
        "#);
    }

    #[test]
    fn calibration_empty_ok() {
        let calibration = Calibration::of(&[]);
        assert_eq!((calibration.count, calibration.score, calibration.brier), (0, 0.0, 0.0));
    }
}
