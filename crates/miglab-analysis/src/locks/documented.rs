//! The lock each modelled change takes, as the PostgreSQL manual documents it.
//!
//! The trace observes locks on the engine; this table is for what cannot be observed inside a transaction
//! (`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX … CONCURRENTLY`) and for the rules' messages.
//! The CLI's tests run [`EXAMPLES`] on the engine and compare: a documented level the engine contradicts fails the build.
//! Sources: `explicit-locking.html` (13.3.1), `sql-altertable.html` ("An ACCESS EXCLUSIVE lock is acquired unless
//! explicitly noted"; a foreign key takes SHARE ROW EXCLUSIVE on both tables), `sql-createindex.html`,
//! `sql-dropindex.html`, `sql-alterindex.html`, `sql-reindex.html` and `indexam.sgml` ("SHARE UPDATE EXCLUSIVE is taken
//! instead with CONCURRENTLY").

use crate::analysis::{analyze, Change, ColumnSpec, ConstraintSpec};
use crate::migration::{Migration, Step};
use crate::schema::ConstraintKind;
use miglab_model::locks::{DocumentedLock, LockMode, Target, TraceStep};

fn on(table: &str, mode: LockMode) -> DocumentedLock {
    DocumentedLock { target: Target::Table(table.to_owned()), mode }
}

/// The table-level locks `change` takes, strongest per relation; empty when it locks no relation miglab names
/// (enums, comments, statements miglab does not model).
pub fn documented(change: &Change) -> Vec<DocumentedLock> {
    use LockMode::*;
    let mut locks = match change {
        Change::CreateTable { table, columns, constraints, .. } => {
            let mut locks = vec![on(&table.name, AccessExclusive)];
            locks.extend(referenced(columns, constraints).map(|t| on(t, ShareRowExclusive)));
            locks
        }
        Change::AddColumn { table, column, .. } => {
            let mut locks = vec![on(&table.name, AccessExclusive)];
            locks.extend(
                referenced(std::slice::from_ref(column), &[]).map(|t| on(t, ShareRowExclusive)),
            );
            locks
        }
        Change::AddConstraint { table, constraint, .. }
            if constraint.kind == ConstraintKind::ForeignKey =>
        {
            let mut locks = vec![on(&table.name, ShareRowExclusive)];
            locks.extend(constraint.references.iter().map(|(t, _)| on(&t.name, ShareRowExclusive)));
            locks
        }
        Change::DropTable { table, .. }
        | Change::RenameTable { table, .. }
        | Change::DropColumn { table, .. }
        | Change::RenameColumn { table, .. }
        | Change::AlterType { table, .. }
        | Change::SetNotNull { table, .. }
        | Change::DropNotNull { table, .. }
        | Change::SetDefault { table, .. }
        | Change::DropDefault { table, .. }
        | Change::AddConstraint { table, .. }
        | Change::DropConstraint { table, .. }
        | Change::RenameConstraint { table, .. }
        | Change::Truncate { table } => vec![on(&table.name, AccessExclusive)],
        Change::CreateIndex { index } => vec![on(
            &index.table.name,
            if index.concurrently { ShareUpdateExclusive } else { Share },
        )],
        Change::DropIndex { index, concurrently, .. } => {
            vec![DocumentedLock {
                target: Target::TableOfIndex(index.name.clone()),
                mode: if *concurrently { ShareUpdateExclusive } else { AccessExclusive },
            }]
        }
        Change::RenameIndex { index, .. } => vec![DocumentedLock {
            target: Target::Index(index.name.clone()),
            mode: ShareUpdateExclusive,
        }],
        Change::Insert { table, .. }
        | Change::Update { table, .. }
        | Change::Delete { table, .. } => vec![on(&table.name, RowExclusive)],
        Change::CreateEnum { .. }
        | Change::AddEnumValue { .. }
        | Change::DropType { .. }
        | Change::Comment
        | Change::NoSchemaChange
        | Change::Unknown { .. } => Vec::new(),
    };
    // A self-referencing foreign key names its table twice; the stronger lock is the one held.
    locks.sort_by(|a, b| a.target.order_key().cmp(&b.target.order_key()).then(b.mode.cmp(&a.mode)));
    locks.dedup_by(|later, first| later.target == first.target);
    locks
}

