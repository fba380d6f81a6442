//! A PostgreSQL server: every engine is a scratch database, and a branch point is a copy made with `CREATE DATABASE … TEMPLATE`.

use super::session::{pg_error, Backend};
use super::{EngineError, QueryResult};
use postgres::{Client, NoTls, SimpleQueryMessage};
use serde_json::Value;

pub struct Server {
    /// The URL the learner gave, used for `CREATE DATABASE` and `DROP DATABASE`.
    admin_url: String,
    /// The scratch database's name; its copies are named after it.
    name: String,
    client: Option<Client>,
    copies: Vec<String>,
}

impl Server {
    pub fn connect(url: &str) -> Result<Server, EngineError> {
        let mut admin = Client::connect(url, NoTls).map_err(|e| EngineError::Boot(format!("cannot connect to {url}: {e}")))?;
        let unique = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let name = format!("miglab_{}_{unique}", std::process::id());
        admin.batch_execute(&format!("CREATE DATABASE {name}")).map_err(|e| convert(&e))?;
        let mut server = Server { admin_url: url.to_owned(), name, client: None, copies: Vec::new() };
        server.reconnect()?;
        Ok(server)
    }

    fn admin(&self) -> Result<Client, EngineError> {
        Client::connect(&self.admin_url, NoTls).map_err(|e| EngineError::Died(e.to_string()))
    }

    fn reconnect(&mut self) -> Result<(), EngineError> {
        let mut config: postgres::Config = self.admin_url.parse().map_err(|e: postgres::Error| EngineError::Boot(e.to_string()))?;
        config.dbname(&self.name);
        // A server honours `statement_timeout` (PGlite does not), so a runaway statement ends with Postgres's own
        // 57014 after the same limit the Node engine enforces by restarting, and `check` goes on.
        config.options(&format!("-c statement_timeout={}", super::STATEMENT_LIMIT_MS));
        self.client = Some(config.connect(NoTls).map_err(|e| EngineError::Boot(e.to_string()))?);
        Ok(())
    }

    fn client(&mut self) -> Result<&mut Client, EngineError> {
        self.client.as_mut().ok_or_else(|| EngineError::Died("the connection was closed".to_owned()))
    }

    /// Runs admin statements with our own connection closed, since a template must have no other sessions.
    fn with_admin(&mut self, sql: &[String]) -> Result<(), EngineError> {
        self.client = None;
        let mut admin = self.admin()?;
        let outcome = sql.iter().try_for_each(|s| admin.batch_execute(s).map_err(|e| convert(&e)));
        self.reconnect()?;
        outcome
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.client = None;
        if let Ok(mut admin) = self.admin() {
            for name in self.copies.iter().chain([&self.name]) {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

fn convert(error: &postgres::Error) -> EngineError {
    let Some(db) = error.as_db_error() else { return EngineError::Died(error.to_string()) };
    let position = match db.position() {
        Some(postgres::error::ErrorPosition::Original(p)) => Some(*p),
        _ => None,
    };
    pg_error(db.code().code(), db.message(), db.detail(), db.hint(), position)
}

impl Backend for Server {
    /// The name of the copy database.
    type Dump = String;

    fn exec(&mut self, sql: &str) -> Result<(), EngineError> {
        self.client()?.batch_execute(sql).map_err(|e| convert(&e))
    }

    /// The rows of the last statement that returned any, every value as text, as psql prints them.
    fn query(&mut self, sql: &str) -> Result<QueryResult, EngineError> {
        let messages = self.client()?.simple_query(sql).map_err(|e| convert(&e))?;
        let mut result = QueryResult::default();
        for message in messages {
            match message {
                SimpleQueryMessage::RowDescription(columns) => {
                    result = QueryResult { columns: columns.iter().map(|c| c.name().to_owned()).collect(), rows: Vec::new() };
                }
                SimpleQueryMessage::Row(row) => {
                    result.rows.push((0..row.len()).map(|i| row.get(i).map_or(Value::Null, |v| Value::String(v.to_owned()))).collect());
                }
                _ => {}
            }
        }
        Ok(result)
    }

    fn dump(&mut self, name: &str) -> Result<String, EngineError> {
        let safe: String = name.chars().filter(char::is_ascii_alphanumeric).take(20).collect();
        let copy = format!("{}_{}_{safe}", self.name, self.copies.len());
        self.with_admin(&[format!("CREATE DATABASE {copy} TEMPLATE {}", self.name)])?;
        self.copies.push(copy.clone());
        Ok(copy)
    }

    fn reload(&mut self, dump: &String) -> Result<(), EngineError> {
        let name = self.name.clone();
        self.with_admin(&[format!("DROP DATABASE {name} WITH (FORCE)"), format!("CREATE DATABASE {name} TEMPLATE {dump}")])
    }

    /// A lost connection: connect again, and go back to the copy when there is one.
    fn restart(&mut self, dump: Option<&String>) -> Result<(), EngineError> {
        match dump {
            Some(dump) => self.reload(dump),
            None => self.reconnect(),
        }
    }
}

#[cfg(test)]
mod test {
    use super::super::session::Session;
    use super::super::Engine;
    use super::*;

    /// Runs only when `MIGLAB_TEST_DATABASE_URL` names a server (`cargo xtask bench` starts one).
    #[test]
    fn branch_reset_on_server_ok() {
        let Ok(url) = std::env::var("MIGLAB_TEST_DATABASE_URL") else { return };
        let mut engine = Session::new(Server::connect(&url).expect("connects"));
        engine.exec("CREATE TABLE t (a int)").expect("create");
        engine.branch("start").expect("branch");
        engine.exec("CREATE INDEX CONCURRENTLY ix ON t (a)").expect("runs outside the branch transaction");
        let error = engine.exec("SELECT nope FROM t").expect_err("unknown column");
        assert_eq!(error.postgres().map(|pg| pg.sqlstate.as_str()), Some("42703"));
        engine.reset("start").expect("reset reloads the copy");
        assert!(engine.introspect().expect("introspect").table("t").is_some_and(|t| t.indexes.is_empty()));
    }

    /// The server stops a runaway statement itself, and the session goes on at the same branch point.
    #[test]
    fn runaway_on_server_err() {
        let Ok(url) = std::env::var("MIGLAB_TEST_DATABASE_URL") else { return };
        let mut engine = Session::new(Server::connect(&url).expect("connects"));
        engine.exec("CREATE TABLE t (a int)").expect("create");
        engine.branch("start").expect("branch");
        let error = engine.exec("SELECT pg_sleep(30)").expect_err("stopped at the limit");
        assert_eq!(error.postgres().map(|pg| pg.sqlstate.as_str()), Some("57014"));
        engine.exec("INSERT INTO t VALUES (1)").expect("the session goes on");
        engine.reset("start").expect("reset");
        assert!(engine.introspect().expect("introspect").table("t").is_some());
    }
}
