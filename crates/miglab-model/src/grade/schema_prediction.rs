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
use super::Spelling;
use crate::schema::{Constraint, Index, Schema};
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
    spelling: &dyn Spelling,
) -> Graded {
    let empty = Schema::default();
    let start = Facts::of(start.unwrap_or(&empty), scope, spelling);
    let (actual, predicted) =
        (Facts::of(actual, scope, spelling), Facts::of(predicted, scope, spelling));
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
    Default(Option<Written>),
    Index(Index),
    Constraint(Constraint),
    Labels(Vec<String>),
}

/// A default as written, and its value as [`Spelling::default_value`] reads it.
#[derive(Clone, Debug, PartialEq)]
struct Written {
    shown: String,
    value: String,
}

/// A schema flattened into keyed facts, in schema order.
struct Facts {
    order: Vec<Key>,
    values: BTreeMap<(String, Kind), Fact>,
}

impl Facts {
    /// Types and defaults are spelled as Postgres prints them here, once, so the comparisons below read no SQL.
    fn of(schema: &Schema, scope: &SchemaScope, spelling: &dyn Spelling) -> Facts {
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
                        Fact::Type(spelling.data_type(&column.data_type)),
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
                            Fact::Default(column.default.as_ref().map(|text| Written {
                                shown: text.clone(),
                                value: spelling.default_value(text),
                            })),
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
                format!("`{name}` is `{data_type}`.")
            }
            (_, Some(Fact::NotNull(true))) => format!("`{name}` is NOT NULL."),
            (_, Some(Fact::NotNull(false))) => format!("`{name}` is nullable."),
            (_, Some(Fact::Default(Some(default)))) => {
                format!("`{name}` defaults to `{}`.", default.shown)
            }
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
        Some(Fact::Type(data_type)) => data_type.clone(),
        Some(Fact::NotNull(not_null)) => if *not_null { "NOT NULL" } else { "nullable" }.to_owned(),
        Some(Fact::Default(default)) => {
            default.as_ref().map_or_else(|| "no default".to_owned(), |d| d.shown.clone())
        }
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
        (Some(Fact::Type(a)), Some(Fact::Type(b))) => a == b,
        (Some(Fact::Default(a)), Some(Fact::Default(b))) => same_default(a.as_ref(), b.as_ref()),
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

/// SQL text with its whitespace collapsed and in lower case, for comparisons that forgive layout.
pub fn squash(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace("( ", "(")
        .replace(" )", ")")
}

/// Defaults match when they hold the same value once casts are stripped, so a learner's `0.000`
/// matches Postgres's `0.000` and `'draft'` matches `'draft'::character varying`.
fn same_default(expected: Option<&Written>, got: Option<&Written>) -> bool {
    match (expected, got) {
        (None, None) => true,
        (Some(expected), Some(got)) => {
            same_value(&expected.value, &got.value)
                || expected.value.eq_ignore_ascii_case(&got.value)
        }
        _ => false,
    }
}
