//! Grading a predicted schema by the change it predicts: tables, columns (type, nullability,
//! default), indexes, constraints and enum types, each a separate element.
//!
//! The truth is what changed between the branch point and the engine's schema after the question's
//! commands. Credit is the changes predicted right, less the changes predicted that did not happen
//! as predicted, over the true changes: an answer left as it started earns nothing whenever the
//! truth differs from the start, and predicting every conceivable change costs more than it earns.
//! Columns, indexes and constraints are matched by name, never by position, because Postgres can
//! only add a column at the end. Row counts are not part of a schema answer: a row count is a value
//! question of its own.

use super::answer::{Confidence, SchemaScope, Why};
use super::graded::{explain, Element, Graded, Verdict};
use super::value::same_value;
use crate::pg_type::canonical_type;
use crate::schema::{Constraint, Index, Schema};
use sqlparser::ast::{Expr, Value};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use std::collections::BTreeMap;

/// Grades `predicted` against `actual` as a change from `start`; without a start (a brief compared
/// with a learner's own migration), as a change from an empty database, so every element counts.
pub fn grade(
    predicted: &Schema,
    start: Option<&Schema>,
    actual: &Schema,
    scope: &SchemaScope,
    why: &Why,
    confidence: Confidence,
) -> Graded {
    let empty = Schema::default();
    let start = Facts::of(start.unwrap_or(&empty), scope);
    let (actual, predicted) = (Facts::of(actual, scope), Facts::of(predicted, scope));
    let truth = start.changes_to(&actual);
    let guess = start.changes_to(&predicted);
    let mut elements = Vec::new();
    let (mut right, mut false_changes) = (0usize, 0usize);
    for key in &truth {
        let (want, got) = (actual.get(key), predicted.get(key));
        let why = why.get(&key.path);
        if guess.contains(key) && same(want, got) {
            right += 1;
            elements.push(Element::correct(key.path.clone(), Some(shown(want))));
        } else if guess.contains(key) {
            false_changes += 1;
            elements.push(Element::miss(
                key.path.clone(),
                Verdict::Wrong,
                Some(shown(want)),
                Some(shown(got)),
                explain(&key.truth(want), why),
            ));
        } else {
            elements.push(Element::miss(
                key.path.clone(),
                Verdict::Missing,
                Some(shown(want)),
                None,
                explain(&key.truth(want), why),
            ));
        }
    }
    let invented: Vec<&Key> = guess.iter().filter(|k| !truth.contains(k)).collect();
    for key in &invented {
        false_changes += 1;
        // An invented column costs each of its parts, but one sentence about the column says it all.
        let parent_invented = key.parent.as_ref().is_some_and(|(path, kind)| {
            invented.iter().any(|k| &k.path == path && k.kind == *kind)
        });
        let explanation = (!parent_invented).then(|| {
            explain(
                &format!("That stays as it was: {}", key.truth(actual.get(key))),
                why.get(&key.path),
            )
        });
        elements.push(Element {
            element: key.path.clone(),
            verdict: Verdict::Extra,
            expected: Some(shown(actual.get(key))),
            got: Some(shown(predicted.get(key))),
            explanation,
        });
    }
    let credit = match truth.len() {
        0 if guess.is_empty() => 1.0,
        0 => 0.0,
        changes => right.saturating_sub(false_changes) as f64 / changes as f64,
    };
    Graded::new(elements, credit, confidence)
}

/// What a key names; a column's attributes and a table's parts hang under their parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Table,
    Column,
    Type,
    Nullable,
    Default,
    Index,
    Constraint,
    Enum,
}

/// One element of a schema, named as lesson `why` texts name it (`expenses.confidence_score.nullable`).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Key {
    path: String,
    kind: Kind,
    /// The key that must exist for this one to mean anything: a column for its type, a table for its column.
    parent: Option<(String, Kind)>,
    /// The object's own name and its table, for sentences.
    name: String,
    table: String,
}

