//! The scratch databases this process made on PostgreSQL servers, and the Ctrl-C handler that drops them.
//!
//! Every statement that creates or drops a scratch database runs through [`admin`], which holds the
//! registry while it runs and names a database before creating it. So when Ctrl-C arrives the handler
//! first waits for a `CREATE DATABASE` in flight, then sees every database this process made; and
//! since it keeps the registry (and stdout and stderr) until the process exits, nothing new is made
//! or printed while it drops them.

use postgres::{Client, Config, NoTls};
use std::io::Write;
use std::sync::{Mutex, MutexGuard, Once, PoisonError};
use std::time::Duration;

struct Made {
    /// The connection settings for the database given in the URL, where `DROP DATABASE` runs.
    admin: Config,
    name: String,
}

static MADE: Mutex<Vec<Made>> = Mutex::new(Vec::new());

fn made() -> MutexGuard<'static, Vec<Made>> {
    MADE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `statements` on a new connection with `admin`'s settings, first naming `creates` as this
/// process's scratch databases (before they exist, so an interrupted `CREATE` is still cleaned up).
pub fn admin(
    admin: &Config,
    creates: &[&str],
    statements: &[String],
) -> Result<(), postgres::Error> {
    install_handler();
    let mut made = made();
    made.extend(creates.iter().map(|name| Made { admin: admin.clone(), name: (*name).to_owned() }));
    let mut client = connect(admin)?;
    statements.iter().try_for_each(|sql| client.batch_execute(sql))
}

/// Drops `names` (this process's scratch databases) and forgets them.
pub fn drop_all(admin_config: &Config, names: &[String]) -> Result<(), postgres::Error> {
    let statements: Vec<String> = names.iter().map(|name| drop_sql(name)).collect();
    let outcome = admin(admin_config, &[], &statements);
    if outcome.is_ok() {
        made().retain(|m| !names.contains(&m.name));
    }
    outcome
}

fn drop_sql(name: &str) -> String {
    // FORCE ends the session that was using it, including ours when Ctrl-C lands mid-statement.
    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")
}

fn connect(config: &Config) -> Result<Client, postgres::Error> {
    let mut config = config.clone();
    if config.get_connect_timeout().is_none() {
        // A server that went away must not keep Ctrl-C waiting for ever.
        config.connect_timeout(Duration::from_secs(10));
    }
    config.connect(NoTls)
}

/// Sets the handler once, the first time this process touches a server.
fn install_handler() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        if let Err(error) = ctrlc::set_handler(interrupted) {
            eprintln!("warning: cannot catch Ctrl-C ({error}), so an interrupted `check` may leave scratch databases behind");
        }
    });
}

/// Drops every scratch database this process made, says so, and exits with 130 (128 + SIGINT), as a shell reports an interrupt.
fn interrupted() {
    let _stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let made = made();
    let mut dropped = Vec::new();
    let mut client: Option<Client> = None;
    for scratch in made.iter() {
        let outcome = match client.as_mut() {
            Some(client) => client.batch_execute(&drop_sql(&scratch.name)),
            None => connect(&scratch.admin).and_then(|mut fresh| {
                let outcome = fresh.batch_execute(&drop_sql(&scratch.name));
                client = Some(fresh);
                outcome
            }),
        };
        match outcome {
            Ok(()) => dropped.push(scratch.name.as_str()),
            Err(error) => {
                let _ = writeln!(
                    stderr,
                    "miglab: could not drop the scratch database {}: {error}",
                    scratch.name
                );
                client = None;
            }
        }
    }
    let _ = match dropped.as_slice() {
        [] => writeln!(stderr, "\nmiglab: interrupted."),
        names => writeln!(
            stderr,
            "\nmiglab: interrupted; dropped the scratch databases {}.",
            names.join(", ")
        ),
    };
    std::process::exit(130);
}
