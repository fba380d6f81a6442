//! Making a branch point and going back to one, with [`Branches`] deciding between a rollback and a reload.

use super::action::{Action, Answer, Batch, Limit, Outcome, Statement};
use crate::engine::branch::{Branches, Reset, OPEN};
use crate::engine::EngineError;

/// Sends [`OPEN`]: the branch transaction and its savepoint, after a dump or a load.
pub(super) fn open<H>() -> Action<H> {
    Action::Send(Batch {
        statements: OPEN.map(Statement::exec).to_vec(),
        limit: Limit::Statement,
        midway: false,
    })
}

/// Commits the open branch transaction (so the dump holds what the learner sees), dumps, and opens a new one.
pub(super) struct Branch {
    name: String,
    state: BranchState,
}

enum BranchState {
    Committing,
    Dumping,
    Opening,
}

impl Branch {
    pub(super) fn new(name: &str) -> Branch {
        Branch { name: name.to_owned(), state: BranchState::Dumping }
    }

    pub(super) fn start<H>(&mut self, branches: &mut Branches<H>) -> Action<H> {
        match branches.before_branch() {
            Some(sql) => {
                self.state = BranchState::Committing;
                Action::Send(Batch {
                    statements: vec![Statement::exec(sql)],
                    limit: Limit::Statement,
                    midway: false,
                })
            }
            None => self.dump(),
        }
    }

    fn dump<H>(&mut self) -> Action<H> {
        self.state = BranchState::Dumping;
        Action::Dump { name: self.name.clone() }
    }

    pub(super) fn next<H>(&mut self, branches: &mut Branches<H>, answer: Answer<H>) -> Action<H> {
        match self.state {
            BranchState::Committing => match answer.sent() {
                Ok(_) => self.dump(),
                Err(error) => Action::Done(Err(error)),
            },
            BranchState::Dumping => match answer {
                Answer::Dumped(dump) => {
                    branches.branched(&self.name, dump);
                    self.state = BranchState::Opening;
                    open()
                }
                Answer::Failed(error) => Action::Done(Err(error)),
                other => Action::Done(Err(super::action::unexpected(&other, "a dump"))),
            },
            BranchState::Opening => Action::Done(answer.sent().map(|_| Outcome::Nothing)),
        }
    }
}

/// Back to a branch point: a rollback while its transaction is intact, otherwise a load of its dump.
pub(super) struct ResetTo {
    name: String,
    state: ResetState,
}

enum ResetState {
    RollingBack,
    Loading,
    Opening,
}

impl ResetTo {
    pub(super) fn new(name: &str) -> ResetTo {
        ResetTo { name: name.to_owned(), state: ResetState::RollingBack }
    }

    pub(super) fn start<H: Clone>(&mut self, branches: &mut Branches<H>) -> Action<H> {
        match branches.reset(&self.name) {
            None => Action::Done(Err(EngineError::UnknownBranch(self.name.clone()))),
            Some(Reset::Rollback(sql)) => {
                self.state = ResetState::RollingBack;
                Action::Send(Batch {
                    statements: vec![Statement::exec(sql)],
                    limit: Limit::Statement,
                    midway: false,
                })
            }
            Some(Reset::Reload(dump)) => {
                self.state = ResetState::Loading;
                Action::Load(dump.clone())
            }
        }
    }

    pub(super) fn next<H>(&mut self, branches: &mut Branches<H>, answer: Answer<H>) -> Action<H> {
        match self.state {
            ResetState::RollingBack | ResetState::Opening => {
                Action::Done(answer.sent().map(|_| Outcome::Nothing))
            }
            ResetState::Loading => match answer.loaded() {
                Ok(()) => {
                    branches.reloaded(&self.name);
                    self.state = ResetState::Opening;
                    open()
                }
                Err(error) => Action::Done(Err(error)),
            },
        }
    }
}

#[cfg(test)]
mod test {
    use super::super::fake::{Fake, Kind};
    use super::super::Session;
    use crate::engine::EngineError;

    fn call(
        fake: &mut Fake,
        session: &mut Session<u32>,
        action: super::Action<u32>,
    ) -> Result<(), EngineError> {
        fake.drive(session, action).map(drop)
    }

    #[test]
    fn branch_commits_then_dumps_ok() {
        let mut fake = Fake::new(Kind::Batched);
        let mut session = Session::default();
        let action = session.branch("start");
        call(&mut fake, &mut session, action).expect("first branch");
        let action = session.branch("after");
        call(&mut fake, &mut session, action).expect("second branch");
        assert_eq!(
            fake.log,
            [
                "dump start as 1",
                "BEGIN",
                "SAVEPOINT miglab_branch",
                "COMMIT",
                "dump after as 2",
                "BEGIN",
                "SAVEPOINT miglab_branch"
            ]
        );
    }

    #[test]
    fn reset_rolls_back_or_loads_ok() {
        let mut fake = Fake::new(Kind::Batched);
        let mut session = Session::default();
        let action = session.branch("start");
        call(&mut fake, &mut session, action).expect("branch");
        let action = session.branch("after");
        call(&mut fake, &mut session, action).expect("branch");
        fake.log.clear();
        let action = session.reset("after");
        call(&mut fake, &mut session, action).expect("rollback");
        let action = session.reset("start");
        call(&mut fake, &mut session, action).expect("load");
        let action = session.reset("start");
        call(&mut fake, &mut session, action).expect("rollback again");
        assert_eq!(
            fake.log,
            [
                "ROLLBACK TO SAVEPOINT miglab_branch",
                "load 1",
                "BEGIN",
                "SAVEPOINT miglab_branch",
                "ROLLBACK TO SAVEPOINT miglab_branch"
            ]
        );
    }

    #[test]
    fn unknown_branch_err() {
        let mut fake = Fake::new(Kind::Batched);
        let mut session = Session::default();
        let action = session.reset("nope");
        let error = call(&mut fake, &mut session, action).expect_err("no such branch");
        assert_eq!(error.to_string(), "There is no branch called \"nope\".");
        assert!(fake.log.is_empty());
    }
}
