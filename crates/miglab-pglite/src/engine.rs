//! The engine handle the app holds: async calls to PGlite in the worker, with branch points and runaway-statement recovery.

use crate::batch::{Answer, Statement};
use crate::config::EngineConfig;
use crate::error::EngineError;
use crate::gate::{self, Gate};
use crate::host::{self, Host};
use crate::introspection::{Introspection, VERSION_TABLE};
use miglab_model::engine::branch::{Branches, Reset, OPEN, STATEMENT_SAVEPOINT};
use miglab_model::engine::introspect::{self, Catalog};
use miglab_model::engine::plan::RunPlan;
use miglab_model::engine::runner::{Action, Runner, RunnerConfig};
use miglab_model::engine::{backup, QueryResult, RunReport};
use miglab_model::schema::Schema;
use serde_json::json;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// Booting, especially initdb without a prebuilt image, takes far longer than any statement may.
const BOOT_TIMEOUT_MS: u32 = 60_000;

/// What the engine is doing, for the app's status line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineStatus {
    Ready,
    /// The worker was stopped or died; the database is being rebuilt at the last branch point.
    Restarting,
    /// The rebuild failed; every call now fails with the reason.
    Failed,
}

/// A handle to the one database of the page; clones share it.
#[derive(Clone)]
pub struct Engine {
    inner: Rc<Inner>,
}

impl PartialEq for Engine {
    /// Two handles are equal when they share one database, so Yew contexts re-render only on a new engine.
    fn eq(&self, other: &Engine) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

/// Who hears about restarts; one per engine (the app's `EngineProvider`).
type StatusListener = Rc<dyn Fn(EngineStatus)>;

struct Inner {
    host: Host,
    config: EngineConfig,
    gate: Rc<Gate>,
    /// Dumps are Blobs kept on this side of the worker, so they survive terminating it.
    branches: RefCell<Branches<JsValue>>,
    on_status: RefCell<Option<StatusListener>>,
    /// Milliseconds the last boot took, for the status line and the bench.
    boot_ms: Cell<f64>,
    /// True while the database is still the boot image, so a branch needs no dump: `null` stands for the image.
    pristine: Cell<bool>,
    /// What the last message found out; every later message may change the database, so each one forgets it.
    known: RefCell<Known>,
    /// The catalog the last introspection read, whose row counts the next one asks for along with the catalog.
    guess: RefCell<Option<Catalog>>,
}

/// Facts about the database read at the end of the last message, still true because nothing was sent since.
/// A run ends its message with the introspection, so the `introspect` that follows it (the lab's usual order) and
/// the next run's check for `alembic_version` cost no message of their own.
#[derive(Default)]
struct Known {
    schema: Option<Schema>,
    /// The answer to [`VERSION_TABLE`].
    version_table: Option<bool>,
}

impl Engine {
    /// Starts the worker and boots PGlite from the prebuilt data directory.
    /// Adopts the worker `index.html` started before the app loaded when it matches `config`, so the two downloads overlap.
    pub async fn boot(config: EngineConfig) -> Result<Engine, EngineError> {
        let started = host::now();
        let host = Host::new(&config.worker_url);
        let inner = Inner {
            host,
            config,
            gate: Rc::default(),
            branches: RefCell::default(),
            on_status: RefCell::default(),
            boot_ms: Cell::default(),
            pristine: Cell::new(true),
            known: RefCell::default(),
            guess: RefCell::default(),
        };
        let boot = |e: EngineError| EngineError::Boot(e.to_string());
        // The early worker gets the limit a boot of our own would get; a slow link that has not finished by then
        // would not finish a second download sooner, but a worker that hangs must not keep the page waiting forever.
        if !inner
            .host
            .adopt(&inner.config.pglite_url, inner.config.data_dir_url.as_deref(), BOOT_TIMEOUT_MS)
            .await
            .map_err(boot)?
        {
            inner.host.restart().await?;
            inner.boot_from(None).await.map_err(boot)?;
        }
        inner.boot_ms.set(host::now() - started);
        Ok(Engine { inner: Rc::new(inner) })
    }

    /// How long booting took, in milliseconds.
    pub fn boot_ms(&self) -> f64 {
        self.inner.boot_ms.get()
    }

    /// Called on every status change after boot (restarting after a runaway statement, ready again, failed).
    pub fn on_status(&self, listener: impl Fn(EngineStatus) + 'static) {
        *self.inner.on_status.borrow_mut() = Some(Rc::new(listener));
    }

