//! Static schema simulation: apply analysed DDL to the schema model to predict the resulting schema.
//!
//! The simulation follows what Postgres does implicitly (a primary key makes its columns NOT NULL
//! and creates `<table>_pkey`; `DROP COLUMN` drops the indexes and constraints on that column;
//! serial becomes integer with a `nextval` default) and prints types, defaults and index
//! definitions as the engine's catalog functions do, so its result can be compared with the engine's.
//! Where it cannot know (an UPDATE's values, a DO block), it says so in `unknowns`; where Postgres
//! would refuse a statement, it stops there and reports the error with its SQLSTATE.

pub(crate) mod apply;
mod default_expr;
mod deparse;
pub(crate) mod naming;

pub use default_expr::render_default;

use crate::analysis::{analyze, Fact};
use crate::diagnostic::Diagnostic;
use crate::migration::Step;
use crate::schema::Schema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Simulation {
    /// The predicted schema; when a statement fails, what was committed before it: the schema
    /// before the steps, plus any autocommit steps and what they committed, because the
    /// migration's transaction rolls back.
    pub schema: Schema,
    /// What the simulation could not know or model, one diagnostic per statement.
    pub unknowns: Vec<Diagnostic>,
    /// The first statement Postgres would refuse, with its SQLSTATE in the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<PredictedFailure>,
}

/// A statement the simulation predicts Postgres will refuse.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PredictedFailure {
    /// The index of the failing step.
    pub step: usize,
    /// The SQLSTATE Postgres reports, e.g. `42704`.
    pub sqlstate: String,
    /// Postgres's own error text, e.g. `index "ix_expenses_run" does not exist`.
    pub error: String,
    /// A learner-facing diagnostic: what fails and what that means for the migration.
    pub diagnostic: Diagnostic,
}

/// Applies `steps` to `before`. Parse errors count as unknowns: the statement's effect is not known.
pub fn apply(before: &Schema, steps: &[Step]) -> Simulation {
    let analysis = analyze(steps);
    let autocommit = |fact: &Fact| steps.get(fact.step).is_some_and(|s| s.autocommit);
    let mut simulation = run(before, &analysis.facts, autocommit);
    let mut unknowns = analysis.diagnostics;
    unknowns.append(&mut simulation.unknowns);
    simulation.unknowns = unknowns;
    simulation
}

/// Applies analysed facts to `before` as one transaction, stopping at the first one Postgres would refuse.
pub fn apply_facts(before: &Schema, facts: &[Fact]) -> Simulation {
    run(before, facts, |_| false)
}

/// On a failure the schema goes back to what was committed: an autocommit step (Alembic's
/// `autocommit_block()`) commits everything before it and itself, so only later work rolls back.
fn run(before: &Schema, facts: &[Fact], autocommit: impl Fn(&Fact) -> bool) -> Simulation {
    let mut state = apply::State::new(before.clone());
    let mut committed = before.clone();
    for fact in facts {
        let outside_transaction = autocommit(fact);
        if outside_transaction {
            committed = state.schema().clone();
        }
        if let Err(error) = state.apply(fact) {
            let failure = error.into_failure(fact);
            committed.tables.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
            return Simulation {
                schema: committed,
                unknowns: state.unknowns,
                failure: Some(failure),
            };
        }
        if outside_transaction {
            committed = state.schema().clone();
        }
    }
    let unknowns = std::mem::take(&mut state.unknowns);
    Simulation { schema: state.finish(), unknowns, failure: None }
}

/// Differences between two schemas that matter to a learner, ignoring the order of tables,
/// indexes and constraints and any row count either side does not know.
/// The lesson checker uses it to hold the simulation to the engine.
pub fn differences(simulated: &Schema, actual: &Schema) -> Vec<String> {
    compare(
        simulated,
        actual,
        &Comparison {
            left: "the simulation",
            right: "the engine",
            column_order: true,
            row_counts: true,
        },
    )
}

/// How to compare two schemas: what to call each side, and whether column order and known row
/// counts count (a downgrade cannot put a re-added column back in its place, and data is the
/// rules' business, so the round-trip check leaves both out).
pub struct Comparison<'a> {
    pub left: &'a str,
    pub right: &'a str,
    pub column_order: bool,
    pub row_counts: bool,
}

