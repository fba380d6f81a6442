//! A migration run: the core's [`Runner`] inside the session, so its commands go out in batches and a committed run
//! is remembered by the branch bookkeeping.
//!
//! Each batch is a command with everything the runner queues behind it, so a run that succeeds is one message.
//! A traced plan adds the lock observation ([`OBSERVE_PREPARED`]) after every step, in the same batches, so the browser and
//! the CLI trace alike. Before it runs, one message prepares the observation when the backend lacks it and observes the baseline. When the branch's transaction already
//! holds locks (an earlier run on the branch took ACCESS EXCLUSIVE and still holds it), the trace could not see the
//! run take them again, so the session commits that transaction first, as Alembic's separate runs would; the branch
//! point is then restored from its dump, as after any commit.

use super::action::{Action, Answer, Batch, Limit, Outcome, Statement};
use crate::engine::branch::Branches;
use crate::engine::plan::RunPlan;
use crate::engine::runner::{self, Runner, RunnerConfig};
use crate::engine::{EngineError, PgError, RunReport};
use crate::locks::observer::{Observer, OBSERVE_ENSURE, OBSERVE_PREPARED};
use crate::locks::TraceStep;

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
    /// The lock trace of a traced plan.
    tracing: Option<Tracing>,
    /// What each statement of the last batch was.
    slots: Vec<Slot>,
    phase: Phase,
}

/// Where a run is before its runner starts.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    /// Asking whether `alembic_version` exists, and for a traced run observing the baseline.
    Preflight,
    /// Committing a branch transaction that held locks, so the traced run starts from none.
    Releasing,
    Running,
}

/// A statement of a batch: one of the runner's commands, or a lock observation.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Slot {
    Command,
    /// The observation before anything runs.
    Baseline,
    /// The observation after the plan step with this index.
    After(usize),
}

/// The traced run's steps and what has been observed so far.
struct Tracing {
    steps: Vec<TraceStep>,
    /// The transaction each plan step runs in, numbered from 0 as Alembic's run opens them.
    transactions: Vec<usize>,
    observer: Observer,
    /// The transaction of the last observed step, so a new one clears what the run held.
    last_transaction: Option<usize>,
}

impl Tracing {
    fn new(plan: &RunPlan) -> Tracing {
        let steps = plan
            .steps
            .iter()
            .map(|step| TraceStep {
                sql: step.sql.clone(),
                autocommit: step.autocommit,
                span: step.span,
                documented: step.documented.clone(),
            })
            .collect();
        let (mut transactions, mut number, mut open) = (Vec::new(), 0, false);
        for step in &plan.steps {
            if step.autocommit {
                if open {
                    number += 1;
                    open = false;
                }
                transactions.push(number);
                number += 1;
            } else {
                open = true;
                transactions.push(number);
            }
        }
        Tracing { steps, transactions, observer: Observer::default(), last_transaction: None }
    }

    /// True when the baseline found locks the transaction held before the run.
    fn holds_locks(&self) -> bool {
        self.observer.held_before()
    }

    /// Folds one observation; a reading that cannot be folded ends the trace, never the run.
    fn fold(&mut self, slot: Slot, text: Option<&str>) -> Result<(), PgError> {
        match slot {
            Slot::Command => Ok(()),
            Slot::Baseline => self.observer.baseline(text),
            Slot::After(index) => {
                let transaction = self.transactions.get(index).copied().unwrap_or_default();
                if self.last_transaction.is_some_and(|last| last != transaction) {
                    self.observer.new_transaction();
                }
                self.last_transaction = Some(transaction);
                let Some(step) = self.steps.get(index) else { return Ok(()) };
                self.observer.statement(index, step, transaction, 0.0, text)
            }
        }
    }
}

impl Run {
    /// `version_table` is whether `alembic_version` exists, when the transport already knows; otherwise the run asks.
    pub(super) fn new(plan: &RunPlan, version_table: Option<bool>) -> Run {
        Run {
            tracing: plan.traced.then(|| Tracing::new(plan)),
            plan: Some(plan.clone()),
            version_table,
            runner: None,
            sent: 0,
            refused: None,
            slots: Vec::new(),
            phase: Phase::Preflight,
        }
    }

    pub(super) fn start<H>(&mut self, branches: &mut Branches<H>) -> Action<H> {
        let mut statements = Vec::new();
        if self.tracing.is_some() {
            statements.push(Statement::exec(OBSERVE_ENSURE));
            statements.push(Statement::query(OBSERVE_PREPARED));
        }
        if self.version_table.is_none() {
            statements.push(Statement::query(VERSION_TABLE));
        }
        match self.version_table {
            Some(exists) if statements.is_empty() => self.begin(branches, exists),
            // The baseline must see the transaction as the run finds it: nothing may be read after it.
            _ => Action::Send(Batch {
                statements,
                limit: Limit::Statement,
                midway: self.tracing.is_some(),
            }),
        }
    }

    /// Folds the preflight's answers: the baseline, then whether `alembic_version` exists.
    fn preflight<H>(&mut self, branches: &mut Branches<H>, answer: Answer<H>) -> Action<H> {
        let results = match answer.sent() {
            Ok(results) => results,
            Err(error) => return Action::Done(Err(error)),
        };
        let mut results = results.iter();
        if let Some(tracing) = &mut self.tracing {
            let _prepared = results.next();
            let text = results.next().and_then(Option::as_ref).and_then(|rows| rows.first_text());
            if tracing.fold(Slot::Baseline, text).is_err() {
                self.tracing = None;
            }
        }
        if self.version_table.is_none() {
            let exists = results.next().and_then(Option::as_ref).and_then(|rows| rows.first_text())
                == Some("t");
            self.version_table = Some(exists);
        }
        let holds_locks = self.tracing.as_ref().is_some_and(Tracing::holds_locks);
        if holds_locks && branches.in_transaction() {
            self.phase = Phase::Releasing;
            branches.committed();
            return Action::Send(Batch {
                statements: vec![Statement::exec("COMMIT"), Statement::exec("BEGIN")],
                limit: Limit::Statement,
                midway: true,
            });
        }
        self.begin(branches, self.version_table.unwrap_or_default())
    }

