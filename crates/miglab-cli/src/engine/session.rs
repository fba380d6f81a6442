//! The engine logic shared by both backends: branch transaction, statement guards, runs and introspection.

use super::{Engine, EngineError, PgError, QueryResult, RunReport};
use miglab_analysis::engine::branch::{Branches, Reset, OPEN, STATEMENT_SAVEPOINT};
use miglab_analysis::engine::introspect;
use miglab_analysis::engine::plan::RunPlan;
use miglab_analysis::engine::runner::{Action, Runner, RunnerConfig};
use miglab_analysis::schema::Schema;

/// What a backend must do; everything else is [`Session`]'s.
pub trait Backend {
    /// The backend's handle to a saved copy of the database.
    type Dump;
    fn exec(&mut self, sql: &str) -> Result<(), EngineError>;
    fn query(&mut self, sql: &str) -> Result<QueryResult, EngineError>;
    /// Saves the whole database; called with no transaction open.
    fn dump(&mut self, name: &str) -> Result<Self::Dump, EngineError>;
    /// Replaces the database with `dump`; any open transaction is lost.
    fn reload(&mut self, dump: &Self::Dump) -> Result<(), EngineError>;
    /// Starts the engine afresh after it was lost (see [`EngineError::lost_engine`]), with the database of `dump`,
    /// or the engine's first database when there is no branch point yet.
    fn restart(&mut self, dump: Option<&Self::Dump>) -> Result<(), EngineError>;
}

pub struct Session<B: Backend> {
    backend: B,
    branches: Branches<B::Dump>,
}

impl<B: Backend> Session<B> {
    pub fn new(backend: B) -> Session<B> {
        Session { backend, branches: Branches::default() }
    }

    fn open_branch_transaction(&mut self) -> Result<(), EngineError> {
        OPEN.iter().try_for_each(|sql| self.backend.exec(sql))
    }

    /// Passes `outcome` on; when the engine was lost on the way, it is first started again at the last branch point.
    fn recovered<T>(&mut self, outcome: Result<T, EngineError>) -> Result<T, EngineError> {
        match outcome {
            Err(error) if error.lost_engine() => Err(self.recover(error)),
            other => other,
        }
    }

    /// Starts the engine again at the current branch point, as the bridge does after a runaway statement or a dead worker.
    /// Returns the error to report: `lost` itself once the engine is back, [`EngineError::Lost`] when it could not restart.
    fn recover(&mut self, lost: EngineError) -> EngineError {
        let point = self.branches.recovery().map(|(name, dump)| (name.to_owned(), dump));
        let restarted = self.backend.restart(point.as_ref().map(|(_, dump)| *dump));
        let name = point.map(|(name, _)| name);
        let reopened = restarted.and_then(|()| {
            let Some(name) = name else { return Ok(()) };
            self.branches.reloaded(&name);
            self.open_branch_transaction()
        });
        match reopened {
            Ok(()) => lost,
            Err(again) => {
                EngineError::Lost { lost: lost.what_was_lost(), restart: again.to_string() }
            }
        }
    }

    /// Runs `sql` so that a failure leaves the branch transaction usable, the way psql's autocommit would leave the database.
    /// A statement that cannot run in a transaction (`CREATE INDEX CONCURRENTLY`, `VACUUM`) commits the branch and runs alone.
    fn guarded<T>(
        &mut self,
        sql: &str,
        call: impl Fn(&mut B, &str) -> Result<T, EngineError>,
    ) -> Result<T, EngineError> {
        let located = |error: EngineError| match error {
            EngineError::Postgres(pg) => EngineError::Postgres(pg.located_in(sql)),
            other => other,
        };
        if !self.branches.in_transaction() {
            return call(&mut self.backend, sql).map_err(located);
        }
        self.backend.exec(&format!("SAVEPOINT {STATEMENT_SAVEPOINT}"))?;
        match call(&mut self.backend, sql) {
            Ok(value) => {
                if let Err(error) =
                    self.backend.exec(&format!("RELEASE SAVEPOINT {STATEMENT_SAVEPOINT}"))
                {
                    // The learner's COMMIT or ROLLBACK ended the branch transaction: start a new one.
                    if !is_sqlstate(&error, "25P01") && !is_sqlstate(&error, "3B001") {
                        return Err(error);
                    }
                    self.branches.committed();
                    self.backend.exec("BEGIN")?;
                }
                Ok(value)
            }
            // The savepoint went with the engine; `recovered` starts it again.
            Err(error) if error.lost_engine() => Err(error),
            Err(error) => {
                self.backend.exec(&format!("ROLLBACK TO SAVEPOINT {STATEMENT_SAVEPOINT}; RELEASE SAVEPOINT {STATEMENT_SAVEPOINT}"))?;
                if !is_sqlstate(&error, "25001") {
                    return Err(located(error));
                }
                self.backend.exec("COMMIT")?;
                self.branches.committed();
                let outcome = call(&mut self.backend, sql).map_err(located);
                match &outcome {
                    // The engine went with the statement; `recovered` starts it again and opens the branch
                    // transaction, and sending anything first would only replace this error with "not running".
                    Err(error) if error.lost_engine() => return outcome,
                    // A script that opened its own transaction leaves it aborted after the failure;
                    // end it so the branch's new transaction can begin and the learner sees the real error.
                    Err(_) => self.backend.exec("ROLLBACK")?,
                    Ok(_) => {}
                }
                self.backend.exec("BEGIN")?;
                outcome
            }
        }
    }
}

