//! Grading a predicted schema against the actual one: tables, columns (type, nullability,
//! default), indexes, constraints, enums and row counts, each a separate element.
//!
//! A prediction may leave a row count `None` or an index definition empty: those are not graded.

use super::answer::{Confidence, SchemaScope, Why};
use super::graded::{explain, Element, Graded, Verdict};
use super::value::same_value;
use crate::schema::{Column, Schema, Table};
use crate::simulate::format_type::canonical_type;
use sqlparser::ast::{Expr, Value};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

pub fn grade(predicted: &Schema, actual: &Schema, scope: &SchemaScope, why: &Why, confidence: Confidence) -> Graded {
    let mut grader = Grader { scope, why, elements: Vec::new() };
    for table in actual.tables.iter().filter(|t| scope.includes(&t.name)) {
        match predicted.tables.iter().find(|p| p.name == table.name && p.schema == table.schema) {
            Some(prediction) => grader.table(prediction, table),
            None => grader.missing_table(table),
        }
    }
    for extra in predicted.tables.iter().filter(|p| scope.includes(&p.name) && !actual.tables.iter().any(|t| t.name == p.name && t.schema == p.schema)) {
        let sentence = format!("There is no table `{}`.", extra.name);
        grader.miss(&extra.name, Verdict::Extra, None, Some(extra.name.clone()), &sentence);
    }
    if scope.enums {
        grader.enums(predicted, actual);
    }
    Graded::by_elements(grader.elements, confidence)
}

impl SchemaScope {
    fn includes(&self, table: &str) -> bool {
        self.tables.is_empty() || self.tables.iter().any(|t| t == table)
    }
}

struct Grader<'a> {
    scope: &'a SchemaScope,
    why: &'a Why,
    elements: Vec<Element>,
}

