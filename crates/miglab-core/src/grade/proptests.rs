//! Property tests: grading never panics on any prediction, answer or saved JSON, and credit stays in 0..=1.

use super::*;
use crate::schema::{Column, Index, Table};
use proptest::prelude::*;

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["id", "x", "expenses", "ix", "", "é", "a b", "confidence_score"]).prop_map(str::to_owned)
}

fn schema() -> impl Strategy<Value = Schema> {
    let column = (name(), ".{0,20}", any::<bool>(), prop::option::of(".{0,10}")).prop_map(|(name, data_type, not_null, default)| Column { name, data_type, not_null, default });
    let index = (name(), ".{0,40}", any::<bool>(), prop::collection::vec(name(), 0..3)).prop_map(|(name, definition, unique, columns)| Index { name, definition, unique, columns });
    let table = (name(), prop::collection::vec(column, 0..4), prop::collection::vec(index, 0..3), prop::option::of(any::<u64>()))
        .prop_map(|(name, columns, indexes, row_count)| Table { schema: "public".into(), name, columns, indexes, constraints: Vec::new(), row_count });
    prop::collection::vec(table, 0..3).prop_map(|tables| Schema { tables, ..Schema::default() })
}

fn confidence() -> impl Strategy<Value = Confidence> {
    (1u8..=5).prop_map(|level| Confidence::new(level).unwrap_or_default())
}

fn ids() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(name(), 0..5)
}

proptest! {
    #[test]
    fn schema_prediction_never_panics_ok(predicted in schema(), actual in schema(), level in confidence(), everything in any::<bool>()) {
        let scope = SchemaScope { constraints: everything, enums: everything, ..SchemaScope::default() };
        let key = AnswerKey::Schema(SchemaKey { expected: None, scope, why: Why::new() });
        let graded = grade(&key, &Answer { response: Response::Schema { schema: predicted }, confidence: level }, Some(&actual));
        prop_assert!((0.0..=1.0).contains(&graded.credit));
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
                let graded = grade(key, &Answer { response: response.clone(), confidence: level }, None);
                prop_assert!((0.0..=1.0).contains(&graded.credit));
                all.push(graded);
            }
        }
        let calibration = Calibration::of(&all);
        prop_assert!(calibration.brier.is_finite());
    }

    #[test]
    fn saved_json_never_panics_ok(text in ".{0,120}") {
        let _ = serde_json::from_str::<Answer>(&text);
        let _ = serde_json::from_str::<AnswerKey>(&text);
        let _ = toml::from_str::<AnswerKey>(&text);
    }
}
