//! Run plans: the statements a run sends, in order, the way Alembic runs migrations on PostgreSQL.
//!
//! Alembic's default (`transaction_per_migration=False`) wraps the whole run in one transaction.
//! A step inside `autocommit_block()` commits that transaction, runs alone, and a new transaction begins after it.
//! Each migration's `alembic_version` change runs right after its own steps, in the same transaction.

use crate::diagnostic::Span;
use crate::locks::DocumentedLock;
use crate::migration::version_table;
use crate::migration::{Direction, Migration};
use serde::{Deserialize, Serialize};

/// Every statement of one run, flat and in order; [`super::runner::Runner`] adds the transaction control.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunPlan {
    pub direction: Direction,
    pub steps: Vec<PlanStep>,
    /// True to trace the run's locks: the report then carries a [`crate::locks::Trace`].
    #[serde(default)]
    pub traced: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanStep {
    /// One statement without the trailing `;`.
    pub sql: String,
    pub kind: StepKind,
    /// True when the step must run outside any transaction.
    pub autocommit: bool,
    /// The lines Alembic logs just before this step runs.
    #[serde(default)]
    pub log: Vec<String>,
    /// The index of the migration this step belongs to, in the slice the plan was built from.
    #[serde(default)]
    pub migration: Option<usize>,
    /// The step's span in its migration's source file.
    #[serde(default)]
    pub span: Option<Span>,
    /// The locks the manual documents for an autocommit step, which a lock trace cannot observe.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documented: Vec<DocumentedLock>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// `CREATE TABLE alembic_version`, sent only when the table is missing, as Alembic checks first.
    CreateVersionTable,
    /// A statement from the migration's `upgrade()` or `downgrade()`.
    Migration,
    /// The `alembic_version` insert, update or delete that records the migration.
    Version,
}

/// Alembic's first two log lines on PostgreSQL, before any migration runs.
pub const PREAMBLE_LOG: [&str; 2] =
    ["Context impl PostgresqlImpl.", "Will assume transactional DDL."];

impl RunPlan {
    /// Plans `migrations`, given in the order they run: oldest first to upgrade, newest first to downgrade.
    pub fn new(migrations: &[Migration], direction: Direction) -> RunPlan {
        let mut steps = vec![PlanStep {
            sql: version_table::create_table(),
            kind: StepKind::CreateVersionTable,
            autocommit: false,
            log: PREAMBLE_LOG.iter().map(|line| (*line).to_owned()).collect(),
            migration: None,
            span: None,
            documented: Vec::new(),
        }];
        for (index, migration) in migrations.iter().enumerate() {
            let first = steps.len();
            steps.extend(migration.steps(direction).iter().map(|step| PlanStep {
                sql: step.sql.clone(),
                kind: StepKind::Migration,
                autocommit: step.autocommit,
                log: Vec::new(),
                migration: Some(index),
                span: step.span,
                documented: step.documented.clone(),
            }));
            steps.extend(version_sql(migration, direction).into_iter().map(|sql| PlanStep {
                sql,
                kind: StepKind::Version,
                autocommit: false,
                log: Vec::new(),
                migration: Some(index),
                span: None,
                documented: Vec::new(),
            }));
            if let Some(step) = steps.get_mut(first) {
                step.log.push(running_line(migration, direction));
            }
        }
        RunPlan { direction, steps, traced: false }
    }

    /// The same plan with its locks traced.
    pub fn traced(self) -> RunPlan {
        RunPlan { traced: true, ..self }
    }

    /// The steps that belong to one migration, for showing them under its log line.
    pub fn steps_of(&self, migration: usize) -> impl Iterator<Item = (usize, &PlanStep)> {
        self.steps.iter().enumerate().filter(move |(_, step)| step.migration == Some(migration))
    }
}

/// `Running upgrade 9f0e1d2c -> ab12cd34, add confidence_score to expenses`, exactly as Alembic logs it
/// (an upgrade from the base prints an empty source, hence the two spaces before `->`).
pub fn running_line(migration: &Migration, direction: Direction) -> String {
    let revision = &migration.revision;
    let down = revision.down_revision.join(", ");
    match direction {
        Direction::Upgrade => {
            format!("Running upgrade {down} -> {}, {}", revision.revision, revision.message)
        }
        Direction::Downgrade => {
            format!("Running downgrade {} -> {down}, {}", revision.revision, revision.message)
        }
    }
}