/// One element's value; `same` compares two, forgiving spellings Postgres treats alike.
#[derive(Clone, Debug, PartialEq)]
enum Fact {
    Present,
    Type(String),
    NotNull(bool),
    Default(Option<String>),
    Index(Index),
    Constraint(Constraint),
    Labels(Vec<String>),
}

/// A schema flattened into keyed facts, in schema order.
struct Facts {
    order: Vec<Key>,
    values: BTreeMap<(String, Kind), Fact>,
}

impl Facts {
    fn of(schema: &Schema, scope: &SchemaScope) -> Facts {
        let mut facts = Facts { order: Vec::new(), values: BTreeMap::new() };
        for table in schema.tables.iter().filter(|t| scope.includes(&t.name)) {
            let t = &table.name;
            let part = |path: String, kind: Kind, name: &str, parent: (String, Kind)| Key {
                path,
                kind,
                parent: Some(parent),
                name: name.to_owned(),
                table: t.clone(),
            };
            let table_key = (t.clone(), Kind::Table);
            facts.add(
                Key {
                    path: t.clone(),
                    kind: Kind::Table,
                    parent: None,
                    name: t.clone(),
                    table: t.clone(),
                },
                Fact::Present,
            );
            if scope.columns {
                for column in &table.columns {
                    let path = format!("{t}.{}", column.name);
                    let column_key = (path.clone(), Kind::Column);
                    facts.add(
                        part(path.clone(), Kind::Column, &column.name, table_key.clone()),
                        Fact::Present,
                    );
                    facts.add(
                        part(format!("{path}.type"), Kind::Type, &column.name, column_key.clone()),
                        Fact::Type(column.data_type.clone()),
                    );
                    facts.add(
                        part(
                            format!("{path}.nullable"),
                            Kind::Nullable,
                            &column.name,
                            column_key.clone(),
                        ),
                        Fact::NotNull(column.not_null),
                    );
                    if scope.defaults {
                        facts.add(
                            part(
                                format!("{path}.default"),
                                Kind::Default,
                                &column.name,
                                column_key,
                            ),
                            Fact::Default(column.default.clone()),
                        );
                    }
                }
            }
            if scope.indexes {
                for index in &table.indexes {
                    facts.add(
                        part(
                            format!("{t}.{}", index.name),
                            Kind::Index,
                            &index.name,
                            table_key.clone(),
                        ),
                        Fact::Index(index.clone()),
                    );
                }
            }
            if scope.constraints {
                for constraint in &table.constraints {
                    facts.add(
                        part(
                            format!("{t}.{}", constraint.name),
                            Kind::Constraint,
                            &constraint.name,
                            table_key.clone(),
                        ),
                        Fact::Constraint(constraint.clone()),
                    );
                }
            }
        }
        if scope.enums {
            for enum_type in &schema.enums {
                let key = Key {
                    path: format!("type.{}", enum_type.name),
                    kind: Kind::Enum,
                    parent: None,
                    name: enum_type.name.clone(),
                    table: String::new(),
                };
                facts.add(key, Fact::Labels(enum_type.labels.clone()));
            }
        }
        facts
    }

    /// Adds a fact unless the key is already there: a prediction may name a column twice, and the
    /// first one is the one the editor shows.
    fn add(&mut self, key: Key, fact: Fact) {
        if let std::collections::btree_map::Entry::Vacant(slot) =
            self.values.entry((key.path.clone(), key.kind))
        {
            slot.insert(fact);
            self.order.push(key);
        }
    }

    fn get(&self, key: &Key) -> Option<&Fact> {
        self.values.get(&(key.path.clone(), key.kind))
    }

