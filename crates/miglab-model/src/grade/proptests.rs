//! Property tests: what a grade must mean, over arbitrary schemas, orders and answers.
//!
//! An answer equal to the truth scores 1; fixing one wrong element never lowers credit; an untouched
//! schema answer scores 0 whenever the truth differs from the start; the full reverse of an order
//! scores 0. Grading never panics on any answer or saved JSON.

use super::*;

/// The grader with types compared as written: these properties hold whatever the spelling.
fn grade_ident(key: &AnswerKey, answer: &Answer, observed: &Observed) -> Graded {
    grade_with(key, answer, observed, &AsWritten)
}
use crate::schema::{Column, Index, Schema, Table};
use proptest::prelude::*;

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["id", "x", "expenses", "ix", "", "é", "a b", "confidence_score"])
        .prop_map(str::to_owned)
}

fn data_type() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "integer",
        "text",
        "numeric(4,3)",
        "boolean",
        "character varying(20)",
        "bigint",
        ")(",
    ])
    .prop_map(str::to_owned)
}

fn column() -> impl Strategy<Value = Column> {
    (
        name(),
        data_type(),
        any::<bool>(),
        prop::option::of(prop::sample::select(vec!["0", "'draft'", "now()", "(", "NULL"])),
    )
        .prop_map(|(name, data_type, not_null, default)| Column {
            name,
            data_type,
            not_null,
            default: default.map(str::to_owned),
        })
}

fn table() -> impl Strategy<Value = Table> {
    let index = (name(), any::<bool>(), prop::collection::vec(name(), 0..3)).prop_map(
        |(name, unique, columns)| Index { name, definition: String::new(), unique, columns },
    );
    (
        prop::sample::select(vec!["expenses", "users", "posts"]),
        prop::collection::vec(column(), 0..4),
        prop::collection::vec(index, 0..3),
        prop::option::of(any::<u64>()),
    )
        .prop_map(|(name, columns, indexes, row_count)| Table {
            schema: "public".into(),
            name: name.to_owned(),
            columns,
            indexes,
            constraints: Vec::new(),
            row_count,
        })
}

fn schema() -> impl Strategy<Value = Schema> {
    prop::collection::vec(table(), 0..3).prop_map(|tables| Schema { tables, ..Schema::default() })
}

fn confidence() -> impl Strategy<Value = Confidence> {
    (1u8..=5).prop_map(|level| Confidence::new(level).unwrap_or(Confidence::MIN))
}

fn ids() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(name(), 0..5)
}

fn schema_credit(predicted: &Schema, start: &Schema, actual: &Schema) -> f64 {
    let key = AnswerKey::Schema(SchemaKey::default());
    let answer = Answer {
        response: Response::Schema { schema: predicted.clone() },
        confidence: Confidence::MAX,
    };
    grade_ident(
        &key,
        &answer,
        &Observed { start: Some(start), actual: Some(actual), ..Observed::default() },
    )
    .credit
}

/// `got` with one element of `truth` copied over: a table, or one column of a table both have.
fn fix_one(got: &Schema, truth: &Schema, pick: usize) -> Schema {
    let mut fixed = got.clone();
    let Some(table) = truth.tables.get(pick % truth.tables.len().max(1)) else { return fixed };
    match fixed.tables.iter_mut().find(|t| t.name == table.name) {
        None => fixed.tables.push(table.clone()),
        Some(mine) => {
            if let Some(column) = table.columns.get(pick / 3 % table.columns.len().max(1)) {
                match mine.columns.iter_mut().find(|c| c.name == column.name) {
                    Some(slot) => *slot = column.clone(),
                    None => mine.columns.push(column.clone()),
                }
            }
        }
    }
    fixed
}

/// Makes names unique within each list, as Postgres does, so "one element" means one element.
fn distinct(mut schema: Schema) -> Schema {
    let mut seen_tables = Vec::new();
    schema.tables.retain(|t| {
        let new = !seen_tables.contains(&t.name);
        seen_tables.push(t.name.clone());
        new
    });
    for table in &mut schema.tables {
        let mut seen = Vec::new();
        table.columns.retain(|c| {
            let new = !seen.contains(&c.name);
            seen.push(c.name.clone());
            new
        });
        let mut seen = Vec::new();
        table.indexes.retain(|i| {
            let new = !seen.contains(&i.name) && !table.columns.iter().any(|c| c.name == i.name);
            seen.push(i.name.clone());
            new
        });
    }
    schema
}

