//! The lock trace of one run: per statement, the relation locks its transaction holds after it, what was rewritten, and how long it took.

use super::mode::LockMode;
use crate::diagnostic::{LineIndex, Span};
use crate::engine::PgError;
use serde::{Deserialize, Serialize};

/// How a statement's locks are known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// Read from `pg_locks` inside the statement's transaction, after it ran.
    Observed,
    /// The statement cannot run in a transaction (`CONCURRENTLY`), so its locks are over before anyone can look;
    /// they come from the manual's lock levels ([`super::documented`]).
    Documented,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Observed => "observed",
            Source::Documented => "documented",
        }
    }
}

/// One relation's lock, held by the migration's transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldLock {
    /// The relation's name (`schema.name` outside `public`), as it was called before the statement when it existed.
    pub relation: String,
    /// `pg_class.relkind`: `r` table, `i` index, `S` sequence, `p` partitioned table, `m` materialized view, `v` view.
    pub kind: char,
    /// Every mode held on it, weakest first.
    pub modes: Vec<LockMode>,
    /// True when this statement took the lock or made it stronger.
    #[serde(default)]
    pub acquired: bool,
}

impl HeldLock {
    /// The strongest mode held, which decides who waits.
    pub fn mode(&self) -> Option<LockMode> {
        self.modes.iter().copied().max()
    }

    pub fn is_table(&self) -> bool {
        matches!(self.kind, 'r' | 'p' | 'm')
    }
}

/// A table or index whose storage was replaced: Postgres wrote a new copy (`relfilenode` changed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rewrite {
    pub relation: String,
    pub kind: char,
    pub before: u64,
    pub after: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TracedStatement {
    /// The index of the statement in the steps the tracer was given.
    pub step: usize,
    pub sql: String,
    /// The statement's span in its migration file, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// The 1-based line of `span` in the file; filled by [`Trace::locate`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Which transaction of the run it ran in, from 0; a statement outside any transaction has its own number.
    pub transaction: usize,
    pub source: Source,
    /// Observed: the relation locks the transaction holds after this statement. Documented: the locks it takes.
    pub locks: Vec<HeldLock>,
    pub rewrites: Vec<Rewrite>,
    /// Tables and indexes that did not exist before this statement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub created: Vec<String>,
    /// How long the statement took on the engine, in milliseconds, as the engine measured it.
    pub ms: f64,
}

impl TracedStatement {
    /// A statement observed in transaction `transaction` that took `ms`, after which its transaction held `locks` on
    /// tables, each as `(table, mode, taken by this statement)`; nothing rewritten or created. Tests and examples
    /// build traces this way.
    pub fn observed(
        sql: &str,
        transaction: usize,
        ms: f64,
        locks: &[(&str, LockMode, bool)],
    ) -> TracedStatement {
        TracedStatement {
            step: 0,
            sql: sql.to_owned(),
            span: None,
            line: None,
            transaction,
            source: Source::Observed,
            locks: locks
                .iter()
                .map(|(relation, mode, acquired)| HeldLock {
                    relation: (*relation).to_owned(),
                    kind: 'r',
                    modes: vec![*mode],
                    acquired: *acquired,
                })
                .collect(),
            rewrites: Vec::new(),
            created: Vec::new(),
            ms,
        }
    }

    /// The strongest lock on `relation` after this statement, if any.
    pub fn mode_on(&self, relation: &str) -> Option<LockMode> {
        self.locks.iter().find(|l| l.relation == relation).and_then(HeldLock::mode)
    }

    pub fn rewrote(&self, relation: &str) -> bool {
        self.rewrites.iter().any(|r| r.relation == relation)
    }
}

/// The statement that failed and what Postgres said; the run stopped there and its transaction rolled back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceFailure {
    pub step: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// The 1-based line of `span`; filled by [`Trace::locate`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub error: PgError,
    /// The failed step ran alone, outside any transaction (`CREATE INDEX CONCURRENTLY`): the transaction before it
    /// had already committed, and there was nothing of the failed step's to roll back.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub autocommit: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// Locks the transaction already held when the run began (a branch transaction that earlier statements on the
    /// branch left locks in). They are not counted as the run's: each statement lists only the modes the run took.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<HeldLock>,
    pub statements: Vec<TracedStatement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<TraceFailure>,
}

impl Trace {
    /// Fills each statement's `line` from its span in `source`, the migration file.
    pub fn locate(&mut self, source: &str) {
        let index = LineIndex::new(source);
        for statement in &mut self.statements {
            statement.line = statement.span.map(|s| index.line_col(s.start).line);
        }
        if let Some(failure) = &mut self.failure {
            failure.line = failure.span.map(|s| index.line_col(s.start).line);
        }
    }

    /// The first traced statement whose SQL starts with `start`, comparing words case-insensitively, so a lesson
    /// names a statement by its opening words (`ALTER TABLE expenses ADD COLUMN confidence_score`).
    pub fn statement(&self, start: &str) -> Option<&TracedStatement> {
        let words = |text: &str| -> Vec<String> {
            text.split_whitespace().map(|w| w.trim_end_matches(';').to_ascii_lowercase()).collect()
        };
        let wanted = words(start);
        self.statements.iter().find(|s| !wanted.is_empty() && words(&s.sql).starts_with(&wanted))
    }

    /// How long the lock on `relation` that statement `at` holds stays held: from the statement that acquired it
    /// to the end of its transaction, summing the statements' times (the `COMMIT` itself is not timed).
    pub fn held_ms(&self, at: usize, relation: &str) -> f64 {
        let Some(transaction) = self.statements.get(at).map(|s| s.transaction) else { return 0.0 };
        let acquired = |i: &usize| {
            self.statements[*i].locks.iter().any(|l| l.relation == relation && l.acquired)
        };
        let start = (0..=at)
            .rev()
            .take_while(|i| self.statements[*i].transaction == transaction)
            .find(acquired)
            .unwrap_or(at);
        self.statements[start..]
            .iter()
            .take_while(|s| s.transaction == transaction)
            .map(|s| s.ms)
            .sum()
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn statement(transaction: usize, ms: f64, locks: &[(&str, LockMode, bool)]) -> TracedStatement {
        TracedStatement {
            span: Some(Span::new(0, 1)),
            ..TracedStatement::observed("", transaction, ms, locks)
        }
    }

    #[test]
    fn held_until_commit_ok() {
        let ae = LockMode::AccessExclusive;
        let trace = Trace {
            statements: vec![
                statement(0, 1.0, &[]),
                statement(0, 2.0, &[("t", ae, true)]),
                statement(0, 4.0, &[("t", ae, false)]),
                statement(1, 8.0, &[]),
            ],
            ..Trace::default()
        };
        assert_eq!(trace.held_ms(2, "t"), 6.0);
        assert_eq!(trace.held_ms(1, "t"), 6.0);
        assert_eq!(trace.statements[2].mode_on("t"), Some(ae));
    }

    #[test]
    fn out_of_range_err() {
        assert_eq!(Trace::default().held_ms(3, "t"), 0.0);
    }

    #[test]
    fn locate_ok() {
        let mut trace = Trace { statements: vec![statement(0, 0.0, &[])], ..Trace::default() };
        trace.statements[0].span = Some(Span::new(4, 5));
        trace.locate("a;\nb;\nc");
        assert_eq!(trace.statements[0].line, Some(2));
    }
}
