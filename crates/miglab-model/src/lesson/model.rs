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
    /// the seed, the migration chain, the Modify and Make solutions, the migration to refuse and the agent's drafts.
    pub fn files(&self) -> Vec<String> {
        let refuse = self.make.refuse.iter().map(|r| &r.migration);
        let drafts = self.modify.drafts.iter().chain(&self.make.drafts).map(|d| &d.migration);
        let references = self
            .migrations
            .iter()
            .chain([&self.modify.solution, &self.make.solution])
            .chain(refuse)
            .chain(drafts);
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
    /// Follow-up migrations "written by the agent" for the learner to review before they run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drafts: Vec<Draft>,
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
    /// The brief as fields the learner fills in when they write the brief for the agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<BriefFields>,
    /// Migrations "written by the agent" from the brief, for the learner to review, run, and approve or refuse.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drafts: Vec<Draft>,
}

/// What a brief asks for, as the structured fields a learner fills in before the agent drafts.
/// `miglab check` proves them against the reference solution's run, so the learner is checked against the engine.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BriefFields {
    pub table: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The column's type as the catalog names it (`format_type`), e.g. `uuid` or `character varying(40)`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub data_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nullable: Option<bool>,
    /// Whether the column gets an index of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<bool>,
}

/// A migration the agent hands over for review: right, or with a planted flaw that `miglab check` proves on the engine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    /// Unique among the stage's drafts, e.g. `empty-downgrade`.
    pub id: String,
    /// What the agent says as it hands the draft over, in Markdown.
    pub message: String,
    /// The draft's file; it revises the revision its stage starts from, like the reference solution.
    pub migration: MigrationRef,
    /// What the draft gets wrong; absent for a right draft, which must pass every check of its stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flaw: Option<Flaw>,
}

/// A draft's planted flaw: where it is, which of the stage's checks it fails on the engine, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flaw {
    /// The 1-based lines of the draft's file (the up file of a SQL pair) that hold the flaw; marking any one finds it.
    pub lines: Vec<u32>,
    /// The checks the flaw fails; `miglab check` runs the draft and proves that each one fails.
    pub fails: Vec<DraftCheck>,
    /// What is wrong and what it does on the engine, in Markdown, shown once the learner has given a verdict.
    pub why: String,
}

/// One of a stage's checks, as a draft's flaw names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftCheck {
    /// `upgrade()` stops with an error on the branch (e.g. `NOT NULL` with no default on a table with rows).
    Upgrade,
    /// The tables after the upgrade differ from `checks.tables` (a missing index, a wrong type).
    Tables,
    /// A query of `checks.values` reads another value.
    Values,
    /// Upgrade, downgrade, upgrade fails or changes a row count (an empty `downgrade()`).
    RoundTrip,
    /// `downgrade()` does not undo the upgrade in reverse order.
    DowngradeOrder,
    /// The rules report a finding `checks.forbid` names.
    Forbid,
    /// The upgrade has a destructive step the drop guard would stop.
    Destructive,
}

impl DraftCheck {
    /// The name the page's check list and `miglab check` use.
    pub fn label(self) -> &'static str {
        match self {
            DraftCheck::Upgrade => "upgrade() runs",
            DraftCheck::Tables => "the tables match the brief",
            DraftCheck::Values => "the values match",
            DraftCheck::RoundTrip => "upgrade, downgrade, upgrade round trip",
            DraftCheck::DowngradeOrder => "downgrade() undoes the upgrade in reverse order",
            DraftCheck::Forbid => "no forbidden finding",
            DraftCheck::Destructive => "no destructive step",
        }
    }
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