fn is_sqlstate(error: &EngineError, sqlstate: &str) -> bool {
    error.postgres().is_some_and(|pg| pg.sqlstate == sqlstate)
}

/// Every call goes through [`Session::recovered`], so a lost engine is back at the last branch point before its error is seen.
impl<B: Backend> Engine for Session<B> {
    fn exec(&mut self, sql: &str) -> Result<(), EngineError> {
        let outcome = self.guarded(sql, |backend, sql| backend.exec(sql));
        self.recovered(outcome)
    }

    fn query(&mut self, sql: &str) -> Result<QueryResult, EngineError> {
        let outcome = self.guarded(sql, |backend, sql| backend.query(sql));
        self.recovered(outcome)
    }

    fn introspect(&mut self) -> Result<Schema, EngineError> {
        let outcome = self.introspect_now();
        self.recovered(outcome)
    }

    fn run(&mut self, plan: &RunPlan) -> Result<RunReport, EngineError> {
        let outcome = self.run_now(plan);
        self.recovered(outcome)
    }

    fn branch(&mut self, name: &str) -> Result<(), EngineError> {
        let outcome = self.branch_now(name);
        self.recovered(outcome)
    }

    fn reset(&mut self, name: &str) -> Result<(), EngineError> {
        let outcome = self.reset_now(name);
        self.recovered(outcome)
    }
}

impl<B: Backend> Session<B> {
    fn introspect_now(&mut self) -> Result<Schema, EngineError> {
        let protocol = |e: introspect::ParseError| EngineError::Protocol(e.to_string());
        if self.backend.query(introspect::IS_PREPARED)?.first_text() != Some("1") {
            self.backend.exec(introspect::PREPARE)?;
        }
        let catalog = introspect::parse(
            self.backend.query(introspect::EXECUTE)?.first_text().unwrap_or_default(),
        )
        .map_err(protocol)?;
        let counts = self.backend.query(&catalog.counts_sql())?;
        catalog.finish(counts.first_text().unwrap_or_default()).map_err(protocol)
    }

    fn run_now(&mut self, plan: &RunPlan) -> Result<RunReport, EngineError> {
        let exists = self.backend.query("SELECT to_regclass('alembic_version') IS NOT NULL")?;
        let config = RunnerConfig {
            version_table_exists: exists.first_text() == Some("t"),
            in_branch_transaction: self.branches.in_transaction(),
        };
        let mut runner = Runner::new(plan, config);
        let mut action = runner.start();
        let mut refused = None;
        loop {
            match action {
                Action::Exec(sql) => {
                    let outcome = match self.backend.exec(&sql) {
                        Ok(()) => Ok(()),
                        Err(EngineError::Postgres(error)) => Err(error),
                        // The step was not sent; the runner rolls back as after a failed step, so the branch
                        // transaction is as it would be, and the refusal is what the caller sees.
                        Err(EngineError::Refused(why)) => {
                            refused = Some(why);
                            Err(PgError {
                                sqlstate: "42501".to_owned(),
                                message: "not sent".to_owned(),
                                ..PgError::default()
                            })
                        }
                        Err(other) => return Err(other),
                    };
                    action = runner.next(outcome);
                }
                Action::Done(report) => {
                    if report.committed {
                        self.branches.committed();
                    }
                    return match refused {
                        Some(why) => Err(EngineError::Refused(why)),
                        None => Ok(report),
                    };
                }
            }
        }
    }

    fn branch_now(&mut self, name: &str) -> Result<(), EngineError> {
        if let Some(sql) = self.branches.before_branch() {
            self.backend.exec(sql)?;
        }
        let dump = self.backend.dump(name)?;
        self.branches.branched(name, dump);
        self.open_branch_transaction()
    }

    fn reset_now(&mut self, name: &str) -> Result<(), EngineError> {
        match self.branches.reset(name) {
            None => Err(EngineError::UnknownBranch(name.to_owned())),
            Some(Reset::Rollback(sql)) => self.backend.exec(sql),
            Some(Reset::Reload(dump)) => {
                self.backend.reload(dump)?;
                self.branches.reloaded(name);
                self.open_branch_transaction()
            }
        }
    }
}

/// Turns a Postgres error's parts into the shared value; used by both backends.
pub fn pg_error(
    sqlstate: &str,
    message: &str,
    detail: Option<&str>,
    hint: Option<&str>,
    position: Option<u32>,
) -> EngineError {
    EngineError::Postgres(PgError {
        sqlstate: sqlstate.to_owned(),
        message: message.to_owned(),
        detail: detail.map(str::to_owned),
        hint: hint.map(str::to_owned),
        position,
        at: None,
    })
}
