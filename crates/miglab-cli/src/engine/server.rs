//! A PostgreSQL server: every engine is a scratch database, and a branch point is a copy made with `CREATE DATABASE … TEMPLATE`.

use super::cluster;
use super::database_url::DatabaseUrl;
use super::scratch;
use super::session::{pg_error, Transport};
use super::{EngineError, QueryResult};
use miglab_analysis::engine::session::Limit;
use postgres::{Client, NoTls, SimpleQueryMessage};
use serde_json::Value;

pub struct Server {
    /// The URL the instructor gave: its database is where `CREATE DATABASE` and `DROP DATABASE` run.
    url: DatabaseUrl,
    /// The scratch database's name; its copies are named after it.
    name: String,
    client: Option<Client>,
    copies: Vec<String>,
    /// True while the scratch database is still as `CREATE DATABASE` made it, so a branch point needs no copy.
    pristine: bool,
}

impl Server {
    pub fn connect(url: &DatabaseUrl) -> Result<Server, EngineError> {
        let unique = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let name = format!("miglab_{}_{unique}", std::process::id());
        scratch::admin(url.config(), &[&name], &[format!("CREATE DATABASE {name}")]).map_err(
            |e| {
                EngineError::Boot(format!(
                    "cannot make a scratch database on {}: {}",
                    url.shown(),
                    describe(url, &e)
                ))
            },
        )?;
        let mut server =
            Server { url: url.clone(), name, client: None, copies: Vec::new(), pristine: true };
        server.reconnect()?;
        Ok(server)
    }

    fn reconnect(&mut self) -> Result<(), EngineError> {
        let mut config = self.url.config().clone();
        config.dbname(&self.name);
        // A server honours `statement_timeout` (PGlite does not), so a runaway statement ends with Postgres's own
        // 57014 after the same limit the Node engine enforces by restarting, and `check` goes on.
        config.options(&format!("-c statement_timeout={}", super::STATEMENT_LIMIT_MS));
        let client = config.connect(NoTls).map_err(|e| {
            EngineError::Boot(format!(
                "cannot connect to {}: {}",
                self.url.shown(),
                describe(&self.url, &e)
            ))
        })?;
        self.client = Some(client);
        Ok(())
    }

    fn client(&mut self) -> Result<&mut Client, EngineError> {
        self.client
            .as_mut()
            .ok_or_else(|| EngineError::WorkerDied("the connection was closed".to_owned()))
    }

    /// Runs admin statements with our own connection closed, since a template must have no other sessions.
    fn with_admin(&mut self, creates: &[&str], sql: &[String]) -> Result<(), EngineError> {
        self.client = None;
        let outcome =
            scratch::admin(self.url.config(), creates, sql).map_err(|e| convert(&self.url, &e));
        self.reconnect()?;
        outcome
    }

