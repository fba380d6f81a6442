//! The introspection as the end of a message: the prepared catalog query, whether `alembic_version` exists,
//! and the row counts of the tables the last introspection found.
//!
//! The counts query is generated from the catalog, so it would need a message of its own after the catalog's.
//! Sending the counts of the last catalog's tables in the same message saves it, and it is exact whenever the
//! catalog has the same tables (the same `counts_sql`), which is every run that creates or drops no table;
//! otherwise the answer is discarded and the right query follows.

use miglab_model::engine::introspect::{self, Catalog};
use miglab_model::engine::session::{Statement, VERSION_TABLE};
/// The savepoint around each statement of the introspection that may fail.
const SAVEPOINT: &str = "miglab_introspect";

/// Back to before the savepoint, and out of it: undoes a failed read, and releases a finished one's locks.
fn rollback() -> String {
    format!("ROLLBACK TO SAVEPOINT {SAVEPOINT}; RELEASE SAVEPOINT {SAVEPOINT}")
}

/// One introspection's statements and where their answers are.
pub(crate) struct Introspection {
    /// Inside the branch transaction, statements that may fail run in a savepoint, so they cannot abort it:
    /// `EXECUTE` fails when the statement is not prepared (a fresh worker, a learner's `DEALLOCATE ALL`),
    /// and the guessed counts fail when a table they count is gone.
    pub guarded: bool,
    /// The catalog of the last introspection, whose counts query goes along.
    pub guess: Option<Catalog>,
}

impl Introspection {
    /// `EXECUTE`, `VERSION_TABLE`, then the guessed counts, each that may fail in its own savepoint when guarded.
    pub fn statements(&self) -> Vec<Statement> {
        let mut statements = self.guard(Statement::query(introspect::EXECUTE));
        statements.push(Statement::query(VERSION_TABLE));
        if let Some(guess) = &self.guess {
            statements.extend(self.guard(Statement::query(guess.counts_sql())));
        }
        statements
    }

    /// Inside the branch transaction each read ends by rolling back to its savepoint, which releases the locks the
    /// read took (the counts take ACCESS SHARE on every table); a kept lock would stay until the branch resets, and a
    /// traced run would have to commit the branch to see the migration take it again.
    fn guard(&self, statement: Statement) -> Vec<Statement> {
        match self.guarded {
            true => vec![
                Statement::exec(format!("SAVEPOINT {SAVEPOINT}")),
                statement,
                Statement::exec(rollback()),
            ],
            false => vec![statement],
        }
    }

    /// The index of the `EXECUTE`'s answer.
    pub fn execute(&self) -> usize {
        usize::from(self.guarded)
    }

    /// The index of `VERSION_TABLE`'s answer.
    pub fn version_table(&self) -> usize {
        1 + 2 * usize::from(self.guarded)
    }

    /// The index of the guessed counts' answer.
    pub fn counts(&self) -> usize {
        self.version_table() + 1 + usize::from(self.guarded)
    }

    /// What undoes a failed statement's savepoint (nothing when unguarded: no transaction to abort).
    pub fn undo(&self) -> Vec<Statement> {
        match self.guarded {
            true => vec![Statement::exec(rollback())],
            false => Vec::new(),
        }
    }

    /// After `EXECUTE` failed as not prepared: undo, prepare, then the catalog and the version table, the last two answers.
    pub fn prepare(&self) -> Vec<Statement> {
        let mut statements = self.undo();
        statements.extend([
            Statement::exec(introspect::PREPARE),
            Statement::query(introspect::EXECUTE),
            Statement::query(VERSION_TABLE),
        ]);
        statements
    }
}