    /// The keys whose fact differs between `self` and `after`, in schema order (after's first).
    /// A part whose parent is gone from `after` is no change of its own: dropping a column is one
    /// change, not four.
    fn changes_to(&self, after: &Facts) -> Vec<Key> {
        let mut keys: Vec<Key> = Vec::new();
        for key in after.order.iter().chain(&self.order) {
            if keys.iter().any(|k| k.path == key.path && k.kind == key.kind) {
                continue;
            }
            let parent_gone =
                key.parent.as_ref().is_some_and(|parent| !after.values.contains_key(parent));
            if !parent_gone && !same(self.get(key), after.get(key)) {
                keys.push(key.clone());
            }
        }
        keys
    }
}

impl Key {
    /// What is true of this element, as one sentence.
    fn truth(&self, fact: Option<&Fact>) -> String {
        let (name, table) = (&self.name, &self.table);
        match (self.kind, fact) {
            (Kind::Table, Some(_)) => format!("Table `{name}` exists."),
            (Kind::Table, None) => format!("There is no table `{name}`."),
            (Kind::Column, Some(_)) => format!("`{table}` has a column `{name}`."),
            (Kind::Column, None) => format!("`{table}` has no column `{name}`."),
            (_, Some(Fact::Type(data_type))) => {
                format!("`{name}` is `{}`.", canonical_type(data_type))
            }
            (_, Some(Fact::NotNull(true))) => format!("`{name}` is NOT NULL."),
            (_, Some(Fact::NotNull(false))) => format!("`{name}` is nullable."),
            (_, Some(Fact::Default(Some(default)))) => format!("`{name}` defaults to `{default}`."),
            (_, Some(Fact::Default(None))) => format!("`{name}` has no default."),
            (_, Some(Fact::Index(index))) => {
                format!("Index `{name}` is `{}`.", shown(Some(&Fact::Index(index.clone()))))
            }
            (Kind::Index, None) => format!("There is no index `{name}` on `{table}`."),
            (_, Some(Fact::Constraint(constraint))) => {
                format!("Constraint `{name}` is `{}`.", constraint.definition)
            }
            (Kind::Constraint, None) => format!("There is no constraint `{name}` on `{table}`."),
            (_, Some(Fact::Labels(labels))) => {
                format!("Type `{name}` has the labels {}.", labels.join(", "))
            }
            (_, Some(Fact::Present) | None) => format!("There is no `{name}`."),
        }
    }
}

fn shown(fact: Option<&Fact>) -> String {
    match fact {
        None => "absent".to_owned(),
        Some(Fact::Present) => "present".to_owned(),
        Some(Fact::Type(data_type)) => canonical_type(data_type),
        Some(Fact::NotNull(not_null)) => if *not_null { "NOT NULL" } else { "nullable" }.to_owned(),
        Some(Fact::Default(default)) => default.clone().unwrap_or_else(|| "no default".to_owned()),
        Some(Fact::Index(index)) if index.definition.trim().is_empty() => {
            describe_index(index.unique, &index.columns)
        }
        Some(Fact::Index(index)) => index.definition.clone(),
        Some(Fact::Constraint(constraint)) => constraint.definition.clone(),
        Some(Fact::Labels(labels)) => labels.join(", "),
    }
}

/// Two facts hold the same value once Postgres's own spellings are forgiven; both absent is the same.
fn same(a: Option<&Fact>, b: Option<&Fact>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(Fact::Type(a)), Some(Fact::Type(b))) => canonical_type(a) == canonical_type(b),
        (Some(Fact::Default(a)), Some(Fact::Default(b))) => {
            same_default(a.as_deref(), b.as_deref())
        }
        (Some(Fact::Index(a)), Some(Fact::Index(b))) => same_index(a, b),
        (Some(Fact::Constraint(a)), Some(Fact::Constraint(b))) => {
            a.kind == b.kind
                && (a.definition.trim().is_empty()
                    || b.definition.trim().is_empty()
                    || squash(&a.definition) == squash(&b.definition))
        }
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// An index given without a definition (the schema editor gives columns and uniqueness) is
/// compared by those; two definitions by their normalised text.
fn same_index(a: &Index, b: &Index) -> bool {
    if a.definition.trim().is_empty() || b.definition.trim().is_empty() {
        a.unique == b.unique
            && (a.columns.is_empty() || b.columns.is_empty() || a.columns == b.columns)
    } else {
        normal_indexdef(&a.definition) == normal_indexdef(&b.definition)
    }
}

