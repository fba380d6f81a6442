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
pub mod format_type;
pub(crate) mod naming;

pub use default_expr::render_default;

use crate::analysis::{analyze, Fact};
use crate::diagnostic::Diagnostic;
use crate::migration::Step;
use crate::schema::Schema;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Simulation {
    /// The predicted schema; when a statement fails, the schema before the steps, because the
    /// migration's transaction rolls back.
    pub schema: Schema,
    /// What the simulation could not know or model, one diagnostic per statement.
    pub unknowns: Vec<Diagnostic>,
    /// The first statement Postgres would refuse, with its SQLSTATE in the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

/// A statement the simulation predicts Postgres will refuse.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
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
    let mut simulation = apply_facts(before, &analysis.facts);
    let mut unknowns = analysis.diagnostics;
    unknowns.append(&mut simulation.unknowns);
    simulation.unknowns = unknowns;
    simulation
}

/// Applies analysed facts to `before`, stopping at the first one Postgres would refuse.
pub fn apply_facts(before: &Schema, facts: &[Fact]) -> Simulation {
    let mut state = apply::State::new(before.clone());
    for fact in facts {
        if let Err(error) = state.apply(fact) {
            let failure = error.into_failure(fact);
            return Simulation { schema: before.clone(), unknowns: state.unknowns, failure: Some(failure) };
        }
    }
    let unknowns = std::mem::take(&mut state.unknowns);
    Simulation { schema: state.finish(), unknowns, failure: None }
}

/// Differences between two schemas that matter to a learner, ignoring the order of tables,
/// indexes and constraints and any row count either side does not know.
/// The lesson checker uses it to hold the simulation to the engine.
pub fn differences(simulated: &Schema, actual: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let names = |s: &Schema| s.tables.iter().map(|t| t.name.clone()).collect::<std::collections::BTreeSet<_>>();
    for name in names(simulated).union(&names(actual)) {
        let (Some(sim), Some(act)) = (simulated.table(name), actual.table(name)) else {
            out.push(format!("table `{name}`: only in the {}", if simulated.table(name).is_some() { "simulation" } else { "engine" }));
            continue;
        };
        if sim.columns != act.columns {
            out.push(format!("table `{name}` columns: simulated {:?}, engine {:?}", sim.columns, act.columns));
        }
        let sorted = |mut v: Vec<(String, String)>| {
            v.sort();
            v
        };
        let indexes = |t: &crate::schema::Table| sorted(t.indexes.iter().map(|i| (i.name.clone(), i.definition.clone())).collect());
        if indexes(sim) != indexes(act) {
            out.push(format!("table `{name}` indexes: simulated {:?}, engine {:?}", indexes(sim), indexes(act)));
        }
        let constraints = |t: &crate::schema::Table| sorted(t.constraints.iter().map(|c| (c.name.clone(), c.definition.clone())).collect());
        if constraints(sim) != constraints(act) {
            out.push(format!("table `{name}` constraints: simulated {:?}, engine {:?}", constraints(sim), constraints(act)));
        }
        if let (Some(a), Some(b)) = (sim.row_count, act.row_count) {
            if a != b {
                out.push(format!("table `{name}` rows: simulated {a}, engine {b}"));
            }
        }
    }
    let enums = |s: &Schema| {
        let mut v: Vec<(String, Vec<String>)> = s.enums.iter().map(|e| (e.name.clone(), e.labels.clone())).collect();
        v.sort();
        v
    };
    let (sim_enums, act_enums) = (enums(simulated), enums(actual));
    if sim_enums != act_enums {
        out.push(format!("enums: simulated {sim_enums:?}, engine {act_enums:?}"));
    }
    out
}