    /// Runs a script of one or more statements on the current branch.
    pub async fn exec(&self, sql: &str) -> Result<(), EngineError> {
        let _pass = gate::enter(&self.inner.gate).await;
        self.inner.guarded(sql, "exec", self.inner.config.statement_timeout_ms).await.map(drop)
    }

    /// [`Engine::exec`] for a whole script such as a lesson's seed, under the script limit rather than the statement limit.
    pub async fn exec_script(&self, sql: &str) -> Result<(), EngineError> {
        let _pass = gate::enter(&self.inner.gate).await;
        self.inner.guarded(sql, "exec", self.inner.config.script_timeout_ms).await.map(drop)
    }

    /// Runs a statement (or a script) and returns the rows of the last one, every value as Postgres prints it.
    pub async fn query(&self, sql: &str) -> Result<QueryResult, EngineError> {
        let _pass = gate::enter(&self.inner.gate).await;
        let value =
            self.inner.guarded(sql, "query", self.inner.config.statement_timeout_ms).await?;
        rows(value)
    }

    /// Makes a restore point `name` of the current database.
    pub async fn branch(&self, name: &str) -> Result<(), EngineError> {
        let _pass = gate::enter(&self.inner.gate).await;
        let inner = &self.inner;
        let before = inner.branches.borrow().before_branch();
        if let Some(sql) = before {
            inner.raw("exec", sql).await?;
        }
        let dump = match inner.pristine.get() {
            true => JsValue::NULL,
            false => {
                inner.call(json!({ "op": "dump" }), None, inner.config.script_timeout_ms).await?
            }
        };
        inner.branches.borrow_mut().branched(name, dump);
        inner.open_branch().await
    }

    /// Returns to the restore point `name`: a rollback while the branch transaction is intact, a reload otherwise.
    pub async fn reset(&self, name: &str) -> Result<(), EngineError> {
        let _pass = gate::enter(&self.inner.gate).await;
        let inner = &self.inner;
        let way = match inner.branches.borrow().reset(name) {
            None => return Err(EngineError::UnknownBranch(name.to_owned())),
            Some(Reset::Rollback(sql)) => Ok(sql),
            Some(Reset::Reload(dump)) => Err(dump.clone()),
        };
        match way {
            Ok(sql) => inner.raw("exec", sql).await.map(drop),
            Err(dump) => {
                inner.boot_from(Some(&dump)).await?;
                inner.warm_introspection().await;
                inner.branches.borrow_mut().reloaded(name);
                inner.open_branch().await
            }
        }
    }

    /// Reads every table, index, constraint and enum, and the `alembic_version` rows.
    /// Free when the last message already read them (a run ends with the introspection) and nothing was sent since.
    pub async fn introspect(&self) -> Result<Schema, EngineError> {
        let _pass = gate::enter(&self.inner.gate).await;
        let inner = &self.inner;
        if let Some(schema) = inner.known.borrow().schema.clone() {
            return Ok(schema);
        }
        let introspection = inner.introspection();
        let answer = inner.batch(introspection.statements()).await?;
        inner.introspected(&introspection, answer).await
    }