fn describe_index(unique: bool, columns: &[String]) -> String {
    format!("{}index on ({})", if unique { "unique " } else { "" }, columns.join(", "))
}

impl SchemaScope {
    fn includes(&self, table: &str) -> bool {
        self.tables.is_empty() || self.tables.iter().any(|t| t == table)
    }
}

/// `pg_get_indexdef` text with the parts a learner may reasonably leave out removed:
/// the `public.` schema, `USING btree` (the default method), quotes, case and spacing.
fn normal_indexdef(definition: &str) -> String {
    squash(definition).replace("public.", "").replace(" using btree", "").replace('"', "")
}

fn squash(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace("( ", "(")
        .replace(" )", ")")
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
    let Ok(mut expr) =
        Parser::new(&PostgreSqlDialect {}).try_with_sql(text).and_then(|mut p| p.parse_expr())
    else {
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
    use crate::schema::{Column, Table};

    type ColumnSpec<'a> = (&'a str, &'a str, bool, Option<&'a str>);

    fn expenses(columns: &[ColumnSpec], indexes: &[(&str, &str)]) -> Schema {
        Schema {
            tables: vec![Table {
                schema: "public".into(),
                name: "expenses".into(),
                columns: columns
                    .iter()
                    .map(|(n, t, nn, d)| Column {
                        name: n.to_string(),
                        data_type: t.to_string(),
                        not_null: *nn,
                        default: d.map(str::to_owned),
                    })
                    .collect(),
                indexes: indexes
                    .iter()
                    .map(|(n, d)| Index {
                        name: n.to_string(),
                        definition: d.to_string(),
                        unique: false,
                        columns: Vec::new(),
                    })
                    .collect(),
                row_count: Some(40),
                ..Table::default()
            }],
            ..Schema::default()
        }
    }

    const ID: ColumnSpec = ("id", "integer", true, Some("nextval('expenses_id_seq'::regclass)"));
    const STATUS: ColumnSpec =
        ("status", "character varying(20)", true, Some("'draft'::character varying"));
    const PKEY: (&str, &str) =
        ("expenses_pkey", "CREATE UNIQUE INDEX expenses_pkey ON public.expenses USING btree (id)");

    fn start() -> Schema {
        expenses(&[ID, STATUS], &[PKEY])
    }

    fn after() -> Schema {
        expenses(&[ID, STATUS, ("confidence_score", "numeric(4,3)", false, None)], &[PKEY, ("ix_expenses_score", "CREATE INDEX ix_expenses_score ON public.expenses USING btree (confidence_score)")])
    }

    fn check(predicted: &Schema, start: Option<&Schema>, actual: &Schema) -> String {
        let why: Why = [(
            "expenses.confidence_score.nullable".to_owned(),
            "the migration says `nullable=True`".to_owned(),
        )]
        .into();
        let graded =
            grade(predicted, start, actual, &SchemaScope::default(), &why, Confidence::MAX);
        let mut out = format!("credit {:.2}\n", graded.credit);
        for e in graded.elements.iter().filter(|e| !e.is_correct()) {
            out.push_str(&format!(
                "{:?} {}: {}\n",
                e.verdict,
                e.element,
                e.explanation.as_deref().unwrap_or("-")
            ));
        }
        out
    }

    #[test]
    fn change_predicted_ok() {
        let predicted = expenses(
            &[
                ("status", "varchar(20)", true, Some("'draft'")),
                ("confidence_score", "NUMERIC(4, 3)", false, None),
                ID,
            ],
            &[
                PKEY,
                (
                    "ix_expenses_score",
                    "create index ix_expenses_score on expenses (confidence_score)",
                ),
            ],
        );
        insta::assert_snapshot!(check(&predicted, Some(&start()), &after()), @"credit 1.00");
    }

    #[test]
    fn untouched_answer_earns_nothing_err() {
        insta::assert_snapshot!(check(&start(), Some(&start()), &after()), @r"
        credit 0.00
        Missing expenses.confidence_score: `expenses` has a column `confidence_score`.
        Missing expenses.confidence_score.type: `confidence_score` is `numeric(4,3)`.
        Missing expenses.confidence_score.nullable: `confidence_score` is nullable: the migration says `nullable=True`.
        Missing expenses.confidence_score.default: `confidence_score` has no default.
        Missing expenses.ix_expenses_score: Index `ix_expenses_score` is `CREATE INDEX ix_expenses_score ON public.expenses USING btree (confidence_score)`.
        ");
    }

    #[test]
    fn wrong_and_invented_changes_cost_credit_err() {
        let predicted = expenses(
            &[
                ID,
                ("status", "text", true, Some("'draft'")),
                ("confidence_score", "numeric", true, None),
            ],
            &[PKEY],
        );
        insta::assert_snapshot!(check(&predicted, Some(&start()), &after()), @r"
        credit 0.00
        Wrong expenses.confidence_score.type: `confidence_score` is `numeric(4,3)`.
        Wrong expenses.confidence_score.nullable: `confidence_score` is nullable: the migration says `nullable=True`.
        Missing expenses.ix_expenses_score: Index `ix_expenses_score` is `CREATE INDEX ix_expenses_score ON public.expenses USING btree (confidence_score)`.
        Extra expenses.status.type: That stays as it was: `status` is `character varying(20)`.
        ");
    }

    #[test]
    fn partly_right_ok() {
        let predicted =
            expenses(&[ID, STATUS, ("confidence_score", "numeric(4,3)", true, None)], &[PKEY]);
        insta::assert_snapshot!(check(&predicted, Some(&start()), &after()), @r"
        credit 0.40
        Wrong expenses.confidence_score.nullable: `confidence_score` is nullable: the migration says `nullable=True`.
        Missing expenses.ix_expenses_score: Index `ix_expenses_score` is `CREATE INDEX ix_expenses_score ON public.expenses USING btree (confidence_score)`.
        ");
    }

    #[test]
    fn dropped_column_is_one_change_ok() {
        let dropped = expenses(&[ID], &[PKEY]);
        insta::assert_snapshot!(check(&dropped, Some(&start()), &dropped), @"credit 1.00");
        insta::assert_snapshot!(check(&start(), Some(&start()), &dropped), @r"
        credit 0.00
        Missing expenses.status: `expenses` has no column `status`.
        ");
    }

    #[test]
    fn nothing_changes_ok() {
        insta::assert_snapshot!(check(&start(), Some(&start()), &start()), @"credit 1.00");
        insta::assert_snapshot!(check(&after(), Some(&start()), &start()), @r"
        credit 0.00
        Extra expenses.confidence_score: That stays as it was: `expenses` has no column `confidence_score`.
        Extra expenses.confidence_score.type: -
        Extra expenses.confidence_score.nullable: -
        Extra expenses.confidence_score.default: -
        Extra expenses.ix_expenses_score: That stays as it was: There is no index `ix_expenses_score` on `expenses`.
        ");
    }

    #[test]
    fn without_start_every_element_counts_err() {
        insta::assert_snapshot!(check(&Schema::default(), None, &expenses(&[ID], &[])), @r"
        credit 0.00
        Missing expenses: Table `expenses` exists.
        Missing expenses.id: `expenses` has a column `id`.
        Missing expenses.id.type: `id` is `integer`.
        Missing expenses.id.nullable: `id` is NOT NULL.
        Missing expenses.id.default: `id` defaults to `nextval('expenses_id_seq'::regclass)`.
        ");
    }
}
