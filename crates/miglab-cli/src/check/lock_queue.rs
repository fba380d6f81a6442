//! A lesson's lock queue (`queue` on a question) proved on a PostgreSQL server with several connections.
//!
//! One connection cannot wait for itself, so PGlite (one connection) can only draw the queue from the conflict table.
//! A server can show it: session A holds its lock in an open transaction, session B (the migration) asks for a
//! conflicting lock and waits, and session C, whose lock does not conflict with A's, still waits, because Postgres
//! grants locks in the order they were asked for. Then the fix: with `lock_timeout` set, B gives up with 55P03 and C
//! runs at once. Each step is a separate claim, and a claim the server contradicts is a failure.
//!
//! The queue runs in a scratch database of its own, with the seed and the question's state committed, because the
//! lesson's engine keeps its work in an open branch transaction that other sessions cannot see.

use crate::engine::scratch;
use crate::engine::DatabaseUrl;
use miglab_analysis::check::lesson_run::QueueProof;
use miglab_analysis::lesson::LockQueue;
use miglab_analysis::locks::LockMode;
use postgres::{Client, NoTls, SimpleQueryMessage};
use std::time::{Duration, Instant};

/// How long a session may wait when the check expects it not to wait, and the `lock_timeout` the fix is tried with.
const SHORT: &str = "1s";
/// How long the check looks for the migration to show up as waiting in `pg_locks`.
const LOOK_FOR: Duration = Duration::from_secs(5);
/// No session of the proof may run longer; a hang becomes Postgres's own 57014.
const STATEMENT_LIMIT_MS: u64 = 10_000;

/// The lesson checks' [`QueueProof`] on the server `--database-url` names.
pub struct ServerQueue<'a> {
    url: &'a DatabaseUrl,
}

impl ServerQueue<'_> {
    pub fn new(url: &DatabaseUrl) -> ServerQueue<'_> {
        ServerQueue { url }
    }
}

impl QueueProof for ServerQueue<'_> {
    fn prove(&mut self, setup: &[String], queue: &LockQueue) -> Result<Vec<String>, String> {
        prove(self.url, setup, queue)
    }
}

/// What the server showed, as sentences: `Ok` with the claims it contradicted (empty when it proved every one),
/// `Err` when the proof could not be run at all.
pub fn prove(
    url: &DatabaseUrl,
    setup: &[String],
    queue: &LockQueue,
) -> Result<Vec<String>, String> {
    let unique = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = format!("miglab_{}_{unique}_queue", std::process::id());
    scratch::admin(url.config(), &[&name], &[format!("CREATE DATABASE {name}")]).map_err(|e| {
        format!("cannot make a scratch database for the lock queue: {}", url.scrub(&e.to_string()))
    })?;
    let outcome = in_database(url, &name, setup, queue);
    if let Err(error) = scratch::drop_all(url.config(), std::slice::from_ref(&name)) {
        eprintln!(
            "warning: could not drop the scratch database {name}: {}",
            url.scrub(&error.to_string())
        );
    }
    outcome
}

