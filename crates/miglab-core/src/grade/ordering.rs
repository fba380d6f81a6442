//! Grading an ordering such as downgrade steps: position by position, with the first wrong step.

use super::answer::{Confidence, OrderingKey};
use super::graded::{explain, Element, Graded, Verdict};

/// Each position is right when it holds the key's item; credit is the longest run of items in
/// the right relative order (the longest common subsequence) over the longer of the two lists,
/// so one misplaced step costs one step, not everything after it.
pub fn grade(key: &OrderingKey, order: &[String], confidence: Confidence) -> Graded {
    let mut elements = Vec::new();
    for (position, expected) in key.order.iter().enumerate() {
        let element = format!("step.{}", position + 1);
        match order.get(position) {
            Some(got) if got == expected => elements.push(Element::correct(element, Some(expected.clone()))),
            got => {
                let verdict = if got.is_some() { Verdict::Wrong } else { Verdict::Missing };
                let sentence = format!("Step {} is `{expected}`.", position + 1);
                elements.push(Element::miss(element, verdict, Some(expected.clone()), got.cloned(), explain(&sentence, key.why.get(expected))));
            }
        }
    }
    for (position, got) in order.iter().enumerate().skip(key.order.len()) {
        let sentence = format!("`{got}` is not a step of this answer.");
        elements.push(Element::miss(format!("step.{}", position + 1), Verdict::Extra, None, Some(got.clone()), explain(&sentence, key.why.get(got))));
    }
    let longest = key.order.len().max(order.len());
    let credit = if longest == 0 { 1.0 } else { common_subsequence(&key.order, order) as f64 / longest as f64 };
    Graded::new(elements, credit, confidence)
}

fn common_subsequence(a: &[String], b: &[String]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(0);
            let left = row.get(j).copied().unwrap_or(0);
            let here = if x == y { diagonal + 1 } else { above.max(left) };
            diagonal = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = here;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod test {
    use super::*;

    fn check(key: &[&str], order: &[&str]) -> String {
        let key = OrderingKey {
            order: key.iter().map(|s| s.to_string()).collect(),
            why: [("drop_index".to_owned(), "`DROP COLUMN` silently drops the index, so a later `DROP INDEX` fails with 42704".to_owned())].into(),
        };
        let order: Vec<String> = order.iter().map(|s| s.to_string()).collect();
        let graded = grade(&key, &order, Confidence::default());
        format!("{:.2} first_miss={:?} {}", graded.credit, graded.first_miss, graded.explanations().collect::<Vec<_>>().join(" "))
    }

    #[test]
    fn ordering_ok() {
        insta::assert_snapshot!(check(&["drop_index", "drop_column"], &["drop_index", "drop_column"]), @"1.00 first_miss=None ");
    }

    #[test]
    fn ordering_swapped_err() {
        insta::assert_snapshot!(check(&["drop_index", "drop_column", "version"], &["drop_column", "drop_index", "version"]), @"0.67 first_miss=Some(0) Step 1 is `drop_index`: `DROP COLUMN` silently drops the index, so a later `DROP INDEX` fails with 42704. Step 2 is `drop_column`.");
    }

    #[test]
    fn ordering_short_and_long_err() {
        insta::assert_snapshot!(check(&["a", "b"], &["a"]), @"0.50 first_miss=Some(1) Step 2 is `b`.");
        insta::assert_snapshot!(check(&["a"], &["a", "z"]), @"0.50 first_miss=Some(1) `z` is not a step of this answer.");
    }
}