proptest! {
    #[test]
    fn the_truth_scores_one_ok(start in schema().prop_map(distinct), actual in schema().prop_map(distinct)) {
        prop_assert_eq!(schema_credit(&actual, &start, &actual), 1.0);
    }

    #[test]
    fn untouched_scores_zero_when_the_truth_differs_ok(start in schema().prop_map(distinct), actual in schema().prop_map(distinct)) {
        let credit = schema_credit(&start, &start, &actual);
        if start == actual {
            prop_assert_eq!(credit, 1.0);
        } else {
            let key = AnswerKey::Schema(SchemaKey::default());
            let observed = Observed { start: Some(&start), actual: Some(&actual), ..Observed::default() };
            let graded = grade_ident(&key, &Answer { response: Response::Schema { schema: start.clone() }, confidence: Confidence::MAX }, &observed);
            // A start and a truth that differ only in what is not graded (row counts) are no change.
            let differs_in_graded = graded.elements.iter().any(|e| !e.is_correct());
            prop_assert_eq!(credit, if differs_in_graded { 0.0 } else { 1.0 });
        }
    }

    #[test]
    fn fixing_one_element_never_lowers_credit_ok(start in schema().prop_map(distinct), actual in schema().prop_map(distinct), got in schema().prop_map(distinct), pick in 0usize..12) {
        let fixed = distinct(fix_one(&got, &actual, pick));
        prop_assert!(schema_credit(&fixed, &start, &actual) >= schema_credit(&got, &start, &actual));
    }

    #[test]
    fn full_reverse_scores_zero_ok(order in prop::collection::btree_set(name(), 2..6), seed in any::<u64>()) {
        let mut order: Vec<String> = order.into_iter().collect();
        let by = seed as usize % order.len();
        order.rotate_left(by);
        let key = AnswerKey::Ordering(OrderingKey { order: order.clone(), why: Why::new() });
        let reversed: Vec<String> = order.iter().rev().cloned().collect();
        let graded = grade_ident(&key, &Answer { response: Response::Ordering { order: reversed }, confidence: Confidence::MAX }, &Observed::default());
        prop_assert_eq!(graded.credit, 0.0);
        let same = grade_ident(&key, &Answer { response: Response::Ordering { order }, confidence: Confidence::MAX }, &Observed::default());
        prop_assert_eq!(same.credit, 1.0);
    }

    #[test]
    fn a_refused_order_scores_zero_ok(order in prop::collection::btree_set(name(), 1..5), step in 0usize..5) {
        let order: Vec<String> = order.into_iter().collect();
        let key = AnswerKey::Ordering(OrderingKey { order: order.clone(), why: Why::new() });
        let run = OrderRun { failed: Some(OrderFailure { step, sqlstate: "42704".into(), message: "index does not exist".into() }) };
        let graded = grade_ident(&key, &Answer { response: Response::Ordering { order }, confidence: Confidence::MAX }, &Observed { order_run: Some(&run), ..Observed::default() });
        prop_assert_eq!((graded.credit, graded.correct), (0.0, false));
    }

    #[test]
    fn other_answers_never_panic_ok(correct in ids(), picked in ids(), value in prop::option::of(".{0,12}"), expected in prop::option::of(".{0,12}"), multiple in any::<bool>(), level in confidence()) {
        let keys = [
            AnswerKey::Choice(ChoiceKey { correct: correct.clone(), multiple, why: Why::new() }),
            AnswerKey::Ordering(OrderingKey { order: correct.clone(), why: Why::new() }),
            AnswerKey::Value(ValueKey { expected, accept: correct.clone(), why: None }),
            AnswerKey::FreeText(FreeTextKey { model_answer: correct.join(" ") }),
        ];
        let responses = [
            Response::Choice { selected: picked.clone() },
            Response::Ordering { order: picked.clone() },
            Response::Value { value },
            Response::FreeText { text: picked.join(" "), self_assessment: None },
        ];
        let mut all = Vec::new();
        for key in &keys {
            for response in &responses {
                all.push(grade_ident(key, &Answer { response: response.clone(), confidence: level }, &Observed::default()));
            }
        }
        let calibration = Calibration::of(&all);
        prop_assert!(calibration.brier.is_finite() && calibration.total_mark.is_finite());
    }

    #[test]
    fn saved_json_never_panics_ok(text in ".{0,120}") {
        let _ = serde_json::from_str::<Answer>(&text);
        let _ = serde_json::from_str::<AnswerKey>(&text);
        let _ = toml::from_str::<AnswerKey>(&text);
    }
}
