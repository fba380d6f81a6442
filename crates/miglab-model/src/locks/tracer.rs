//! The lock tracer without IO: hands out the SQL to send around each statement and folds the answers into a [`Trace`].
//!
//! It runs the statements the way Alembic does: the transactional ones in one transaction, a step that must run outside
//! a transaction (`autocommit`) after a `COMMIT`, alone. After each statement it sends [`OBSERVE`], one query that reads
//! this backend's relation locks from `pg_locks` and every user table's and index's `relfilenode`; comparing the
//! `relfilenode`s before and after shows a rewrite, as Eugene does. A statement outside a transaction holds no lock
//! by the time anyone can look, so its locks are the documented ones, which the caller passes in ([`TraceStep::documented`]).
//!
//! ```text
//! let mut tracer = Tracer::new(&steps);
//! let mut action = tracer.start();
//! loop { match action {
//!     Action::Control(sql) => action = tracer.next(engine.exec(&sql).map(|_| Answer::default())),
//!     Action::Run(sql) => { let t = now(); let r = engine.exec(&sql); action = tracer.next(r.map(|_| Answer::timed(since(t)))) }
//!     Action::Observe(sql) => action = tracer.next(engine.query(sql).map(|rows| Answer::text(first_text(rows)))),
//!     Action::Done(trace) => break trace,
//! } }
//! ```

use super::documented_lock::DocumentedLock;
use super::observer::Observer;
pub use super::observer::{LOCKS_SQL, OBSERVE, RELATIONS_SQL};
use super::trace::Trace;
use crate::diagnostic::Span;
use crate::engine::PgError;

/// One statement to trace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TraceStep {
    pub sql: String,
    /// True when it must run outside a transaction; its locks are then documented, not observed.
    pub autocommit: bool,
    pub span: Option<Span>,
    /// The locks the manual documents for this statement (the analysis's table), reported for an autocommit step,
    /// which cannot be observed inside a transaction.
    pub documented: Vec<DocumentedLock>,
}

/// What the engine does next.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Transaction control (`BEGIN`, `COMMIT`, `ROLLBACK`): send it and pass the outcome on.
    Control(String),
    /// A statement of the migration: send it, time it, and pass [`Answer::timed`].
    Run(String),
    /// The observation query: pass [`Answer::text`] with the first column of its first row.
    Observe(&'static str),
    Done(Trace),
}

/// The answer to the last action.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answer {
    /// For [`Action::Run`]: how long the statement took, in milliseconds.
    pub ms: f64,
    /// For [`Action::Observe`]: the JSON document.
    pub text: Option<String>,
}

impl Answer {
    pub fn timed(ms: f64) -> Answer {
        Answer { ms, text: None }
    }

