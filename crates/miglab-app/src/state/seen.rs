//! What the engine showed a lesson page outside the reducers, for this visit only: experiment outcomes and the
//! values of locked questions' queries.

use crate::state::drop_guard::Stake;
use crate::state::run_state::{Failure, Rows};
use miglab_model::schema::Schema;

/// The outcome of a "try it" experiment, shown beside its stated expectation.
#[derive(Clone, Debug, PartialEq)]
pub struct ExperimentOutcome {
    pub id: String,
    /// `None` while a destructive experiment waits for the learner to see what it would destroy.
    pub result: Option<Result<Rows, Failure>>,
    pub values: Vec<ValueSeen>,
    /// What its SQL would destroy, counted on the branch before it ran; empty when nothing.
    pub stakes: Vec<Stake>,
    /// The branch just before and just after its SQL, so what it did (rows included) is shown.
    pub diff: Option<(Schema, Schema)>,
}

/// One of an experiment's value checks after its script: `(query, expected, what the engine said)`.
pub type ValueSeen = (String, Option<String>, Result<Option<String>, String>);

/// What each locked question's engine query gave, by question id.
pub type EngineValues = std::collections::BTreeMap<String, Result<Option<String>, String>>;
