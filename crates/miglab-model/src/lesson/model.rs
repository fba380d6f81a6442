//! The lesson manifest (`lesson.toml`) as serde data: metadata, the starting database, the migration chain and the five PRIMM phases.
//!
//! Every struct denies unknown fields, so a typo in a lesson file is an error with its line,
//! never a silently ignored setting.

use super::command::RunCommand;
use super::question::{Experiment, Outcome, Question, ValueCheck};
use crate::schema::Table;
use serde::{Deserialize, Serialize};

/// One lesson folder's `lesson.toml`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonManifest {
    /// The format version; this build reads `1`.
    pub format: u32,
    /// Equals the folder name; other lessons name it in `prerequisites`.
    pub id: String,
    pub title: String,
    /// One or two sentences for the catalog.
    pub summary: String,
    /// Estimated minutes for a student.
    pub minutes: u32,
    #[serde(default)]
    pub prerequisites: Vec<String>,
    /// The scenario in Markdown, shown before Predict.
    pub story: String,
    pub database: Database,
    /// The migration chain, oldest first; each revises the one before it.
    pub migrations: Vec<MigrationRef>,
    pub predict: Predict,
    pub run: Run,
    pub investigate: Investigate,
    pub modify: Modify,
    pub make: Make,
    /// Prompts for the learner's own AI assistant, kept apart from the AI-free questions: the page shows them with a
    /// copy button and sends nothing anywhere.
    #[serde(default)]
    pub try_with_ai: Vec<AiPrompt>,
}

/// One "Try With AI" prompt: what to paste into an assistant, and what the exercise trains.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AiPrompt {
    pub title: String,
    /// The text to paste, as plain text.
    pub prompt: String,
    /// What the exercise trains, in Markdown.
    #[serde(default)]
    pub learning: String,
}

impl LessonManifest {
    /// Every file the lesson references, relative to its folder, without repeats:
    /// the seed, the migration chain, the Modify and Make solutions and the migration to refuse.
    pub fn files(&self) -> Vec<String> {
        let refuse = self.make.refuse.iter().map(|r| &r.migration);
        let references = self
            .migrations
            .iter()
            .chain([&self.modify.solution, &self.make.solution])
            .chain(refuse);
        let mut files = vec![self.database.seed.clone()];
        for file in references.flat_map(|r| r.files()) {
            if !files.iter().any(|f| f == file) {
                files.push(file.to_owned());
            }
        }
        files
    }
}

/// The starting ("production") database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Database {
    /// A SQL file with the schema and realistic rows, run once before anything else.
    pub seed: String,
    /// The Alembic revision the seed stands for: the seed's own `alembic_version` row must name it (the engine
    /// session's setup checks, and writes nothing), and the first migration's `down_revision` must name it.
    #[serde(default)]
    pub revision: Option<String>,
}

/// One revision of the chain: an Alembic file, or a plain SQL up/down pair.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MigrationRef {
    /// An Alembic revision file (`.py`).
    #[serde(default)]
    pub file: Option<String>,
    /// A plain SQL up file (golang-migrate `000002_x.up.sql` or Flyway `V2__x.sql`).
    #[serde(default)]
    pub up: Option<String>,
    /// The matching down file; required with `up` so every revision can be rolled back.
    #[serde(default)]
    pub down: Option<String>,
    /// Safety finding codes `miglab check` expects the rules to report on this revision's upgrade.
    #[serde(default)]
    pub findings: Vec<String>,
}

impl MigrationRef {
    /// The files this revision needs, in the order they are named.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        [&self.file, &self.up, &self.down].into_iter().flatten().map(String::as_str)
    }
}

/// Predict: questions answered before anything runs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Predict {
    /// Markdown shown above the questions.
    #[serde(default)]
    pub intro: String,
    pub questions: Vec<Question>,
}

/// Run: the commands the student runs on a named branch, and what must happen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Run {
    #[serde(default)]
    pub intro: String,
    /// The branch the run happens on, e.g. `migration-confidence-score`.
    pub branch: String,
    pub commands: Vec<RunCommand>,
    /// What the commands produce; `miglab check` verifies it on the engine.
    pub expect: Outcome,
    /// Grows a table on the branch so the first command runs again on many rows, and its lock timeline shows how long
    /// a rewrite or a full scan holds the lock.
    #[serde(default)]
    pub scale: Option<Scale>,
}

