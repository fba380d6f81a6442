//! One engine session without IO: the statement guard, branch points, runs, the restart after a lost engine and
//! lesson setup, as a state machine that hands out transport-level [`Action`]s and folds the [`Answer`]s.
//!
//! The browser bridge (PGlite in a Web Worker) and the CLI's engines (PGlite under Node, a PostgreSQL server) are
//! transports that drive one [`Session`] each: they start an operation, perform each action, and feed the answer
//! back until [`Action::Done`]. So a lesson sends the same statements in the browser and in `miglab check`,
//! and the logic is tested natively against a scripted transport.
//!
//! Any answer that says the engine was lost ends the operation through [`recovery`]: the engine is started again at
//! the last branch point before the operation reports the loss.

mod action;
mod branching;
mod guard;
mod recovery;
mod run;
mod setup;

#[cfg(test)]
mod fake;

pub use action::{Action, Answer, Batch, Limit, Outcome, Statement};
pub use run::VERSION_TABLE;
pub use setup::{LessonSetup, Prepared, StampMismatch, PRISTINE};

use super::branch::Branches;
use super::plan::RunPlan;
use super::EngineError;

/// The session of one engine: its branch points and the operation in flight.
/// `H` is the transport's handle to a saved database; the session clones it to hand it out.
pub struct Session<H> {
    branches: Branches<H>,
    task: Option<Task>,
}

impl<H> Default for Session<H> {
    fn default() -> Self {
        Session { branches: Branches::default(), task: None }
    }
}

/// The operation in flight.
enum Task {
    Guard(guard::Guard),
    Branch(branching::Branch),
    Reset(branching::ResetTo),
    Run(Box<run::Run>),
    Introspect,
    Setup(Box<setup::Setup>),
    Recovery(recovery::Recovery),
}

impl<H: Clone> Session<H> {
    /// Runs `sql` (one statement or a script) on the current branch, guarded; the rows come back when `rows` is set.
    pub fn exec(&mut self, sql: &str, rows: bool, limit: Limit) -> Action<H> {
        self.begin(Task::Guard(guard::Guard::new(sql, rows, limit)))
    }

    /// Makes a branch point called `name` of the current database; a name used again moves to the new point.
    pub fn branch(&mut self, name: &str) -> Action<H> {
        self.begin(Task::Branch(branching::Branch::new(name)))
    }

    /// Returns to the branch point `name`.
    pub fn reset(&mut self, name: &str) -> Action<H> {
        self.begin(Task::Reset(branching::ResetTo::new(name)))
    }

    /// Runs migrations the way Alembic does; a failing step is in the report, not an `Err`.
    /// `version_table` is whether `alembic_version` exists, when the transport already knows.
    pub fn run(&mut self, plan: &RunPlan, version_table: Option<bool>) -> Action<H> {
        self.begin(Task::Run(Box::new(run::Run::new(plan, version_table))))
    }

    /// Reads the schema through the transport, with the restart after a lost engine like every other operation.
    pub fn introspect(&mut self) -> Action<H> {
        self.begin(Task::Introspect)
    }

    /// Sets a lesson up: the untouched database, the seed, the stamp check, the lesson's branch and its schema.
    pub fn setup(&mut self, setup: &LessonSetup) -> Action<H> {
        self.begin(Task::Setup(Box::new(setup::Setup::new(setup))))
    }

    /// Starts the engine again at the last branch point after the transport lost it outside any operation.
    pub fn recover(&mut self, lost: EngineError) -> Action<H> {
        self.begin(Task::Recovery(recovery::Recovery::new(lost)))
    }

    /// True while a branch transaction is open, so the transport's own reads must not abort it.
    pub fn in_transaction(&self) -> bool {
        self.branches.in_transaction()
    }

    /// Feeds the answer to the last action and returns the next one.
    pub fn next(&mut self, answer: Answer<H>) -> Action<H> {
        if !matches!(self.task, Some(Task::Recovery(_))) {
            if let Some(lost) = answer.lost() {
                let lost = lost.clone();
                return self.recover(lost);
            }
        }
        let branches = &mut self.branches;
        let action = match &mut self.task {
            None => Action::Done(Err(EngineError::Protocol("an answer with no operation".into()))),
            Some(Task::Guard(task)) => task.next(branches, answer),
            Some(Task::Branch(task)) => task.next(branches, answer),
            Some(Task::Reset(task)) => task.next(branches, answer),
            Some(Task::Run(task)) => task.next(branches, answer),
            Some(Task::Setup(task)) => task.next(branches, answer),
            Some(Task::Recovery(task)) => task.next(branches, answer),
            Some(Task::Introspect) => Action::Done(match answer {
                Answer::Introspected(schema) => Ok(Outcome::Schema(schema)),
                Answer::Failed(error) => Err(error),
                other => Err(action::unexpected(&other, "an introspection")),
            }),
        };
        self.settle(action)
    }