/// Tables that foreign keys among these columns and constraints point at.
fn referenced<'a>(
    columns: &'a [ColumnSpec],
    constraints: &'a [ConstraintSpec],
) -> impl Iterator<Item = &'a str> {
    columns
        .iter()
        .flat_map(|c| c.constraints.iter())
        .chain(constraints)
        .filter(|c| c.kind == ConstraintKind::ForeignKey)
        .filter_map(|c| c.references.as_ref())
        .map(|(t, _)| t.name.as_str())
}

/// The documented locks of one statement: the analysis's facts, plus `REINDEX … CONCURRENTLY`, which it does not model.
pub fn documented_sql(sql: &str) -> Vec<DocumentedLock> {
    if let Some(lock) = reindex_concurrently(sql) {
        return vec![lock];
    }
    let step = Step { sql: sql.to_owned(), autocommit: false, span: None, documented: Vec::new() };
    let mut locks: Vec<DocumentedLock> = analyze(std::slice::from_ref(&step))
        .facts
        .iter()
        .flat_map(|f| documented(&f.change))
        .collect();
    locks.sort_by(|a, b| a.target.order_key().cmp(&b.target.order_key()).then(b.mode.cmp(&a.mode)));
    locks.dedup_by(|later, first| later.target == first.target);
    locks
}

/// Gives every autocommit step of `migration` the locks the manual documents for it, so a lock trace that cannot
/// observe such a step (it runs outside any transaction) can still report its lock, labelled as documented.
pub fn document(migration: &mut Migration) {
    for step in migration.upgrade.iter_mut().chain(migration.downgrade.iter_mut()) {
        if step.autocommit && step.documented.is_empty() {
            step.documented = documented_sql(&step.sql);
        }
    }
}

/// The tracer's steps for a migration's steps: an autocommit step, which cannot be observed inside a transaction,
/// carries the locks the manual documents for it.
pub fn trace_steps(steps: &[Step]) -> Vec<TraceStep> {
    steps
        .iter()
        .map(|step| TraceStep {
            sql: step.sql.clone(),
            autocommit: step.autocommit,
            span: step.span,
            documented: match (step.autocommit, step.documented.is_empty()) {
                (true, true) => documented_sql(&step.sql),
                (true, false) => step.documented.clone(),
                (false, _) => Vec::new(),
            },
        })
        .collect()
}

/// `REINDEX [ (…) ] { INDEX | TABLE } CONCURRENTLY name`: SHARE UPDATE EXCLUSIVE (`sql-reindex.html`).
fn reindex_concurrently(sql: &str) -> Option<DocumentedLock> {
    let words: Vec<&str> = sql.split_whitespace().collect();
    if !words.first()?.eq_ignore_ascii_case("reindex") {
        return None;
    }
    // Skip a parenthesised option list.
    let mut rest = &words[1..];
    if rest.first()?.starts_with('(') {
        let close = rest.iter().position(|w| w.ends_with(')'))?;
        rest = &rest[close + 1..];
    }
    let [kind, concurrently, name, ..] = rest else { return None };
    if !concurrently.eq_ignore_ascii_case("concurrently") {
        return None;
    }
    let name = name.trim_end_matches(';').trim_matches('"');
    let name = if name.contains('"') { name.to_owned() } else { name.to_lowercase() };
    let target = match kind.to_ascii_lowercase().as_str() {
        "index" => Target::TableOfIndex(name),
        "table" => Target::Table(name),
        _ => return None,
    };
    Some(DocumentedLock { target, mode: LockMode::ShareUpdateExclusive })
}

