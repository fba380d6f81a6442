//! The statement guard: runs SQL so a failure leaves the branch transaction usable, as psql's autocommit would.
//!
//! Inside the branch transaction each statement runs in a savepoint, so one failed statement does not abort it.
//! The learner's own `COMMIT` or `ROLLBACK` ends the branch transaction (the savepoint's release then fails with
//! 25P01 or 3B001), and a new one begins. A statement that cannot run in a transaction block (25001:
//! `CREATE INDEX CONCURRENTLY`, `VACUUM`) commits the branch and runs alone, then a new transaction begins.

use super::action::{Action, Answer, Batch, Limit, Outcome, Statement};
use crate::engine::branch::{Branches, STATEMENT_SAVEPOINT};
use crate::engine::{EngineError, QueryResult};

pub(super) struct Guard {
    sql: String,
    rows: bool,
    limit: Limit,
    state: State,
}

enum State {
    Start,
    /// No branch transaction: the statement went alone.
    Unguarded,
    /// `SAVEPOINT`, the statement and `RELEASE` went as one batch.
    Guarded,
    /// The release found no transaction, so the learner ended it; `BEGIN` went.
    Reopening(Option<QueryResult>),
    /// The statement failed; the savepoint is being rolled back.
    RolledBack(EngineError),
    /// The statement refused the transaction block; the branch transaction is committing.
    Committing,
    /// The statement went again, outside any transaction.
    Rerun,
    /// The re-run failed and may have left a transaction of its own open; `ROLLBACK` went.
    Ending(Result<Option<QueryResult>, EngineError>),
    /// `BEGIN` went after the re-run; this is its outcome.
    Beginning(Result<Option<QueryResult>, EngineError>),
}

impl Guard {
    pub(super) fn new(sql: &str, rows: bool, limit: Limit) -> Guard {
        Guard { sql: sql.to_owned(), rows, limit, state: State::Start }
    }

    fn statement(&self) -> Statement {
        Statement { sql: self.sql.clone(), rows: self.rows }
    }

    fn send<H>(&mut self, statements: Vec<Statement>, limit: Limit, state: State) -> Action<H> {
        self.state = state;
        Action::Send(Batch { statements, limit, midway: false })
    }

    pub(super) fn start<H>(&mut self, branches: &mut Branches<H>) -> Action<H> {
        if !branches.in_transaction() {
            return self.send(vec![self.statement()], self.limit, State::Unguarded);
        }
        let statements = vec![
            Statement::exec(format!("SAVEPOINT {STATEMENT_SAVEPOINT}")),
            self.statement(),
            Statement::exec(format!("RELEASE SAVEPOINT {STATEMENT_SAVEPOINT}")),
        ];
        self.send(statements, self.limit, State::Guarded)
    }

    pub(super) fn next<H>(&mut self, branches: &mut Branches<H>, answer: Answer<H>) -> Action<H> {
        match std::mem::replace(&mut self.state, State::Start) {
            State::Start => {
                done(Err(EngineError::Protocol("an answer before any statement".into())))
            }
            State::Unguarded => match answer.sent() {
                Ok(mut results) => done(Ok(results.drain(..).next().flatten())),
                Err(error) => done(Err(error.located_in(&self.sql))),
            },
            State::Guarded => {
                let (mut results, failed) = match answer {
                    Answer::Sent { results, failed } => (results, failed),
                    Answer::Failed(error) => return done(Err(error)),
                    other => return done(Err(super::action::unexpected(&other, "the guard"))),
                };
                let Some(error) = failed else {
                    return done(Ok(results.get_mut(1).and_then(Option::take)));
                };
                match results.len() {
                    0 => done(Err(error)),
                    1 => self.send(
                        vec![Statement::exec(format!("ROLLBACK TO SAVEPOINT {STATEMENT_SAVEPOINT}; RELEASE SAVEPOINT {STATEMENT_SAVEPOINT}"))],
                        Limit::Statement,
                        State::RolledBack(error),
                    ),
                    _ if error.is_sqlstate("25P01") || error.is_sqlstate("3B001") => {
                        // The learner's COMMIT or ROLLBACK ended the branch transaction: open a new one.
                        branches.committed();
                        let value = results.get_mut(1).and_then(Option::take);
                        self.send(
                            vec![Statement::exec("BEGIN")],
                            Limit::Statement,
                            State::Reopening(value),
                        )
                    }
                    _ => done(Err(error)),
                }
            }
            State::Reopening(value) => done(answer.sent().map(|_| value)),
            State::RolledBack(error) => {
                if let Err(again) = answer.sent() {
                    return done(Err(again));
                }
                if !error.is_sqlstate("25001") {
                    return done(Err(error.located_in(&self.sql)));
                }
                self.send(vec![Statement::exec("COMMIT")], Limit::Statement, State::Committing)
            }
            State::Committing => {
                if let Err(error) = answer.sent() {
                    return done(Err(error));
                }
                branches.committed();
                self.send(vec![self.statement()], self.limit, State::Rerun)
            }
            State::Rerun => match answer.sent() {
                Ok(mut results) => {
                    let value = Ok(results.drain(..).next().flatten());
                    self.send(
                        vec![Statement::exec("BEGIN")],
                        Limit::Statement,
                        State::Beginning(value),
                    )
                }
                // A script that opened its own transaction leaves it aborted after the failure;
                // end it so the branch's new transaction can begin and the learner sees the real error.
                Err(error) => self.send(
                    vec![Statement::exec("ROLLBACK")],
                    Limit::Statement,
                    State::Ending(Err(error.located_in(&self.sql))),
                ),
            },
            State::Ending(outcome) => match answer.sent() {
                Ok(_) => self.send(
                    vec![Statement::exec("BEGIN")],
                    Limit::Statement,
                    State::Beginning(outcome),
                ),
                Err(error) => done(Err(error)),
            },
            State::Beginning(outcome) => match answer.sent() {
                Ok(_) => done(outcome),
                Err(error) => done(Err(error)),
            },
        }
    }
}