    fn begin(&mut self, mut task: Task) -> Action<H> {
        let branches = &mut self.branches;
        let action = match &mut task {
            Task::Guard(task) => task.start(branches),
            Task::Branch(task) => task.start(branches),
            Task::Reset(task) => task.start(branches),
            Task::Run(task) => task.start(branches),
            Task::Setup(task) => task.start(branches),
            Task::Recovery(task) => task.start(branches),
            Task::Introspect => Action::Introspect,
        };
        self.task = Some(task);
        self.settle(action)
    }

    /// Forgets a finished operation.
    fn settle(&mut self, action: Action<H>) -> Action<H> {
        if matches!(action, Action::Done(_)) {
            self.task = None;
        }
        action
    }
}

#[cfg(test)]
mod test {
    use super::fake::{Fake, Kind};
    use super::*;

    /// A lesson as a learner goes through it: setup on the reconciler dump, the migration, an experiment that has to
    /// run outside a transaction, the learner's own `COMMIT`, a runaway statement, and the resets between them.
    /// Returns every statement and engine operation, and the number of messages.
    fn replay(kind: Kind) -> (Vec<String>, usize) {
        let mut fake =
            Fake::new(kind).failing("pg_sleep", EngineError::Timeout { statement: None, ms: 5000 });
        fake.alembic_version = Some(vec!["9f0e1d2c4b7a".into()]);
        let mut session = Session::default();
        let setup = LessonSetup {
            seed: include_str!("../../../../lessons/datasets/reconciler.sql").to_owned(),
            revision: Some("9f0e1d2c4b7a".into()),
            branch: "migration-confidence-score".into(),
        };
        let upgrade = run::test::plan(&[(
            "ALTER TABLE expenses ADD COLUMN confidence_score NUMERIC(4, 3)",
            false,
        )]);
        let concurrently = run::test::plan(&[(
            "CREATE INDEX CONCURRENTLY ix_expenses_score ON expenses (confidence_score)",
            true,
        )]);
        let branch = setup.branch.as_str();
        let mut outcomes = Vec::new();
        let mut go = |session: &mut Session<u32>, action: Action<u32>| {
            outcomes.push(fake.drive(session, action).map(drop));
        };
        let action = session.setup(&setup);
        go(&mut session, action);
        let action = session.run(&upgrade, None);
        go(&mut session, action);
        let action = session.introspect();
        go(&mut session, action);
        let action = session.reset(branch);
        go(&mut session, action);
        let action = session.exec(
            "CREATE INDEX CONCURRENTLY ix_expenses_amount ON expenses (amount)",
            false,
            Limit::Statement,
        );
        go(&mut session, action);
        let action = session.reset(branch);
        go(&mut session, action);
        let action = session.run(&concurrently, Some(true));
        go(&mut session, action);
        let action = session.exec("COMMIT", false, Limit::Statement);
        go(&mut session, action);
        let action = session.exec("SELECT pg_sleep(30)", true, Limit::Statement);
        go(&mut session, action);
        let action = session.reset(branch);
        go(&mut session, action);
        let lost =
            outcomes.iter().filter(|o| o.as_ref().is_err_and(EngineError::lost_engine)).count();
        assert_eq!(lost, 1, "only the runaway statement fails: {outcomes:?}");
        (fake.log, fake.messages)
    }

    #[test]
    fn same_statements_browser_and_cli_ok() {
        let (browser, browser_messages) = replay(Kind::Batched);
        let (cli, cli_messages) = replay(Kind::OneByOne);
        assert_eq!(browser, cli);
        assert!(
            browser_messages < cli_messages,
            "{browser_messages} messages against {cli_messages}"
        );
        for expected in [
            "dump migration-confidence-score as 2",
            "load 2",
            "restart at 2",
            "CREATE INDEX CONCURRENTLY ix_expenses_amount ON expenses (amount)",
        ] {
            assert!(browser.iter().any(|line| line == expected), "{expected} in {browser:#?}");
        }
    }
}
