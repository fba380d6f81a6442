//! Grading multiple choice, single or multiple answer.

use super::answer::{ChoiceKey, Confidence};
use super::graded::{explain, Element, Graded, Verdict};

/// Single choice is right or wrong; multiple choice earns (right picks − wrong picks) / right options.
pub fn grade(key: &ChoiceKey, selected: &[String], confidence: Confidence) -> Graded {
    let mut elements = Vec::new();
    for id in &key.correct {
        let element = format!("option.{id}");
        if selected.contains(id) {
            elements.push(Element::correct(element, Some(id.clone())));
        } else {
            let sentence = format!("Option `{id}` is right.");
            elements.push(Element::miss(
                element,
                Verdict::Missing,
                Some(id.clone()),
                None,
                explain(&sentence, key.why.get(id)),
            ));
        }
    }
    let mut seen = Vec::new();
    for id in selected.iter().filter(|id| !key.correct.contains(id)) {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let sentence = format!("Option `{id}` is wrong.");
        elements.push(Element::miss(
            format!("option.{id}"),
            Verdict::Extra,
            None,
            Some(id.clone()),
            explain(&sentence, key.why.get(id)),
        ));
    }
    let right = elements.iter().filter(|e| e.is_correct()).count() as f64;
    let wrong = elements.iter().filter(|e| e.verdict == Verdict::Extra).count() as f64;
    let credit = if !key.multiple {
        if right >= 1.0 && wrong == 0.0 && selected.len() == 1 {
            1.0
        } else {
            0.0
        }
    } else if key.correct.is_empty() {
        if wrong == 0.0 {
            1.0
        } else {
            0.0
        }
    } else {
        (right - wrong) / key.correct.len() as f64
    };
    Graded::new(elements, credit, confidence)
}

#[cfg(test)]
mod test {
    use super::*;

    fn check(correct: &[&str], multiple: bool, selected: &[&str]) -> String {
        let key = ChoiceKey {
            correct: correct.iter().map(|s| s.to_string()).collect(),
            multiple,
            why: [(
                "c".to_owned(),
                "Postgres rewrites the table only for a volatile default".to_owned(),
            )]
            .into(),
        };
        let selected: Vec<String> = selected.iter().map(|s| s.to_string()).collect();
        let graded = grade(&key, &selected, Confidence::MAX);
        format!("{:?} {}", graded.credit, graded.explanations().collect::<Vec<_>>().join(" "))
    }

    #[test]
    fn choice_single_ok() {
        insta::assert_snapshot!(check(&["a"], false, &["a"]), @"1.0 ");
    }

    #[test]
    fn choice_single_err() {
        insta::assert_snapshot!(check(&["a"], false, &["c"]), @"0.0 Option `a` is right. Option `c` is wrong: Postgres rewrites the table only for a volatile default.");
    }

    #[test]
    fn choice_multiple_partial_err() {
        insta::assert_snapshot!(check(&["a", "b"], true, &["a", "c", "c"]), @"0.0 Option `b` is right. Option `c` is wrong: Postgres rewrites the table only for a volatile default.");
        insta::assert_snapshot!(check(&["a", "b"], true, &["a"]), @"0.5 Option `b` is right.");
    }
}