/// The `alembic_version` statements that record one migration.
/// Online, Alembic creates the table once at the start of the run (see [`StepKind::CreateVersionTable`]),
/// not after the first revision as `--sql` output prints it.
fn version_sql(migration: &Migration, direction: Direction) -> Vec<String> {
    let create = version_table::create_table();
    match direction {
        Direction::Upgrade => version_table::after_upgrade(&migration.revision)
            .into_iter()
            .filter(|sql| *sql != create)
            .collect(),
        Direction::Downgrade => version_table::after_downgrade(&migration.revision),
    }
}

/// Plans the engine's tests share.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::RunPlan;
    use crate::migration::{Direction, Migration, Revision, Step};

    /// One migration of `steps` (SQL, autocommit) as an upgrade plan.
    pub fn plan(steps: &[(&str, bool)]) -> RunPlan {
        let migration = Migration {
            revision: Revision {
                revision: "a1".to_owned(),
                message: "first".to_owned(),
                ..Revision::default()
            },
            upgrade: steps
                .iter()
                .map(|(sql, autocommit)| Step {
                    sql: (*sql).to_owned(),
                    autocommit: *autocommit,
                    span: None,
                    documented: Vec::new(),
                })
                .collect(),
            downgrade: Vec::new(),
        };
        RunPlan::new(&[migration], Direction::Upgrade)
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::migration::{Revision, Step};

    fn migration(rev: &str, down: &[&str], message: &str, up: &[(&str, bool)]) -> Migration {
        Migration {
            revision: Revision {
                revision: rev.to_owned(),
                down_revision: down.iter().map(|d| (*d).to_owned()).collect(),
                message: message.to_owned(),
                ..Revision::default()
            },
            upgrade: up
                .iter()
                .map(|(sql, autocommit)| Step {
                    sql: (*sql).to_owned(),
                    autocommit: *autocommit,
                    span: None,
                    documented: Vec::new(),
                })
                .collect(),
            downgrade: vec![Step {
                sql: format!("-- undo {rev}"),
                autocommit: false,
                span: None,
                documented: Vec::new(),
            }],
        }
    }

    fn check(plan: &RunPlan, expect: &str) {
        let text: Vec<String> = plan
            .steps
            .iter()
            .flat_map(|s| {
                s.log.iter().map(|l| format!("# {l}")).chain([format!(
                    "{}{}",
                    if s.autocommit { "[autocommit] " } else { "" },
                    s.sql
                )])
            })
            .collect();
        assert_eq!(text.join("\n"), expect.trim());
    }

    #[test]
    fn upgrade_from_base_ok() {
        let migrations = [
            migration(
                "9f0e1d2c",
                &[],
                "create expenses",
                &[("CREATE TABLE expenses (id int)", false)],
            ),
            migration(
                "ab12cd34",
                &["9f0e1d2c"],
                "add index",
                &[("CREATE INDEX CONCURRENTLY ix ON expenses (id)", true)],
            ),
        ];
        check(
            &RunPlan::new(&migrations, Direction::Upgrade),
            r"
# Context impl PostgresqlImpl.
# Will assume transactional DDL.
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))
# Running upgrade  -> 9f0e1d2c, create expenses
CREATE TABLE expenses (id int)
INSERT INTO alembic_version (version_num) VALUES ('9f0e1d2c') RETURNING alembic_version.version_num
# Running upgrade 9f0e1d2c -> ab12cd34, add index
[autocommit] CREATE INDEX CONCURRENTLY ix ON expenses (id)
UPDATE alembic_version SET version_num='ab12cd34' WHERE alembic_version.version_num = '9f0e1d2c'
",
        );
    }

    #[test]
    fn downgrade_to_base_ok() {
        let migrations = [migration("9f0e1d2c", &[], "create expenses", &[])];
        let plan = RunPlan::new(&migrations, Direction::Downgrade);
        assert_eq!(plan.steps[1].log, ["Running downgrade 9f0e1d2c -> , create expenses"]);
        assert_eq!(
            plan.steps[2].sql,
            "DELETE FROM alembic_version WHERE alembic_version.version_num = '9f0e1d2c'"
        );
        assert_eq!(plan.steps_of(0).count(), 2);
    }

    #[test]
    fn empty_migration_logs_on_version_step_ok() {
        let plan = RunPlan::new(&[migration("m1", &["a", "b"], "merge", &[])], Direction::Upgrade);
        assert_eq!(plan.steps[1].log, ["Running upgrade a, b -> m1, merge"]);
        assert_eq!(
            plan.steps[1].sql,
            "DELETE FROM alembic_version WHERE alembic_version.version_num = 'a'"
        );
        assert_eq!(
            plan.steps[2].sql,
            "UPDATE alembic_version SET version_num='m1' WHERE alembic_version.version_num = 'b'"
        );
    }
}
