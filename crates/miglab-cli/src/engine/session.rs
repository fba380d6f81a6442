//! The CLI's loop over the core's engine session: a [`Transport`] (PGlite under Node, or a PostgreSQL server) only
//! performs what [`miglab_analysis::engine::session::Session`] hands out, so a lesson sends here the statements it sends
//! in the browser.

use super::{Engine, EngineError, QueryResult, RunReport};
use miglab_analysis::engine::introspect;
use miglab_analysis::engine::plan::RunPlan;
use miglab_analysis::engine::session::{
    Action, Answer, Batch, LessonSetup, Limit, Outcome, Prepared, Session,
};
use miglab_analysis::schema::Schema;
use std::rc::Rc;

/// What an engine must do; everything else is the session's.
pub trait Transport {
    /// The transport's handle to a saved copy of the database.
    type Dump;
    fn exec(&mut self, sql: &str, limit: Limit) -> Result<(), EngineError>;
    fn query(&mut self, sql: &str, limit: Limit) -> Result<QueryResult, EngineError>;
    /// Saves the whole database; called with no transaction open.
    fn dump(&mut self, name: &str) -> Result<Self::Dump, EngineError>;
    /// Replaces the database with `dump`; any open transaction is lost.
    fn reload(&mut self, dump: &Self::Dump) -> Result<(), EngineError>;
    /// Starts the engine afresh after it was lost (see [`EngineError::lost_engine`]), with the database of `dump`,
    /// or the engine's first database when there is no branch point yet.
    fn restart(&mut self, dump: Option<&Self::Dump>) -> Result<(), EngineError>;
}

/// A transport and the session it performs; dumps are shared with the session, which hands them out to reload.
pub struct Driver<T: Transport> {
    transport: T,
    session: Session<Rc<T::Dump>>,
}

impl<T: Transport> Driver<T> {
    pub fn new(transport: T) -> Driver<T> {
        Driver { transport, session: Session::default() }
    }

    /// Performs actions until the operation is done.
    fn drive(&mut self, mut action: Action<Rc<T::Dump>>) -> Result<Outcome, EngineError> {
        loop {
            let answer = match action {
                Action::Done(outcome) => return outcome,
                Action::Send(batch) => self.send(batch),
                Action::Dump { name } => match self.transport.dump(&name) {
                    Ok(dump) => Answer::Dumped(Rc::new(dump)),
                    Err(error) => Answer::Failed(error),
                },
                Action::Load(dump) => loaded(self.transport.reload(&dump)),
                Action::Restart(dump) => loaded(self.transport.restart(dump.as_deref())),
                Action::Introspect => match self.introspect_now() {
                    Ok(schema) => Answer::Introspected(schema),
                    Err(error) => Answer::Failed(error),
                },
            };
            action = self.session.next(answer);
        }
    }

    /// One statement at a time, stopping at the first failure: the answer a batched transport gives.
    fn send(&mut self, batch: Batch) -> Answer<Rc<T::Dump>> {
        let mut results = Vec::new();
        for statement in &batch.statements {
            let outcome = match statement.rows {
                true => self.transport.query(&statement.sql, batch.limit).map(Some),
                false => self.transport.exec(&statement.sql, batch.limit).map(|()| None),
            };
            match outcome {
                Ok(result) => results.push(result),
                Err(error) => return Answer::Sent { results, failed: Some(error) },
            }
        }
        Answer::Sent { results, failed: None }
    }

    fn introspect_now(&mut self) -> Result<Schema, EngineError> {
        let protocol = |e: introspect::ParseError| EngineError::Protocol(e.to_string());
        let limit = Limit::Statement;
        if self.transport.query(introspect::IS_PREPARED, limit)?.first_text() != Some("1") {
            self.transport.exec(introspect::PREPARE, limit)?;
        }
        let catalog = introspect::parse(
            self.transport.query(introspect::EXECUTE, limit)?.first_text().unwrap_or_default(),
        )
        .map_err(protocol)?;
        let counts = self.transport.query(&catalog.counts_sql(), limit)?;
        catalog.finish(counts.first_text().unwrap_or_default()).map_err(protocol)
    }
}

fn loaded<H>(outcome: Result<(), EngineError>) -> Answer<H> {
    match outcome {
        Ok(()) => Answer::Loaded,
        Err(error) => Answer::Failed(error),
    }
}

impl<T: Transport> Engine for Driver<T> {
    fn exec(&mut self, sql: &str) -> Result<(), EngineError> {
        let action = self.session.exec(sql, false, Limit::Statement);
        self.drive(action).map(drop)
    }

    fn exec_script(&mut self, sql: &str) -> Result<(), EngineError> {
        let action = self.session.exec(sql, false, Limit::Script);
        self.drive(action).map(drop)
    }

    fn query(&mut self, sql: &str) -> Result<QueryResult, EngineError> {
        let action = self.session.exec(sql, true, Limit::Statement);
        self.drive(action).map(Outcome::rows)
    }

    fn introspect(&mut self) -> Result<Schema, EngineError> {
        let action = self.session.introspect();
        self.drive(action)?.schema()
    }

    fn run(&mut self, plan: &RunPlan) -> Result<RunReport, EngineError> {
        let action = self.session.run(plan, None);
        self.drive(action)?.report()
    }

    fn branch(&mut self, name: &str) -> Result<(), EngineError> {
        let action = self.session.branch(name);
        self.drive(action).map(drop)
    }

    fn reset(&mut self, name: &str) -> Result<(), EngineError> {
        let action = self.session.reset(name);
        self.drive(action).map(drop)
    }

    fn setup(&mut self, setup: &LessonSetup) -> Result<Prepared, EngineError> {
        let action = self.session.setup(setup);
        self.drive(action)?.prepared()
    }
}

/// Turns a Postgres error's parts into the shared value; used by both transports.
pub fn pg_error(
    sqlstate: &str,
    message: &str,
    detail: Option<&str>,
    hint: Option<&str>,
    position: Option<u32>,
) -> EngineError {
    EngineError::Postgres(super::PgError {
        sqlstate: sqlstate.to_owned(),
        message: message.to_owned(),
        detail: detail.map(str::to_owned),
        hint: hint.map(str::to_owned),
        position,
        at: None,
    })
}