    /// Runs migrations the way Alembic does; a failing step is in the report, not an `Err`.
    /// Each message carries a command with everything the runner queues behind it, then the introspection,
    /// so a run that succeeds is one message (plus the row counts, which depend on the tables it finds).
    pub async fn run(&self, plan: &RunPlan) -> Result<RunReport, EngineError> {
        let _pass = gate::enter(&self.inner.gate).await;
        let inner = &self.inner;
        let known = inner.known.borrow().version_table;
        let version_table_exists = match known {
            Some(exists) => exists,
            None => rows(inner.call_sql("query", VERSION_TABLE).await?)?.first_text() == Some("t"),
        };
        let introspection = inner.introspection();
        let in_branch_transaction = introspection.guarded;
        let mut runner =
            Runner::new(plan, RunnerConfig { version_table_exists, in_branch_transaction });
        let mut action = runner.start();
        // The introspection's part of the last message, when every command before it succeeded.
        let mut introspected = None;
        loop {
            let first = match action {
                Action::Exec(sql) => sql,
                Action::Done(report) => {
                    if report.committed {
                        inner.branches.borrow_mut().committed();
                    }
                    if let Some(answer) = introspected {
                        // The run happened whatever the introspection says; `introspect` asks again and reports
                        // its own failure, except a lost worker, which undid the run too.
                        if let Err(error) = inner.introspected(&introspection, answer).await {
                            if error.lost_worker() {
                                return Err(error);
                            }
                        }
                    }
                    return Ok(report);
                }
            };
            let commands: Vec<Statement> = std::iter::once(first)
                .chain(runner.queued().into_iter().map(str::to_owned))
                .map(Statement::exec)
                .collect();
            let sent = commands.len();
            inner.pristine.set(false);
            let answer = inner
                .batch(commands.into_iter().chain(introspection.statements()).collect())
                .await?;
            // The runner hears each command's outcome in order, up to the one that failed.
            let succeeded = answer.results.len().min(sent);
            let mut outcomes = vec![Ok(()); succeeded];
            introspected = None;
            if succeeded == sent {
                introspected = Some(answer.tail(sent));
            } else {
                match answer.failed {
                    Some((_, EngineError::Postgres(error))) => outcomes.push(Err(error)),
                    Some((_, other)) => return Err(other),
                    None => {
                        return Err(EngineError::Protocol(
                            "a batch stopped without a failure".to_owned(),
                        ))
                    }
                }
            }
            let mut next = None;
            for outcome in outcomes {
                next = Some(runner.next(outcome));
            }
            action =
                next.ok_or_else(|| EngineError::Protocol("an empty batch answer".to_owned()))?;
        }
    }

    /// A backup of `table`'s rows as a SQL script that restores them, for the drop guard.
    pub async fn dump_table(&self, table: &str) -> Result<String, EngineError> {
        let result = self.query(&backup::sql(table)).await?;
        result
            .first_text()
            .map(str::to_owned)
            .ok_or_else(|| EngineError::Protocol("the backup query returned no script".to_owned()))
    }
}

fn rows(value: JsValue) -> Result<QueryResult, EngineError> {
    let json = js_sys::JSON::stringify(&value).ok().and_then(|s| s.as_string()).unwrap_or_default();
    serde_json::from_str(&json).map_err(|e| EngineError::Protocol(format!("unreadable rows: {e}")))
}

impl Inner {
    fn status(&self, status: EngineStatus) {
        let listener = self.on_status.borrow().clone();
        if let Some(listener) = listener {
            listener(status);
        }
    }

    /// One request to the worker; a lost worker is rebuilt at the last branch point before the error is returned.
    async fn call(
        &self,
        request: serde_json::Value,
        data: Option<&JsValue>,
        limit_ms: u32,
    ) -> Result<JsValue, EngineError> {
        *self.known.borrow_mut() = Known::default();
        let outcome = self.host.send(&request, data, limit_ms).await;
        if let Err(error) = &outcome {
            if error.lost_worker() {
                self.recover().await;
            }
        }
        outcome
    }

    /// Sends `statements` in one message; the worker stops at the first that fails.
    /// Only a lost worker or a broken answer is an `Err`; a Postgres error is in the answer, with its index.
    async fn batch(&self, statements: Vec<Statement>) -> Result<Answer, EngineError> {
        self.batch_within(statements, self.config.statement_timeout_ms).await
    }

    /// [`Inner::batch`] with its own limit per statement.
    async fn batch_within(
        &self,
        statements: Vec<Statement>,
        limit_ms: u32,
    ) -> Result<Answer, EngineError> {
        Answer::read(
            &self.call(json!({ "op": "batch", "statements": statements }), None, limit_ms).await?,
        )
    }

    /// [`Inner::batch`] for statements that may change the database.
    async fn raw_batch(&self, statements: Vec<Statement>) -> Result<Answer, EngineError> {
        self.raw_batch_within(statements, self.config.statement_timeout_ms).await
    }

    async fn raw_batch_within(
        &self,
        statements: Vec<Statement>,
        limit_ms: u32,
    ) -> Result<Answer, EngineError> {
        self.pristine.set(false);
        self.batch_within(statements, limit_ms).await
    }

    /// The introspection to end the next message with.
    fn introspection(&self) -> Introspection {
        Introspection {
            guarded: self.branches.borrow().in_transaction(),
            guess: self.guess.borrow().clone(),
        }
    }

