//! PGlite under Node: `web/engine/node-host.mjs` as a child process, speaking the worker's protocol as JSON lines.

use super::session::{pg_error, Transport};
use super::{EngineError, QueryResult};
use miglab_analysis::engine::session::Limit;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

/// Booting runs initdb when there is no prebuilt image, and a dump writes tens of megabytes: neither is a statement,
/// and neither is a whole script such as a lesson's seed ([`Limit::Script`]), which gets the browser's 60 s too.
const SLOW_CALL: Duration = Duration::from_secs(60);

pub struct HostConfig {
    /// The `web/` folder holding `engine/node-host.mjs` and `node_modules`.
    pub web_dir: PathBuf,
    /// A statement still running after this long is stopped by killing Node, which is then started again.
    pub statement_timeout_ms: u64,
}

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig { web_dir: web_dir(), statement_timeout_ms: super::STATEMENT_LIMIT_MS }
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

/// PGlite under Node, started again whenever it is lost; the branch dumps are files of this process, not Node's,
/// so they outlive every Node process.
pub struct NodeHost {
    script: PathBuf,
    statement_timeout: Duration,
    /// The `boot` request for the prebuilt image; a reload names a dump file as its `data_dir_url` instead.
    boot: Value,
    /// `None` once Node was stopped or died, until [`Transport::restart`].
    process: Option<Process>,
    dumps: DumpDir,
    /// True while the database is the prebuilt image, so a branch point needs no dump file: booting stands for it.
    pristine: bool,
}

impl NodeHost {
    pub fn spawn(config: &HostConfig) -> Result<NodeHost, EngineError> {
        let pglite = config.web_dir.join("node_modules/@electric-sql/pglite/dist/index.js");
        if !pglite.is_file() {
            return Err(EngineError::Boot(format!(
                "{} is missing; run `npm ci` in {}",
                pglite.display(),
                config.web_dir.display()
            )));
        }
        let data_dir = config.web_dir.join("engine/dist/pgdata.tar.gz");
        let mut host = NodeHost {
            script: config.web_dir.join("engine/node-host.mjs"),
            statement_timeout: Duration::from_millis(config.statement_timeout_ms),
            boot: json!({
                "op": "boot",
                "pglite_url": url(&pglite),
                "data_dir_url": data_dir.is_file().then(|| data_dir.display().to_string()),
            }),
            process: None,
            dumps: DumpDir::create()?,
            pristine: false,
        };
        // Nothing to restart at yet: a Node that dies while booting is a boot failure.
        host.start(None).map_err(|e| {
            if e.lost_engine() {
                EngineError::Boot(e.what_was_lost())
            } else {
                e
            }
        })?;
        Ok(host)
    }

    /// Starts a new Node process (stopping the old one) and boots it from `dump`, or from the prebuilt image.
    /// A Node that could not boot is stopped, so the next call finds the engine lost and starts it again
    /// rather than asking a process with no database.
    fn start(&mut self, dump: Option<&Dump>) -> Result<(), EngineError> {
        self.stop();
        self.process = Some(Process::spawn(&self.script)?);
        let booted = self.call(self.boot_request(dump)).map(drop);
        if booted.is_err() {
            self.stop();
        }
        self.pristine = booted.is_ok() && dump.is_none_or(|d| d.path.is_none());
        booted
    }

    fn boot_request(&self, dump: Option<&Dump>) -> Value {
        let mut boot = self.boot.clone();
        if let Some(path) = dump.and_then(|d| d.path.as_ref()) {
            boot["data_dir_url"] = json!(path.display().to_string());
        }
        boot
    }

    /// Stops Node, if it runs, and says how it ended.
    fn stop(&mut self) -> String {
        self.process.take().map(Process::end).unwrap_or_else(|| "it was not running".to_owned())
    }

    fn call(&mut self, request: Value) -> Result<Value, EngineError> {
        let slow = matches!(request["op"].as_str(), Some("boot" | "dump"));
        self.call_within(request, slow)
    }

