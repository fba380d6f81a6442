//! PGlite under Node: `web/engine/node-host.mjs` as a child process, speaking the worker's protocol as JSON lines.

use super::session::{pg_error, Backend};
use super::{EngineError, QueryResult};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

pub struct HostConfig {
    /// The `web/` folder holding `engine/node-host.mjs` and `node_modules`.
    pub web_dir: PathBuf,
    /// A statement still running after this long is stopped by killing Node.
    pub statement_timeout_ms: u64,
}

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig { web_dir: web_dir(), statement_timeout_ms: 5000 }
    }
}

/// `MIGLAB_WEB_DIR`, else the nearest `web/` above the working directory, else the one this binary was built from.
fn web_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("MIGLAB_WEB_DIR") {
        return dir.into();
    }
    let here = std::env::current_dir().unwrap_or_default();
    here.ancestors()
        .map(|dir| dir.join("web"))
        .find(|web| web.join("engine/node-host.mjs").is_file())
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web"))
}

pub struct NodeHost {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<std::io::Result<String>>,
    next_id: u64,
    timeout: Duration,
    boot: Value,
    dead: Option<String>,
}

impl NodeHost {
    pub fn spawn(config: &HostConfig) -> Result<NodeHost, EngineError> {
        let script = config.web_dir.join("engine/node-host.mjs");
        let pglite = config.web_dir.join("node_modules/@electric-sql/pglite/dist/index.js");
        if !pglite.is_file() {
            return Err(EngineError::Boot(format!("{} is missing; run `npm ci` in {}", pglite.display(), config.web_dir.display())));
        }
        let mut child = Command::new("node")
            .arg(&script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| EngineError::Boot(format!("cannot run node {}: {e}", script.display())))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(EngineError::Boot("node has no stdin or stdout".to_owned()));
        };
        let (send, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let data_dir = config.web_dir.join("engine/dist/pgdata.tar.gz");
        let boot = json!({
            "op": "boot",
            "pglite_url": url(&pglite),
            "data_dir_url": data_dir.is_file().then(|| data_dir.display().to_string()),
        });
        let mut host = NodeHost {
            child,
            stdin,
            lines,
            next_id: 0,
            // Booting initdb without the prebuilt image takes seconds; only statements get the short limit.
            timeout: Duration::from_secs(60),
            boot: boot.clone(),
            dead: None,
        };
        host.call(boot)?;
        host.timeout = Duration::from_millis(config.statement_timeout_ms);
        Ok(host)
    }

    fn call(&mut self, mut request: Value) -> Result<Value, EngineError> {
        if let Some(reason) = &self.dead {
            return Err(EngineError::Died(reason.clone()));
        }
        self.next_id += 1;
        request["id"] = json!(self.next_id);
        let line = format!("{request}\n");
        if let Err(error) = self.stdin.write_all(line.as_bytes()).and_then(|()| self.stdin.flush()) {
            return Err(self.died(format!("cannot write to node: {error}")));
        }
        let reply = match self.lines.recv_timeout(self.timeout) {
            Ok(Ok(line)) => line,
            Ok(Err(error)) => return Err(self.died(format!("cannot read from node: {error}"))),
            Err(RecvTimeoutError::Disconnected) => return Err(self.died("node exited".to_owned())),
            Err(RecvTimeoutError::Timeout) => {
                // PGlite has no cancel and ignores statement_timeout: the only way to stop it is to stop Node.
                let ms = self.timeout.as_millis() as u64;
                self.died(format!("a statement ran longer than {ms} ms"));
                return Err(EngineError::Timeout { ms });
            }
        };
        let reply: Value = serde_json::from_str(&reply).map_err(|e| EngineError::Protocol(format!("{e}: {reply}")))?;
        if reply["ok"] == true {
            return Ok(reply["value"].clone());
        }
        Err(error(&reply["error"]))
    }

    fn died(&mut self, reason: String) -> EngineError {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.dead = Some(reason.clone());
        EngineError::Died(reason)
    }
}

impl Drop for NodeHost {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The error value of a failed reply, as `worker.js` shapes it.
fn error(value: &Value) -> EngineError {
    let text = |key: &str| value[key].as_str();
    let message = text("message").unwrap_or("no message").to_owned();
    match text("kind") {
        Some("postgres") => pg_error(
            text("sqlstate").unwrap_or("XX000"),
            &message,
            text("detail"),
            text("hint"),
            value["position"].as_u64().map(|p| p as u32),
        ),
        Some("boot") => EngineError::Boot(message),
        _ => EngineError::Protocol(message),
    }
}

fn url(path: &Path) -> String {
    let absolute = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    format!("file://{}", absolute.display())
}

impl Backend for NodeHost {
    /// The host's number for a dump it keeps in memory.
    type Dump = u64;

    fn exec(&mut self, sql: &str) -> Result<(), EngineError> {
        self.call(json!({ "op": "exec", "sql": sql })).map(drop)
    }

    fn query(&mut self, sql: &str) -> Result<QueryResult, EngineError> {
        let value = self.call(json!({ "op": "query", "sql": sql }))?;
        serde_json::from_value(value).map_err(|e| EngineError::Protocol(e.to_string()))
    }

    fn dump(&mut self, _name: &str) -> Result<u64, EngineError> {
        let value = self.call(json!({ "op": "dump" }))?;
        value.as_u64().ok_or_else(|| EngineError::Protocol(format!("a dump answered {value}")))
    }