fn in_database(
    url: &DatabaseUrl,
    name: &str,
    setup: &[String],
    queue: &LockQueue,
) -> Result<Vec<String>, String> {
    let connect = || {
        let mut config = url.config().clone();
        config.dbname(name);
        config.options(&format!("-c statement_timeout={STATEMENT_LIMIT_MS}"));
        config.connect(NoTls).map_err(|e| {
            format!("cannot connect for the lock queue: {}", url.scrub(&e.to_string()))
        })
    };
    let mut look = connect()?;
    for sql in setup {
        look.batch_execute(sql).map_err(|e| {
            format!("the question's state cannot be built for the lock queue: {}", shown(&e))
        })?;
    }
    let (mut holder, mut migration, mut reader) = (connect()?, connect()?, connect()?);
    let mut failures = Vec::new();
    let LockQueue { holder: held, migration: alter, reader: read } = queue;

    // The control: the holder alone does not keep the reader waiting, so any wait later is the queue's.
    hold(&mut holder, held)?;
    if let Err(error) = with_timeout(&mut reader, read) {
        failures.push(format!("With only `{held}` open, `{read}` already waits ({}), so the holder alone blocks it and the queue proves nothing.", shown(&error)));
    }

    // The queue: the migration waits for the holder, and the reader waits behind the migration.
    let pid = backend_pid(&mut migration)?;
    std::thread::scope(|scope| -> Result<(), String> {
        let waiting = scope.spawn(|| {
            migration.batch_execute("BEGIN; SET LOCAL lock_timeout = 0")?;
            migration.batch_execute(alter)
        });
        match waits_for(&mut look, &pid, &waiting)? {
            Some(what) => {
                if let Err(error) = with_timeout(&mut reader, read) {
                    if sqlstate(&error) != Some("55P03") {
                        failures.push(format!("`{read}`, arriving behind the waiting migration, failed with {} instead of waiting.", shown(&error)));
                    }
                } else {
                    failures.push(format!("`{read}` ran at once while `{alter}` waited for {what}, so it did not queue behind the migration."));
                }
            }
            None => failures.push(format!("`{alter}` did not wait behind `{held}`: their locks do not conflict, so there is no queue.")),
        }
        holder.batch_execute("ROLLBACK").map_err(|e| shown(&e))?;
        match waiting.join() {
            Ok(Ok(())) => {}
            Ok(Err(error)) => failures
                .push(format!("`{alter}` failed once the holder was gone: {}.", shown(&error))),
            Err(_) => return Err("the migration's session stopped unexpectedly".to_owned()),
        }
        Ok(())
    })?;
    migration.batch_execute("ROLLBACK").map_err(|e| shown(&e))?;

    // The fix: with lock_timeout the migration gives up, and the reader behind it runs.
    hold(&mut holder, held)?;
    migration
        .batch_execute(&format!("BEGIN; SET LOCAL lock_timeout = '{SHORT}'"))
        .map_err(|e| shown(&e))?;
    match migration.batch_execute(alter) {
        Err(error) if sqlstate(&error) == Some("55P03") => {}
        Err(error) => failures.push(format!("With `lock_timeout` set, `{alter}` failed with {} instead of 55P03 (lock_not_available).", shown(&error))),
        Ok(()) => failures.push(format!("With `lock_timeout` set, `{alter}` ran although `{held}` was still open.")),
    }
    migration.batch_execute("ROLLBACK").map_err(|e| shown(&e))?;
    if let Err(error) = with_timeout(&mut reader, read) {
        failures.push(format!(
            "After the migration gave up, `{read}` still waits ({}).",
            shown(&error)
        ));
    }
    holder.batch_execute("ROLLBACK").map_err(|e| shown(&e))?;
    Ok(failures)
}

/// Opens a transaction and runs `sql` in it, leaving the transaction (and its locks) open.
fn hold(client: &mut Client, sql: &str) -> Result<(), String> {
    client.batch_execute("BEGIN").map_err(|e| shown(&e))?;
    client
        .batch_execute(sql)
        .map_err(|e| format!("`{sql}` fails, so it cannot hold a lock: {}", shown(&e)))
}

/// Runs `sql` on its own, giving up after [`SHORT`] if it has to wait for a lock.
fn with_timeout(client: &mut Client, sql: &str) -> Result<(), postgres::Error> {
    client.batch_execute(&format!("BEGIN; SET LOCAL lock_timeout = '{SHORT}'"))?;
    let outcome = client.batch_execute(sql);
    client.batch_execute("ROLLBACK")?;
    outcome
}

fn backend_pid(client: &mut Client) -> Result<String, String> {
    first(client, "SELECT pg_backend_pid()")?.ok_or_else(|| "no backend pid".to_owned())
}

