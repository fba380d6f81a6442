//! Folds lock observations into a [`Trace`]: the one piece of tracing that both drivers share, the CLI's
//! [`super::Tracer`] (its own transactions) and the engine session's traced run (inside a branch transaction).
//!
//! Each observation is one query ([`OBSERVE`]) that reads this backend's relation locks from `pg_locks`, every user
//! table's and index's `relfilenode`, and the clock before and after reading them. Comparing `relfilenode`s before
//! and after a statement shows a rewrite, as Eugene does. The clock gives each statement's time on the engine itself:
//! from the end of the observation before it to the start of the one after it, so the round trips and the
//! observations are not counted.
//!
//! The first observation is the baseline. A branch transaction may already hold locks from earlier statements on the
//! branch; those modes are set aside in [`Trace::before`] and never counted as the run's.

use super::documented_lock::Target;
use super::mode::LockMode;
use super::trace::{HeldLock, Rewrite, Source, Trace, TraceFailure, TracedStatement};
use super::tracer::TraceStep;
use crate::engine::PgError;
use serde::Deserialize;
use std::collections::BTreeMap;

/// This backend's relation locks on user relations, as a JSON array (kept as data, like `introspect.sql`).
pub const LOCKS_SQL: &str = include_str!("locks.sql");
/// Every user table, index, sequence and view with its `relfilenode` (and an index's table), as a JSON array.
pub const RELATIONS_SQL: &str = include_str!("relations.sql");
/// Both in one round trip, between two readings of the clock, as one text value:
/// `{"start": ms, "locks": [...], "relations": [...], "end": ms}`. Postgres evaluates the arguments in order.
pub const OBSERVE: &str = concat!(
    "SELECT json_build_object('start', extract(epoch FROM clock_timestamp()) * 1000, 'locks', (",
    include_str!("locks.sql"),
    "), 'relations', (",
    include_str!("relations.sql"),
    "), 'end', extract(epoch FROM clock_timestamp()) * 1000)::text"
);
/// Prepares [`OBSERVE`] as `miglab_observe` unless this backend already has it, so a traced run plans the catalog
/// query once and each observation after a step is only [`OBSERVE_PREPARED`]. Planning is most of an unprepared
/// observation's cost on PGlite. A prepared statement outlives the transaction that made it and a learner's
/// `DEALLOCATE ALL` removes it, so a run asks again at its start rather than remembering.
pub const OBSERVE_ENSURE: &str = concat!(
    "DO $miglab$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_prepared_statements WHERE name = 'miglab_observe') ",
    "THEN EXECUTE 'PREPARE miglab_observe AS ' || $observe$",
    "SELECT json_build_object('start', extract(epoch FROM clock_timestamp()) * 1000, 'locks', (",
    include_str!("locks.sql"),
    "), 'relations', (",
    include_str!("relations.sql"),
    "), 'end', extract(epoch FROM clock_timestamp()) * 1000)::text",
    "$observe$; END IF; END $miglab$"
);
/// [`OBSERVE`] once [`OBSERVE_ENSURE`] has prepared it in this backend.
pub const OBSERVE_PREPARED: &str = "EXECUTE miglab_observe";

#[derive(Deserialize)]
struct Observation {
    #[serde(default)]
    start: Option<f64>,
    #[serde(default)]
    end: Option<f64>,
    locks: Vec<LockRow>,
    relations: Vec<Relation>,
}

#[derive(Deserialize)]
struct LockRow {
    oid: u64,
    mode: String,
}

#[derive(Clone, Deserialize)]
struct Relation {
    oid: u64,
    relation: String,
    kind: String,
    filenode: u64,
    table: Option<String>,
}

/// The trace so far, and what the last observation saw.
#[derive(Default)]
pub struct Observer {
    /// Relations by oid, as of the last observation; empty until the baseline.
    relations: BTreeMap<u64, Relation>,
    /// When the last observation finished reading, by the engine's clock.
    last_end: Option<f64>,
    /// Locks the transaction held after the previous statement (the run's own modes only).
    held: Vec<HeldLock>,
    trace: Trace,
}

impl Observer {
    /// Folds the first observation: the relations before anything runs, and the locks already held.
    pub fn baseline(&mut self, text: Option<&str>) -> Result<(), PgError> {
        let observation = read(text)?;
        let relations: BTreeMap<u64, Relation> =
            observation.relations.into_iter().map(|r| (r.oid, r)).collect();
        let mut before = group(&observation.locks, &relations, &relations);
        for lock in &mut before {
            lock.acquired = false;
        }
        self.trace.before = before;
        self.relations = relations;
        self.last_end = observation.end;
        Ok(())
    }

    /// Starts a new transaction: nothing the run took is held any more.
    pub fn new_transaction(&mut self) {
        self.held.clear();
        self.trace.before.clear();
    }