/// Each difference is one sentence fragment such as "`expenses.amount` is `numeric(12,2)` in the
/// simulation but `numeric(10,2)` in the engine".
pub fn compare(left: &Schema, right: &Schema, how: &Comparison) -> Vec<String> {
    let (a, b) = (how.left, how.right);
    let mut out = Vec::new();
    let names = |s: &Schema| s.tables.iter().map(|t| t.name.clone()).collect::<BTreeSet<_>>();
    for name in names(left).union(&names(right)) {
        let (Some(l), Some(r)) = (left.table(name), right.table(name)) else {
            let side = if left.table(name).is_some() { a } else { b };
            out.push(format!("table `{name}` exists only in {side}"));
            continue;
        };
        compare_columns(name, l, r, how, &mut out);
        for (what, l_items, r_items) in [
            (
                "index",
                named(&l.indexes, |i| (&i.name, &i.definition)),
                named(&r.indexes, |i| (&i.name, &i.definition)),
            ),
            (
                "constraint",
                named(&l.constraints, |c| (&c.name, &c.definition)),
                named(&r.constraints, |c| (&c.name, &c.definition)),
            ),
        ] {
            for (item, definition) in &l_items {
                match r_items.get(item) {
                    None => out.push(format!("{what} `{item}` on `{name}` exists only in {a}")),
                    Some(other) if other != definition => out.push(format!(
                        "{what} `{item}` is `{definition}` in {a} but `{other}` in {b}"
                    )),
                    Some(_) => {}
                }
            }
            for item in r_items.keys().filter(|k| !l_items.contains_key(*k)) {
                out.push(format!("{what} `{item}` on `{name}` exists only in {b}"));
            }
        }
        if let (Some(x), Some(y), true) = (l.row_count, r.row_count, how.row_counts) {
            if x != y {
                out.push(format!("`{name}` holds {x} rows in {a} but {y} in {b}"));
            }
        }
    }
    let enums = |s: &Schema| {
        s.enums.iter().map(|e| (e.name.clone(), e.labels.join(", "))).collect::<BTreeMap<_, _>>()
    };
    let (l_enums, r_enums) = (enums(left), enums(right));
    for name in l_enums.keys().chain(r_enums.keys()).collect::<BTreeSet<_>>() {
        match (l_enums.get(name), r_enums.get(name)) {
            (Some(x), Some(y)) if x != y => {
                out.push(format!("type `{name}` has labels {x} in {a} but {y} in {b}"))
            }
            (Some(_), None) => out.push(format!("type `{name}` exists only in {a}")),
            (None, Some(_)) => out.push(format!("type `{name}` exists only in {b}")),
            _ => {}
        }
    }
    out
}

fn named<T>(items: &[T], key: impl Fn(&T) -> (&String, &String)) -> BTreeMap<String, String> {
    items.iter().map(key).map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn compare_columns(
    table: &str,
    l: &crate::schema::Table,
    r: &crate::schema::Table,
    how: &Comparison,
    out: &mut Vec<String>,
) {
    let (a, b) = (how.left, how.right);
    let show_default = |d: &Option<String>| {
        d.as_ref().map_or_else(|| "no default".to_owned(), |d| format!("default `{d}`"))
    };
    let nullability = |not_null: bool| if not_null { "NOT NULL" } else { "nullable" };
    for column in &l.columns {
        let Some(other) = r.column(&column.name) else {
            out.push(format!("column `{table}.{}` exists only in {a}", column.name));
            continue;
        };
        let path = format!("`{table}.{}`", column.name);
        if column.data_type != other.data_type {
            out.push(format!(
                "{path} is `{}` in {a} but `{}` in {b}",
                column.data_type, other.data_type
            ));
        }
        if column.not_null != other.not_null {
            out.push(format!(
                "{path} is {} in {a} but {} in {b}",
                nullability(column.not_null),
                nullability(other.not_null)
            ));
        }
        if column.default != other.default {
            out.push(format!(
                "{path} has {} in {a} but {} in {b}",
                show_default(&column.default),
                show_default(&other.default)
            ));
        }
    }
    for column in r.columns.iter().filter(|c| l.column(&c.name).is_none()) {
        out.push(format!("column `{table}.{}` exists only in {b}", column.name));
    }
    let order =
        |t: &crate::schema::Table| t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    let (lo, ro) = (order(l), order(r));
    if how.column_order
        && lo != ro
        && lo.iter().collect::<BTreeSet<_>>() == ro.iter().collect::<BTreeSet<_>>()
    {
        out.push(format!(
            "`{table}` lists its columns as ({}) in {a} but ({}) in {b}",
            lo.join(", "),
            ro.join(", ")
        ));
    }
}