impl Grader<'_> {
    fn miss(&mut self, element: &str, verdict: Verdict, expected: Option<String>, got: Option<String>, sentence: &str) {
        let explanation = explain(sentence, self.why.get(element));
        self.elements.push(Element::miss(element, verdict, expected, got, explanation));
    }

    /// Grades one property that both sides have.
    fn compare(&mut self, element: String, expected: String, got: String, same: bool, sentence: impl FnOnce() -> String) {
        if same {
            self.elements.push(Element::correct(element, Some(expected)));
        } else {
            self.miss(&element, Verdict::Wrong, Some(expected), Some(got), &sentence());
        }
    }

    /// A table left out of the prediction misses every column too, so leaving out a table
    /// costs what getting its columns wrong would; only the table itself carries a sentence.
    fn missing_table(&mut self, table: &Table) {
        let sentence = format!("Table `{}` exists.", table.name);
        self.miss(&table.name, Verdict::Missing, Some(table.name.clone()), None, &sentence);
        if self.scope.columns {
            for column in &table.columns {
                let element = format!("{}.{}", table.name, column.name);
                self.elements.push(Element { element, verdict: Verdict::Missing, expected: Some(column.name.clone()), got: None, explanation: None });
            }
        }
    }

    fn table(&mut self, predicted: &Table, actual: &Table) {
        self.elements.push(Element::correct(actual.name.clone(), Some(actual.name.clone())));
        if self.scope.columns {
            self.columns(predicted, actual);
        }
        if self.scope.indexes {
            self.indexes(predicted, actual);
        }
        if self.scope.constraints {
            self.constraints(predicted, actual);
        }
        if let (Some(got), Some(expected)) = (predicted.row_count, actual.row_count) {
            let element = format!("{}.rows", actual.name);
            self.compare(element, expected.to_string(), got.to_string(), got == expected, || format!("`{}` holds {expected} rows.", actual.name));
        }
    }

    fn columns(&mut self, predicted: &Table, actual: &Table) {
        for column in &actual.columns {
            let element = format!("{}.{}", actual.name, column.name);
            match predicted.column(&column.name) {
                Some(prediction) => self.column(&element, prediction, column),
                None => {
                    let sentence = format!("`{}` has a column `{}`.", actual.name, column.name);
                    self.miss(&element, Verdict::Missing, Some(column.name.clone()), None, &sentence);
                }
            }
        }
        for extra in predicted.columns.iter().filter(|c| actual.column(&c.name).is_none()) {
            let sentence = format!("`{}` has no column `{}`.", actual.name, extra.name);
            self.miss(&format!("{}.{}", actual.name, extra.name), Verdict::Extra, None, Some(extra.name.clone()), &sentence);
        }
    }

    fn column(&mut self, element: &str, predicted: &Column, actual: &Column) {
        let name = &actual.name;
        let (expected_type, got_type) = (canonical_type(&actual.data_type), canonical_type(&predicted.data_type));
        self.compare(format!("{element}.type"), expected_type.clone(), got_type.clone(), expected_type == got_type, || format!("`{name}` is `{expected_type}`, not `{got_type}`."));
        let nullability = |not_null: bool| if not_null { "NOT NULL" } else { "nullable" }.to_owned();
        self.compare(format!("{element}.nullable"), nullability(actual.not_null), nullability(predicted.not_null), actual.not_null == predicted.not_null, || {
            format!("`{name}` is {}.", nullability(actual.not_null))
        });
        if self.scope.defaults {
            let show = |default: &Option<String>| default.clone().unwrap_or_else(|| "no default".into());
            let same = same_default(actual.default.as_deref(), predicted.default.as_deref());
            self.compare(format!("{element}.default"), show(&actual.default), show(&predicted.default), same, || match &actual.default {
                Some(default) => format!("`{name}` defaults to `{default}`."),
                None => format!("`{name}` has no default."),
            });
        }
    }

    fn indexes(&mut self, predicted: &Table, actual: &Table) {
        for index in &actual.indexes {
            let element = format!("{}.{}", actual.name, index.name);
            let Some(prediction) = predicted.index(&index.name) else {
                let sentence = format!("Index `{}` exists on `{}`.", index.name, actual.name);
                self.miss(&element, Verdict::Missing, Some(index.definition.clone()), None, &sentence);
                continue;
            };
            let same = if prediction.definition.trim().is_empty() {
                prediction.unique == index.unique && (prediction.columns.is_empty() || prediction.columns == index.columns)
            } else {
                normal_indexdef(&prediction.definition) == normal_indexdef(&index.definition)
            };
            let got = if prediction.definition.trim().is_empty() { describe_index(prediction.unique, &prediction.columns) } else { prediction.definition.clone() };
            self.compare(element, index.definition.clone(), got, same, || format!("Index `{}` is `{}`.", index.name, index.definition));
        }
        for extra in predicted.indexes.iter().filter(|i| actual.index(&i.name).is_none()) {
            let sentence = format!("There is no index `{}` on `{}`.", extra.name, actual.name);
            self.miss(&format!("{}.{}", actual.name, extra.name), Verdict::Extra, None, Some(extra.name.clone()), &sentence);
        }
    }

    fn constraints(&mut self, predicted: &Table, actual: &Table) {
        for constraint in &actual.constraints {
            let element = format!("{}.{}", actual.name, constraint.name);
            let Some(prediction) = predicted.constraints.iter().find(|c| c.name == constraint.name) else {
                let sentence = format!("Constraint `{}` exists on `{}`.", constraint.name, actual.name);
                self.miss(&element, Verdict::Missing, Some(constraint.definition.clone()), None, &sentence);
                continue;
            };
            let same = prediction.kind == constraint.kind && (prediction.definition.trim().is_empty() || squash(&prediction.definition) == squash(&constraint.definition));
            self.compare(element, constraint.definition.clone(), prediction.definition.clone(), same, || format!("Constraint `{}` is `{}`.", constraint.name, constraint.definition));
        }
        for extra in predicted.constraints.iter().filter(|p| !actual.constraints.iter().any(|c| c.name == p.name)) {
            let sentence = format!("There is no constraint `{}` on `{}`.", extra.name, actual.name);
            self.miss(&format!("{}.{}", actual.name, extra.name), Verdict::Extra, None, Some(extra.name.clone()), &sentence);
        }
    }

    fn enums(&mut self, predicted: &Schema, actual: &Schema) {
        for enum_type in &actual.enums {
            let element = format!("type.{}", enum_type.name);
            let labels = enum_type.labels.join(", ");
            match predicted.enums.iter().find(|e| e.name == enum_type.name) {
                Some(p) => self.compare(element, labels.clone(), p.labels.join(", "), p.labels == enum_type.labels, || format!("Type `{}` has the labels {labels}.", enum_type.name)),
                None => self.miss(&element, Verdict::Missing, Some(labels), None, &format!("Type `{}` exists.", enum_type.name)),
            }
        }
        for extra in predicted.enums.iter().filter(|p| !actual.enums.iter().any(|e| e.name == p.name)) {
            self.miss(&format!("type.{}", extra.name), Verdict::Extra, None, Some(extra.name.clone()), &format!("There is no type `{}`.", extra.name));
        }
    }
}

fn describe_index(unique: bool, columns: &[String]) -> String {
    format!("{}index on ({})", if unique { "unique " } else { "" }, columns.join(", "))
}

/// `pg_get_indexdef` text with the parts a learner may reasonably leave out removed:
/// the `public.` schema, `USING btree` (the default method), quotes, case and spacing.
fn normal_indexdef(definition: &str) -> String {
    squash(definition).replace("public.", "").replace(" using btree", "").replace('"', "")
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase().replace("( ", "(").replace(" )", ")")
}