/// Looks at `pg_locks` until session `pid` waits for a lock: `Some` names the lock (ACCESS EXCLUSIVE on `expenses`);
/// `None` when the session finished, or did not wait within [`LOOK_FOR`].
fn waits_for<T>(
    look: &mut Client,
    pid: &str,
    session: &std::thread::ScopedJoinHandle<'_, T>,
) -> Result<Option<String>, String> {
    let sql = format!(
        "SELECT l.mode || ' ' || coalesce(c.relname, l.locktype)
           FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation
          WHERE l.pid = {pid} AND NOT l.granted"
    );
    let started = Instant::now();
    while started.elapsed() < LOOK_FOR && !session.is_finished() {
        if let Some(found) = first(look, &sql)? {
            let (mode, relation) = found.split_once(' ').unwrap_or((&found, ""));
            let mode =
                LockMode::parse(mode).map_or_else(|| mode.to_owned(), |m| m.name().to_owned());
            return Ok(Some(format!("{mode} on `{relation}`")));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(None)
}

fn first(client: &mut Client, sql: &str) -> Result<Option<String>, String> {
    let messages = client.simple_query(sql).map_err(|e| shown(&e))?;
    Ok(messages.into_iter().find_map(|m| match m {
        SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
        _ => None,
    }))
}

fn sqlstate(error: &postgres::Error) -> Option<&str> {
    error.as_db_error().map(|db| db.code().code())
}

/// `ERROR 55P03: canceling statement due to lock timeout`, or the driver's text.
fn shown(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("ERROR {}: {}", db.code().code(), db.message()),
        None => error.to_string(),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    /// The server the tests run on (`cargo xtask test` sets it when it has one, as for `engine/server.rs`).
    fn url() -> DatabaseUrl {
        let url = std::env::var("MIGLAB_TEST_DATABASE_URL")
            .expect("MIGLAB_TEST_DATABASE_URL names the server to test on");
        DatabaseUrl::parse(&url).expect("the URL parses")
    }

    fn queue(holder: &str, reader: &str) -> LockQueue {
        LockQueue {
            holder: holder.to_owned(),
            migration: "ALTER TABLE t ADD COLUMN b int".to_owned(),
            reader: reader.to_owned(),
        }
    }

    const SETUP: &str = "CREATE TABLE t (a int); CREATE TABLE u (a int); INSERT INTO t VALUES (1)";

    #[test]
    #[ignore = "needs a PostgreSQL server: set MIGLAB_TEST_DATABASE_URL"]
    fn reader_queues_behind_the_migration_ok() {
        let found =
            prove(&url(), &[SETUP.to_owned()], &queue("SELECT * FROM t", "SELECT * FROM t"));
        assert_eq!(found, Ok(Vec::new()));
    }

    #[test]
    #[ignore = "needs a PostgreSQL server: set MIGLAB_TEST_DATABASE_URL"]
    fn no_conflict_no_queue_err() {
        let url = url();
        let setup = [SETUP.to_owned()];
        // The holder reads another table, so the migration never waits, and lock_timeout has nothing to time out.
        let found = prove(&url, &setup, &queue("SELECT * FROM u", "SELECT * FROM t"))
            .expect("the proof runs");
        assert!(found.iter().any(|f| f.contains("did not wait behind")), "{found:?}");
        assert!(found.iter().any(|f| f.contains("ran although")), "{found:?}");
        // The reader reads another table, so it passes the waiting migration.
        let found = prove(&url, &setup, &queue("SELECT * FROM t", "SELECT * FROM u"))
            .expect("the proof runs");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("did not queue behind the migration"), "{found:?}");
        // The holder alone blocks the reader, so its wait proves nothing about the queue.
        let found =
            prove(&url, &setup, &queue("LOCK TABLE t", "SELECT * FROM t")).expect("the proof runs");
        assert!(found.iter().any(|f| f.contains("the holder alone blocks it")), "{found:?}");
    }

    #[test]
    #[ignore = "needs a PostgreSQL server: set MIGLAB_TEST_DATABASE_URL"]
    fn broken_setup_err() {
        let found =
            prove(&url(), &["SELECT nope FROM nowhere".to_owned()], &queue("SELECT 1", "SELECT 1"));
        assert!(found.as_ref().is_err_and(|e| e.contains("42P01")), "{found:?}");
    }
}