    /// Lesson SQL reaches the server only through `exec` and `query`, so this one check covers the seed,
    /// migrations, experiments, queries and the session's re-run of a statement outside the transaction.
    fn refuse_cluster_level(sql: &str) -> Result<(), EngineError> {
        match cluster::find(sql).into_iter().next() {
            Some(found) => Err(EngineError::Refused(found.sentence())),
            None => Ok(()),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.client = None;
        let names: Vec<String> = self.copies.iter().chain([&self.name]).cloned().collect();
        if let Err(error) = scratch::drop_all(self.url.config(), &names) {
            eprintln!(
                "warning: could not drop the scratch databases {}: {}",
                names.join(", "),
                self.url.scrub(&error.to_string())
            );
        }
    }
}

/// A connection failure with its cause (the driver's own text stops at "error connecting to server"), password removed.
fn describe(url: &DatabaseUrl, error: &postgres::Error) -> String {
    if error.as_db_error().is_some() {
        return convert(url, error).to_string();
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    url.scrub(&text)
}

fn convert(url: &DatabaseUrl, error: &postgres::Error) -> EngineError {
    let Some(db) = error.as_db_error() else {
        return EngineError::WorkerDied(url.scrub(&error.to_string()));
    };
    let position = match db.position() {
        Some(postgres::error::ErrorPosition::Original(p)) => Some(*p),
        _ => None,
    };
    pg_error(db.code().code(), db.message(), db.detail(), db.hint(), position)
}

/// A server honours `statement_timeout` for every statement alike, so the `Limit` of a batch changes nothing here.
impl Transport for Server {
    /// The name of the copy database; `None` for the empty database `CREATE DATABASE` makes.
    type Dump = Option<String>;

    fn exec(&mut self, sql: &str, _: Limit) -> Result<(), EngineError> {
        Server::refuse_cluster_level(sql)?;
        self.pristine = false;
        let outcome = self.client()?.batch_execute(sql);
        outcome.map_err(|e| convert(&self.url, &e))
    }

    /// The rows of the last statement that returned any, every value as text, as psql prints them.
    fn query(&mut self, sql: &str, _: Limit) -> Result<QueryResult, EngineError> {
        Server::refuse_cluster_level(sql)?;
        self.pristine = false;
        let outcome = self.client()?.simple_query(sql);
        let messages = outcome.map_err(|e| convert(&self.url, &e))?;
        let mut result = QueryResult::default();
        for message in messages {
            match message {
                SimpleQueryMessage::RowDescription(columns) => {
                    result = QueryResult {
                        columns: columns.iter().map(|c| c.name().to_owned()).collect(),
                        rows: Vec::new(),
                    };
                }
                SimpleQueryMessage::Row(row) => {
                    result.rows.push(
                        (0..row.len())
                            .map(|i| {
                                row.get(i).map_or(Value::Null, |v| Value::String(v.to_owned()))
                            })
                            .collect(),
                    );
                }
                _ => {}
            }
        }
        Ok(result)
    }

    /// The untouched scratch database needs no copy: a `check` run branches it before every lesson's seed,
    /// as the browser does, and making it again is as good.
    fn dump(&mut self, name: &str) -> Result<Option<String>, EngineError> {
        if self.pristine {
            return Ok(None);
        }
        let safe: String = name.chars().filter(char::is_ascii_alphanumeric).take(20).collect();
        let copy = format!("{}_{}_{safe}", self.name, self.copies.len());
        self.with_admin(&[&copy], &[format!("CREATE DATABASE {copy} TEMPLATE {}", self.name)])?;
        self.copies.push(copy.clone());
        Ok(Some(copy))
    }

    fn reload(&mut self, dump: &Option<String>) -> Result<(), EngineError> {
        let name = self.name.clone();
        let create = match dump {
            Some(copy) => format!("CREATE DATABASE {name} TEMPLATE {copy}"),
            None => format!("CREATE DATABASE {name}"),
        };
        self.with_admin(&[], &[format!("DROP DATABASE {name} WITH (FORCE)"), create])?;
        self.pristine = dump.is_none();
        Ok(())
    }

    /// A lost connection: connect again, and go back to the copy when there is one.
    fn restart(&mut self, dump: Option<&Option<String>>) -> Result<(), EngineError> {
        match dump {
            Some(dump) => self.reload(dump),
            None => self.reconnect(),
        }
    }
}

#[cfg(test)]
mod test {
    use super::super::session::Driver;
    use super::super::Engine;
    use super::*;

    /// The server the tests run on; they are `#[ignore]`d, and `cargo xtask test` runs them with
    /// `--include-ignored` only when it has a server (it starts Debian's PostgreSQL when installed).
    fn server() -> Server {
        let url = std::env::var("MIGLAB_TEST_DATABASE_URL")
            .expect("MIGLAB_TEST_DATABASE_URL names the server to test on");
        Server::connect(&DatabaseUrl::parse(&url).expect("the URL parses")).expect("connects")
    }

    /// Reads a value through a connection of its own, as an onlooker would.
    fn onlooker(sql: &str) -> Option<String> {
        let url = std::env::var("MIGLAB_TEST_DATABASE_URL").ok()?;
        let config: postgres::Config = url.parse().ok()?;
        let rows = config.connect(NoTls).ok()?.simple_query(sql).ok()?;
        rows.into_iter().find_map(|m| match m {
            SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
            _ => None,
        })
    }

    #[test]
    #[ignore = "needs a PostgreSQL server: set MIGLAB_TEST_DATABASE_URL"]
    fn branch_reset_on_server_ok() {
        let mut engine = Driver::new(server());
        engine.exec("CREATE TABLE t (a int)").expect("create");
        engine.branch("start").expect("branch");
        engine
            .exec("CREATE INDEX CONCURRENTLY ix ON t (a)")
            .expect("runs outside the branch transaction");
        let error = engine.exec("SELECT nope FROM t").expect_err("unknown column");
        assert_eq!(error.postgres().map(|pg| pg.sqlstate.as_str()), Some("42703"));
        engine.reset("start").expect("reset reloads the copy");
        assert!(engine
            .introspect()
            .expect("introspect")
            .table("t")
            .is_some_and(|t| t.indexes.is_empty()));
    }

    /// The server stops a runaway statement itself, and the session goes on at the same branch point.
    #[test]
    #[ignore = "needs a PostgreSQL server: set MIGLAB_TEST_DATABASE_URL"]
    fn runaway_on_server_err() {
        let mut engine = Driver::new(server());
        engine.exec("CREATE TABLE t (a int)").expect("create");
        engine.branch("start").expect("branch");
        let error = engine.exec("SELECT pg_sleep(30)").expect_err("stopped at the limit");
        assert_eq!(error.postgres().map(|pg| pg.sqlstate.as_str()), Some("57014"));
        engine.exec("INSERT INTO t VALUES (1)").expect("the session goes on");
        engine.reset("start").expect("reset");
        assert!(engine.introspect().expect("introspect").table("t").is_some());
    }

    /// `DROP DATABASE` cannot run in a transaction block, so the session would re-run it outside one (25001);
    /// it is refused before it is ever sent, and so are roles, in a script, a query, a `DO` block and a run.
    #[test]
    #[ignore = "needs a PostgreSQL server: set MIGLAB_TEST_DATABASE_URL"]
    fn cluster_statements_on_server_err() {
        let server = server();
        let victim = format!("{}_victim", server.name);
        let mut engine = Driver::new(server);
        engine
            .exec(&format!("CREATE TABLE t (a int); CREATE TABLE \"{victim}\" (a int)"))
            .expect("create");
        engine.branch("start").expect("branch");
        // A database the role owns, which `DROP DATABASE` (re-run after 25001) could really drop.
        let exists =
            || onlooker(&format!("SELECT count(*) FROM pg_database WHERE datname = '{victim}'"));
        let url =
            DatabaseUrl::parse(&std::env::var("MIGLAB_TEST_DATABASE_URL").unwrap_or_default())
                .expect("parses");
        scratch::admin(url.config(), &[&victim], &[format!("CREATE DATABASE {victim}")])
            .expect("the victim exists");
        let _cleanup = Victim(url.clone(), victim.clone());
        assert_eq!(exists().as_deref(), Some("1"));
        let role = format!("{victim}_role");
        let attempts = [
            format!("DROP DATABASE {victim}"),
            format!("INSERT INTO t VALUES (1); DROP DATABASE IF EXISTS {victim} WITH (FORCE)"),
            format!("CREATE ROLE {role}"),
            format!("DO $$ BEGIN EXECUTE 'CREATE ROLE {role}'; END $$"),
            "ALTER SYSTEM SET work_mem = '64MB'".to_owned(),
        ];
        for sql in &attempts {
            let error = engine.exec(sql).expect_err("refused");
            assert!(
                matches!(&error, EngineError::Refused(text) if text.contains("which belongs to the whole server")),
                "{sql}: {error}"
            );
            let error = engine.query(sql).expect_err("refused");
            assert!(matches!(error, EngineError::Refused(_)), "{sql}: {error}");
        }
        let plan = miglab_analysis::engine::plan::RunPlan::new(
            &[alembic_dropping(&victim)],
            miglab_analysis::migration::Direction::Upgrade,
        );
        assert!(matches!(engine.run(&plan), Err(EngineError::Refused(_))));
        assert_eq!(exists().as_deref(), Some("1"), "the victim database is still there");
        assert_eq!(
            onlooker(&format!("SELECT count(*) FROM pg_roles WHERE rolname = '{role}'")).as_deref(),
            Some("0")
        );
        engine.reset("start").expect("the session goes on after a refusal");
        engine
            .exec(&format!("SELECT count(*) FROM \"{victim}\""))
            .expect("a table named like a database is fine");
    }

    /// Drops the test's own database when the test ends, failed or not.
    struct Victim(DatabaseUrl, String);

    impl Drop for Victim {
        fn drop(&mut self) {
            let _ = scratch::drop_all(self.0.config(), std::slice::from_ref(&self.1));
        }
    }

    /// A migration whose one step is an autocommit `DROP DATABASE`, as `autocommit_block()` would make it.
    fn alembic_dropping(name: &str) -> miglab_analysis::migration::Migration {
        let step = miglab_analysis::migration::Step {
            sql: format!("DROP DATABASE {name}"),
            autocommit: true,
            span: None,
            documented: Vec::new(),
        };
        let revision = miglab_analysis::migration::Revision {
            revision: "a1".to_owned(),
            message: "drop".to_owned(),
            ..Default::default()
        };
        miglab_analysis::migration::Migration {
            revision,
            upgrade: vec![step],
            downgrade: Vec::new(),
        }
    }
}