/// One statement per modelled change that takes a lock, run on [`EXAMPLES_SETUP`]; the CLI's tests trace each on the
/// engine and compare with [`documented_sql`]. `CONCURRENTLY` forms are absent: they are what cannot be observed.
pub const EXAMPLES: &[&str] = &[
    "CREATE TABLE posts (id serial PRIMARY KEY, user_id int REFERENCES users (id))",
    "DROP TABLE expenses",
    "ALTER TABLE expenses RENAME TO costs",
    "ALTER TABLE expenses ADD COLUMN n int",
    "ALTER TABLE expenses ADD COLUMN owner_id int REFERENCES users (id)",
    "ALTER TABLE expenses DROP COLUMN note",
    "ALTER TABLE expenses RENAME COLUMN note TO memo",
    "ALTER TABLE expenses ALTER COLUMN amount TYPE text",
    "ALTER TABLE expenses ALTER COLUMN amount SET NOT NULL",
    "ALTER TABLE expenses ALTER COLUMN note DROP NOT NULL",
    "ALTER TABLE expenses ALTER COLUMN note SET DEFAULT 'x'",
    "ALTER TABLE expenses ALTER COLUMN status DROP DEFAULT",
    "ALTER TABLE expenses ADD CONSTRAINT amount_positive CHECK (amount > 0)",
    "ALTER TABLE expenses ADD CONSTRAINT amount_positive CHECK (amount > 0) NOT VALID",
    "ALTER TABLE expenses ADD CONSTRAINT expenses_user_fk FOREIGN KEY (user_id) REFERENCES users (id)",
    "ALTER TABLE expenses ADD CONSTRAINT expenses_note_key UNIQUE (note)",
    "ALTER TABLE expenses DROP CONSTRAINT expenses_status_check",
    "ALTER TABLE expenses RENAME CONSTRAINT expenses_status_check TO status_ok",
    "CREATE INDEX ON expenses (user_id)",
    "CREATE UNIQUE INDEX ix_expenses_id_note ON expenses (id, note)",
    "DROP INDEX ix_expenses_status",
    "ALTER INDEX ix_expenses_status RENAME TO ix_status",
    "INSERT INTO expenses (amount) VALUES (1)",
    "UPDATE expenses SET note = 'x'",
    "DELETE FROM expenses WHERE amount > 10",
    "TRUNCATE expenses",
];

/// The database [`EXAMPLES`] run on.
pub const EXAMPLES_SETUP: &str = "CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);
CREATE TABLE expenses (id serial PRIMARY KEY, user_id int, amount numeric(10, 2) NOT NULL, note text, status text DEFAULT 'new' CHECK (status <> ''));
CREATE INDEX ix_expenses_status ON expenses (status);
INSERT INTO users (email) VALUES ('ada@example.com');
INSERT INTO expenses (user_id, amount) VALUES (1, 12.50), (1, 3.00)";

#[cfg(test)]
mod test {
    use super::*;

    fn shown(sql: &str) -> String {
        documented_sql(sql)
            .iter()
            .map(|l| format!("{} {:?}", l.mode, l.target))
            .collect::<Vec<_>>()
            .join("; ")
    }

    #[test]
    fn examples_ok() {
        let rows: Vec<String> =
            EXAMPLES.iter().map(|sql| format!("{sql} => {}", shown(sql))).collect();
        insta::assert_snapshot!(rows.join("\n"));
    }

    #[test]
    fn concurrently_ok() {
        assert_eq!(
            shown("CREATE INDEX CONCURRENTLY ix ON expenses (note)"),
            "SHARE UPDATE EXCLUSIVE Table(\"expenses\")"
        );
        assert_eq!(
            shown("DROP INDEX CONCURRENTLY ix_expenses_status"),
            "SHARE UPDATE EXCLUSIVE TableOfIndex(\"ix_expenses_status\")"
        );
        assert_eq!(
            shown("REINDEX INDEX CONCURRENTLY ix_expenses_status"),
            "SHARE UPDATE EXCLUSIVE TableOfIndex(\"ix_expenses_status\")"
        );
        assert_eq!(
            shown("REINDEX (VERBOSE) TABLE CONCURRENTLY Expenses"),
            "SHARE UPDATE EXCLUSIVE Table(\"expenses\")"
        );
    }

    #[test]
    fn unlocked_err() {
        assert_eq!(shown("CREATE TYPE mood AS ENUM ('ok')"), "");
        assert_eq!(shown("SET lock_timeout = '2s'"), "");
        assert_eq!(shown("REINDEX"), "");
        assert_eq!(shown("not sql at all"), "");
    }

    #[test]
    fn self_reference_keeps_strongest_ok() {
        assert_eq!(
            shown("CREATE TABLE nodes (id int PRIMARY KEY, parent int REFERENCES nodes (id))"),
            "ACCESS EXCLUSIVE Table(\"nodes\")"
        );
    }
}
