//! The `fixtures/grade/{ok,err}` folders: each TOML file holds a `key` and an `answer` as a
//! lesson and saved progress would, and optionally what the engine showed (`start`, `order_run`);
//! every `ok/` answer grades fully correct, every `err/` one does not.

use super::grade;
use crate::grade::{Answer, AnswerKey, Graded, Observed, OrderRun};
use crate::schema::Schema;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    key: AnswerKey,
    answer: Answer,
    #[serde(default)]
    start: Option<Schema>,
    #[serde(default)]
    order_run: Option<OrderRun>,
}

fn graded(verdict: &str) -> Vec<(String, Graded)> {
    crate::fixture_files::fixtures("grade", verdict, ".toml")
        .into_iter()
        .map(|fixture| {
            let case: Case = toml::from_str(&fixture.text)
                .map_err(|e| format!("{verdict}/{}.toml: {e}", fixture.name))
                .expect("the fixture parses");
            let observed = Observed {
                start: case.start.as_ref(),
                order_run: case.order_run.as_ref(),
                ..Observed::default()
            };
            (fixture.name, grade(&case.key, &case.answer, &observed))
        })
        .collect()
}

#[test]
fn fixtures_ok() {
    for (name, graded) in graded("ok") {
        assert!(
            graded.correct,
            "ok/{name}.toml should grade correct: {:?}",
            graded.explanations().collect::<Vec<_>>()
        );
    }
}

#[test]
fn fixtures_err() {
    for (name, graded) in graded("err") {
        assert!(!graded.correct, "err/{name}.toml should not grade correct");
        let report = format!(
            "credit {:.2}, cbm {:.2}\n{}",
            graded.credit,
            graded.cbm,
            graded.explanations().collect::<Vec<_>>().join("\n")
        );
        insta::assert_snapshot!(format!("fixture_{name}"), report);
    }
}
