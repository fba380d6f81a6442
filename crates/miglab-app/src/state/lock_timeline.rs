//! A run's lock trace as the learner reads it: each statement with the locks it left its transaction holding, where
//! each transaction commits, and, for every table's strongest lock, how long it was held and what a concurrent read,
//! write, index build or other migration would do meanwhile (Postgres's conflict table, kept in the model).

use miglab_model::locks::concurrent::verdicts;
#[cfg(test)]
use miglab_model::locks::TraceFailure;
use miglab_model::locks::{Concurrent, HeldLock, LockMode, Source, Trace, Verdict};

/// One statement of the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub sql: String,
    /// Each table's lock held after it, with `true` on those this statement took or strengthened. Alembic's
    /// `alembic_version` is left out except on its own statements, so the learner's tables stand out.
    pub locks: Vec<(String, LockMode, bool)>,
    /// How many indexes (and other relations that are not tables) are locked too; their locks follow their table's.
    pub others: usize,
    pub rewritten: Vec<String>,
    pub ms: f64,
    pub documented: bool,
    /// Alembic's own bookkeeping (`alembic_version`), shown dimmed.
    pub bookkeeping: bool,
    /// How the statement's transaction ends when it is the last of it.
    pub ends: Option<End>,
}

/// How a transaction of the run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    Commit,
    /// The statement after it failed, so its transaction rolled back: every lock was released and nothing it did
    /// stayed.
    Rollback,
}

/// A table's strongest lock in one transaction: from the statement that took it until `COMMIT`.
#[derive(Clone, Debug, PartialEq)]
pub struct Held {
    pub table: String,
    pub mode: LockMode,
    /// The statement that took the lock at this strength.
    pub taken_by: String,
    /// From that statement to the end of its transaction, as the engine timed the statements.
    pub ms: f64,
    pub documented: bool,
    pub verdicts: Vec<(Concurrent, Verdict)>,
}

const VERSION_TABLE: &str = "alembic_version";

fn bookkeeping(relation: &str) -> bool {
    relation == VERSION_TABLE || relation.starts_with("alembic_version_")
}

pub fn rows(trace: &Trace) -> Vec<Row> {
    let statements = &trace.statements;
    statements
        .iter()
        .enumerate()
        .map(|(i, s)| Row {
            sql: s.sql.clone(),
            locks: s
                .locks
                .iter()
                .filter(|l| {
                    l.is_table() && (!bookkeeping(&l.relation) || s.sql.contains(VERSION_TABLE))
                })
                .filter_map(|l| Some((l.relation.clone(), l.mode()?, l.acquired)))
                .collect(),
            others: s.locks.iter().filter(|l| !l.is_table()).count(),
            rewritten: s.rewrites.iter().map(|r| r.relation.clone()).collect(),
            ms: s.ms,
            documented: s.source == Source::Documented,
            bookkeeping: s.sql.contains(VERSION_TABLE),
            ends: statements
                .get(i + 1)
                .is_none_or(|next| next.transaction != s.transaction)
                .then(|| end(trace, i)),
        })
        .collect()
}

/// How the transaction that the `i`th statement ends is closed: the last one rolls back when the step after it
/// failed inside that transaction. A failed step that ran alone (`CONCURRENTLY`) found that transaction committed, and
/// a traced step that ran alone committed itself, so a failure after it rolled back a transaction with no rows here.
fn end(trace: &Trace, i: usize) -> End {
    let last = i + 1 == trace.statements.len();
    let ran_alone = trace.statements[i].source == Source::Documented;
    match &trace.failure {
        Some(failure) if last && !failure.autocommit && !ran_alone => End::Rollback,
        _ => End::Commit,
    }
}

/// Every user table's strongest lock per transaction, in the order the locks were taken.
pub fn held(trace: &Trace) -> Vec<Held> {
    let mut out: Vec<(usize, Held)> = Vec::new();
    for (at, statement) in trace.statements.iter().enumerate() {
        for lock in statement.locks.iter().filter(|l| l.is_table() && !bookkeeping(&l.relation)) {
            let Some(mode) = HeldLock::mode(lock) else { continue };
            let transaction = statement.transaction;
            let known = out.iter_mut().find(|(t, h)| *t == transaction && h.table == lock.relation);
            match known {
                Some((_, held)) if held.mode >= mode => {}
                Some((_, held)) => {
                    held.mode = mode;
                    held.taken_by = statement.sql.clone();
                    held.ms = trace.held_ms(at, &lock.relation);
                }
                None => out.push((
                    transaction,
                    Held {
                        table: lock.relation.clone(),
                        mode,
                        taken_by: statement.sql.clone(),
                        ms: trace.held_ms(at, &lock.relation),
                        documented: statement.source == Source::Documented,
                        verdicts: Vec::new(),
                    },
                )),
            }
        }
    }
    out.into_iter()
        .map(|(_, mut held)| {
            held.verdicts = verdicts(held.mode);
            held
        })
        .collect()
}

