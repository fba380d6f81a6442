//! Comparing what a lesson says with what the engine did, in sentences an instructor can act on.

use crate::grade::{self, Answer, Confidence, Response, SchemaScope, ValueKey};
use crate::schema::{Schema, Table};

/// Differences between the tables a lesson describes and the engine's schema; empty when they agree.
/// Only what `scope` grades is compared, exactly as the grader would.
pub fn tables(expected: &[Table], actual: &Schema, scope: &SchemaScope) -> Vec<String> {
    let mut out = Vec::new();
    for table in expected {
        let Some(real) = actual.table(&table.name) else {
            out.push(format!("table `{}` does not exist on the engine", table.name));
            continue;
        };
        if scope.columns || !table.columns.is_empty() {
            out.extend(columns(table, real, scope.defaults));
        }
        if scope.indexes && (!table.indexes.is_empty() || scope_lists(scope, &table.name)) {
            out.extend(indexes(table, real));
        }
        if scope.constraints {
            let names = |t: &Table| {
                t.constraints
                    .iter()
                    .map(|c| format!("{} {}", c.name, c.definition))
                    .collect::<Vec<_>>()
            };
            if sorted(names(table)) != sorted(names(real)) {
                out.push(format!(
                    "table `{}` has constraints {:?}",
                    table.name,
                    sorted(names(real))
                ));
            }
        }
    }
    for name in &scope.tables {
        if !expected.iter().any(|t| &t.name == name) && actual.table(name).is_some() {
            out.push(format!("table `{name}` exists on the engine, but the key leaves it out"));
        }
    }
    out
}

fn scope_lists(scope: &SchemaScope, table: &str) -> bool {
    scope.tables.iter().any(|t| t == table)
}

fn columns(expected: &Table, real: &Table, defaults: bool) -> Vec<String> {
    let mut out = Vec::new();
    let name = &expected.name;
    for column in &expected.columns {
        let Some(got) = real.column(&column.name) else {
            out.push(format!("column `{name}.{}` does not exist on the engine", column.name));
            continue;
        };
        let shown = |c: &crate::schema::Column, with_default: bool| {
            let mut s = format!("{}{}", c.data_type, if c.not_null { " not null" } else { "" });
            if with_default {
                s.push_str(&format!(" default {}", c.default.as_deref().unwrap_or("none")));
            }
            s
        };
        if shown(column, defaults) != shown(got, defaults) {
            out.push(format!(
                "column `{name}.{}` is `{}` on the engine, not `{}`",
                column.name,
                shown(got, defaults),
                shown(column, defaults)
            ));
        }
    }
    for got in real.columns.iter().filter(|c| expected.column(&c.name).is_none()) {
        out.push(format!(
            "column `{name}.{}` ({}) exists on the engine, but the key leaves it out",
            got.name, got.data_type
        ));
    }
    out
}

fn indexes(expected: &Table, real: &Table) -> Vec<String> {
    let mut out = Vec::new();
    let name = &expected.name;
    for index in &expected.indexes {
        match real.index(&index.name) {
            None => {
                out.push(format!("index `{}` does not exist on `{name}` on the engine", index.name))
            }
            Some(got) if !index.definition.is_empty() && got.definition != index.definition => {
                out.push(format!("index `{}` is `{}` on the engine", index.name, got.definition));
            }
            Some(_) => {}
        }
    }
    for got in real.indexes.iter().filter(|i| expected.index(&i.name).is_none()) {
        out.push(format!(
            "index `{}` exists on `{name}` on the engine, but the key leaves it out: `{}`",
            got.name, got.definition
        ));
    }
    out
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Whether the engine's value is right by the grader's own rules (NULL, numbers, booleans).
pub fn value(key: &ValueKey, got: Option<&str>) -> bool {
    let answer = Answer {
        response: Response::Value { value: got.map(str::to_owned) },
        confidence: Confidence::MAX,
    };
    crate::grading::grade(
        &grade::AnswerKey::Value(key.clone()),
        &answer,
        &grade::Observed::default(),
    )
    .credit
        >= 1.0
}

/// A value as the check output shows it.
pub fn shown(value: Option<&str>) -> String {
    value.map_or_else(|| "NULL".to_owned(), |v| format!("`{v}`"))
}
