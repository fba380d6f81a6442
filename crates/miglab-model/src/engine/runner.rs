//! The run loop without IO: turns a [`RunPlan`] into the exact commands to send, and the answers into a [`RunReport`].
//!
//! Engines call [`Runner::next`] with the result of the previous command until it returns [`Action::Done`].
//! An engine that pays per message sends [`Runner::queued`] along with each command and feeds the outcomes one by one.
//! Keeping the loop here means the browser bridge and the CLI engines commit, roll back and report identically.

use super::plan::{RunPlan, StepKind};
use super::{PgError, RunFailure, RunReport};

/// The savepoint a transactional stretch of a run uses inside a branch transaction.
const RUN_SAVEPOINT: &str = "miglab_run";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunnerConfig {
    /// Whether `alembic_version` exists already; Alembic creates it only when missing.
    pub version_table_exists: bool,
    /// True when the engine keeps a branch transaction open (PGlite with a restore point):
    /// Alembic's `BEGIN`/`COMMIT`/`ROLLBACK` become a savepoint, and an autocommit step commits the branch transaction.
    pub in_branch_transaction: bool,
}

/// What the engine does next.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Send this SQL (one statement, or transaction control) and pass the outcome to [`Runner::next`].
    Exec(String),
    Done(RunReport),
}

/// One command of the script, with the statement Alembic would show for it and where it came from.
#[derive(Clone, Debug, Default)]
struct Op {
    sql: String,
    /// The plan step this command runs, if it is one.
    step: Option<usize>,
    /// The lines Alembic logs just before this command.
    log: Vec<String>,
    /// What Alembic itself would show as sent (`BEGIN`, the step, `COMMIT`); `None` for our own savepoints.
    shown: Option<String>,
    /// Commands that undo the open transaction if this command fails; empty outside a transaction.
    recover: Vec<String>,
    /// True when this command ends the branch transaction.
    commits: bool,
}

pub struct Runner {
    /// Each plan step's SQL, where a failing step's error position is counted.
    steps: Vec<String>,
    ops: Vec<Op>,
    cursor: usize,
    /// Recovery commands still to send after a failure; the failure waits in `report`.
    recovering: Vec<String>,
    report: RunReport,
}

impl Runner {
    pub fn new(plan: &RunPlan, config: RunnerConfig) -> Runner {
        Runner {
            steps: plan.steps.iter().map(|step| step.sql.clone()).collect(),
            ops: script(plan, config),
            cursor: 0,
            recovering: Vec::new(),
            report: RunReport::default(),
        }
    }

    /// The first action.
    pub fn start(&mut self) -> Action {
        self.advance()
    }

    /// Feeds the outcome of the last `Exec` and returns the next action.
    pub fn next(&mut self, outcome: Result<(), PgError>) -> Action {
        if self.report.failure.is_some() {
            // Recovery commands are best effort: a failure there cannot make the run more failed.
            return self.recover();
        }
        let Some(op) = self.ops.get(self.cursor) else { return self.finish() };
        self.cursor += 1;
        let Err(error) = outcome else {
            self.report.committed |= op.commits;
            return self.advance();
        };
        let step = op
            .step
            .or_else(|| self.ops[..self.cursor].iter().rev().find_map(|o| o.step))
            .unwrap_or(0);
        let error = match op.step {
            Some(index) => match self.steps.get(index) {
                Some(sql) => error.located_in(sql),
                None => error,
            },
            None => error,
        };
        if !op.recover.is_empty() && op.shown.as_deref() != Some("BEGIN") {
            self.report.statements.push("ROLLBACK".to_owned());
        }
        self.recovering = op.recover.iter().rev().cloned().collect();
        self.report.failure = Some(RunFailure { step, error });
        self.recover()
    }

    /// The commands that follow the last [`Action::Exec`] for as long as each one succeeds, in order.
    /// An engine may send them together with it in one message that stops at the first failure,
    /// then feed [`Runner::next`] the outcome of each command that ran, in order: the runner hands out exactly these.
    pub fn queued(&self) -> Vec<&str> {
        if self.report.failure.is_some() {
            return self.recovering.iter().rev().map(String::as_str).collect();
        }
        self.ops
            .get(self.cursor + 1..)
            .unwrap_or_default()
            .iter()
            .map(|op| op.sql.as_str())
            .collect()
    }