    pub fn text(text: Option<String>) -> Answer {
        Answer { ms: 0.0, text }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Op {
    Control(&'static str),
    Run(usize),
    Observe,
}

pub struct Tracer<'s> {
    steps: &'s [TraceStep],
    ops: Vec<Op>,
    cursor: usize,
    /// The statement run last, waiting for its observation, with its transaction number and time.
    pending: Option<(usize, usize, f64)>,
    transaction: usize,
    in_transaction: bool,
    rolling_back: bool,
    observer: Observer,
}

impl<'s> Tracer<'s> {
    pub fn new(steps: &'s [TraceStep]) -> Tracer<'s> {
        Tracer::with_end(steps, "COMMIT")
    }

    /// Traces and then rolls the last transaction back, leaving the database as it was (when no step is autocommit):
    /// for tracing several patterns on one seeded database.
    pub fn rolled_back(steps: &'s [TraceStep]) -> Tracer<'s> {
        Tracer::with_end(steps, "ROLLBACK")
    }

    fn with_end(steps: &'s [TraceStep], end: &'static str) -> Tracer<'s> {
        Tracer {
            steps,
            ops: script(steps, end),
            cursor: 0,
            pending: None,
            transaction: 0,
            in_transaction: false,
            rolling_back: false,
            observer: Observer::default(),
        }
    }

    pub fn start(&mut self) -> Action {
        self.advance()
    }

    /// Feeds the outcome of the last action and returns the next one.
    pub fn next(&mut self, outcome: Result<Answer, PgError>) -> Action {
        if self.rolling_back {
            return self.finish();
        }
        let Some(op) = self.ops.get(self.cursor).cloned() else { return self.finish() };
        self.cursor += 1;
        let answer = match outcome {
            Ok(answer) => answer,
            Err(error) => return self.fail(error),
        };
        match op {
            Op::Control(sql) => {
                if sql == "BEGIN" {
                    self.in_transaction = true;
                    self.observer.new_transaction();
                } else {
                    self.in_transaction = false;
                    self.transaction += 1;
                }
            }
            Op::Run(step) => {
                let transaction = self.transaction;
                if !self.in_transaction {
                    self.transaction += 1;
                }
                self.pending = Some((step, transaction, answer.ms));
            }
            Op::Observe => {
                let text = answer.text.as_deref();
                let folded = match self.pending.take() {
                    None => self.observer.baseline(text),
                    Some((step, transaction, ms)) => {
                        self.observer.statement(step, &self.steps[step], transaction, ms, text)
                    }
                };
                if let Err(error) = folded {
                    return self.fail(error);
                }
            }
        }
        self.advance()
    }

    fn advance(&mut self) -> Action {
        match self.ops.get(self.cursor) {
            None => self.finish(),
            Some(Op::Control(sql)) => Action::Control((*sql).to_owned()),
            Some(Op::Run(step)) => Action::Run(self.steps[*step].sql.clone()),
            Some(Op::Observe) => Action::Observe(OBSERVE),
        }
    }

    fn fail(&mut self, error: PgError) -> Action {
        let step = self
            .pending
            .map(|(step, ..)| step)
            .or_else(|| {
                self.ops[..self.cursor].iter().rev().find_map(|op| {
                    if let Op::Run(s) = op {
                        Some(*s)
                    } else {
                        None
                    }
                })
            })
            .unwrap_or(0);
        self.observer.failed(step, self.steps.get(step), error);
        self.cursor = self.ops.len();
        if self.in_transaction {
            self.in_transaction = false;
            self.rolling_back = true;
            return Action::Control("ROLLBACK".to_owned());
        }
        self.finish()
    }

    fn finish(&mut self) -> Action {
        self.cursor = self.ops.len();
        Action::Done(self.observer.finish())
    }
}

/// The operations for `steps`: an observation first (the relations before anything runs), then each statement
/// followed by an observation, with Alembic's transaction boundaries.
fn script(steps: &[TraceStep], end: &'static str) -> Vec<Op> {
    let mut ops = vec![Op::Observe];
    let mut open = false;
    for (index, step) in steps.iter().enumerate() {
        if step.autocommit && open {
            ops.push(Op::Control("COMMIT"));
            open = false;
        }
        if !step.autocommit && !open {
            ops.push(Op::Control("BEGIN"));
            open = true;
        }
        ops.push(Op::Run(index));
        ops.push(Op::Observe);
    }
    if open {
        ops.push(Op::Control(end));
    }
    ops
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::locks::{LockMode, Target};

    fn step(sql: &str, autocommit: bool) -> TraceStep {
        // The one autocommit step in these tests drops an index, which the manual documents as this lock.
        let documented = if autocommit {
            vec![DocumentedLock {
                target: Target::TableOfIndex("ix_expenses_status".to_owned()),
                mode: LockMode::ShareUpdateExclusive,
            }]
        } else {
            Vec::new()
        };
        TraceStep { sql: sql.to_owned(), autocommit, span: None, documented }
    }

    /// Drives a tracer with canned answers: each observation in turn, and failing the statement that starts with `fail`.
    fn drive(steps: &[TraceStep], observations: &[&str], fail: &str) -> (Vec<String>, Trace) {
        let mut tracer = Tracer::new(steps);
        let mut sent = Vec::new();
        let mut observed = observations.iter();
        let mut action = tracer.start();
        loop {
            action = match action {
                Action::Control(sql) => {
                    sent.push(sql);
                    tracer.next(Ok(Answer::default()))
                }
                Action::Run(sql) => {
                    let failed = !fail.is_empty() && sql.starts_with(fail);
                    sent.push(sql);
                    tracer.next(if failed {
                        Err(PgError {
                            sqlstate: "42P01".into(),
                            message: "boom".into(),
                            ..PgError::default()
                        })
                    } else {
                        Ok(Answer::timed(1.5))
                    })
                }
                Action::Observe(_) => {
                    sent.push("<observe>".to_owned());
                    tracer.next(Ok(Answer::text(observed.next().map(|s| (*s).to_owned()))))
                }
                Action::Done(trace) => return (sent, trace),
            }
        }
    }

    const BEFORE: &str = r#"{"locks": [], "relations": [{"oid": 16390, "relation": "expenses", "kind": "r", "filenode": 16390, "table": null}, {"oid": 16395, "relation": "ix_expenses_status", "kind": "i", "filenode": 16395, "table": "expenses"}]}"#;
    const ALTERED: &str = r#"{"locks": [{"oid": 16390, "mode": "AccessShareLock"}, {"oid": 16390, "mode": "AccessExclusiveLock"}, {"oid": 16395, "mode": "AccessExclusiveLock"}, {"oid": 99999, "mode": "AccessExclusiveLock"}], "relations": [{"oid": 16390, "relation": "expenses", "kind": "r", "filenode": 16401, "table": null}, {"oid": 16395, "relation": "ix_expenses_status", "kind": "i", "filenode": 16402, "table": "expenses"}]}"#;
    const UPDATED: &str = r#"{"locks": [{"oid": 16390, "mode": "AccessExclusiveLock"}, {"oid": 16390, "mode": "RowExclusiveLock"}, {"oid": 16395, "mode": "AccessExclusiveLock"}], "relations": [{"oid": 16390, "relation": "expenses", "kind": "r", "filenode": 16401, "table": null}, {"oid": 16395, "relation": "ix_expenses_status", "kind": "i", "filenode": 16402, "table": "expenses"}]}"#;
    const AFTER_COMMIT: &str = r#"{"locks": [], "relations": [{"oid": 16390, "relation": "expenses", "kind": "r", "filenode": 16401, "table": null}, {"oid": 16395, "relation": "ix_expenses_status", "kind": "i", "filenode": 16402, "table": "expenses"}]}"#;

    fn shown(trace: &Trace) -> String {
        let mut out = Vec::new();
        for s in &trace.statements {
            let locks: Vec<String> = s
                .locks
                .iter()
                .map(|l| {
                    format!(
                        "{} {}{}",
                        l.relation,
                        l.mode().map_or("?", LockMode::name),
                        if l.acquired { " (new)" } else { "" }
                    )
                })
                .collect();
            let rewrites: Vec<String> = s
                .rewrites
                .iter()
                .map(|r| format!("{} {}->{}", r.relation, r.before, r.after))
                .collect();
            out.push(format!(
                "[{} {}] {} | {} | rewrites: {}",
                s.transaction,
                s.source.as_str(),
                s.sql,
                locks.join(", "),
                rewrites.join(", ")
            ));
        }
        if let Some(failure) = &trace.failure {
            out.push(format!("failed at step {}: {}", failure.step, failure.error.message));
        }
        out.join("\n")
    }

    #[test]
    fn one_transaction_ok() {
        let steps = [
            step("ALTER TABLE expenses ALTER amount TYPE text", false),
            step("UPDATE expenses SET note = 'x'", false),
            step("DROP INDEX CONCURRENTLY ix_expenses_status", true),
        ];
        let (sent, trace) = drive(&steps, &[BEFORE, ALTERED, UPDATED, AFTER_COMMIT], "");
        assert_eq!(
            sent,
            [
                "<observe>",
                "BEGIN",
                steps[0].sql.as_str(),
                "<observe>",
                steps[1].sql.as_str(),
                "<observe>",
                "COMMIT",
                steps[2].sql.as_str(),
                "<observe>"
            ]
        );
        insta::assert_snapshot!(shown(&trace), @r"
        [0 observed] ALTER TABLE expenses ALTER amount TYPE text | expenses ACCESS EXCLUSIVE (new), ix_expenses_status ACCESS EXCLUSIVE (new) | rewrites: expenses 16390->16401, ix_expenses_status 16395->16402
        [0 observed] UPDATE expenses SET note = 'x' | expenses ACCESS EXCLUSIVE, ix_expenses_status ACCESS EXCLUSIVE | rewrites: 
        [1 documented] DROP INDEX CONCURRENTLY ix_expenses_status | expenses SHARE UPDATE EXCLUSIVE (new) | rewrites: 
        ");
        assert_eq!(
            trace.statements[1].locks[0].modes,
            [LockMode::RowExclusive, LockMode::AccessExclusive]
        );
        assert_eq!(trace.statements[0].ms, 1.5);
    }

    #[test]
    fn failure_rolls_back_err() {
        let steps = [
            step("ALTER TABLE expenses ADD n int", false),
            step("ALTER TABLE nope ADD n int", false),
            step("SELECT 1", false),
        ];
        let (sent, trace) = drive(&steps, &[BEFORE, ALTERED], "ALTER TABLE nope");
        assert_eq!(sent[sent.len() - 2..], ["ALTER TABLE nope ADD n int", "ROLLBACK"]);
        assert_eq!(trace.statements.len(), 1);
        assert_eq!(trace.failure.as_ref().map(|f| f.step), Some(1));
    }

    #[test]
    fn unreadable_observation_err() {
        let steps = [step("SELECT 1", false)];
        let (sent, trace) = drive(&steps, &[BEFORE, "not json"], "");
        assert_eq!(sent.last().map(String::as_str), Some("ROLLBACK"));
        assert!(trace
            .failure
            .is_some_and(|f| f.error.message.starts_with("unreadable lock observation")));
    }

    #[test]
    fn nothing_to_trace_ok() {
        let (sent, trace) = drive(&[], &[BEFORE], "");
        assert_eq!(sent, ["<observe>"]);
        assert!(trace.statements.is_empty() && trace.failure.is_none());
    }
}
