//! A scripted transport for the session's own tests: it answers with the few transaction rules the session relies on,
//! and fails what a test tells it to. Real-engine tests live with the transports (the bridge in Node, the CLI's engines).

use super::{Action, Answer, Batch, Outcome, Session};
use crate::engine::{EngineError, PgError, QueryResult};
use crate::schema::Schema;

/// How a transport carries a batch: the browser's worker takes it as one message, the CLI sends one statement at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Batched,
    OneByOne,
}

pub struct Fake {
    pub kind: Kind,
    /// Every statement sent, and `dump`, `load`, `restart` and `introspect` as they happen.
    pub log: Vec<String>,
    /// Messages to the engine: a batch counts once for [`Kind::Batched`], once per statement otherwise.
    pub messages: usize,
    /// A statement containing the text fails with the error, once; `restart` fails the next restart.
    pub fail: Vec<(&'static str, EngineError)>,
    /// What `alembic_version` rows the introspection reports.
    pub alembic_version: Option<Vec<String>>,
    in_transaction: bool,
    savepoints: Vec<String>,
    dumps: u32,
    /// True after a failed restart: nothing answers until the next restart.
    dead: bool,
}

impl Fake {
    pub fn new(kind: Kind) -> Fake {
        Fake {
            kind,
            log: Vec::new(),
            messages: 0,
            fail: Vec::new(),
            alembic_version: None,
            in_transaction: false,
            savepoints: Vec::new(),
            dumps: 0,
            dead: false,
        }
    }

    pub fn failing(mut self, needle: &'static str, error: EngineError) -> Fake {
        self.fail.push((needle, error));
        self
    }

    /// Drives `action` to its end, as a transport's loop does.
    pub fn drive(
        &mut self,
        session: &mut Session<u32>,
        mut action: Action<u32>,
    ) -> Result<Outcome, EngineError> {
        loop {
            let answer = match action {
                Action::Done(outcome) => return outcome,
                Action::Send(batch) => self.send(batch),
                Action::Dump { name } => {
                    self.messages += 1;
                    self.dumps += 1;
                    self.log.push(format!("dump {name} as {}", self.dumps));
                    Answer::Dumped(self.dumps)
                }
                Action::Load(dump) => {
                    self.messages += 1;
                    self.log.push(format!("load {dump}"));
                    self.lose_transaction();
                    Answer::Loaded
                }
                Action::Restart(dump) => {
                    self.messages += 1;
                    self.log.push(format!(
                        "restart at {}",
                        dump.map_or("the image".to_owned(), |d| d.to_string())
                    ));
                    self.lose_transaction();
                    self.dead = false;
                    match self.fail.iter().position(|(needle, _)| *needle == "restart") {
                        Some(at) => {
                            self.dead = true;
                            Answer::Failed(self.fail.remove(at).1)
                        }
                        None => Answer::Loaded,
                    }
                }
                Action::Introspect => {
                    self.messages += 1;
                    self.log.push("introspect".to_owned());
                    Answer::Introspected(Schema {
                        alembic_version: self.alembic_version.clone(),
                        ..Schema::default()
                    })
                }
            };
            action = session.next(answer);
        }
    }

    fn send(&mut self, batch: Batch) -> Answer<u32> {
        let mut results = Vec::new();
        if self.kind == Kind::Batched {
            self.messages += 1;
        }
        for statement in batch.statements {
            if self.kind == Kind::OneByOne {
                self.messages += 1;
            }
            self.log.push(statement.sql.clone());
            match self.answer(&statement.sql) {
                Ok(()) => results.push(statement.rows.then(|| rows("t"))),
                Err(error) => return Answer::Sent { results, failed: Some(error) },
            }
        }
        Answer::Sent { results, failed: None }
    }

    fn lose_transaction(&mut self) {
        self.in_transaction = false;
        self.savepoints.clear();
    }

    /// The transaction rules Postgres applies to what the session sends, and the scripted failures.
    fn answer(&mut self, sql: &str) -> Result<(), EngineError> {
        if self.dead {
            return Err(EngineError::WorkerDied("the engine is not running".to_owned()));
        }
        if let Some(at) = self.fail.iter().position(|(needle, _)| sql.contains(needle)) {
            let (_, error) = self.fail.remove(at);
            if error.lost_engine() {
                self.lose_transaction();
            }
            return Err(error);
        }
        let words: Vec<&str> = sql.split_whitespace().collect();
        match words.as_slice() {
            ["BEGIN"] => self.in_transaction = true,
            ["COMMIT"] | ["ROLLBACK"] => self.lose_transaction(),
            ["SAVEPOINT", name] => {
                if !self.in_transaction {
                    return Err(pg("25P01", "SAVEPOINT can only be used in transaction blocks"));
                }
                self.savepoints.push((*name).to_owned());
            }
            ["RELEASE", "SAVEPOINT", name] => {
                if !self.in_transaction {
                    return Err(pg(
                        "25P01",
                        "RELEASE SAVEPOINT can only be used in transaction blocks",
                    ));
                }
                let Some(at) = self.savepoints.iter().rposition(|s| s == name) else {
                    return Err(pg("3B001", "savepoint does not exist"));
                };
                self.savepoints.truncate(at);
            }
            ["ROLLBACK", "TO", "SAVEPOINT", ..] => {}
            _ if sql.contains("CONCURRENTLY") && self.in_transaction => {
                return Err(pg(
                    "25001",
                    "CREATE INDEX CONCURRENTLY cannot run inside a transaction block",
                ));
            }
            _ => {}
        }
        Ok(())
    }
}

pub fn pg(sqlstate: &str, message: &str) -> EngineError {
    EngineError::Postgres(PgError {
        sqlstate: sqlstate.into(),
        message: message.into(),
        ..PgError::default()
    })
}

fn rows(text: &str) -> QueryResult {
    QueryResult { columns: vec!["?column?".into()], rows: vec![vec![serde_json::json!(text)]] }
}
