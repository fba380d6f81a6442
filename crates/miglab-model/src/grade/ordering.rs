//! Grading an ordering such as downgrade steps by what Postgres does with it.
//!
//! An order Postgres refused is wrong, whatever it shares with the key: the learner's downgrade would
//! have rolled back. An order that runs earns the share of step pairs it puts in the key's relative
//! order (a normalised Kendall tau), so the full reverse earns nothing and one swap of neighbours
//! costs one pair.

use super::answer::{Confidence, OrderingKey};
use super::graded::{explain, Element, Graded, Verdict};
use super::observed::Observed;

pub fn grade(
    key: &OrderingKey,
    order: &[String],
    observed: &Observed,
    confidence: Confidence,
) -> Graded {
    let label = |id: &str| observed.label(id).to_owned();
    let mut elements = Vec::new();
    for (position, expected) in key.order.iter().enumerate() {
        let element = format!("step.{}", position + 1);
        match order.get(position) {
            Some(got) if got == expected => {
                elements.push(Element::correct(element, Some(label(expected))))
            }
            got => {
                let verdict = if got.is_some() { Verdict::Wrong } else { Verdict::Missing };
                let sentence = format!("Step {} is `{}`.", position + 1, label(expected));
                elements.push(Element::miss(
                    element,
                    verdict,
                    Some(label(expected)),
                    got.map(|g| label(g)),
                    explain(&sentence, key.why.get(expected)),
                ));
            }
        }
    }
    for (position, got) in order.iter().enumerate().skip(key.order.len()) {
        let sentence = format!("`{}` is not a step of this answer.", label(got));
        elements.push(Element::miss(
            format!("step.{}", position + 1),
            Verdict::Extra,
            None,
            Some(label(got)),
            explain(&sentence, key.why.get(got)),
        ));
    }
    if let Some(failure) = observed.order_run.and_then(|run| run.failed.as_ref()) {
        let step = order.get(failure.step).map_or_else(
            || format!("step {}", failure.step + 1),
            |id| format!("step {} (`{}`)", failure.step + 1, label(id)),
        );
        let sentence = format!("Postgres refuses your order at {step}: ERROR {} {}, so the whole downgrade rolls back.", failure.sqlstate, failure.message.trim_end_matches('.'));
        elements.insert(
            0,
            Element::miss("run", Verdict::Wrong, None, Some(failure.sqlstate.clone()), sentence),
        );
        return Graded::new(elements, 0.0, confidence);
    }
    Graded::new(elements, pairwise_agreement(&key.order, order), confidence)
}

/// The share of the key's step pairs that `order` keeps in the same relative order; a step that is
/// missing from `order`, or one `order` adds, breaks every pair it is part of.
fn pairwise_agreement(key: &[String], order: &[String]) -> f64 {
    let position = |id: &String| order.iter().position(|o| o == id);
    let extra = order.iter().filter(|o| !key.contains(o)).count();
    let steps = key.len() + extra;
    let pairs = steps * steps.saturating_sub(1) / 2;
    if pairs == 0 {
        return if key == order { 1.0 } else { 0.0 };
    }
    let mut agreeing = 0;
    for (i, first) in key.iter().enumerate() {
        for second in key.iter().skip(i + 1) {
            if let (Some(a), Some(b)) = (position(first), position(second)) {
                agreeing += usize::from(a < b);
            }
        }
    }
    agreeing as f64 / pairs as f64
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::grade::{OrderFailure, OrderRun};

    fn check(key: &[&str], order: &[&str], run: Option<OrderRun>) -> String {
        let key = OrderingKey {
            order: key.iter().map(|s| s.to_string()).collect(),
            why: [(
                "drop_index".to_owned(),
                "`DROP COLUMN` silently drops the index, so a later `DROP INDEX` fails with 42704"
                    .to_owned(),
            )]
            .into(),
        };
        let labels = [
            ("drop_index".to_owned(), "DROP INDEX ix_expenses_run".to_owned()),
            ("drop_column".to_owned(), "DROP COLUMN run_id".to_owned()),
        ];
        let observed = Observed { order_run: run.as_ref(), labels: &labels, ..Observed::default() };
        let order: Vec<String> = order.iter().map(|s| s.to_string()).collect();
        let graded = grade(&key, &order, &observed, Confidence::MAX);
        format!(
            "{:.2} first_miss={:?} {}",
            graded.credit,
            graded.first_miss,
            graded.explanations().collect::<Vec<_>>().join(" ")
        )
    }

    #[test]
    fn ordering_ok() {
        insta::assert_snapshot!(check(&["drop_index", "drop_column"], &["drop_index", "drop_column"], Some(OrderRun::default())), @"1.00 first_miss=None ");
    }

    #[test]
    fn ordering_refused_by_postgres_err() {
        let run = OrderRun {
            failed: Some(OrderFailure {
                step: 1,
                sqlstate: "42704".into(),
                message: "index \"ix_expenses_run\" does not exist".into(),
            }),
        };
        insta::assert_snapshot!(check(&["drop_index", "drop_column"], &["drop_column", "drop_index"], Some(run)), @r#"0.00 first_miss=Some(0) Postgres refuses your order at step 2 (`DROP INDEX ix_expenses_run`): ERROR 42704 index "ix_expenses_run" does not exist, so the whole downgrade rolls back. Step 1 is `DROP INDEX ix_expenses_run`: `DROP COLUMN` silently drops the index, so a later `DROP INDEX` fails with 42704. Step 2 is `DROP COLUMN run_id`."#);
    }

    #[test]
    fn ordering_reversed_scores_nothing_err() {
        insta::assert_snapshot!(check(&["a", "b", "c", "d"], &["d", "c", "b", "a"], None), @"0.00 first_miss=Some(0) Step 1 is `a`. Step 2 is `b`. Step 3 is `c`. Step 4 is `d`.");
    }

    #[test]
    fn ordering_one_swap_err() {
        insta::assert_snapshot!(check(&["a", "b", "c"], &["b", "a", "c"], None), @"0.67 first_miss=Some(0) Step 1 is `a`. Step 2 is `b`.");
    }

    #[test]
    fn ordering_short_and_long_err() {
        insta::assert_snapshot!(check(&["a", "b"], &["a"], None), @"0.00 first_miss=Some(1) Step 2 is `b`.");
        insta::assert_snapshot!(check(&["a", "b"], &["a", "b", "z"], None), @"0.33 first_miss=Some(2) `z` is not a step of this answer.");
    }
}
