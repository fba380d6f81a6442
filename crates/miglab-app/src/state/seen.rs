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

/// Whether the engine's value is the one a lesson expected, by meaning as `miglab check` compares them: `t` is `true`,
/// `0` is `0.000`, and `None` is NULL.
pub fn agrees(expected: Option<&str>, got: Option<&str>) -> bool {
    match (expected, got) {
        (None, None) => true,
        (Some(expected), Some(got)) => miglab_model::grade::same_value(expected, got),
        _ => false,
    }
}

/// What each locked question's engine query gave, by question id.
pub type EngineValues = std::collections::BTreeMap<String, Result<Option<String>, String>>;

#[cfg(test)]
mod test {
    #[test]
    fn agrees_by_meaning_ok() {
        use super::agrees;
        assert!(
            agrees(Some("true"), Some("t"))
                && agrees(Some("0"), Some("0.000"))
                && agrees(None, None)
        );
        assert!(
            !agrees(Some("t"), Some("f")) && !agrees(Some("1"), None) && !agrees(None, Some(""))
        );
    }
}
