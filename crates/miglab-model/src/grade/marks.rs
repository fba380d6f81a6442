//! Certainty-based marks: what a right and a wrong answer earn at each confidence level.
//!
//! The scheme is certainty-based marking in Gardner-Medwin's sense, with five levels whose break-even
//! probabilities are 0.2, 0.4, 0.6 and 0.8. So level L earns the most, on average, exactly when the
//! chance of being right lies in ((L−1)/5, L/5): the fifth whose midpoint the calibration chart draws
//! as the level's stated probability. `docs/design/grading.md` has the table and the sums.

use super::answer::Confidence;

/// What each level says in words, lowest first, as the confidence picker shows it.
pub const LEVEL_WORDS: [&str; 5] = ["a guess", "unsure", "fairly sure", "sure", "certain"];

/// `(right, wrong)` marks per level, lowest first. Between neighbours the right mark rises by
/// 4, 3, 2, 1 while the wrong mark falls by 1, 2, 3, 4, which puts the break-even of level L and
/// L+1 at p = L/5: p·ΔR = (1−p)·ΔW.
const MARKS: [(f64, f64); 5] = [(1.0, 0.0), (5.0, -1.0), (8.0, -3.0), (10.0, -6.0), (11.0, -10.0)];

/// The mark for a right and for a wrong answer at `level`.
pub fn marks(level: Confidence) -> (f64, f64) {
    MARKS.get(usize::from(level.get()).saturating_sub(1)).copied().unwrap_or((0.0, 0.0))
}

/// Every level with its words and marks, for the "how marks work" table shown before answering.
pub fn marks_table() -> Vec<(Confidence, &'static str, f64, f64)> {
    Confidence::ALL
        .iter()
        .zip(LEVEL_WORDS)
        .map(|(&level, words)| {
            let (right, wrong) = marks(level);
            (level, words, right, wrong)
        })
        .collect()
}

/// The mark for an answer with `credit` in 0..=1: partial credit blends the right and wrong marks.
pub fn cbm_mark(credit: f64, confidence: Confidence) -> f64 {
    let (right, wrong) = marks(confidence);
    let credit = if credit.is_finite() { credit.clamp(0.0, 1.0) } else { 0.0 };
    credit * right + (1.0 - credit) * wrong
}

#[cfg(test)]
mod test {
    use super::*;

    fn level(level: u8) -> Confidence {
        Confidence::new(level).unwrap_or(Confidence::MIN)
    }

    /// The level with the highest expected mark when the chance of being right is `p`.
    fn best_level(p: f64) -> u8 {
        let expected = |l: &Confidence| p * marks(*l).0 + (1.0 - p) * marks(*l).1;
        Confidence::ALL
            .iter()
            .max_by(|a, b| expected(a).total_cmp(&expected(b)))
            .map_or(0, |l| l.get())
    }

    #[test]
    fn marks_ok() {
        let table: Vec<String> = marks_table()
            .iter()
            .map(|(l, words, right, wrong)| format!("{} {words}: {right:+} / {wrong:+}", l.get()))
            .collect();
        insta::assert_snapshot!(table.join("\n"), @r"
        1 a guess: +1 / +0
        2 unsure: +5 / -1
        3 fairly sure: +8 / -3
        4 sure: +10 / -6
        5 certain: +11 / -10
        ");
        assert_eq!(cbm_mark(0.5, level(5)), 0.5);
    }

    /// Each level is the best choice exactly inside its fifth, around the probability the chart draws for it.
    #[test]
    fn break_even_matches_stated_meaning_ok() {
        let best: Vec<u8> = [0.05, 0.19, 0.21, 0.39, 0.41, 0.59, 0.61, 0.79, 0.81, 0.99]
            .iter()
            .map(|&p| best_level(p))
            .collect();
        assert_eq!(best, vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        for l in Confidence::ALL {
            assert_eq!(
                best_level(l.probability()),
                l.get(),
                "the stated probability of level {} is best at that level",
                l.get()
            );
        }
    }
}