/// SQL that grows `table` to exactly `rows` rows on the branch, e.g. the seed's rows copied with `generate_series`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub table: String,
    pub rows: u64,
    pub sql: String,
}

/// Investigate: self-explanation first, then targeted questions, then experiments.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Investigate {
    #[serde(default)]
    pub intro: String,
    /// Self-explanation prompts, answered in the student's own words before anything else.
    pub explain: Vec<Prompt>,
    #[serde(default)]
    pub questions: Vec<Question>,
    /// "Try it" experiments with their real outcome.
    #[serde(default)]
    pub experiments: Vec<Experiment>,
}

/// A self-explanation prompt with the answer an instructor would accept.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prompt {
    pub id: String,
    pub prompt: String,
    pub model_answer: String,
    #[serde(default)]
    pub ai_free: bool,
}

/// Modify: a follow-up change with its own predictions and checks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Modify {
    /// What to change, in Markdown.
    pub brief: String,
    /// The reference follow-up migration; its `down_revision` is the state in `start`.
    pub solution: MigrationRef,
    /// Where the follow-up starts from; usually `["upgrade head"]`.
    #[serde(default = "upgrade_head")]
    pub start: Vec<RunCommand>,
    #[serde(default)]
    pub questions: Vec<Question>,
    pub checks: Checks,
    /// The PostgreSQL major version the follow-up needs (e.g. `18` for `NOT NULL … NOT VALID`), as an experiment's
    /// `since`: `miglab check --database-url` skips the stage's questions, gate and drop-guard check, with a note,
    /// on an older server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<u32>,
}

/// Make, the mastery gate: a brief, the checks on the student's migration, the approval and a refusal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Make {
    /// The brief in business English.
    pub brief: String,
    /// The reference solution; it must pass `checks` and doing nothing must fail them.
    pub solution: MigrationRef,
    #[serde(default = "upgrade_head")]
    pub start: Vec<RunCommand>,
    pub checks: Checks,
    pub approval: Approval,
    /// A destructive migration the student must refuse.
    #[serde(default)]
    pub refuse: Option<Refuse>,
}

/// Automated checks on a student's migration, run on a branch from `start`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checks {
    /// Tables as they must look after the upgrade; only the tables named are compared.
    #[serde(default)]
    pub tables: Vec<Table>,
    /// Queries whose single value must match after the upgrade.
    #[serde(default)]
    pub values: Vec<ValueCheck>,
    /// Upgrade, downgrade, upgrade again, with every table's row count unchanged.
    #[serde(default)]
    pub round_trip: bool,
    /// The downgrade undoes the upgrade in reverse order.
    #[serde(default)]
    pub downgrade_order: bool,
    /// Safety finding codes that fail the check when the rules report them.
    #[serde(default)]
    pub forbid: Vec<String>,
    /// Unless true, any destructive finding in the upgrade fails the check.
    #[serde(default)]
    pub allow_destructive: bool,
}

/// The approval the student gives before the gate passes. It is checked against the run on the
/// branch (what `upgrade()` and `downgrade()` did), never against words; the text is a reflection.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// The shape of the written reflection, e.g. "I read this; upgrade() …; downgrade() …; tested on branch …".
    pub template: String,
    /// Format 1 listed words the approval had to contain. Keywords never prove understanding (a
    /// negation passes them), so the list is read for compatibility and ignored.
    #[serde(default)]
    pub must_mention: Vec<String>,
}

/// A destructive migration to refuse, with the preconditions the refusal must name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refuse {
    /// Markdown: why the migration arrives ("the agent says the column is unused").
    pub prompt: String,
    pub migration: MigrationRef,
    /// The model refusal naming branch, backup and explicit approval.
    pub model_answer: String,
    /// What would be lost, e.g. the count of non-null values, checked on the starting database.
    #[serde(default)]
    pub evidence: Vec<ValueCheck>,
}

fn upgrade_head() -> Vec<RunCommand> {
    vec![RunCommand::upgrade(super::command::Target::Head)]
}