    fn begin<H>(&mut self, branches: &mut Branches<H>, version_table_exists: bool) -> Action<H> {
        self.phase = Phase::Running;
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
                let Some(runner) = self.runner.as_ref() else {
                    return Action::Done(Err(EngineError::Protocol(
                        "a run without its runner".into(),
                    )));
                };
                let commands: Vec<(String, Option<usize>)> =
                    std::iter::once((first.clone(), runner.current_step()))
                        .chain(
                            runner
                                .queued_steps()
                                .into_iter()
                                .map(|(sql, step)| (sql.to_owned(), step)),
                        )
                        .collect();
                self.sent = commands.len();
                let (mut statements, mut slots) = (Vec::new(), Vec::new());
                for (sql, step) in commands {
                    statements.push(Statement::exec(sql));
                    slots.push(Slot::Command);
                    if let (Some(_), Some(step)) = (&self.tracing, step) {
                        statements.push(Statement::query(OBSERVE_PREPARED));
                        slots.push(Slot::After(step));
                    }
                }
                self.slots = slots;
                Action::Send(Batch { statements, limit: Limit::Statement, midway: false })
            }
            runner::Action::Done(report) => self.finish(branches, report),
        }
    }

    fn finish<H>(&mut self, branches: &mut Branches<H>, mut report: RunReport) -> Action<H> {
        if let Some(mut tracing) = self.tracing.take() {
            if let Some(failure) = &report.failure {
                let step = tracing.steps.get(failure.step);
                tracing.observer.failed(failure.step, step, failure.error.clone());
            }
            report.trace = Some(Box::new(tracing.observer.finish()));
        }
        if report.committed {
            branches.committed();
        }
        Action::Done(match self.refused.take() {
            Some(why) => Err(EngineError::Refused(why)),
            None => Ok(Outcome::Report(report)),
        })
    }

    pub(super) fn next<H>(&mut self, branches: &mut Branches<H>, answer: Answer<H>) -> Action<H> {
        match self.phase {
            Phase::Preflight => return self.preflight(branches, answer),
            Phase::Releasing => {
                return match answer.sent() {
                    Ok(_) => {
                        if let Some(tracing) = &mut self.tracing {
                            tracing.observer.new_transaction();
                        }
                        self.begin(branches, self.version_table.unwrap_or_default())
                    }
                    Err(error) => Action::Done(Err(error)),
                }
            }
            Phase::Running => {}
        }
        let Some(runner) = &mut self.runner else {
            return Action::Done(Err(EngineError::Protocol("a run without its runner".into())));
        };
        let (results, failed) = match answer {
            Answer::Sent { results, failed } => (results, failed),
            Answer::Failed(error) => return Action::Done(Err(error)),
            other => return Action::Done(Err(super::action::unexpected(&other, "a run"))),
        };
        // The runner hears each command's outcome in order, up to the one that failed; the observations go to the
        // trace. An observation Postgres refused leaves the transaction aborted, so the command after it fails with
        // that error, and the runner rolls back as after any failed step.
        let slots = std::mem::take(&mut self.slots);
        let mut outcomes: Vec<Result<(), PgError>> = Vec::new();
        for (slot, result) in slots.iter().zip(&results) {
            if *slot == Slot::Command {
                outcomes.push(Ok(()));
                continue;
            }
            let text = result.as_ref().and_then(|rows| rows.first_text());
            if let Some(tracing) = &mut self.tracing {
                if tracing.fold(*slot, text).is_err() {
                    // An unreadable observation ends the trace, never the run.
                    self.tracing = None;
                }
            }
        }
        let succeeded = outcomes.len();
        let observation_failed =
            slots.get(results.len()).is_some_and(|slot| *slot != Slot::Command);
        if succeeded < self.sent {
            let failed = match (observation_failed, failed) {
                (true, Some(EngineError::Postgres(error))) => {
                    self.tracing = None;
                    Some(EngineError::Postgres(error))
                }
                (_, failed) => failed,
            };
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
    use crate::locks::observer::{OBSERVE_ENSURE, OBSERVE_PREPARED};

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

    /// A traced run first prepares its observation and observes the baseline alone, in a batch a transport must not append its own reads to
    /// (the browser's bridge would otherwise count rows there, and those locks would show in the trace).
    #[test]
    fn traced_baseline_is_midway_ok() {
        use super::super::action::Action;
        let mut session: Session<u32> = Session::default();
        let plan = plan(&[("CREATE TABLE t (a int)", false)]).traced();
        match session.run(&plan, Some(true)) {
            Action::Send(batch) => {
                assert!(batch.midway);
                let sql: Vec<&str> = batch.statements.iter().map(|s| s.sql.as_str()).collect();
                assert_eq!(
                    sql,
                    [OBSERVE_ENSURE, OBSERVE_PREPARED],
                    "the prepared observation only"
                );
            }
            other => panic!("expected the baseline, got {other:?}"),
        }
        let untraced = plan_untraced();
        assert!(matches!(session.run(&untraced, Some(true)), Action::Send(batch) if !batch.midway));
    }

    fn plan_untraced() -> RunPlan {
        plan(&[("CREATE TABLE t (a int)", false)])
    }
}