    /// [`Runner::queued`] with the plan step each command runs, if it runs one (`None` for transaction control).
    pub fn queued_steps(&self) -> Vec<(&str, Option<usize>)> {
        if self.report.failure.is_some() {
            return self.recovering.iter().rev().map(|sql| (sql.as_str(), None)).collect();
        }
        self.ops
            .get(self.cursor + 1..)
            .unwrap_or_default()
            .iter()
            .map(|op| (op.sql.as_str(), op.step))
            .collect()
    }

    /// The plan step of the command the last [`Action::Exec`] handed out, if it runs one.
    pub fn current_step(&self) -> Option<usize> {
        if self.report.failure.is_some() {
            return None;
        }
        self.ops.get(self.cursor).and_then(|op| op.step)
    }

    fn advance(&mut self) -> Action {
        let Some(op) = self.ops.get(self.cursor) else { return self.finish() };
        self.report.log.extend(op.log.iter().cloned());
        self.report.statements.extend(op.shown.clone());
        Action::Exec(op.sql.clone())
    }

    fn recover(&mut self) -> Action {
        match self.recovering.pop() {
            Some(sql) => Action::Exec(sql),
            None => self.finish(),
        }
    }

    fn finish(&mut self) -> Action {
        self.cursor = self.ops.len();
        Action::Done(std::mem::take(&mut self.report))
    }
}

/// Builds the command script for a successful run; failures branch off it through each command's `recover`.
struct Script {
    branch: bool,
    ops: Vec<Op>,
    /// Log lines of a step that sends nothing, carried to the next command.
    pending_log: Vec<String>,
    open: bool,
}

impl Script {
    fn push(&mut self, mut op: Op) {
        op.log.splice(0..0, std::mem::take(&mut self.pending_log));
        self.ops.push(op);
    }

    /// Alembic's `BEGIN` (our savepoint inside a branch transaction).
    fn begin(&mut self) {
        let sql =
            if self.branch { format!("SAVEPOINT {RUN_SAVEPOINT}") } else { "BEGIN".to_owned() };
        self.push(Op { sql, shown: Some("BEGIN".to_owned()), ..Op::default() });
        self.open = true;
    }

    fn commit(&mut self) {
        let sql = if self.branch {
            format!("RELEASE SAVEPOINT {RUN_SAVEPOINT}")
        } else {
            "COMMIT".to_owned()
        };
        let recover = self.rollback();
        self.push(Op { sql, shown: Some("COMMIT".to_owned()), recover, ..Op::default() });
        self.open = false;
    }

    fn rollback(&self) -> Vec<String> {
        if self.branch {
            vec![
                format!("ROLLBACK TO SAVEPOINT {RUN_SAVEPOINT}"),
                format!("RELEASE SAVEPOINT {RUN_SAVEPOINT}"),
            ]
        } else {
            vec!["ROLLBACK".to_owned()]
        }
    }

    /// A step that must run outside any transaction: Alembic commits first and begins again after it.
    fn autocommit(&mut self, index: usize, sql: &str, log: &[String]) {
        if self.open {
            self.commit();
        }
        if self.branch {
            self.push(Op { sql: "COMMIT".to_owned(), commits: true, ..Op::default() });
        }
        let recover = if self.branch { vec!["BEGIN".to_owned()] } else { Vec::new() };
        self.push(Op {
            sql: sql.to_owned(),
            step: Some(index),
            log: log.to_vec(),
            shown: Some(sql.to_owned()),
            recover,
            ..Op::default()
        });
        if self.branch {
            self.push(Op { sql: "BEGIN".to_owned(), ..Op::default() });
        }
    }

    fn step(&mut self, index: usize, sql: &str, log: &[String]) {
        if !self.open {
            self.begin();
        }
        let recover = self.rollback();
        self.push(Op {
            sql: sql.to_owned(),
            step: Some(index),
            log: log.to_vec(),
            shown: Some(sql.to_owned()),
            recover,
            ..Op::default()
        });
    }
}