    /// Finishes an introspection from the answer to its statements: prepares the catalog query when this worker
    /// had not, and counts the rows when the guessed counts were not for these tables.
    /// The schema and the version table stay known until the next message.
    async fn introspected(
        &self,
        introspection: &Introspection,
        answer: Answer,
    ) -> Result<Schema, EngineError> {
        let protocol = |e: introspect::ParseError| EngineError::Protocol(e.to_string());
        let missing = || EngineError::Protocol("an introspection answer is missing".to_owned());
        let text = |value: Option<&JsValue>| -> Result<String, EngineError> {
            Ok(rows(value.ok_or_else(missing)?.clone())?
                .first_text()
                .unwrap_or_default()
                .to_owned())
        };
        let Answer { results, failed } = answer;
        let (execute, version_table) = (introspection.execute(), introspection.version_table());
        let (catalog, version_table, guess_failed) = match failed {
            Some((index, error)) if index <= version_table => {
                let prepare = index == execute && error.is_sqlstate("26000");
                if !prepare {
                    if index >= execute {
                        self.batch(introspection.undo()).await?;
                    }
                    return Err(error);
                }
                // Planning the catalog query costs twice its run in PGlite, so it is prepared once per worker.
                let retry = self.batch(introspection.prepare()).await?;
                if let Some((_, error)) = retry.failed {
                    return Err(error);
                }
                let last = retry.results.len();
                (text(retry.results.get(last.wrapping_sub(2)))?, text(retry.results.last())?, false)
            }
            failed => {
                (text(results.get(execute))?, text(results.get(version_table))?, failed.is_some())
            }
        };
        let catalog = introspect::parse(&catalog).map_err(protocol)?;
        let guessed = introspection
            .guess
            .as_ref()
            .is_some_and(|guess| guess.counts_sql() == catalog.counts_sql());
        let counts = match results.get(introspection.counts()) {
            Some(counts) if guessed && !guess_failed => text(Some(counts))?,
            _ => {
                let mut statements = if guess_failed { introspection.undo() } else { Vec::new() };
                statements.push(Statement::query(catalog.counts_sql()));
                let answer = self.batch(statements).await?;
                if let Some((_, error)) = answer.failed {
                    return Err(error);
                }
                text(answer.results.last())?
            }
        };
        *self.guess.borrow_mut() = Some(catalog.clone());
        let schema = catalog.finish(&counts).map_err(protocol)?;
        *self.known.borrow_mut() =
            Known { schema: Some(schema.clone()), version_table: Some(version_table == "t") };
        Ok(schema)
    }

    /// Sends SQL; any SQL may change the database, so it is no longer the boot image.
    async fn raw(&self, op: &str, sql: &str) -> Result<JsValue, EngineError> {
        self.raw_within(op, sql, self.config.statement_timeout_ms).await
    }

    async fn raw_within(&self, op: &str, sql: &str, limit_ms: u32) -> Result<JsValue, EngineError> {
        self.pristine.set(false);
        self.call(json!({ "op": op, "sql": sql }), None, limit_ms).await
    }

    /// Sends SQL that only reads (or only prepares), so a database still at the boot image stays branchable for free.
    async fn call_sql(&self, op: &str, sql: &str) -> Result<JsValue, EngineError> {
        self.call(json!({ "op": op, "sql": sql }), None, self.config.statement_timeout_ms).await
    }

    /// Boots a database in the worker: from a branch dump, or from the prebuilt image (`None` or a `null` dump).
    async fn boot_from(&self, dump: Option<&JsValue>) -> Result<(), EngineError> {
        let dump = dump.filter(|d| !d.is_null());
        self.pristine.set(dump.is_none());
        *self.known.borrow_mut() = Known::default();
        let request = json!({
            "op": "boot",
            "pglite_url": host::absolute(&self.config.pglite_url),
            "data_dir_url": self.config.data_dir_url.as_deref().map(host::absolute),
        });
        self.host.send(&request, dump, BOOT_TIMEOUT_MS).await.map(drop)
    }

    /// Prepares and runs the introspection once on a database just reloaded from a dump, discarding the answer.
    /// A fresh PGlite backend has empty catalog caches, and planning the catalog query plus filling those caches
    /// (`pg_get_indexdef`, `pg_get_constraintdef` and `format_type` touch many catalogs) is most of the first
    /// introspection's cost; a reload already makes the learner wait, so that cost is paid there, not after their next run.
    /// It runs before the branch transaction opens, so even a failure here cannot abort it; the next
    /// `introspect` reads the catalog afresh either way.
    async fn warm_introspection(&self) {
        let warm = async {
            let answer = self
                .batch(vec![
                    Statement::exec(introspect::PREPARE),
                    Statement::query(introspect::EXECUTE),
                ])
                .await?;
            let catalog = answer.results.get(1).cloned().map(rows).transpose()?;
            if let Some(Ok(catalog)) =
                catalog.map(|c| introspect::parse(c.first_text().unwrap_or_default()))
            {
                self.call_sql("exec", &catalog.counts_sql()).await?;
            }
            Ok::<(), EngineError>(())
        };
        let _ = warm.await;
    }