    /// Folds the observation after `step` (the `index`th of the steps), run in transaction `transaction`.
    /// `measured_ms` is the transport's own timing of the statement alone (the CLI's tracer, which sends one statement
    /// per message); when it is 0 (a batch, timed as a whole) the engine's clock between observations is used.
    pub fn statement(
        &mut self,
        index: usize,
        step: &TraceStep,
        transaction: usize,
        measured_ms: f64,
        text: Option<&str>,
    ) -> Result<(), PgError> {
        let observation = read(text)?;
        let after: BTreeMap<u64, Relation> =
            observation.relations.into_iter().map(|r| (r.oid, r)).collect();
        let (source, locks) = if step.autocommit {
            (Source::Documented, self.documented(step))
        } else {
            (Source::Observed, self.observed(&observation.locks, &after))
        };
        let ms = match (measured_ms, self.last_end, observation.start) {
            (measured, ..) if measured > 0.0 => measured,
            (_, Some(end), Some(start)) if start >= end => start - end,
            _ => measured_ms,
        };
        let created = after
            .iter()
            .filter(|(oid, r)| {
                !self.relations.contains_key(oid)
                    && matches!(kind_char(&r.kind), 'r' | 'p' | 'm' | 'i')
            })
            .map(|(_, r)| r.relation.clone())
            .collect();
        self.trace.statements.push(TracedStatement {
            step: index,
            sql: step.sql.clone(),
            span: step.span,
            line: None,
            transaction,
            source,
            locks,
            rewrites: rewrites(&self.relations, &after),
            created,
            ms,
        });
        self.relations = after;
        self.last_end = observation.end;
        Ok(())
    }

    /// Records where the run stopped.
    pub fn failed(&mut self, index: usize, step: Option<&TraceStep>, error: PgError) {
        let error = error.located_in(step.map_or("", |s| s.sql.as_str()));
        let span = step.and_then(|s| s.span);
        let autocommit = step.is_some_and(|s| s.autocommit);
        self.trace.failure =
            Some(TraceFailure { step: index, span, line: None, error, autocommit });
    }

    /// True when the transaction held locks before the first statement (see [`Trace::before`]).
    pub fn held_before(&self) -> bool {
        !self.trace.before.is_empty()
    }

    pub fn finish(&mut self) -> Trace {
        std::mem::take(&mut self.trace)
    }

    /// The run's own locks in `rows`, one entry per relation, named as the relation was called before the statement.
    fn observed(&mut self, rows: &[LockRow], after: &BTreeMap<u64, Relation>) -> Vec<HeldLock> {
        let mut locks = group(rows, &self.relations, after);
        for lock in &mut locks {
            if let Some(before) = self.trace.before.iter().find(|b| b.relation == lock.relation) {
                lock.modes.retain(|mode| !before.modes.contains(mode));
            }
        }
        locks.retain(|lock| !lock.modes.is_empty());
        for lock in &mut locks {
            let before =
                self.held.iter().find(|h| h.relation == lock.relation).and_then(HeldLock::mode);
            lock.acquired = before < lock.mode();
        }
        self.held = locks.clone();
        locks
    }

    /// The documented locks of an autocommit step, with an index's table found in the last snapshot.
    fn documented(&self, step: &TraceStep) -> Vec<HeldLock> {
        let find = |name: &str, index: bool| {
            self.relations
                .values()
                .find(|r| r.relation == name && (kind_char(&r.kind) == 'i') == index)
        };
        let mut locks: Vec<HeldLock> = step
            .documented
            .iter()
            .cloned()
            .map(|lock| {
                let (relation, kind) = match lock.target {
                    Target::Table(name) => (name, 'r'),
                    Target::Index(name) => (name, 'i'),
                    Target::TableOfIndex(name) => {
                        match find(&name, true).and_then(|index| index.table.clone()) {
                            Some(table) => (table, 'r'),
                            None => (name, 'i'),
                        }
                    }
                };
                let kind = find(&relation, kind == 'i').map_or(kind, |r| kind_char(&r.kind));
                HeldLock { relation, kind, modes: vec![lock.mode], acquired: true }
            })
            .collect();
        sort(&mut locks);
        locks
    }
}

fn read(text: Option<&str>) -> Result<Observation, PgError> {
    match text.map(serde_json::from_str::<Observation>) {
        Some(Ok(observation)) => Ok(observation),
        Some(Err(error)) => Err(unreadable(&error.to_string())),
        None => Err(unreadable("no value")),
    }
}

/// Lock rows grouped by relation, each relation's modes weakest first; relations known to neither snapshot (a
/// dropped relation's TOAST table) are not the learner's and are left out.
fn group(
    rows: &[LockRow],
    before: &BTreeMap<u64, Relation>,
    after: &BTreeMap<u64, Relation>,
) -> Vec<HeldLock> {
    let mut locks: Vec<HeldLock> = Vec::new();
    for row in rows {
        let Some(mode) = LockMode::parse(&row.mode) else { continue };
        let Some(known) = before.get(&row.oid).or_else(|| after.get(&row.oid)) else { continue };
        let (relation, kind) = (known.relation.clone(), kind_char(&known.kind));
        match locks.iter_mut().find(|l| l.relation == relation) {
            Some(lock) => lock.modes.push(mode),
            None => locks.push(HeldLock { relation, kind, modes: vec![mode], acquired: false }),
        }
    }
    for lock in &mut locks {
        lock.modes.sort();
        lock.modes.dedup();
    }
    sort(&mut locks);
    locks
}

