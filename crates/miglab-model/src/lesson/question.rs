//! Questions, experiments and expected outcomes: the parts of a lesson `miglab check` verifies on the engine.
//!
//! Answer keys are the grader's own [`AnswerKey`] values, so what a lesson says is right
//! is exactly what the grader compares a student's answer with.

use super::command::RunCommand;
use crate::engine::plan::{PlanStep, RunPlan, StepKind};
use crate::grade::AnswerKey;
use crate::migration::{Direction, Step};
use crate::schema::Table;
use serde::{Deserialize, Serialize};

/// One question of Predict, Investigate or Modify.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Unique within the lesson; progress is saved under it.
    pub id: String,
    /// Markdown.
    pub prompt: String,
    /// Answer this without AI help.
    #[serde(default)]
    pub ai_free: bool,
    /// The commands that produce the state the question is about, from the starting database;
    /// empty means the starting database itself.
    #[serde(default)]
    pub after: Vec<RunCommand>,
    /// For `kind = "value"`: a query returning one value from that state.
    #[serde(default)]
    pub query: Option<String>,
    /// For `kind = "choice"`.
    #[serde(default)]
    pub options: Vec<Choice>,
    /// For `kind = "ordering"`, listed in any order; the key gives the right one.
    #[serde(default)]
    pub items: Vec<Item>,
    /// A query that proves a choice or free-text key on the engine.
    #[serde(default)]
    pub evidence: Option<Evidence>,
    /// A lock queue that proves a key about waiting, which one connection cannot show: `miglab check --database-url`
    /// runs it with several connections; PGlite has one, so there it is skipped with a note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<LockQueue>,
    pub key: AnswerKey,
}

impl Question {
    /// The SQL of the item `id`, when the question has that item and the item has SQL.
    pub fn item_sql(&self, id: &str) -> Option<&str> {
        self.items.iter().find(|item| item.id == id).and_then(|item| item.sql.as_deref())
    }
}

/// Three sessions on one table, at the question's state: `holder` runs in a transaction left open, then `migration`
/// asks for its lock and must wait behind it, then `reader` arrives and must wait behind the migration, although it
/// does not conflict with `holder`; with `lock_timeout` set, the migration must give up with 55P03 and `reader` then
/// runs at once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockQueue {
    /// What the long-running session holds, e.g. `SELECT count(*) FROM expenses` (ACCESS SHARE until it ends).
    pub holder: String,
    /// The migration's statement, e.g. `ALTER TABLE expenses ADD COLUMN receipt_url text`.
    pub migration: String,
    /// What arrives after the migration, e.g. the same `SELECT`.
    pub reader: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub id: String,
    pub text: String,
}

/// One item to put in order, optionally with the SQL it stands for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub text: String,
    /// When every item has SQL, `miglab check` runs them in the key's order and they must succeed.
    #[serde(default)]
    pub sql: Option<String>,
}

/// Engine evidence for a key: a query and the value it returns at the question's state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub query: String,
    /// As psql prints it; omit for NULL.
    #[serde(default)]
    pub expected: Option<String>,
}

/// A query and the single value it must return.
pub type ValueCheck = Evidence;

/// A "try it" experiment: SQL run on a branch, with its real outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Experiment {
    pub id: String,
    pub title: String,
    /// Markdown: what to try and what to look for.
    pub prompt: String,
    /// The state the experiment starts from, as in [`Question::after`].
    #[serde(default)]
    pub after: Vec<RunCommand>,
    /// One or more statements, run as a student types them at a psql prompt: each on its own,
    /// so `CREATE INDEX CONCURRENTLY` succeeds.
    pub sql: String,
    /// Run the statements as one transaction instead, the way Alembic runs a migration by default;
    /// a statement that cannot run in a transaction then fails with 25001.
    #[serde(default)]
    pub in_transaction: bool,
    /// The PostgreSQL major version the experiment needs, e.g. `18` for `NOT NULL … NOT VALID`;
    /// `miglab check --database-url` skips it, with a note, on an older server.
    #[serde(default)]
    pub since: Option<u32>,
    pub expect: Outcome,
}

/// What running something produces: an error, or a state described by tables and values.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// The error Postgres raises; when set, the run must fail with it.
    #[serde(default)]
    pub error: Option<ExpectedError>,
    /// Tables as they look afterwards; only the tables named are compared.
    #[serde(default)]
    pub tables: Vec<Table>,
    /// Queries whose single value must match afterwards.
    #[serde(default)]
    pub values: Vec<ValueCheck>,
    /// Every table keeps its row count.
    #[serde(default)]
    pub rows_unchanged: bool,
}

/// An error as Postgres reports it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedError {
    /// The five-character SQLSTATE, e.g. `23502`.
    pub sqlstate: String,
    /// The primary message exactly as Postgres words it.
    pub message: String,
}

/// The plan for an experiment with `in_transaction = true`: its statements (split by the analysis) as one migration
/// transaction, no `alembic_version` bookkeeping, nothing autocommitted, so the engine's runner gives the real 25001.
pub fn transaction_plan(statements: Vec<Step>) -> RunPlan {
    let steps = statements
        .into_iter()
        .map(|step| PlanStep {
            sql: step.sql,
            kind: StepKind::Migration,
            autocommit: false,
            log: Vec::new(),
            migration: None,
            span: step.span,
            documented: step.documented,
        })
        .collect();
    RunPlan { direction: Direction::Upgrade, steps, traced: false }
}

/// A value query's statements (split by the analysis) as the ones that set up what it reads and the final query
/// whose first value is the answer; every engine runs value queries this way.
pub fn split_last_query(mut statements: Vec<String>) -> (Vec<String>, String) {
    let last = statements.pop().unwrap_or_default();
    (statements, last)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn split_last_query_ok() {
        let (setup, query) = split_last_query(vec![
            "DELETE FROM users WHERE id = 8".to_owned(),
            "SELECT 1".to_owned(),
        ]);
        assert_eq!(setup, vec!["DELETE FROM users WHERE id = 8".to_owned()]);
        assert_eq!(query, "SELECT 1");
        assert_eq!(split_last_query(Vec::new()), (Vec::new(), String::new()));
    }

    #[test]
    fn transaction_plan_ok() {
        let step = Step {
            sql: "CREATE INDEX CONCURRENTLY i ON t (c)".to_owned(),
            autocommit: true,
            span: None,
            documented: Vec::new(),
        };
        let plan = transaction_plan(vec![step]);
        assert_eq!(plan.steps.len(), 1);
        assert!(!plan.steps[0].autocommit);
    }
}
