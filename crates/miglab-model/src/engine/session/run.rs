//! A migration run: the core's [`Runner`] inside the session, so its commands go out in batches and a committed run
//! is remembered by the branch bookkeeping.
//!
//! Each batch is a command with everything the runner queues behind it, so a run that succeeds is one message.

use super::action::{Action, Answer, Batch, Limit, Outcome, Statement};
use crate::engine::branch::Branches;
use crate::engine::plan::RunPlan;
use crate::engine::runner::{self, Runner, RunnerConfig};
use crate::engine::{EngineError, PgError, RunReport};

/// Whether `alembic_version` exists where Alembic looks for it; a run sends `CREATE TABLE` only when it does not.
pub const VERSION_TABLE: &str = "SELECT to_regclass('alembic_version') IS NOT NULL";

pub(super) struct Run {
    plan: Option<RunPlan>,
    version_table: Option<bool>,
    runner: Option<Runner>,
    /// How many commands the last batch carried.
    sent: usize,
    /// A statement the transport would not send (`--database-url` refuses server-level SQL): the runner rolls back
    /// as after a failed step, so the branch transaction is as it would be, and the refusal is the run's error.
    refused: Option<String>,
}

impl Run {
    /// `version_table` is whether `alembic_version` exists, when the transport already knows; otherwise the run asks.
    pub(super) fn new(plan: &RunPlan, version_table: Option<bool>) -> Run {
        Run { plan: Some(plan.clone()), version_table, runner: None, sent: 0, refused: None }
    }

    pub(super) fn start<H>(&mut self, branches: &mut Branches<H>) -> Action<H> {
        match self.version_table {
            Some(exists) => self.begin(branches, exists),
            None => Action::Send(Batch {
                statements: vec![Statement::query(VERSION_TABLE)],
                limit: Limit::Statement,
            }),
        }
    }

    fn begin<H>(&mut self, branches: &mut Branches<H>, version_table_exists: bool) -> Action<H> {
        let Some(plan) = self.plan.take() else {
            return Action::Done(Err(EngineError::Protocol("a run started twice".to_owned())));
        };
        let config =
            RunnerConfig { version_table_exists, in_branch_transaction: branches.in_transaction() };
        let mut runner = Runner::new(&plan, config);
        let action = runner.start();
        self.runner = Some(runner);
        self.follow(branches, action)
    }

    /// Turns the runner's action into the session's: a batch, or the end of the run.
    fn follow<H>(&mut self, branches: &mut Branches<H>, action: runner::Action) -> Action<H> {
        match action {
            runner::Action::Exec(first) => {
                let queued = self.runner.as_ref().map(Runner::queued).unwrap_or_default();
                let statements: Vec<Statement> =
                    std::iter::once(first.as_str()).chain(queued).map(Statement::exec).collect();
                self.sent = statements.len();
                Action::Send(Batch { statements, limit: Limit::Statement })
            }
            runner::Action::Done(report) => self.finish(branches, report),
        }
    }

    fn finish<H>(&mut self, branches: &mut Branches<H>, report: RunReport) -> Action<H> {
        if report.committed {
            branches.committed();
        }
        Action::Done(match self.refused.take() {
            Some(why) => Err(EngineError::Refused(why)),
            None => Ok(Outcome::Report(report)),
        })
    }

    pub(super) fn next<H>(&mut self, branches: &mut Branches<H>, answer: Answer<H>) -> Action<H> {
        let Some(runner) = &mut self.runner else {
            return match answer.sent() {
                Ok(results) => {
                    let exists =
                        results.first().and_then(Option::as_ref).and_then(|rows| rows.first_text())
                            == Some("t");
                    self.begin(branches, exists)
                }
                Err(error) => Action::Done(Err(error)),
            };
        };
        let (results, failed) = match answer {
            Answer::Sent { results, failed } => (results, failed),
            Answer::Failed(error) => return Action::Done(Err(error)),
            other => return Action::Done(Err(super::action::unexpected(&other, "a run"))),
        };
        // The runner hears each command's outcome in order, up to the one that failed.
        let succeeded = results.len().min(self.sent);
        let mut outcomes: Vec<Result<(), PgError>> = vec![Ok(()); succeeded];
        if succeeded < self.sent {
            match failed {
                Some(EngineError::Postgres(error)) => outcomes.push(Err(error)),
                Some(EngineError::Refused(why)) => {
                    self.refused = Some(why);
                    outcomes.push(Err(PgError {
                        sqlstate: "42501".to_owned(),
                        message: "not sent".to_owned(),
                        ..PgError::default()
                    }));
                }
                Some(other) => return Action::Done(Err(other)),
                None => {
                    return Action::Done(Err(EngineError::Protocol(
                        "a batch stopped without a failure".to_owned(),
                    )))
                }
            }
        }
        let mut action = None;
        for outcome in outcomes {
            action = Some(runner.next(outcome));
        }
        match action {
            Some(action) => self.follow(branches, action),
            None => Action::Done(Err(EngineError::Protocol("an empty batch answer".to_owned()))),
        }
    }
}

