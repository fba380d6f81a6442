//! `miglab`: the command line for instructors and scripts.
//!
//! Each subcommand lives in its own `cmd_*.rs` file; this file only parses arguments and dispatches.

mod check;
mod cmd_bundle;
mod cmd_check;
mod cmd_lint;
mod cmd_locks;
mod cmd_new;
mod cmd_pack;
mod cmd_sql;
mod engine;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "miglab",
    version,
    about = "Read, run and check database migrations and miglab lessons"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the DDL an Alembic revision file (or a plain SQL migration) runs.
    ///
    /// One direction is printed: the upgrade, or the downgrade with `--downgrade`.
    /// Diagnostics go to stderr as `file:line:col: message`.
    /// The exit status is 1 only when the direction asked for has an error: an error in `downgrade()`
    /// (or the down file) is reported with a note but does not stop the upgrade from printing, and the other way round.
    /// An error in the file as a whole (Python syntax, the revision metadata) stops both.
    Sql(cmd_sql::Args),
    /// Report safety findings for a migration file (.py or .sql).
    Lint(cmd_lint::Args),
    /// Print the lock trace of a migration file (.py or .sql): the locks after each statement, rewrites and times.
    Locks(cmd_locks::Args),
    /// Validate lessons: the files, then every answer key against the real engine.
    Check(cmd_check::Args),
    /// Scaffold a new lesson that passes `miglab check` as generated.
    New(cmd_new::Args),
    /// Write the course as `course.json`, the file the browser app reads; a lesson that does not load is listed with its messages.
    Bundle(cmd_bundle::Args),
    /// Write the course as one lesson pack: a versioned, hashed file any static host can serve and the page opens with `?pack=<url>`.
    Pack(cmd_pack::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Sql(args) => cmd_sql::run(args),
        Command::Lint(args) => cmd_lint::run(args),
        Command::Locks(args) => cmd_locks::run(args),
        Command::Check(args) => cmd_check::run(args),
        Command::New(args) => cmd_new::run(args),
        Command::Bundle(args) => cmd_bundle::run(args),
        Command::Pack(args) => cmd_pack::run(args),
    }
}

/// Reads a file for a subcommand, turning an IO failure into the `file: message` line the CLI prints.
pub fn read_source(path: &PathBuf) -> Result<String, ExitCode> {
    std::fs::read_to_string(path).map_err(|error| {
        eprintln!("{}: cannot read file: {error}", path.display());
        ExitCode::from(2)
    })
}