    /// [`NodeHost::call`] under the slow limit when `slow`, else the statement limit.
    fn call_within(&mut self, mut request: Value, slow: bool) -> Result<Value, EngineError> {
        let limit = if slow { SLOW_CALL } else { self.statement_timeout };
        let Some(process) = &mut self.process else {
            return Err(EngineError::WorkerDied("the engine is not running".to_owned()));
        };
        process.next_id += 1;
        request["id"] = json!(process.next_id);
        let line = format!("{request}\n");
        if let Err(error) =
            process.stdin.write_all(line.as_bytes()).and_then(|()| process.stdin.flush())
        {
            let ended = self.stop();
            return Err(EngineError::WorkerDied(format!(
                "cannot write to node: {error}; node {ended}"
            )));
        }
        let reply = match process.lines.recv_timeout(limit) {
            Ok(Ok(line)) => line,
            Ok(Err(error)) => {
                let ended = self.stop();
                return Err(EngineError::WorkerDied(format!(
                    "cannot read from node: {error}; node {ended}"
                )));
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(EngineError::WorkerDied(format!("node {}", self.stop())))
            }
            Err(RecvTimeoutError::Timeout) => {
                // PGlite has no cancel and ignores statement_timeout: the only way to stop it is to stop Node.
                self.stop();
                return Err(EngineError::Timeout {
                    statement: Some(described(&request)),
                    ms: limit.as_millis() as u64,
                });
            }
        };
        let reply: Value = serde_json::from_str(&reply)
            .map_err(|e| EngineError::Protocol(format!("{e}: {reply}")))?;
        if reply["ok"] == true {
            return Ok(reply["value"].clone());
        }
        Err(error(&reply["error"]))
    }
}

/// One Node process running `node-host.mjs`, answering JSON lines.
struct Process {
    child: Child,
    stdin: ChildStdin,
    /// Lines from a thread reading Node's stdout, so a read can have a time limit; closed when Node exits.
    lines: Receiver<std::io::Result<String>>,
    next_id: u64,
}

impl Process {
    fn spawn(script: &Path) -> Result<Process, EngineError> {
        let mut child = Command::new("node")
            .arg(script)
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
        Ok(Process { child, stdin, lines, next_id: 0 })
    }

