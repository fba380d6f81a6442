//! The engine handle the app holds: async calls to PGlite in the worker, with branch points and runaway-statement recovery.

use crate::config::EngineConfig;
use crate::error::EngineError;
use crate::gate::{self, Gate};
use crate::host::{self, Host};
use miglab_core::engine::branch::{Branches, Reset, OPEN, STATEMENT_SAVEPOINT};
use miglab_core::engine::plan::RunPlan;
use miglab_core::engine::runner::{Action, Runner, RunnerConfig};
use miglab_core::engine::{backup, introspect, QueryResult, RunReport};
use miglab_core::schema::Schema;
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
        };
        let boot = |e: EngineError| EngineError::Boot(e.to_string());
        if !inner.host.adopt(&inner.config.pglite_url, inner.config.data_dir_url.as_deref()).await.map_err(boot)? {
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
        self.inner.guarded(sql, "exec").await.map(drop)
    }

    /// Runs a statement (or a script) and returns the rows of the last one, every value as Postgres prints it.
    pub async fn query(&self, sql: &str) -> Result<QueryResult, EngineError> {
        let _pass = gate::enter(&self.inner.gate).await;
        let value = self.inner.guarded(sql, "query").await?;
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
            false => inner.call(json!({ "op": "dump" }), None).await?,
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
    pub async fn introspect(&self) -> Result<Schema, EngineError> {
        let _pass = gate::enter(&self.inner.gate).await;
        let protocol = |e: introspect::ParseError| EngineError::Protocol(e.to_string());
        if rows(self.inner.call_sql("query", introspect::IS_PREPARED).await?)?.first_text() != Some("1") {
            self.inner.call_sql("exec", introspect::PREPARE).await?;
        }
        let catalog = rows(self.inner.call_sql("query", introspect::EXECUTE).await?)?;
        let catalog = introspect::parse(catalog.first_text().unwrap_or_default()).map_err(protocol)?;
        let counts = rows(self.inner.call_sql("query", &catalog.counts_sql()).await?)?;
        catalog.finish(counts.first_text().unwrap_or_default()).map_err(protocol)
    }

    /// Runs migrations the way Alembic does; a failing step is in the report, not an `Err`.
    pub async fn run(&self, plan: &RunPlan) -> Result<RunReport, EngineError> {
        let _pass = gate::enter(&self.inner.gate).await;
        let inner = &self.inner;
        let exists = rows(inner.raw("query", "SELECT to_regclass('alembic_version') IS NOT NULL").await?)?;
        let config = RunnerConfig {
            version_table_exists: exists.first_text() == Some("t"),
            in_branch_transaction: inner.branches.borrow().in_transaction(),
        };
        let mut runner = Runner::new(plan, config);
        let mut action = runner.start();
        loop {
            match action {
                Action::Exec(sql) => {
                    let outcome = match inner.raw("exec", &sql).await {
                        Ok(_) => Ok(()),
                        Err(EngineError::Postgres(error)) => Err(error),
                        Err(other) => return Err(other),
                    };
                    action = runner.next(outcome);
                }
                Action::Done(report) => {
                    if report.committed {
                        inner.branches.borrow_mut().committed();
                    }
                    return Ok(report);
                }
            }
        }
    }

    /// A backup of `table`'s rows as a SQL script that restores them, for the drop guard.
    pub async fn dump_table(&self, table: &str) -> Result<String, EngineError> {
        let result = self.query(&backup::sql(table)).await?;
        result.first_text().map(str::to_owned).ok_or_else(|| EngineError::Protocol("the backup query returned no script".to_owned()))
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
    async fn call(&self, request: serde_json::Value, data: Option<&JsValue>) -> Result<JsValue, EngineError> {
        let outcome = self.host.send(&request, data, self.config.statement_timeout_ms).await;
        if let Err(error) = &outcome {
            if error.lost_worker() {
                self.recover().await;
            }
        }
        outcome
    }

    /// Sends SQL; any SQL may change the database, so it is no longer the boot image.
    async fn raw(&self, op: &str, sql: &str) -> Result<JsValue, EngineError> {
        self.pristine.set(false);
        self.call_sql(op, sql).await
    }

    /// Sends SQL that only reads (or only prepares), so a database still at the boot image stays branchable for free.
    async fn call_sql(&self, op: &str, sql: &str) -> Result<JsValue, EngineError> {
        self.call(json!({ "op": op, "sql": sql }), None).await
    }

    /// Boots a database in the worker: from a branch dump, or from the prebuilt image (`None` or a `null` dump).
    async fn boot_from(&self, dump: Option<&JsValue>) -> Result<(), EngineError> {
        let dump = dump.filter(|d| !d.is_null());
        self.pristine.set(dump.is_none());
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
            self.call_sql("exec", introspect::PREPARE).await?;
            let catalog = rows(self.call_sql("query", introspect::EXECUTE).await?)?;
            if let Ok(catalog) = introspect::parse(catalog.first_text().unwrap_or_default()) {
                self.call_sql("exec", &catalog.counts_sql()).await?;
            }
            Ok::<(), EngineError>(())
        };
        let _ = warm.await;
    }

    async fn open_branch(&self) -> Result<(), EngineError> {
        for sql in OPEN {
            self.raw("exec", sql).await?;
        }
        Ok(())
    }

    /// Starts a new worker and boots it at the current branch point (or the boot image when there is none).
    async fn recover(&self) {
        self.status(EngineStatus::Restarting);
        let point = self.branches.borrow().recovery().map(|(name, dump)| (name.to_owned(), dump.clone()));
        let outcome = async {
            self.host.restart().await?;
            self.boot_from(point.as_ref().map(|(_, dump)| dump)).await?;
            if let Some((name, _)) = &point {
                self.branches.borrow_mut().reloaded(name);
                for sql in OPEN {
                    self.host.send(&json!({ "op": "exec", "sql": sql }), None, BOOT_TIMEOUT_MS).await?;
                }
            }
            Ok::<(), EngineError>(())
        }
        .await;
        self.status(if outcome.is_ok() { EngineStatus::Ready } else { EngineStatus::Failed });
    }

    /// Runs the learner's SQL so a failure leaves the branch transaction usable;
    /// a statement that cannot run in a transaction (`CREATE INDEX CONCURRENTLY`) commits the branch and runs alone.
    async fn guarded(&self, sql: &str, op: &str) -> Result<JsValue, EngineError> {
        let located = |error: EngineError| match error {
            EngineError::Postgres(pg) => EngineError::Postgres(pg.located_in(sql)),
            other => other,
        };
        if !self.branches.borrow().in_transaction() {
            return self.raw(op, sql).await.map_err(located);
        }
        self.raw("exec", &format!("SAVEPOINT {STATEMENT_SAVEPOINT}")).await?;
        match self.raw(op, sql).await {
            Ok(value) => {
                if let Err(error) = self.raw("exec", &format!("RELEASE SAVEPOINT {STATEMENT_SAVEPOINT}")).await {
                    // The learner's COMMIT or ROLLBACK ended the branch transaction: open a new one.
                    if !error.is_sqlstate("25P01") && !error.is_sqlstate("3B001") {
                        return Err(error);
                    }
                    self.branches.borrow_mut().committed();
                    self.raw("exec", "BEGIN").await?;
                }
                Ok(value)
            }
            Err(error) if error.lost_worker() => Err(error),
            Err(error) => {
                self.raw("exec", &format!("ROLLBACK TO SAVEPOINT {STATEMENT_SAVEPOINT}; RELEASE SAVEPOINT {STATEMENT_SAVEPOINT}")).await?;
                if !error.is_sqlstate("25001") {
                    return Err(located(error));
                }
                self.raw("exec", "COMMIT").await?;
                self.branches.borrow_mut().committed();
                let outcome = self.raw(op, sql).await.map_err(located);
                if outcome.is_err() {
                    // A script that opened its own transaction leaves it aborted after the failure;
                    // end it so the branch's new transaction can begin and the learner sees the real error.
                    self.raw("exec", "ROLLBACK").await?;
                }
                self.raw("exec", "BEGIN").await?;
                outcome
            }
        }
    }
}
