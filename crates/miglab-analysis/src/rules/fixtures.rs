//! The `fixtures/rules/{ok,err}` folders: every file in `ok/` has no finding, every file in
//! `err/` has at least one, all run against `fixtures/rules/context.sql`.

use super::{check, RuleContext};
use crate::analysis::steps_from_sql;
use crate::schema::Schema;
use crate::simulate::apply;
use std::path::Path;

fn fixtures(verdict: &str) -> Vec<(String, String)> {
    crate::fixture_files::fixtures("rules", verdict, ".sql")
        .into_iter()
        .map(|f| (f.name, f.text))
        .collect()
}

fn context() -> Schema {
    let setup = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/context.sql"),
    )
    .unwrap_or_default();
    apply(&Schema::default(), &steps_from_sql(&setup).0).schema
}

fn findings(sql: &str, context: &Schema) -> String {
    let (steps, _) = steps_from_sql(sql);
    let findings = check(&steps, &RuleContext { schema: Some(context) });
    findings
        .iter()
        .map(|f| format!("{} [{}] {}", f.code, f.category.as_str(), f.message))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn fixtures_ok() {
    let context = context();
    let ok = fixtures("ok");
    assert!(!ok.is_empty());
    for (name, sql) in ok {
        assert_eq!(findings(&sql, &context), "", "ok/{name}.sql should have no findings");
    }
}

#[test]
fn fixtures_err() {
    let context = context();
    let err = fixtures("err");
    assert!(!err.is_empty());
    for (name, sql) in err {
        let output = findings(&sql, &context);
        assert!(!output.is_empty(), "err/{name}.sql should have a finding");
        insta::assert_snapshot!(format!("fixture_{name}"), output);
    }
}
