//! What a session asks its transport to do, and what the transport answers.
//!
//! These are the only operations an engine has to perform: send statements, save the database, load a saved copy,
//! start afresh, and read the schema. Everything else (which statements, in which transaction) is the session's.

use crate::engine::{EngineError, QueryResult, RunReport};
use crate::schema::Schema;
use serde::Serialize;

/// One statement of a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub sql: String,
    /// True when the answer needs the rows of the statement's last result; false answers `None`.
    pub rows: bool,
}

impl Statement {
    pub fn exec(sql: impl Into<String>) -> Statement {
        Statement { sql: sql.into(), rows: false }
    }

    pub fn query(sql: impl Into<String>) -> Statement {
        Statement { sql: sql.into(), rows: true }
    }
}

/// How long each statement of a batch may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// One statement: a learner's, or the session's own transaction control (5 s in the browser and the CLI).
    Statement,
    /// A whole script such as a lesson's seed, which does far more than one statement (60 s).
    Script,
}

/// Statements to send in order; the transport stops at the first that fails.
/// A transport that pays per message sends them as one; one that does not sends them one by one. Both answer alike.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    pub statements: Vec<Statement>,
    pub limit: Limit,
    /// True for a batch the operation always follows with another in the same transaction (a traced run's
    /// baseline): a transport must not append reads of its own to it, or their locks would be in the trace.
    pub midway: bool,
}

/// What the transport does next. `H` is its handle to a saved database (a Blob in the browser, a file or a copy
/// database in the CLI), opaque to the session.
#[derive(Debug)]
pub enum Action<H> {
    /// Send these statements and answer [`Answer::Sent`].
    Send(Batch),
    /// Save the whole database (no transaction is open) and answer [`Answer::Dumped`]; `name` is the branch's, for
    /// naming files.
    Dump { name: String },
    /// Replace the database with this saved copy (any open transaction is lost) and answer [`Answer::Loaded`].
    Load(H),
    /// Start the engine afresh after it was lost, with this saved copy or its first database when `None`,
    /// and answer [`Answer::Loaded`].
    Restart(Option<H>),
    /// Read the schema, however the transport does that best, and answer [`Answer::Introspected`].
    Introspect,
    /// The operation is over.
    Done(Result<Outcome, EngineError>),
}

/// The transport's answer to the last [`Action`].
#[derive(Debug)]
pub enum Answer<H> {
    /// One entry per statement that succeeded, in order (rows when asked for), then the failure that stopped the batch.
    Sent {
        results: Vec<Option<QueryResult>>,
        failed: Option<EngineError>,
    },
    Dumped(H),
    Loaded,
    Introspected(Schema),
    /// A dump, load, restart or introspection failed.
    Failed(EngineError),
}

impl<H> Answer<H> {
    /// The error that means the engine is gone, if this answer carries one.
    pub(super) fn lost(&self) -> Option<&EngineError> {
        let error = match self {
            Answer::Sent { failed, .. } => failed.as_ref(),
            Answer::Failed(error) => Some(error),
            _ => None,
        };
        error.filter(|e| e.lost_engine())
    }

    /// The results of a batch that ran whole, or the error that stopped it or came instead.
    pub(super) fn sent(self) -> Result<Vec<Option<QueryResult>>, EngineError> {
        match self {
            Answer::Sent { results, failed: None } => Ok(results),
            Answer::Sent { failed: Some(error), .. } | Answer::Failed(error) => Err(error),
            other => Err(unexpected(&other, "statements")),
        }
    }

    /// `Ok` for [`Answer::Loaded`].
    pub(super) fn loaded(self) -> Result<(), EngineError> {
        match self {
            Answer::Loaded => Ok(()),
            Answer::Failed(error) => Err(error),
            other => Err(unexpected(&other, "a load")),
        }
    }
}

/// The protocol error for an answer of the wrong kind, which only a broken transport gives.
pub(super) fn unexpected<H>(answer: &Answer<H>, to: &str) -> EngineError {
    let kind = match answer {
        Answer::Sent { .. } => "statement results",
        Answer::Dumped(_) => "a dump",
        Answer::Loaded => "a load",
        Answer::Introspected(_) => "a schema",
        Answer::Failed(_) => "a failure",
    };
    EngineError::Protocol(format!("{kind} in answer to {to}"))
}

/// What a finished operation gives back.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Nothing,
    /// The rows of the statement's last result, when they were asked for.
    Rows(Option<QueryResult>),
    Report(RunReport),
    Schema(Schema),
    Prepared(super::setup::Prepared),
}

impl Outcome {
    /// The rows, or empty ones for an operation that has none.
    pub fn rows(self) -> QueryResult {
        match self {
            Outcome::Rows(rows) => rows.unwrap_or_default(),
            _ => QueryResult::default(),
        }
    }

    pub fn report(self) -> Result<RunReport, EngineError> {
        match self {
            Outcome::Report(report) => Ok(report),
            other => Err(EngineError::Protocol(format!("{other:?} where a run report was due"))),
        }
    }

    pub fn schema(self) -> Result<Schema, EngineError> {
        match self {
            Outcome::Schema(schema) => Ok(schema),
            Outcome::Prepared(prepared) => Ok(prepared.schema),
            other => Err(EngineError::Protocol(format!("{other:?} where a schema was due"))),
        }
    }

    pub fn prepared(self) -> Result<super::setup::Prepared, EngineError> {
        match self {
            Outcome::Prepared(prepared) => Ok(prepared),
            other => Err(EngineError::Protocol(format!("{other:?} where a lesson setup was due"))),
        }
    }
}
