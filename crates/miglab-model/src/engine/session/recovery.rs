//! The restart at the branch point after the engine was lost (a runaway statement stopped, a dead worker or Node).
//!
//! The operation that lost the engine ends with the error that says so, but only once the engine is back at the
//! current branch point with its transaction open, so the next call finds the database the learner expects.
//! When the restart fails too, the error is [`EngineError::Lost`], and the next call finds the engine lost and tries again.

use super::action::{Action, Answer};
use super::branching::open;
use crate::engine::branch::Branches;
use crate::engine::EngineError;

pub(super) struct Recovery {
    lost: EngineError,
    /// The branch point being restored, once the restart was asked for.
    point: Option<String>,
    opening: bool,
}

impl Recovery {
    pub(super) fn new(lost: EngineError) -> Recovery {
        Recovery { lost, point: None, opening: false }
    }

    pub(super) fn start<H: Clone>(&mut self, branches: &mut Branches<H>) -> Action<H> {
        let point = branches.recovery().map(|(name, dump)| (name.to_owned(), dump.clone()));
        self.point = point.as_ref().map(|(name, _)| name.clone());
        Action::Restart(point.map(|(_, dump)| dump))
    }

    pub(super) fn next<H>(&mut self, branches: &mut Branches<H>, answer: Answer<H>) -> Action<H> {
        if self.opening {
            return match answer.sent() {
                Ok(_) => self.done(),
                Err(again) => self.failed(again),
            };
        }
        if let Err(again) = answer.loaded() {
            return self.failed(again);
        }
        match &self.point {
            Some(name) => {
                branches.reloaded(name);
                self.opening = true;
                open()
            }
            None => self.done(),
        }
    }

    fn done<H>(&self) -> Action<H> {
        Action::Done(Err(self.lost.clone()))
    }

    fn failed<H>(&self, again: EngineError) -> Action<H> {
        Action::Done(Err(EngineError::Lost {
            lost: self.lost.what_was_lost(),
            restart: again.to_string(),
        }))
    }
}

#[cfg(test)]
mod test {
    use super::super::fake::{Fake, Kind};
    use super::super::{Limit, Session};
    use crate::engine::EngineError;

    fn timeout() -> EngineError {
        EngineError::Timeout { statement: Some("`SELECT pg_sleep(30)`".into()), ms: 5000 }
    }

    fn branched(fake: &mut Fake) -> Session<u32> {
        let mut session = Session::default();
        let action = session.branch("start");
        fake.drive(&mut session, action).expect("branch");
        fake.log.clear();
        session
    }

    #[test]
    fn lost_statement_restarts_at_branch_err() {
        let mut fake = Fake::new(Kind::Batched).failing("pg_sleep", timeout());
        let mut session = branched(&mut fake);
        let action = session.exec("SELECT pg_sleep(30)", false, Limit::Statement);
        let error = fake.drive(&mut session, action).expect_err("stopped");
        assert_eq!(error, timeout(), "the loss is reported once the engine is back");
        assert_eq!(
            fake.log,
            [
                "SAVEPOINT miglab_stmt",
                "SELECT pg_sleep(30)",
                "restart at 1",
                "BEGIN",
                "SAVEPOINT miglab_branch"
            ]
        );
        let action = session.reset("start");
        fake.drive(&mut session, action).expect("reset");
        assert_eq!(
            fake.log.last().map(String::as_str),
            Some("ROLLBACK TO SAVEPOINT miglab_branch")
        );
    }

    #[test]
    fn lost_before_any_branch_restarts_image_err() {
        let mut fake =
            Fake::new(Kind::OneByOne).failing("SELECT", EngineError::WorkerDied("killed".into()));
        let mut session = Session::default();
        let action = session.exec("SELECT 1", false, Limit::Statement);
        assert!(fake.drive(&mut session, action).expect_err("died").lost_engine());
        assert_eq!(fake.log, ["SELECT 1", "restart at the image"]);
    }

    #[test]
    fn failed_restart_is_lost_err() {
        let mut fake = Fake::new(Kind::Batched)
            .failing("pg_sleep", timeout())
            .failing("restart", EngineError::Boot("node exited".into()));
        let mut session = branched(&mut fake);
        let action = session.exec("SELECT pg_sleep(30)", false, Limit::Statement);
        let error = fake.drive(&mut session, action).expect_err("lost");
        assert_eq!(error.to_string(), "The database engine stopped (`SELECT pg_sleep(30)` was still running after 5000 ms) and could not be restarted. The database engine could not start: node exited.");
        let action = session.exec("SELECT 1", false, Limit::Statement);
        let error = fake.drive(&mut session, action).expect_err("this call finds the engine lost");
        assert!(error.lost_engine(), "{error:?}");
        assert_eq!(
            fake.log[fake.log.len() - 3..],
            ["restart at 1", "BEGIN", "SAVEPOINT miglab_branch"]
        );
        let action = session.exec("SELECT 1", false, Limit::Statement);
        fake.drive(&mut session, action).expect("started again at the branch point");
    }

    #[test]
    fn transports_own_loss_ok() {
        let mut fake = Fake::new(Kind::Batched);
        let mut session = branched(&mut fake);
        let action = session.recover(EngineError::WorkerDied("introspection".into()));
        let error = fake.drive(&mut session, action).expect_err("reported");
        assert!(matches!(error, EngineError::WorkerDied(_)));
        assert_eq!(fake.log, ["restart at 1", "BEGIN", "SAVEPOINT miglab_branch"]);
    }
}