/// Defaults match when they hold the same value once casts are stripped, so a learner's `0.000`
/// matches Postgres's `0.000` and `'draft'` matches `'draft'::character varying`.
fn same_default(expected: Option<&str>, got: Option<&str>) -> bool {
    match (expected, got) {
        (None, None) => true,
        (Some(expected), Some(got)) => {
            let (expected, got) = (default_value(expected), default_value(got));
            same_value(&expected, &got) || expected.eq_ignore_ascii_case(&got)
        }
        _ => false,
    }
}

fn default_value(text: &str) -> String {
    let Ok(mut expr) = Parser::new(&PostgreSqlDialect {}).try_with_sql(text).and_then(|mut p| p.parse_expr()) else {
        return squash(text);
    };
    while let Expr::Cast { expr: inner, .. } | Expr::Nested(inner) = expr {
        expr = *inner;
    }
    match expr {
        Expr::Value(value) => match value.value {
            Value::SingleQuotedString(s) => s,
            Value::Number(n, _) => n,
            other => other.to_string(),
        },
        other => squash(&other.to_string()),
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::schema::{Column, Index};

    fn expenses(columns: &[(&str, &str, bool, Option<&str>)], indexes: &[(&str, &str)]) -> Schema {
        Schema {
            tables: vec![Table {
                schema: "public".into(),
                name: "expenses".into(),
                columns: columns.iter().map(|(n, t, nn, d)| Column { name: n.to_string(), data_type: t.to_string(), not_null: *nn, default: d.map(str::to_owned) }).collect(),
                indexes: indexes.iter().map(|(n, d)| Index { name: n.to_string(), definition: d.to_string(), unique: false, columns: Vec::new() }).collect(),
                ..Table::default()
            }],
            ..Schema::default()
        }
    }

    fn check(predicted: &Schema, actual: &Schema) -> String {
        let why: Why = [("expenses.confidence_score.nullable".to_owned(), "the migration says `nullable=True`".to_owned())].into();
        let graded = grade(predicted, actual, &SchemaScope::default(), &why, Confidence::default());
        let mut out = format!("credit {:.2}\n", graded.credit);
        for e in graded.elements.iter().filter(|e| !e.is_correct()) {
            out.push_str(&format!("{:?} {}: {}\n", e.verdict, e.element, e.explanation.as_deref().unwrap_or("-")));
        }
        out
    }

    fn actual() -> Schema {
        expenses(
            &[("id", "integer", true, Some("nextval('expenses_id_seq'::regclass)")), ("confidence_score", "numeric(4,3)", false, None), ("status", "character varying(20)", true, Some("'draft'::character varying"))],
            &[("expenses_pkey", "CREATE UNIQUE INDEX expenses_pkey ON public.expenses USING btree (id)"), ("ix_expenses_status", "CREATE INDEX ix_expenses_status ON public.expenses USING btree (status)")],
        )
    }

    #[test]
    fn schema_prediction_ok() {
        let predicted = expenses(
            &[("id", "int", true, Some("nextval('expenses_id_seq'::regclass)")), ("confidence_score", "NUMERIC(4, 3)", false, None), ("status", "varchar(20)", true, Some("'draft'"))],
            &[("expenses_pkey", ""), ("ix_expenses_status", "create index ix_expenses_status on expenses (status)")],
        );
        insta::assert_snapshot!(check(&predicted, &actual()), @"credit 1.00");
    }

    #[test]
    fn schema_prediction_err() {
        let predicted = expenses(
            &[("id", "integer", true, Some("nextval('expenses_id_seq'::regclass)")), ("confidence_score", "numeric", true, Some("0")), ("legacy", "text", false, None)],
            &[("expenses_pkey", "")],
        );
        insta::assert_snapshot!(check(&predicted, &actual()), @r"
        credit 0.45
        Wrong expenses.confidence_score.type: `confidence_score` is `numeric(4,3)`, not `numeric`.
        Wrong expenses.confidence_score.nullable: `confidence_score` is nullable: the migration says `nullable=True`.
        Wrong expenses.confidence_score.default: `confidence_score` has no default.
        Missing expenses.status: `expenses` has a column `status`.
        Extra expenses.legacy: `expenses` has no column `legacy`.
        Missing expenses.ix_expenses_status: Index `ix_expenses_status` exists on `expenses`.
        ");
    }

    #[test]
    fn schema_missing_table_err() {
        insta::assert_snapshot!(check(&Schema::default(), &actual()), @r"
        credit 0.00
        Missing expenses: Table `expenses` exists.
        Missing expenses.id: -
        Missing expenses.confidence_score: -
        Missing expenses.status: -
        ");
    }
}