    fn reload(&mut self, dump: &u64) -> Result<(), EngineError> {
        let mut boot = self.boot.clone();
        boot["handle"] = json!(dump);
        self.call(boot).map(drop)
    }
}

#[cfg(test)]
mod test {
    use super::super::session::Session;
    use super::super::Engine;
    use super::*;
    use miglab_core::engine::plan::RunPlan;
    use miglab_core::migration::{Direction, Migration, Revision, Step};

    /// The engine every test in this file uses: real PGlite, so these tests need `npm ci` in web/.
    fn engine() -> Session<NodeHost> {
        Session::new(NodeHost::spawn(&HostConfig::default()).expect("PGlite under Node boots"))
    }

    fn migration(up: &[(&str, bool)], down: &[&str]) -> Migration {
        let step = |(sql, autocommit): (&str, bool)| Step { sql: sql.to_owned(), autocommit, span: None };
        Migration {
            revision: Revision { revision: "ab12cd34".into(), message: "add confidence_score".into(), ..Revision::default() },
            upgrade: up.iter().copied().map(step).collect(),
            downgrade: down.iter().map(|sql| step((sql, false))).collect(),
        }
    }

    #[test]
    fn branch_run_reset_ok() {
        let mut engine = engine();
        engine.exec("CREATE TABLE expenses (id int PRIMARY KEY, amount numeric NOT NULL); INSERT INTO expenses SELECT g, g FROM generate_series(1, 1000) g").expect("seed");
        engine.branch("start").expect("branch");
        let m = migration(&[("ALTER TABLE expenses ADD COLUMN confidence_score numeric(4,3)", false), ("CREATE INDEX CONCURRENTLY ix_score ON expenses (confidence_score)", true)], &["DROP INDEX ix_score", "ALTER TABLE expenses DROP COLUMN confidence_score"]);
        let report = engine.run(&RunPlan::new(std::slice::from_ref(&m), Direction::Upgrade)).expect("run");
        assert!(report.succeeded(), "{report:?}");
        assert!(report.committed);
        let schema = engine.introspect().expect("introspect");
        let expenses = schema.table("expenses").expect("expenses");
        assert_eq!(expenses.column("confidence_score").map(|c| c.data_type.as_str()), Some("numeric(4,3)"));
        assert_eq!(expenses.row_count, Some(1000));
        assert_eq!(schema.alembic_version, Some(vec!["ab12cd34".to_owned()]));
        engine.reset("start").expect("reset reloads the dump");
        let schema = engine.introspect().expect("introspect");
        assert_eq!(schema.alembic_version, None);
        assert!(schema.table("expenses").and_then(|t| t.column("confidence_score")).is_none());
    }

    #[test]
    fn failed_statement_keeps_branch_err() {
        let mut engine = engine();
        engine.branch("start").expect("branch");
        engine.exec("CREATE TABLE t (a int)").expect("create");
        let error = engine.exec("SELECT 1;\nSELECT nope FROM t").expect_err("unknown column");
        let pg = error.postgres().expect("a Postgres error");
        assert_eq!((pg.sqlstate.as_str(), pg.at.map(|at| at.to_string())), ("42703", Some("2:8".to_owned())));
        let rows = engine.query("SELECT count(*) FROM t").expect("the transaction is still usable");
        assert_eq!(rows.rows, [[json!("0")]]);
        engine.reset("start").expect("rollback");
        assert!(engine.query("SELECT * FROM t").is_err());
    }

    #[test]
    fn own_transaction_with_concurrently_err() {
        let mut engine = engine();
        engine.exec("CREATE TABLE t (a int)").expect("create");
        engine.branch("start").expect("branch");
        let error = engine.exec("BEGIN;\nCREATE INDEX CONCURRENTLY t_a_idx ON t (a)").expect_err("cannot run in a transaction block");
        assert_eq!(error.postgres().map(|pg| pg.sqlstate.as_str()), Some("25001"));
        engine.query("SELECT count(*) FROM t").expect("the branch is usable again");
    }

    #[test]
    fn introspect_after_deallocate_ok() {
        let mut engine = engine();
        engine.branch("start").expect("branch");
        engine.exec("CREATE TABLE t (a int)").expect("create");
        assert!(engine.introspect().expect("prepares").table("t").is_some());
        engine.exec("DEALLOCATE ALL").expect("a learner may drop every prepared statement");
        assert_eq!(engine.introspect().expect("prepares again").table("t").and_then(|t| t.row_count), Some(0));
    }

    #[test]
    fn failed_migration_rolls_back_err() {
        let mut engine = engine();
        engine.exec("CREATE TABLE expenses (id int)").expect("seed");
        engine.branch("start").expect("branch");
        let m = migration(&[("ALTER TABLE expenses ADD COLUMN a int", false), ("ALTER TABLE expenses ADD COLUMN nope nope", false)], &[]);
        let report = engine.run(&RunPlan::new(&[m], Direction::Upgrade)).expect("run");
        let failure = report.failure.expect("fails");
        assert_eq!((failure.step, failure.error.sqlstate.as_str()), (2, "42704"));
        let schema = engine.introspect().expect("introspect");
        assert_eq!(schema.table("expenses").map(|t| t.columns.len()), Some(1), "the whole run rolled back");
        assert_eq!(schema.alembic_version, None, "alembic_version's creation rolled back with it");
    }
}
