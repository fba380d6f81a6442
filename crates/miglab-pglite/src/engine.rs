//! The engine handle the app holds: async calls to PGlite in the worker, as the transport of the core's engine session.
//!
//! [`miglab_model::engine::session::Session`] decides every statement (the guard, branch points, runs, the restart at
//! the branch point after a lost worker, lesson setup); this file performs its actions on the worker, batching
//! statements into one message where it can and keeping what the last message read.

use crate::batch::Reply;
use crate::config::EngineConfig;
use crate::error::EngineError;
use crate::gate::{self, Gate};
use crate::host::{self, Host};
use crate::introspection::Introspection;
use miglab_model::engine::introspect::{self, Catalog};
use miglab_model::engine::plan::RunPlan;
use miglab_model::engine::session::{
    Action, Answer, Batch, LessonSetup, Limit, Outcome, Prepared, Session, Statement, VERSION_TABLE,
};
use miglab_model::engine::{backup, QueryResult, RunReport};
use miglab_model::schema::Schema;
use serde_json::json;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
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
    /// The session this engine performs; its dumps are Blobs kept on this side of the worker, so they survive
    /// terminating it.
    session: RefCell<Session<JsValue>>,
    on_status: RefCell<Option<StatusListener>>,
    /// Milliseconds the last boot took, for the status line and the bench.
    boot_ms: Cell<f64>,
    /// True while the database is still the boot image, so a branch needs no dump: `null` stands for the image.
    pristine: Cell<bool>,
    /// What the last message found out; every later message may change the database, so each one forgets it.
    known: RefCell<Known>,
    /// The catalog the last introspection read, whose row counts the next one asks for along with the catalog.
    guess: RefCell<Option<Catalog>>,
    /// The branch point the database is at while only this bridge's own reads (the introspection) were sent since a
    /// branch, a reset or a setup left it there.
    point: RefCell<Option<String>>,
    /// What was read at each branch point; a reset to it makes it true again (see [`Engine::reset`]).
    at_point: RefCell<HashMap<String, Known>>,
}