    /// Kills Node if it still runs and says how it ended, e.g. `exited with exit status: 1`.
    fn end(mut self) -> String {
        let _ = self.child.kill();
        match self.child.wait() {
            Ok(status) => format!("exited with {status}"),
            Err(error) => format!("could not be waited for: {error}"),
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a call ran, for the timeout message: the statement, shortened to one line.
fn described(request: &Value) -> String {
    let Some(sql) = request["sql"].as_str() else {
        return format!("the engine's {}", request["op"].as_str().unwrap_or("call"));
    };
    let line = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(80) {
        Some((end, _)) => format!("`{}…`", &line[..end]),
        None => format!("`{line}`"),
    }
}

/// A branch point's data directory as a file, removed when the branch point is dropped;
/// `None` for the prebuilt image, which booting restores.
pub struct Dump {
    path: Option<PathBuf>,
}

impl Drop for Dump {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The folder this process keeps its dumps in, removed with the engine.
struct DumpDir {
    path: PathBuf,
    next: u64,
}

impl DumpDir {
    fn create() -> Result<DumpDir, EngineError> {
        let unique = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!("miglab-{}-{unique}", std::process::id()));
        std::fs::create_dir_all(&path)
            .map_err(|e| EngineError::Boot(format!("cannot create {}: {e}", path.display())))?;
        Ok(DumpDir { path, next: 0 })
    }

    fn next_path(&mut self, name: &str) -> PathBuf {
        self.next += 1;
        let safe: String = name.chars().filter(char::is_ascii_alphanumeric).take(20).collect();
        self.path.join(format!("{}-{safe}.tar", self.next))
    }
}

impl Drop for DumpDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
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

impl Transport for NodeHost {
    type Dump = Dump;

    fn exec(&mut self, sql: &str, limit: Limit) -> Result<(), EngineError> {
        self.pristine = false;
        self.call_within(json!({ "op": "exec", "sql": sql }), limit == Limit::Script).map(drop)
    }

    fn query(&mut self, sql: &str, limit: Limit) -> Result<QueryResult, EngineError> {
        self.pristine = false;
        let value =
            self.call_within(json!({ "op": "query", "sql": sql }), limit == Limit::Script)?;
        serde_json::from_value(value).map_err(|e| EngineError::Protocol(e.to_string()))
    }

    /// Node writes the dump straight to a file of ours (a Blob cannot cross the pipe, and base64 in JSON costs more).
    /// The untouched image needs no file: a `check` run branches it before every lesson's seed, as the browser does.
    fn dump(&mut self, name: &str) -> Result<Dump, EngineError> {
        if self.pristine {
            return Ok(Dump { path: None });
        }
        let path = self.dumps.next_path(name);
        let dump = Dump { path: Some(path.clone()) };
        self.call(json!({ "op": "dump", "path": path.display().to_string() }))?;
        Ok(dump)
    }

    fn reload(&mut self, dump: &Dump) -> Result<(), EngineError> {
        self.call(self.boot_request(Some(dump)))?;
        self.pristine = dump.path.is_none();
        Ok(())
    }

    fn restart(&mut self, dump: Option<&Dump>) -> Result<(), EngineError> {
        self.start(dump)
    }
}

#[cfg(test)]
mod test {
    use super::super::session::Driver;
    use super::super::Engine;
    use super::*;
    use miglab_analysis::engine::plan::RunPlan;
    use miglab_analysis::migration::{Direction, Migration, Revision, Step};

    /// The engine every test in this file uses: real PGlite, so these tests need `npm ci` in web/.
    fn engine() -> Driver<NodeHost> {
        Driver::new(NodeHost::spawn(&HostConfig::default()).expect("PGlite under Node boots"))
    }

    fn count(engine: &mut Driver<NodeHost>, table: &str) -> Value {
        engine.query(&format!("SELECT count(*) FROM {table}")).expect("count").rows[0][0].clone()
    }

    #[test]
    fn runaway_statement_restarts_at_branch_err() {
        let config = HostConfig { statement_timeout_ms: 2000, ..HostConfig::default() };
        let mut engine = Driver::new(NodeHost::spawn(&config).expect("PGlite under Node boots"));
        engine.exec("CREATE TABLE t (a int); INSERT INTO t VALUES (1), (2)").expect("seed");
        engine.branch("start").expect("branch");
        engine.exec("INSERT INTO t VALUES (3)").expect("after the branch point");
        let error = engine.exec("SELECT pg_sleep(30)").expect_err("stopped at the limit");
        assert!(
            matches!(&error, EngineError::Timeout { statement: Some(statement), ms: 2000 } if statement == "`SELECT pg_sleep(30)`"),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(
            message.starts_with("`SELECT pg_sleep(30)` was still running after 2000 ms")
                && message.ends_with("restarted at the last branch point."),
            "{message}"
        );
        assert_eq!(
            count(&mut engine, "t"),
            json!("2"),
            "back at the branch point: the seed is kept, the insert after it is not"
        );
        engine.exec("INSERT INTO t VALUES (4)").expect("statements run again");
        assert_eq!(count(&mut engine, "t"), json!("3"));
        engine.reset("start").expect("the branch transaction is open again, so a reset rolls back");
        assert_eq!(count(&mut engine, "t"), json!("2"));
        let m = migration(
            &[("ALTER TABLE t ADD COLUMN b int", false), ("SELECT pg_sleep(30)", false)],
            &[],
        );
        let error = engine
            .run(&RunPlan::new(&[m], Direction::Upgrade))
            .expect_err("a migration step is stopped too");
        assert!(
            matches!(&error, EngineError::Timeout { statement: Some(statement), .. } if statement == "`SELECT pg_sleep(30)`"),
            "{error:?}"
        );
        let schema = engine.introspect().expect("introspect");
        assert_eq!(
            schema.table("t").map(|t| t.columns.len()),
            Some(1),
            "the run's work went with the stopped engine"
        );
        engine.branch("later").expect("a new branch point dumps from the new host");
        engine.exec("DROP TABLE t").expect("drop");
        engine.reset("start").expect("an older point reloads its dump");
        assert_eq!(count(&mut engine, "t"), json!("2"));
    }

    #[test]
    fn runaway_statement_outside_transaction_restarts_at_branch_err() {
        // CREATE INDEX CONCURRENTLY refuses the branch transaction (25001), so the session commits and runs it alone;
        // an index expression that sleeps keeps that second run past the limit.
        let config = HostConfig { statement_timeout_ms: 2000, ..HostConfig::default() };
        let mut engine = Driver::new(NodeHost::spawn(&config).expect("PGlite under Node boots"));
        engine.exec("CREATE FUNCTION slow(a int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(30); RETURN a; END $$").expect("function");
        engine.exec("CREATE TABLE t (a int); INSERT INTO t VALUES (1)").expect("seed");
        engine.branch("start").expect("branch");
        engine.exec("INSERT INTO t VALUES (2)").expect("after the branch point");
        let error = engine
            .exec("CREATE INDEX CONCURRENTLY t_slow ON t (slow(a))")
            .expect_err("stopped at the limit");
        assert!(
            matches!(&error, EngineError::Timeout { statement: Some(statement), ms: 2000 } if statement.starts_with("`CREATE INDEX CONCURRENTLY")),
            "{error:?}"
        );
        assert_eq!(count(&mut engine, "t"), json!("1"), "back at the branch point");
        engine.exec("INSERT INTO t VALUES (3)").expect("the branch transaction is open again");
        engine.reset("start").expect("reset rolls back");
        assert_eq!(count(&mut engine, "t"), json!("1"));
    }

    #[test]
    fn killed_host_restarts_at_branch_err() {
        let host = NodeHost::spawn(&HostConfig::default()).expect("PGlite under Node boots");
        let pid = host.process.as_ref().map(|p| p.child.id()).expect("node runs");
        let mut engine = Driver::new(host);
        engine.exec("CREATE TABLE t (a int)").expect("create");
        engine.branch("start").expect("branch");
        engine.exec("INSERT INTO t VALUES (1)").expect("insert");
        let killed = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let error = engine.query("SELECT count(*) FROM t").expect_err("node is gone");
        assert!(matches!(error, EngineError::WorkerDied(_)), "{error:?}");
        let message = error.to_string();
        assert!(
            message.contains("SIGKILL") && message.ends_with("restarted at the last branch point."),
            "{message}"
        );
        assert_eq!(count(&mut engine, "t"), json!("0"), "back at the branch point");
    }

    #[test]
    fn failed_restart_is_tried_again_err() {
        let host = NodeHost::spawn(&HostConfig::default()).expect("PGlite under Node boots");
        let pid = host.process.as_ref().map(|p| p.child.id()).expect("node runs");
        let dumps = host.dumps.path.clone();
        let mut engine = Driver::new(host);
        engine.exec("CREATE TABLE t (a int)").expect("create");
        engine.branch("start").expect("branch");
        let dump = std::fs::read_dir(&dumps)
            .expect("dumps")
            .next()
            .expect("one dump")
            .expect("entry")
            .path();
        let aside = dump.with_extension("aside");
        std::fs::rename(&dump, &aside).expect("move the dump away");
        let killed = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let error = engine.query("SELECT count(*) FROM t").expect_err("node is gone");
        assert!(
            matches!(&error, EngineError::Lost { .. }),
            "the restart cannot read the dump: {error:?}"
        );
        std::fs::rename(&aside, &dump).expect("put the dump back");
        let error =
            engine.query("SELECT count(*) FROM t").expect_err("this call finds the engine lost");
        assert!(error.lost_engine(), "{error:?}");
        assert_eq!(count(&mut engine, "t"), json!("0"), "started again at the branch point");
    }

    #[test]
    fn host_exits_while_booting_err() {
        let web = std::env::temp_dir().join(format!("miglab-exits-{}", std::process::id()));
        let pglite = web.join("node_modules/@electric-sql/pglite/dist");
        std::fs::create_dir_all(&pglite).expect("mkdir");
        std::fs::create_dir_all(web.join("engine")).expect("mkdir");
        std::fs::write(pglite.join("index.js"), "").expect("write");
        std::fs::write(web.join("engine/node-host.mjs"), "process.exit(3);\n").expect("write");
        let outcome =
            NodeHost::spawn(&HostConfig { web_dir: web.clone(), statement_timeout_ms: 5000 });
        let _ = std::fs::remove_dir_all(&web);
        let error = outcome.err().expect("a host that exits cannot boot");
        assert_eq!(
            error.to_string(),
            "The database engine could not start: node exited with exit status: 3."
        );
    }

    fn migration(up: &[(&str, bool)], down: &[&str]) -> Migration {
        let step = |(sql, autocommit): (&str, bool)| Step {
            sql: sql.to_owned(),
            autocommit,
            span: None,
            documented: Vec::new(),
        };
        Migration {
            revision: Revision {
                revision: "ab12cd34".into(),
                message: "add confidence_score".into(),
                ..Revision::default()
            },
            upgrade: up.iter().copied().map(step).collect(),
            downgrade: down.iter().map(|sql| step((sql, false))).collect(),
        }
    }

    #[test]
    fn branch_run_reset_ok() {
        let mut engine = engine();
        engine.exec("CREATE TABLE expenses (id int PRIMARY KEY, amount numeric NOT NULL); INSERT INTO expenses SELECT g, g FROM generate_series(1, 1000) g").expect("seed");
        engine.branch("start").expect("branch");
        let m = migration(
            &[
                ("ALTER TABLE expenses ADD COLUMN confidence_score numeric(4,3)", false),
                ("CREATE INDEX CONCURRENTLY ix_score ON expenses (confidence_score)", true),
            ],
            &["DROP INDEX ix_score", "ALTER TABLE expenses DROP COLUMN confidence_score"],
        );
        let report =
            engine.run(&RunPlan::new(std::slice::from_ref(&m), Direction::Upgrade)).expect("run");
        assert!(report.succeeded(), "{report:?}");
        assert!(report.committed);
        let schema = engine.introspect().expect("introspect");
        let expenses = schema.table("expenses").expect("expenses");
        assert_eq!(
            expenses.column("confidence_score").map(|c| c.data_type.as_str()),
            Some("numeric(4,3)")
        );
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
        assert_eq!(
            (pg.sqlstate.as_str(), pg.at.map(|at| at.to_string())),
            ("42703", Some("2:8".to_owned()))
        );
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
        let error = engine
            .exec("BEGIN;\nCREATE INDEX CONCURRENTLY t_a_idx ON t (a)")
            .expect_err("cannot run in a transaction block");
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
        assert_eq!(
            engine.introspect().expect("prepares again").table("t").and_then(|t| t.row_count),
            Some(0)
        );
    }

    #[test]
    fn failed_migration_rolls_back_err() {
        let mut engine = engine();
        engine.exec("CREATE TABLE expenses (id int)").expect("seed");
        engine.branch("start").expect("branch");
        let m = migration(
            &[
                ("ALTER TABLE expenses ADD COLUMN a int", false),
                ("ALTER TABLE expenses ADD COLUMN nope nope", false),
            ],
            &[],
        );
        let report = engine.run(&RunPlan::new(&[m], Direction::Upgrade)).expect("run");
        let failure = report.failure.expect("fails");
        assert_eq!((failure.step, failure.error.sqlstate.as_str()), (2, "42704"));
        let schema = engine.introspect().expect("introspect");
        assert_eq!(
            schema.table("expenses").map(|t| t.columns.len()),
            Some(1),
            "the whole run rolled back"
        );
        assert_eq!(schema.alembic_version, None, "alembic_version's creation rolled back with it");
    }

    /// A traced run on a branch: the trace sees the new column's ACCESS EXCLUSIVE without a rewrite, the index's
    /// SHARE, the rewrite of the type change, and the documented lock of the `CONCURRENTLY` step.
    #[test]
    fn traced_run_on_branch_ok() {
        use miglab_analysis::locks::LockMode;
        let mut engine = engine();
        engine.exec("CREATE TABLE expenses (id int PRIMARY KEY, amount numeric NOT NULL, vendor_id int); INSERT INTO expenses SELECT g, g, g FROM generate_series(1, 1000) g").expect("seed");
        engine.branch("start").expect("branch");
        let mut m = migration(
            &[
                ("ALTER TABLE expenses ADD COLUMN n int", false),
                ("CREATE INDEX ix_vendor ON expenses (vendor_id)", false),
                ("ALTER TABLE expenses ALTER COLUMN amount TYPE text", false),
                ("CREATE INDEX CONCURRENTLY ix_n ON expenses (n)", true),
            ],
            &[],
        );
        miglab_analysis::locks::document(&mut m);
        let plan = RunPlan::new(&[m], Direction::Upgrade).traced();
        let report = engine.run(&plan).expect("run");
        assert!(report.succeeded(), "{report:?}");
        let trace = report.trace.expect("a traced plan reports its trace");
        let on = |start: &str| {
            let statement = trace.statement(start).expect(start);
            (statement.mode_on("expenses"), statement.rewrote("expenses"))
        };
        assert_eq!(
            on("ALTER TABLE expenses ADD COLUMN n"),
            (Some(LockMode::AccessExclusive), false)
        );
        assert_eq!(
            on("ALTER TABLE expenses ALTER COLUMN amount"),
            (Some(LockMode::AccessExclusive), true)
        );
        let index = trace.statement("CREATE INDEX ix_vendor").expect("index");
        assert!(
            index
                .locks
                .iter()
                .any(|l| l.relation == "expenses" && l.modes.contains(&LockMode::Share)),
            "{index:?}"
        );
        let concurrently = trace.statement("CREATE INDEX CONCURRENTLY").expect("concurrently");
        assert_eq!(concurrently.source, miglab_analysis::locks::Source::Documented);
        assert_eq!(concurrently.mode_on("expenses"), Some(LockMode::ShareUpdateExclusive));
        assert!(trace.statements.iter().all(|s| s.ms >= 0.0));
    }
}