#[cfg(test)]
mod test {
    use super::*;
    use miglab_model::locks::{Rewrite, TracedStatement};

    fn statement(
        sql: &str,
        transaction: usize,
        ms: f64,
        locks: &[(&str, LockMode, bool)],
    ) -> TracedStatement {
        TracedStatement::observed(sql, transaction, ms, locks)
    }

    /// The backfill then SET NOT NULL in one transaction: ROW EXCLUSIVE first, then ACCESS EXCLUSIVE from the ALTER
    /// until COMMIT, which blocks reads; `alembic_version` is bookkeeping, never a row of the conflict table.
    #[test]
    fn strongest_lock_until_commit_ok() {
        use LockMode::*;
        let mut alter = statement(
            "ALTER TABLE expenses ALTER COLUMN s SET NOT NULL",
            0,
            30.0,
            &[("expenses", AccessExclusive, true)],
        );
        alter.rewrites.push(Rewrite { relation: "x".into(), kind: 'r', before: 1, after: 2 });
        let trace = Trace {
            statements: vec![
                statement(
                    "UPDATE expenses SET s = 0",
                    0,
                    10.0,
                    &[("expenses", RowExclusive, true)],
                ),
                alter,
                statement(
                    "UPDATE alembic_version SET version_num='b'",
                    0,
                    1.0,
                    &[
                        ("expenses", AccessExclusive, false),
                        ("alembic_version", RowExclusive, true),
                    ],
                ),
            ],
            ..Trace::default()
        };
        let held = held(&trace);
        assert_eq!(held.len(), 1, "{held:?}");
        assert_eq!((held[0].mode, held[0].ms), (AccessExclusive, 31.0));
        assert!(held[0].taken_by.starts_with("ALTER TABLE"));
        assert!(
            held[0].verdicts.iter().all(|(_, v)| *v == Verdict::Waits),
            "ACCESS EXCLUSIVE blocks even a SELECT"
        );
        let rows = rows(&trace);
        assert_eq!(
            rows.iter().map(|r| (r.bookkeeping, r.ends)).collect::<Vec<_>>(),
            [(false, None), (false, None), (true, Some(End::Commit))]
        );
        assert_eq!(rows[1].rewritten, ["x"]);
        assert_eq!(rows[2].locks.len(), 2, "alembic_version shows on its own statement");
        assert!(rows[0].locks.iter().all(|(r, ..)| r == "expenses"));
    }

    /// A run that failed at its third step: the first transaction (a statement that ran alone) committed, and the
    /// second, whose statement after the traced one failed, rolled back; a failure of a `CONCURRENTLY` step that ran
    /// alone rolls nothing back.
    #[test]
    fn failed_run_ends_in_rollback_ok() {
        use miglab_model::engine::PgError;
        let mut alone = statement("CREATE INDEX CONCURRENTLY i ON t (v)", 0, 5.0, &[]);
        alone.source = Source::Documented;
        let mut trace = Trace {
            statements: vec![
                alone,
                statement(
                    "ALTER TABLE t ADD COLUMN c int",
                    1,
                    2.0,
                    &[("t", LockMode::AccessExclusive, true)],
                ),
            ],
            failure: Some(TraceFailure {
                step: 2,
                span: None,
                line: None,
                error: PgError { sqlstate: "42701".into(), ..PgError::default() },
                autocommit: false,
            }),
            ..Trace::default()
        };
        let ends = |trace: &Trace| rows(trace).iter().map(|r| r.ends).collect::<Vec<_>>();
        assert_eq!(ends(&trace), [Some(End::Commit), Some(End::Rollback)]);
        if let Some(failure) = &mut trace.failure {
            failure.autocommit = true;
        }
        assert_eq!(ends(&trace), [Some(End::Commit), Some(End::Commit)]);
    }

    #[test]
    fn share_lets_reads_through_ok() {
        let trace = Trace {
            statements: vec![statement(
                "CREATE INDEX i ON expenses (v)",
                0,
                5.0,
                &[("expenses", LockMode::Share, true)],
            )],
            ..Trace::default()
        };
        let verdicts = &held(&trace)[0].verdicts;
        let of = |c: Concurrent| verdicts.iter().find(|(k, _)| *k == c).map(|(_, v)| *v);
        assert_eq!(of(Concurrent::Select), Some(Verdict::Proceeds));
        assert_eq!(of(Concurrent::Write), Some(Verdict::Waits));
        assert_eq!(of(Concurrent::CreateIndex), Some(Verdict::Proceeds));
    }
}