/// Facts about the database read at the end of the last message, still true because nothing was sent since.
/// A run ends its message with the introspection, so the `introspect` that follows it (the lab's usual order) and
/// the next run's check for `alembic_version` cost no message of their own.
#[derive(Clone, Default)]
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
            session: RefCell::default(),
            on_status: RefCell::default(),
            boot_ms: Cell::default(),
            pristine: Cell::new(true),
            known: RefCell::default(),
            guess: RefCell::default(),
            point: RefCell::default(),
            at_point: RefCell::default(),
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
        self.inner.leave_point();
        let action = self.inner.session.borrow_mut().exec(sql, false, Limit::Statement);
        self.inner.drive(action, false).await.map(drop)
    }

    /// [`Engine::exec`] for a whole script such as a lesson's seed, under the script limit rather than the statement limit.
    pub async fn exec_script(&self, sql: &str) -> Result<(), EngineError> {
        let _pass = gate::enter(&self.inner.gate).await;
        self.inner.leave_point();
        let action = self.inner.session.borrow_mut().exec(sql, false, Limit::Script);
        self.inner.drive(action, false).await.map(drop)
    }

    /// Runs a statement (or a script) and returns the rows of the last one, every value as Postgres prints it.
    pub async fn query(&self, sql: &str) -> Result<QueryResult, EngineError> {
        let _pass = gate::enter(&self.inner.gate).await;
        self.inner.leave_point();
        let action = self.inner.session.borrow_mut().exec(sql, true, Limit::Statement);
        self.inner.drive(action, false).await.map(Outcome::rows)
    }

    /// Makes a restore point `name` of the current database.
    pub async fn branch(&self, name: &str) -> Result<(), EngineError> {
        let _pass = gate::enter(&self.inner.gate).await;
        let inner = &self.inner;
        inner.leave_point();
        inner.at_point.borrow_mut().remove(name);
        let action = inner.session.borrow_mut().branch(name);
        inner.drive(action, false).await?;
        inner.arrive_at(name);
        Ok(())
    }

    /// Returns to the restore point `name`: a rollback while the branch transaction is intact, a reload otherwise.
    /// Either way the database is what it was at that point, so what was read there is known again: the `introspect`
    /// after a reset and the next run's check for `alembic_version` (the lab's usual order) cost no message.
    pub async fn reset(&self, name: &str) -> Result<(), EngineError> {
        let _pass = gate::enter(&self.inner.gate).await;
        let inner = &self.inner;
        inner.leave_point();
        let action = inner.session.borrow_mut().reset(name);
        inner.drive(action, false).await?;
        if let Some(known) = inner.at_point.borrow().get(name) {
            *inner.known.borrow_mut() = known.clone();
        }
        inner.arrive_at(name);
        Ok(())
    }

    /// Sets a lesson up as `miglab check` does: back to the untouched database, the seed under the script limit,
    /// the lesson's branch, and the schema there with the seed's stamp checked.
    pub async fn setup(&self, setup: &LessonSetup) -> Result<Prepared, EngineError> {
        let _pass = gate::enter(&self.inner.gate).await;
        let inner = &self.inner;
        inner.leave_point();
        inner.at_point.borrow_mut().remove(&setup.branch);
        let action = inner.session.borrow_mut().setup(setup);
        let prepared = inner.drive(action, false).await?.prepared()?;
        // Setup ends at the lesson's branch point with its schema read, the last message sent.
        inner.arrive_at(&prepared.branch);
        Ok(prepared)
    }

    /// Reads every table, index, constraint and enum, and the `alembic_version` rows.
    /// Free when the last message already read them (a run ends with the introspection) and nothing was sent since.
    pub async fn introspect(&self) -> Result<Schema, EngineError> {
        let _pass = gate::enter(&self.inner.gate).await;
        let inner = &self.inner;
        if let Some(schema) = inner.known.borrow().schema.clone() {
            return Ok(schema);
        }
        let action = inner.session.borrow_mut().introspect();
        let schema = inner.drive(action, false).await;
        match &schema {
            // Only reads were sent, so the database is still at the branch point it was at, if any.
            Ok(_) => inner.remember_point(),
            Err(_) => inner.leave_point(),
        }
        schema?.schema()
    }

    /// Runs migrations the way Alembic does; a failing step is in the report, not an `Err`.
    /// Each message carries a command with everything the runner queues behind it, then the introspection,
    /// so a run that succeeds is one message (plus the row counts, which depend on the tables it finds).
    pub async fn run(&self, plan: &RunPlan) -> Result<RunReport, EngineError> {
        let _pass = gate::enter(&self.inner.gate).await;
        let inner = &self.inner;
        inner.leave_point();
        let known = inner.known.borrow().version_table;
        let version_table_exists = match known {
            Some(exists) => exists,
            None => match inner.call_sql("query", VERSION_TABLE).await {
                Ok(value) => rows(value)?.first_text() == Some("t"),
                Err(error) if error.lost_engine() => return inner.recover(error).await,
                Err(error) => return Err(error),
            },
        };
        let action = inner.session.borrow_mut().run(plan, Some(version_table_exists));
        inner.drive(action, true).await?.report()
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
    /// Something that may change the database is about to be sent (or an operation failed): no branch point holds.
    fn leave_point(&self) {
        *self.point.borrow_mut() = None;
    }

    /// The database is now at branch point `name`; whatever the bridge read on the way is that point's.
    fn arrive_at(&self, name: &str) {
        *self.point.borrow_mut() = Some(name.to_owned());
        self.remember_point();
    }

    /// Keeps what is known as the current branch point's, when the database is at one.
    fn remember_point(&self) {
        let known = self.known.borrow();
        if let (Some(name), Some(_)) = (self.point.borrow().as_ref(), &known.schema) {
            self.at_point.borrow_mut().insert(name.clone(), known.clone());
        }
    }

    fn status(&self, status: EngineStatus) {
        let listener = self.on_status.borrow().clone();
        if let Some(listener) = listener {
            listener(status);
        }
    }

    /// One request to the worker. A lost worker is the session's to rebuild: the error goes back to it.
    async fn call(
        &self,
        request: serde_json::Value,
        data: Option<&JsValue>,
        limit_ms: u32,
    ) -> Result<JsValue, EngineError> {
        *self.known.borrow_mut() = Known::default();
        self.host.send(&request, data, limit_ms).await
    }

    /// Performs the session's actions until the operation is done.
    /// `piggyback` ends every batch with the introspection (a run's), read when the whole run succeeded.
    async fn drive(
        &self,
        mut action: Action<JsValue>,
        piggyback: bool,
    ) -> Result<Outcome, EngineError> {
        let mut restarting = false;
        // The introspection's part of the last batch, when every command before it succeeded.
        let mut introspected: Option<(Introspection, Reply)> = None;
        loop {
            let answer = match action {
                Action::Done(outcome) => {
                    if restarting {
                        let lost = matches!(outcome, Err(EngineError::Lost { .. }));
                        self.status(if lost { EngineStatus::Failed } else { EngineStatus::Ready });
                    }
                    if let (Ok(_), Some((introspection, reply))) = (&outcome, introspected.take()) {
                        // The run happened whatever the introspection says; `introspect` asks again and reports
                        // its own failure, except a lost worker, which undid the run too.
                        if let Err(error) = self.introspected(&introspection, reply).await {
                            if error.lost_engine() {
                                action = self.session.borrow_mut().recover(error);
                                continue;
                            }
                        }
                    }
                    return outcome;
                }
                Action::Send(batch) => self.send(batch, piggyback, &mut introspected).await,
                Action::Dump { .. } => match self.pristine.get() {
                    // `null` stands for the boot image, which booting restores.
                    true => Answer::Dumped(JsValue::NULL),
                    false => {
                        let dump = json!({ "op": "dump" });
                        match self.call(dump, None, self.config.script_timeout_ms).await {
                            Ok(dump) => Answer::Dumped(dump),
                            Err(error) => Answer::Failed(error),
                        }
                    }
                },
                Action::Load(dump) => match self.boot_from(Some(&dump)).await {
                    Ok(()) => {
                        self.warm_introspection().await;
                        Answer::Loaded
                    }
                    Err(error) => Answer::Failed(error),
                },
                Action::Restart(dump) => {
                    restarting = true;
                    self.status(EngineStatus::Restarting);
                    let restarted = async {
                        self.host.restart().await?;
                        self.boot_from(dump.as_ref()).await
                    };
                    match restarted.await {
                        Ok(()) => Answer::Loaded,
                        Err(error) => Answer::Failed(error),
                    }
                }
                Action::Introspect => match self.introspect_now().await {
                    Ok(schema) => Answer::Introspected(schema),
                    Err(error) => Answer::Failed(error),
                },
            };
            action = self.session.borrow_mut().next(answer);
        }
    }

    /// A lost worker found outside any session operation: the session rebuilds it, and the loss is the error.
    async fn recover<T>(&self, lost: EngineError) -> Result<T, EngineError> {
        let action = self.session.borrow_mut().recover(lost);
        self.drive(action, false).await?;
        Err(EngineError::Protocol("a recovery that did not report the loss".to_owned()))
    }

    /// Sends the session's statements: one alone as its own `exec` or `query` message, several as one batch
    /// (plus the introspection when `piggyback`). A failure of the whole message counts as the first statement's.
    async fn send(
        &self,
        batch: Batch,
        piggyback: bool,
        introspected: &mut Option<(Introspection, Reply)>,
    ) -> Answer<JsValue> {
        let limit_ms = match batch.limit {
            Limit::Statement => self.config.statement_timeout_ms,
            Limit::Script => self.config.script_timeout_ms,
        };
        let failed = |error| Answer::Sent { results: Vec::new(), failed: Some(error) };
        let piggyback = piggyback && !batch.midway;
        self.pristine.set(false);
        *introspected = None;
        if let ([statement], false) = (batch.statements.as_slice(), piggyback) {
            let op = if statement.rows { "query" } else { "exec" };
            let request = json!({ "op": op, "sql": statement.sql });
            return match self.call(request, None, limit_ms).await {
                Ok(value) if statement.rows => match rows(value) {
                    Ok(rows) => Answer::Sent { results: vec![Some(rows)], failed: None },
                    Err(error) => failed(error),
                },
                Ok(_) => Answer::Sent { results: vec![None], failed: None },
                Err(error) => failed(error),
            };
        }
        let sent = batch.statements.len();
        let wants: Vec<bool> = batch.statements.iter().map(|s| s.rows).collect();
        let introspection = piggyback.then(|| self.introspection());
        let mut statements = batch.statements;
        if let Some(introspection) = &introspection {
            statements.extend(introspection.statements());
        }
        let reply = match self.batch_within(statements, limit_ms).await {
            Ok(reply) => reply,
            Err(error) => return failed(error),
        };
        let mut results = Vec::new();
        for (value, rows_wanted) in reply.results.iter().zip(&wants) {
            match rows_wanted {
                true => match rows(value.clone()) {
                    Ok(rows) => results.push(Some(rows)),
                    Err(error) => return Answer::Sent { results, failed: Some(error) },
                },
                false => results.push(None),
            }
        }
        if results.len() == sent {
            if let Some(introspection) = introspection {
                *introspected = Some((introspection, reply.tail(sent)));
            }
            return Answer::Sent { results, failed: None };
        }
        let failed = match reply.failed {
            Some((_, error)) => error,
            None => EngineError::Protocol("a batch stopped without a failure".to_owned()),
        };
        Answer::Sent { results, failed: Some(failed) }
    }

    /// The introspection as one message, finished by [`Inner::introspected`].
    async fn introspect_now(&self) -> Result<Schema, EngineError> {
        let introspection = self.introspection();
        let reply = self.batch(introspection.statements()).await?;
        self.introspected(&introspection, reply).await
    }

    /// Sends `statements` in one message; the worker stops at the first that fails.
    /// Only a lost worker or a broken answer is an `Err`; a Postgres error is in the answer, with its index.
    async fn batch(&self, statements: Vec<Statement>) -> Result<Reply, EngineError> {
        self.batch_within(statements, self.config.statement_timeout_ms).await
    }

    /// [`Inner::batch`] with its own limit per statement.
    async fn batch_within(
        &self,
        statements: Vec<Statement>,
        limit_ms: u32,
    ) -> Result<Reply, EngineError> {
        Reply::read(
            &self.call(json!({ "op": "batch", "statements": statements }), None, limit_ms).await?,
        )
    }

    /// The introspection to end the next message with.
    fn introspection(&self) -> Introspection {
        Introspection {
            guarded: self.session.borrow().in_transaction(),
            guess: self.guess.borrow().clone(),
        }
    }

    /// Finishes an introspection from the answer to its statements: prepares the catalog query when this worker
    /// had not, and counts the rows when the guessed counts were not for these tables.
    /// The schema and the version table stay known until the next message.
    async fn introspected(
        &self,
        introspection: &Introspection,
        answer: Reply,
    ) -> Result<Schema, EngineError> {
        let protocol = |e: introspect::ParseError| EngineError::Protocol(e.to_string());
        let missing = || EngineError::Protocol("an introspection answer is missing".to_owned());
        let text = |value: Option<&JsValue>| -> Result<String, EngineError> {
            Ok(rows(value.ok_or_else(missing)?.clone())?
                .first_text()
                .unwrap_or_default()
                .to_owned())
        };
        let Reply { results, failed } = answer;
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
}
