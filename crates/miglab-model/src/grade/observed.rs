//! What the engine showed for one question: the state the answer starts from, the state it ends in,
//! and what Postgres did with a learner's order. The grader compares answers with these, never with
//! what a lesson merely says.

use crate::locks::Trace;
use crate::schema::Schema;
use serde::{Deserialize, Serialize};

/// Everything a grader may compare an answer with; each part is `None` where it does not apply.
#[derive(Clone, Copy, Debug, Default)]
pub struct Observed<'a> {
    /// The schema at the branch point, where the learner's schema answer started.
    /// With it, a schema answer is scored on the change it predicts; without it (a brief compared
    /// with a learner's own migration), on the whole state.
    pub start: Option<&'a Schema>,
    /// The engine's schema after the question's commands.
    pub actual: Option<&'a Schema>,
    /// What Postgres did when the learner's order was run on the branch.
    pub order_run: Option<&'a OrderRun>,
    /// The engine's lock trace of the run a lock question asks about.
    pub trace: Option<&'a Trace>,
    /// Item id → the text the learner saw, so feedback names steps by what they say.
    pub labels: &'a [(String, String)],
}

impl Observed<'_> {
    /// The text the learner saw for an item, or the id where the lesson gives none.
    pub fn label<'b>(&'b self, id: &'b str) -> &'b str {
        self.labels.iter().find(|(item, _)| item == id).map_or(id, |(_, text)| text.as_str())
    }
}

/// The learner's order, run on the branch: every step ran, or Postgres refused one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRun {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<OrderFailure>,
}

/// The first step of a learner's order that Postgres refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFailure {
    /// Its 0-based position in the learner's order.
    pub step: usize,
    pub sqlstate: String,
    pub message: String,
}