#[cfg(test)]
pub(super) mod test {
    use super::super::fake::{pg, Fake, Kind};
    use super::super::Session;
    pub use crate::engine::plan::fixtures::plan;
    use crate::engine::plan::RunPlan;
    use crate::engine::{EngineError, RunReport};

    fn run(
        fake: &mut Fake,
        session: &mut Session<u32>,
        plan: &RunPlan,
    ) -> Result<RunReport, EngineError> {
        let action = session.run(plan, None);
        fake.drive(session, action)?.report()
    }

    fn branched(fake: &mut Fake) -> Session<u32> {
        let mut session = Session::default();
        let action = session.branch("start");
        fake.drive(&mut session, action).expect("branch");
        fake.log.clear();
        fake.messages = 0;
        session
    }

    #[test]
    fn run_is_one_message_ok() {
        let mut fake = Fake::new(Kind::Batched);
        let mut session = branched(&mut fake);
        let report = run(&mut fake, &mut session, &plan(&[("CREATE TABLE t (a int)", false)]))
            .expect("runs");
        assert!(report.succeeded() && !report.committed);
        assert_eq!(
            fake.log,
            [
                super::VERSION_TABLE,
                "SAVEPOINT miglab_run",
                "CREATE TABLE t (a int)",
                "INSERT INTO alembic_version (version_num) VALUES ('a1') RETURNING alembic_version.version_num",
                "RELEASE SAVEPOINT miglab_run"
            ]
        );
        assert_eq!(fake.messages, 2, "the check for alembic_version, then the whole run");
    }

    #[test]
    fn failed_step_rolls_back_err() {
        let mut fake =
            Fake::new(Kind::Batched).failing("nope", pg("42704", "type \"nope\" does not exist"));
        let mut session = branched(&mut fake);
        let report = run(
            &mut fake,
            &mut session,
            &plan(&[("CREATE TABLE t (a int)", false), ("ALTER TABLE t ADD b nope", false)]),
        )
        .expect("a failing step is a report");
        assert_eq!(
            report.failure.map(|f| (f.step, f.error.sqlstate)),
            Some((2, "42704".to_owned()))
        );
        assert_eq!(
            fake.log[fake.log.len() - 2..],
            ["ROLLBACK TO SAVEPOINT miglab_run", "RELEASE SAVEPOINT miglab_run"]
        );
        assert_eq!(fake.messages, 3);
    }

    #[test]
    fn autocommit_makes_reset_reload_ok() {
        let mut fake = Fake::new(Kind::Batched);
        let mut session = branched(&mut fake);
        let report =
            run(&mut fake, &mut session, &plan(&[("CREATE INDEX CONCURRENTLY i ON t (a)", true)]))
                .expect("runs");
        assert!(report.committed);
        let action = session.reset("start");
        fake.drive(&mut session, action).expect("reset");
        assert!(fake.log.iter().any(|line| line == "load 1"), "{:?}", fake.log);
    }

    #[test]
    fn refused_statement_rolls_back_err() {
        let mut fake = Fake::new(Kind::OneByOne).failing(
            "DROP DATABASE",
            EngineError::Refused("`DROP DATABASE x` changes a database".into()),
        );
        let mut session = branched(&mut fake);
        let error = run(&mut fake, &mut session, &plan(&[("DROP DATABASE x", false)]))
            .expect_err("refused");
        assert!(matches!(error, EngineError::Refused(_)));
        assert_eq!(
            fake.log[fake.log.len() - 2..],
            ["ROLLBACK TO SAVEPOINT miglab_run", "RELEASE SAVEPOINT miglab_run"]
        );
    }

    #[test]
    fn lost_mid_run_restarts_err() {
        let lost = EngineError::Timeout { statement: None, ms: 5000 };
        let mut fake = Fake::new(Kind::Batched).failing("pg_sleep", lost.clone());
        let mut session = branched(&mut fake);
        let error = run(&mut fake, &mut session, &plan(&[("SELECT pg_sleep(30)", false)]))
            .expect_err("lost");
        assert_eq!(error, lost);
        assert_eq!(
            fake.log[fake.log.len() - 3..],
            ["restart at 1", "BEGIN", "SAVEPOINT miglab_branch"]
        );
    }
}
