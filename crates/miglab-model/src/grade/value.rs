//! Grading "what does this existing row hold?": NULL, text as psql prints it, or an equal number.

use super::answer::{Confidence, ValueKey};
use super::graded::{explain, Element, Graded, Verdict};

pub fn grade(key: &ValueKey, value: Option<&str>, confidence: Confidence) -> Graded {
    let expected = key.expected.as_deref();
    let right = match (expected, value) {
        (None, None) => true,
        (Some(expected), Some(value)) => std::iter::once(expected)
            .chain(key.accept.iter().map(String::as_str))
            .any(|e| same_value(e, value)),
        _ => false,
    };
    let shown = |v: Option<&str>| Some(v.map_or_else(|| "NULL".to_owned(), str::to_owned));
    let element = if right {
        Element::correct("value", shown(expected))
    } else {
        let sentence = match expected {
            None => "The row holds NULL.".to_owned(),
            Some(e) => format!("The row holds `{e}`."),
        };
        Element::miss(
            "value",
            Verdict::Wrong,
            shown(expected),
            shown(value),
            explain(&sentence, key.why.as_ref()),
        )
    };
    Graded::by_elements(vec![element], confidence)
}

/// Values match when they are equal after trimming, equal ignoring case for the spellings of a
/// boolean, or equal as numbers (`0` and `0.000` hold the same numeric value).
pub fn same_value(expected: &str, got: &str) -> bool {
    let (expected, got) = (expected.trim(), got.trim());
    if expected == got {
        return true;
    }
    if let (Some(a), Some(b)) = (boolean(expected), boolean(got)) {
        return a == b;
    }
    matches!((expected.parse::<f64>(), got.parse::<f64>()), (Ok(a), Ok(b)) if a == b)
}

fn boolean(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "t" | "true" => Some(true),
        "f" | "false" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn check(expected: Option<&str>, got: Option<&str>) -> String {
        let key = ValueKey {
            expected: expected.map(str::to_owned),
            why: Some("a nullable column without a default leaves existing rows NULL".into()),
            ..ValueKey::default()
        };
        let graded = grade(&key, got, Confidence::MAX);
        format!("{:?} {}", graded.credit, graded.explanations().collect::<Vec<_>>().join(" "))
    }

    #[test]
    fn value_null_ok() {
        insta::assert_snapshot!(check(None, None), @"1.0 ");
    }

    #[test]
    fn value_number_ok() {
        insta::assert_snapshot!(check(Some("0.000"), Some(" 0 ")), @"1.0 ");
        insta::assert_snapshot!(check(Some("t"), Some("TRUE")), @"1.0 ");
    }

    #[test]
    fn value_null_err() {
        insta::assert_snapshot!(check(None, Some("0")), @"0.0 The row holds NULL: a nullable column without a default leaves existing rows NULL.");
    }
}