fn script(plan: &RunPlan, config: RunnerConfig) -> Vec<Op> {
    let mut script = Script {
        branch: config.in_branch_transaction,
        ops: Vec::new(),
        pending_log: Vec::new(),
        open: false,
    };
    for (index, step) in plan.steps.iter().enumerate() {
        if step.kind == StepKind::CreateVersionTable && config.version_table_exists {
            // Alembic checks and sends nothing, but its log lines still appear.
            script.pending_log.extend(step.log.iter().cloned());
        } else if step.autocommit {
            script.autocommit(index, &step.sql, &step.log);
        } else {
            script.step(index, &step.sql, &step.log);
        }
    }
    if script.open {
        script.commit();
    }
    script.ops
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::engine::plan::fixtures::plan;

    /// Drives a runner, failing the command that starts with `fail`, and returns the commands sent and the report.
    fn drive(plan: &RunPlan, config: RunnerConfig, fail: &str) -> (Vec<String>, RunReport) {
        let mut runner = Runner::new(plan, config);
        let mut sent = Vec::new();
        let mut action = runner.start();
        loop {
            match action {
                Action::Exec(sql) => {
                    let outcome = if !fail.is_empty() && sql.starts_with(fail) {
                        Err(PgError {
                            sqlstate: "42601".into(),
                            message: "boom".into(),
                            position: Some(3),
                            ..PgError::default()
                        })
                    } else {
                        Ok(())
                    };
                    sent.push(sql);
                    action = runner.next(outcome);
                }
                Action::Done(report) => return (sent, report),
            }
        }
    }

    /// Drives a runner in batches, as the browser bridge does: each `Exec` with everything queued behind it,
    /// stopping at the first failing command (the one that starts with `fail`). Returns the batches and the report.
    fn drive_batched(
        plan: &RunPlan,
        config: RunnerConfig,
        fail: &str,
    ) -> (Vec<Vec<String>>, RunReport) {
        let mut runner = Runner::new(plan, config);
        let mut batches = Vec::new();
        let mut action = runner.start();
        loop {
            let first = match &action {
                Action::Exec(sql) => sql.clone(),
                Action::Done(report) => return (batches, report.clone()),
            };
            let batch: Vec<String> = std::iter::once(first)
                .chain(runner.queued().into_iter().map(str::to_owned))
                .collect();
            for sql in &batch {
                assert_eq!(
                    action_sql(&action),
                    Some(sql.as_str()),
                    "the runner hands out what it queued"
                );
                let failed = !fail.is_empty() && sql.starts_with(fail);
                let outcome = if failed {
                    Err(PgError {
                        sqlstate: "42601".into(),
                        message: "boom".into(),
                        position: Some(3),
                        ..PgError::default()
                    })
                } else {
                    Ok(())
                };
                action = runner.next(outcome);
                if failed {
                    break;
                }
            }
            batches.push(batch);
        }
    }

    fn action_sql(action: &Action) -> Option<&str> {
        match action {
            Action::Exec(sql) => Some(sql),
            Action::Done(_) => None,
        }
    }

    const BRANCH: RunnerConfig =
        RunnerConfig { version_table_exists: false, in_branch_transaction: true };
    const SERVER: RunnerConfig =
        RunnerConfig { version_table_exists: true, in_branch_transaction: false };

    #[test]
    fn one_transaction_on_server_ok() {
        let (sent, report) = drive(&plan(&[("CREATE TABLE t (a int)", false)]), SERVER, "");
        assert_eq!(sent, ["BEGIN", "CREATE TABLE t (a int)", "INSERT INTO alembic_version (version_num) VALUES ('a1') RETURNING alembic_version.version_num", "COMMIT"]);
        assert_eq!(
            report.log,
            [
                "Context impl PostgresqlImpl.",
                "Will assume transactional DDL.",
                "Running upgrade  -> a1, first"
            ]
        );
        assert_eq!(report.statements.first().map(String::as_str), Some("BEGIN"));
        assert!(report.succeeded() && !report.committed);
    }

    #[test]
    fn autocommit_commits_branch_ok() {
        let (sent, report) = drive(
            &plan(&[
                ("CREATE TABLE t (a int)", false),
                ("CREATE INDEX CONCURRENTLY i ON t (a)", true),
            ]),
            BRANCH,
            "",
        );
        assert_eq!(
            sent[..6],
            ["SAVEPOINT miglab_run", "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))", "CREATE TABLE t (a int)", "RELEASE SAVEPOINT miglab_run", "COMMIT", "CREATE INDEX CONCURRENTLY i ON t (a)"]
        );
        assert_eq!(sent[6..], ["BEGIN", "SAVEPOINT miglab_run", "INSERT INTO alembic_version (version_num) VALUES ('a1') RETURNING alembic_version.version_num", "RELEASE SAVEPOINT miglab_run"]);
        assert!(report.committed);
    }

    #[test]
    fn failure_rolls_back_err() {
        let (sent, report) = drive(
            &plan(&[("CREATE TABLE t (a int)", false), ("ALTER TABLE nope", false)]),
            BRANCH,
            "ALTER",
        );
        assert_eq!(
            sent[sent.len() - 3..],
            [
                "ALTER TABLE nope",
                "ROLLBACK TO SAVEPOINT miglab_run",
                "RELEASE SAVEPOINT miglab_run"
            ]
        );
        let failure = report.failure.expect("a failure");
        assert_eq!(failure.step, 2);
        assert_eq!(failure.error.at.map(|at| at.to_string()).as_deref(), Some("1:3"));
        assert_eq!(report.statements.last().map(String::as_str), Some("ROLLBACK"));
    }

    #[test]
    fn failed_autocommit_reopens_branch_err() {
        let (sent, report) =
            drive(&plan(&[("CREATE INDEX CONCURRENTLY i ON t (a)", true)]), BRANCH, "CREATE INDEX");
        assert_eq!(sent[sent.len() - 2..], ["CREATE INDEX CONCURRENTLY i ON t (a)", "BEGIN"]);
        assert_eq!(report.failure.map(|f| f.step), Some(1));
        assert!(report.committed);
    }

    #[test]
    fn batched_matches_one_by_one_ok() {
        let plan = plan(&[
            ("CREATE TABLE t (a int)", false),
            ("CREATE INDEX CONCURRENTLY i ON t (a)", true),
            ("ALTER TABLE t ADD b int", false),
        ]);
        for config in [BRANCH, SERVER] {
            let (sent, report) = drive(&plan, config, "");
            let (batches, batched) = drive_batched(&plan, config, "");
            assert_eq!(batches.len(), 1, "a run that succeeds is one message");
            assert_eq!((batches.concat(), batched), (sent, report));
        }
    }

    #[test]
    fn batched_failure_recovers_err() {
        let plan = plan(&[
            ("CREATE TABLE t (a int)", false),
            ("ALTER TABLE nope", false),
            ("ALTER TABLE t ADD b int", false),
        ]);
        let (sent, report) = drive(&plan, BRANCH, "ALTER TABLE nope");
        let (batches, batched) = drive_batched(&plan, BRANCH, "ALTER TABLE nope");
        assert_eq!(
            batches[1],
            ["ROLLBACK TO SAVEPOINT miglab_run", "RELEASE SAVEPOINT miglab_run"]
        );
        assert!(
            batches[0].iter().any(|sql| sql == "ALTER TABLE t ADD b int"),
            "the first message queues the whole script"
        );
        let ran: Vec<String> = batches[0]
            .iter()
            .take_while(|sql| !sql.starts_with("ALTER TABLE nope"))
            .cloned()
            .collect();
        assert_eq!([ran, vec!["ALTER TABLE nope".to_owned()], batches[1].clone()].concat(), sent);
        assert_eq!(batched, report);
        assert_eq!(
            batched.failure.map(|f| (f.step, f.error.at.map(|at| at.to_string()))),
            Some((2, Some("1:3".to_owned())))
        );
    }
}
