//! How a verdict and a mark read in words, the same on screen and in the exported report.

use miglab_model::grade::Graded;

/// A mark as the tables print it: a sign always, and a decimal only where partial credit blends two marks.
pub fn mark(value: f64) -> String {
    if value.fract().abs() < 0.05 {
        format!("{:+.0}", value)
    } else {
        format!("{:+.1}", value)
    }
}

/// One verdict in a word or two.
pub fn verdict_word(graded: &Graded) -> &'static str {
    match graded {
        g if g.pending => "Not graded yet",
        g if g.correct => "Right",
        g if g.credit > 0.0 => "Partly right",
        _ => "Wrong",
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn mark_ok() {
        assert_eq!(
            [mark(11.0), mark(-10.0), mark(0.0), mark(2.7), mark(-0.45)].join(" "),
            "+11 -10 +0 +2.7 -0.5"
        );
    }
}