    async fn open_branch(&self) -> Result<(), EngineError> {
        match self.raw_batch(OPEN.map(Statement::exec).to_vec()).await?.failed {
            Some((_, error)) => Err(error),
            None => Ok(()),
        }
    }

    /// Starts a new worker and boots it at the current branch point (or the boot image when there is none).
    async fn recover(&self) {
        self.status(EngineStatus::Restarting);
        let point =
            self.branches.borrow().recovery().map(|(name, dump)| (name.to_owned(), dump.clone()));
        let outcome = async {
            self.host.restart().await?;
            self.boot_from(point.as_ref().map(|(_, dump)| dump)).await?;
            if let Some((name, _)) = &point {
                self.branches.borrow_mut().reloaded(name);
                for sql in OPEN {
                    self.host
                        .send(&json!({ "op": "exec", "sql": sql }), None, BOOT_TIMEOUT_MS)
                        .await?;
                }
            }
            Ok::<(), EngineError>(())
        }
        .await;
        self.status(if outcome.is_ok() { EngineStatus::Ready } else { EngineStatus::Failed });
    }

    /// Runs the learner's SQL so a failure leaves the branch transaction usable;
    /// a statement that cannot run in a transaction (`CREATE INDEX CONCURRENTLY`) commits the branch and runs alone.
    /// `limit_ms` applies to the learner's SQL; the savepoints around it keep the statement limit.
    async fn guarded(&self, sql: &str, op: &str, limit_ms: u32) -> Result<JsValue, EngineError> {
        let located = |error: EngineError| match error {
            EngineError::Postgres(pg) => EngineError::Postgres(pg.located_in(sql)),
            other => other,
        };
        if !self.branches.borrow().in_transaction() {
            return self.raw_within(op, sql, limit_ms).await.map_err(located);
        }
        let statement = Statement { sql: sql.to_owned(), rows: op == "query" };
        let release = Statement::exec(format!("RELEASE SAVEPOINT {STATEMENT_SAVEPOINT}"));
        let answer = self
            .raw_batch_within(
                vec![
                    Statement::exec(format!("SAVEPOINT {STATEMENT_SAVEPOINT}")),
                    statement,
                    release,
                ],
                limit_ms,
            )
            .await?;
        let value = answer.results.get(1).cloned().unwrap_or(JsValue::NULL);
        match answer.failed {
            None => Ok(value),
            Some((0, error)) => Err(error),
            Some((2, error)) => {
                // The learner's COMMIT or ROLLBACK ended the branch transaction: open a new one.
                if !error.is_sqlstate("25P01") && !error.is_sqlstate("3B001") {
                    return Err(error);
                }
                self.branches.borrow_mut().committed();
                self.raw("exec", "BEGIN").await?;
                Ok(value)
            }
            Some((_, error)) => {
                self.raw("exec", &format!("ROLLBACK TO SAVEPOINT {STATEMENT_SAVEPOINT}; RELEASE SAVEPOINT {STATEMENT_SAVEPOINT}")).await?;
                if !error.is_sqlstate("25001") {
                    return Err(located(error));
                }
                self.raw("exec", "COMMIT").await?;
                self.branches.borrow_mut().committed();
                let outcome = self.raw_within(op, sql, limit_ms).await.map_err(located);
                match &outcome {
                    // `call` has already rebuilt the worker with the branch transaction and its savepoint open;
                    // a ROLLBACK now would end that transaction and leave the next reset without its savepoint.
                    Err(error) if error.lost_worker() => return outcome,
                    // A script that opened its own transaction leaves it aborted after the failure;
                    // end it so the branch's new transaction can begin and the learner sees the real error.
                    Err(_) => {
                        self.raw("exec", "ROLLBACK").await?;
                    }
                    Ok(_) => {}
                }
                self.raw("exec", "BEGIN").await?;
                outcome
            }
        }
    }
}