/// Tables first, then indexes, then the rest; by name within each.
fn sort(locks: &mut [HeldLock]) {
    let rank = |kind: char| match kind {
        'r' | 'p' | 'm' => 0,
        'i' | 'I' => 1,
        _ => 2,
    };
    locks.sort_by(|a, b| (rank(a.kind), &a.relation).cmp(&(rank(b.kind), &b.relation)));
}

fn kind_char(kind: &str) -> char {
    kind.chars().next().unwrap_or('r')
}

/// Tables and indexes whose storage changed between two snapshots.
fn rewrites(before: &BTreeMap<u64, Relation>, after: &BTreeMap<u64, Relation>) -> Vec<Rewrite> {
    before
        .iter()
        .filter_map(|(oid, old)| {
            let new = after.get(oid)?;
            let kind = kind_char(&old.kind);
            let stored = matches!(kind, 'r' | 'm' | 'i');
            (stored && old.filenode != 0 && new.filenode != old.filenode).then(|| Rewrite {
                relation: old.relation.clone(),
                kind,
                before: old.filenode,
                after: new.filenode,
            })
        })
        .collect()
}

fn unreadable(what: &str) -> PgError {
    PgError {
        sqlstate: "XX000".to_owned(),
        message: format!("unreadable lock observation: {what}"),
        ..PgError::default()
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn step(sql: &str) -> TraceStep {
        TraceStep { sql: sql.to_owned(), ..TraceStep::default() }
    }

    const HELD_BEFORE: &str = r#"{"start": 100.0, "end": 101.0, "locks": [{"oid": 16390, "mode": "AccessShareLock"}], "relations": [{"oid": 16390, "relation": "expenses", "kind": "r", "filenode": 16390, "table": null}]}"#;
    const AFTER_INDEX: &str = r#"{"start": 104.5, "end": 105.0, "locks": [{"oid": 16390, "mode": "AccessShareLock"}, {"oid": 16390, "mode": "ShareLock"}, {"oid": 16400, "mode": "AccessExclusiveLock"}], "relations": [{"oid": 16390, "relation": "expenses", "kind": "r", "filenode": 16390, "table": null}, {"oid": 16400, "relation": "ix_v", "kind": "i", "filenode": 16400, "table": "expenses"}]}"#;

    /// A branch transaction that read `expenses` before the run: that ACCESS SHARE is the branch's, not the run's.
    #[test]
    fn baseline_set_aside_ok() {
        let mut observer = Observer::default();
        observer.baseline(Some(HELD_BEFORE)).expect("baseline");
        observer
            .statement(0, &step("CREATE INDEX ix_v ON expenses (v)"), 0, 0.0, Some(AFTER_INDEX))
            .expect("observed");
        let trace = observer.finish();
        assert_eq!(trace.before[0].modes, [LockMode::AccessShare]);
        let statement = &trace.statements[0];
        assert_eq!(statement.mode_on("expenses"), Some(LockMode::Share));
        assert_eq!(
            statement.locks[0].modes,
            [LockMode::Share],
            "the branch's ACCESS SHARE is set aside"
        );
        assert_eq!(statement.created, ["ix_v"]);
        assert_eq!(statement.ms, 3.5, "from the end of one observation to the start of the next");
        let mut timed = Observer::default();
        timed.baseline(Some(HELD_BEFORE)).expect("baseline");
        timed
            .statement(0, &step("CREATE INDEX ix_v ON expenses (v)"), 0, 9.0, Some(AFTER_INDEX))
            .expect("observed");
        assert_eq!(
            timed.finish().statements[0].ms,
            9.0,
            "the transport's timing of the statement alone wins"
        );
    }

    #[test]
    fn no_clock_uses_measured_ok() {
        let mut observer = Observer::default();
        observer.baseline(Some(r#"{"locks": [], "relations": []}"#)).expect("baseline");
        observer
            .statement(0, &step("SELECT 1"), 0, 2.5, Some(r#"{"locks": [], "relations": []}"#))
            .expect("observed");
        assert_eq!(observer.finish().statements[0].ms, 2.5);
    }

    #[test]
    fn unreadable_err() {
        let mut observer = Observer::default();
        let error = observer.baseline(Some("[1, 2")).expect_err("not an observation");
        assert!(error.message.starts_with("unreadable lock observation"), "{}", error.message);
        assert!(observer.baseline(None).is_err());
    }

    #[test]
    fn observe_is_one_statement_ok() {
        assert!(!OBSERVE.contains(';'), "the composed query must stay one statement");
        assert!(
            !OBSERVE.contains('$'),
            "the prepared query is dollar-quoted inside OBSERVE_ENSURE"
        );
        assert!(OBSERVE_ENSURE.contains(OBSERVE), "the prepared query is the observation itself");
        assert!(LOCKS_SQL.contains("pg_backend_pid()") && RELATIONS_SQL.contains("relfilenode"));
    }
}