fn done<H>(outcome: Result<Option<QueryResult>, EngineError>) -> Action<H> {
    Action::Done(outcome.map(Outcome::Rows))
}

#[cfg(test)]
mod test {
    use super::super::fake::{pg, Fake, Kind};
    use super::super::{Limit, Outcome, Session};
    use crate::engine::EngineError;

    /// A session inside a branch transaction, and the fake's log cleared.
    fn branched(fake: &mut Fake) -> Session<u32> {
        let mut session = Session::default();
        let action = session.branch("start");
        fake.drive(&mut session, action).expect("branch");
        fake.log.clear();
        fake.messages = 0;
        session
    }

    fn exec(
        fake: &mut Fake,
        session: &mut Session<u32>,
        sql: &str,
    ) -> Result<Outcome, EngineError> {
        let action = session.exec(sql, true, Limit::Statement);
        fake.drive(session, action)
    }

    #[test]
    fn unguarded_outside_branch_ok() {
        let mut fake = Fake::new(Kind::Batched);
        let mut session = Session::default();
        let rows = exec(&mut fake, &mut session, "SELECT 1").expect("runs").rows();
        assert_eq!(rows.first_text(), Some("t"));
        assert_eq!(fake.log, ["SELECT 1"]);
    }

    #[test]
    fn savepoint_around_statement_ok() {
        let mut fake = Fake::new(Kind::Batched);
        let mut session = branched(&mut fake);
        exec(&mut fake, &mut session, "INSERT INTO t VALUES (1)").expect("runs");
        assert_eq!(
            fake.log,
            ["SAVEPOINT miglab_stmt", "INSERT INTO t VALUES (1)", "RELEASE SAVEPOINT miglab_stmt"]
        );
        assert_eq!(fake.messages, 1, "one message in the browser");
    }

    #[test]
    fn failure_rolls_back_savepoint_err() {
        let mut fake = Fake::new(Kind::Batched).failing("nope", {
            let mut error = pg("42703", "column \"nope\" does not exist");
            if let EngineError::Postgres(pg) = &mut error {
                pg.position = Some(18);
            }
            error
        });
        let mut session = branched(&mut fake);
        let error = exec(&mut fake, &mut session, "SELECT 1;\nSELECT nope").expect_err("fails");
        assert_eq!(
            error.postgres().and_then(|pg| pg.at).map(|at| at.to_string()).as_deref(),
            Some("2:8")
        );
        assert_eq!(
            fake.log[2..],
            ["ROLLBACK TO SAVEPOINT miglab_stmt; RELEASE SAVEPOINT miglab_stmt"]
        );
        assert!(session.in_transaction());
    }

    #[test]
    fn learners_commit_reopens_ok() {
        let mut fake = Fake::new(Kind::OneByOne);
        let mut session = branched(&mut fake);
        exec(&mut fake, &mut session, "COMMIT").expect("the learner may commit");
        assert_eq!(
            fake.log,
            ["SAVEPOINT miglab_stmt", "COMMIT", "RELEASE SAVEPOINT miglab_stmt", "BEGIN"]
        );
        let action = session.reset("start");
        fake.drive(&mut session, action).expect("reset");
        assert_eq!(
            fake.log[4..],
            ["load 1", "BEGIN", "SAVEPOINT miglab_branch"],
            "the savepoint went with the commit"
        );
    }

    #[test]
    fn concurrently_runs_alone_ok() {
        let mut fake = Fake::new(Kind::Batched);
        let mut session = branched(&mut fake);
        exec(&mut fake, &mut session, "CREATE INDEX CONCURRENTLY i ON t (a)")
            .expect("runs outside");
        assert_eq!(
            fake.log,
            [
                "SAVEPOINT miglab_stmt",
                "CREATE INDEX CONCURRENTLY i ON t (a)",
                "ROLLBACK TO SAVEPOINT miglab_stmt; RELEASE SAVEPOINT miglab_stmt",
                "COMMIT",
                "CREATE INDEX CONCURRENTLY i ON t (a)",
                "BEGIN"
            ]
        );
    }

    #[test]
    fn concurrently_rerun_fails_err() {
        let mut fake =
            Fake::new(Kind::Batched).failing("CONCURRENTLY", pg("25001", "no transaction block"));
        fake.fail.push(("CONCURRENTLY", pg("42P01", "relation \"t\" does not exist")));
        let mut session = branched(&mut fake);
        let error = exec(&mut fake, &mut session, "CREATE INDEX CONCURRENTLY i ON t (a)")
            .expect_err("fails");
        assert!(error.is_sqlstate("42P01"), "{error:?}");
        assert_eq!(
            fake.log[fake.log.len() - 2..],
            ["ROLLBACK", "BEGIN"],
            "an aborted script's transaction is ended"
        );
    }
}
