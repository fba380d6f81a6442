//! Certainty-based marking and calibration: is the learner as sure as they are right?
//!
//! Calibration compares each level's stated probability (the midpoint of its fifth, which the marks
//! in `marks.rs` make the best choice) with the credit actually earned, and judges it by a stated rule.

use super::answer::Confidence;
use super::graded::Graded;
use serde::{Deserialize, Serialize};

/// Calibration is judged only from this many graded answers on.
pub const JUDGED_FROM: usize = 5;
/// A gap between stated probability and credit within this much counts as calibrated.
pub const CALIBRATED_WITHIN: f64 = 0.1;

/// Whether the learner's confidence matched their results, by the rule in `Calibration::judge`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Judgement {
    /// Fewer answers than `needed` are graded: too few to say.
    TooFew {
        needed: usize,
    },
    Calibrated,
    /// Stated probability above credit by `by` (0..1).
    OverConfident {
        by: f64,
    },
    /// Stated probability below credit by `by` (0..1).
    UnderConfident {
        by: f64,
    },
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
    /// Mean mark, in −10..=11.
    pub cbm: f64,
    /// The sum of every counted answer's mark.
    #[serde(default)]
    pub total_mark: f64,
    /// Mean squared gap between stated probability and credit: 0 is perfect, lower is better.
    pub brier: f64,
    /// Mean stated probability minus mean credit: above 0 is overconfident, below 0 underconfident.
    pub overconfidence: f64,
    pub judgement: Judgement,
}

impl Calibration {
    pub fn of<'a>(answers: impl IntoIterator<Item = &'a Graded>) -> Calibration {
        let counted: Vec<&Graded> = answers.into_iter().filter(|g| !g.pending).collect();
        let levels = Confidence::ALL
            .iter()
            .map(|&confidence| {
                let at: Vec<f64> = counted
                    .iter()
                    .filter(|g| g.confidence == confidence)
                    .map(|g| g.credit)
                    .collect();
                Level {
                    confidence,
                    count: at.len(),
                    fraction_correct: mean(&at),
                    stated: confidence.probability(),
                }
            })
            .collect();
        let credits: Vec<f64> = counted.iter().map(|g| g.credit).collect();
        let marks: Vec<f64> = counted.iter().map(|g| g.cbm).collect();
        let gaps: Vec<f64> =
            counted.iter().map(|g| (g.confidence.probability() - g.credit).powi(2)).collect();
        let stated: Vec<f64> = counted.iter().map(|g| g.confidence.probability()).collect();
        Calibration {
            levels,
            count: counted.len(),
            score: mean(&credits).unwrap_or(0.0),
            cbm: mean(&marks).unwrap_or(0.0),
            total_mark: round(marks.iter().sum()),
            brier: mean(&gaps).unwrap_or(0.0),
            overconfidence: round(mean(&stated).unwrap_or(0.0) - mean(&credits).unwrap_or(0.0)),
            judgement: Judgement::TooFew { needed: JUDGED_FROM },
        }
        .judged()
    }

    /// The rule: with fewer than [`JUDGED_FROM`] answers nothing is said; otherwise the learner is
    /// calibrated when the mean stated probability is within [`CALIBRATED_WITHIN`] of the mean
    /// credit, and over- or under-confident by the gap beyond it.
    fn judged(mut self) -> Calibration {
        let gap = self.overconfidence;
        self.judgement = match gap {
            _ if self.count < JUDGED_FROM => Judgement::TooFew { needed: JUDGED_FROM },
            gap if gap > CALIBRATED_WITHIN => Judgement::OverConfident { by: gap },
            gap if gap < -CALIBRATED_WITHIN => Judgement::UnderConfident { by: -gap },
            _ => Judgement::Calibrated,
        };
        self
    }

    /// The judgement as one sentence for the summary and the report.
    pub fn sentence(&self) -> String {
        let points = |by: f64| (by * 100.0).round();
        match self.judgement {
            Judgement::TooFew { needed } => {
                format!("{} graded so far: calibration is judged from {needed} answers on.", plural(self.count, "answer"))
            }
            Judgement::Calibrated => format!(
                "Well calibrated: over {} your confidence stated {:.0}% on average and you earned {:.0}%.",
                plural(self.count, "answer"),
                (self.score + self.overconfidence) * 100.0,
                self.score * 100.0
            ),
            Judgement::OverConfident { by } => format!(
                "Over-confident: your confidence stated {:.0} points more than the {:.0}% you earned over {}. A lower level on answers you are unsure of costs less when they are wrong.",
                points(by),
                self.score * 100.0,
                plural(self.count, "answer")
            ),
            Judgement::UnderConfident { by } => format!(
                "Under-confident: you earned {:.0}% over {}, {:.0} points more than your confidence stated. A higher level on answers you can justify earns more.",
                self.score * 100.0,
                plural(self.count, "answer"),
                points(by)
            ),
        }
    }
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
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

    fn level(level: u8) -> Confidence {
        Confidence::new(level).unwrap_or(Confidence::MIN)
    }

    fn graded(credit: f64, at: u8) -> Graded {
        Graded::new(Vec::new(), credit, level(at))
    }

    #[test]
    fn judgement_needs_enough_answers_err() {
        let few =
            Calibration::of(&[graded(1.0, 3), graded(1.0, 3), graded(1.0, 3), graded(0.0, 5)]);
        assert_eq!(few.judgement, Judgement::TooFew { needed: JUDGED_FROM });
        insta::assert_snapshot!(few.sentence(), @"4 answers graded so far: calibration is judged from 5 answers on.");
    }

    #[test]
    fn judgement_ok() {
        let calibrated = Calibration::of(&[
            graded(1.0, 5),
            graded(1.0, 5),
            graded(1.0, 4),
            graded(0.0, 1),
            graded(1.0, 5),
        ]);
        assert_eq!(calibrated.judgement, Judgement::Calibrated, "{}", calibrated.sentence());
        let over = Calibration::of(&[
            graded(0.0, 5),
            graded(0.0, 5),
            graded(1.0, 5),
            graded(1.0, 5),
            graded(0.0, 4),
        ]);
        insta::assert_snapshot!(over.sentence(), @"Over-confident: your confidence stated 46 points more than the 40% you earned over 5 answers. A lower level on answers you are unsure of costs less when they are wrong.");
        let under = Calibration::of(&[
            graded(1.0, 1),
            graded(1.0, 2),
            graded(1.0, 1),
            graded(1.0, 3),
            graded(1.0, 2),
        ]);
        assert!(
            matches!(under.judgement, Judgement::UnderConfident { .. }),
            "{}",
            under.sentence()
        );
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
          "total_mark": -8.0,
          "brier": 0.61,
          "overconfidence": 0.2,
          "judgement": {
            "kind": "too_few",
            "needed": 5
          }
        }
        "#);
    }

    #[test]
    fn calibration_empty_ok() {
        let calibration = Calibration::of(&[]);
        assert_eq!((calibration.count, calibration.score, calibration.brier), (0, 0.0, 0.0));
    }
}
