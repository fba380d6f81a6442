//! `miglab check [DIR]`: validate every lesson's files, then every answer key against the real engine.

use crate::check::lesson_run::check_lesson;
use crate::check::load_dir::{load_dir, LessonResult};
use crate::engine::DatabaseUrl;
use miglab_analysis::lesson::{FileDiagnostic, MANIFEST};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The lessons folder, holding course.toml and one folder per lesson.
    #[arg(default_value = "lessons")]
    dir: PathBuf,
    /// Check against this PostgreSQL server instead of PGlite, e.g. postgres://miglab_check@localhost/postgres.
    ///
    /// Use a throwaway server, or at least a role that has only CREATEDB (no SUPERUSER, CREATEROLE or
    /// membership in other roles): lesson SQL runs with that role.
    /// Each lesson runs in its own scratch database (miglab_<pid>_…), created through this URL and dropped
    /// afterwards, on Ctrl-C too.
    /// Statements that would change the server itself (roles, databases, tablespaces, ALTER SYSTEM) are
    /// refused before anything is sent, each reported at its file:line.
    /// The password is never shown.
    #[arg(long, value_name = "URL", verbatim_doc_comment)]
    database_url: Option<String>,
    /// Only the checks that need no engine: files, references, ids, prerequisites, key shapes.
    #[arg(long = "static")]
    static_only: bool,
    /// Check only these lessons (by id); the catalog checks still cover the whole folder.
    #[arg(long = "lesson")]
    only: Vec<String>,
}

pub fn run(args: Args) -> ExitCode {
    let database_url = match args.database_url.as_deref().map(DatabaseUrl::parse).transpose() {
        Ok(url) => url,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    if let (Some(url), false) = (&database_url, args.static_only) {
        eprintln!("Checking on {} (a scratch database per lesson).", url.shown());
    }
    let loaded = load_dir(&args.dir);
    let prefix = args.dir.display().to_string().trim_end_matches('/').to_owned();
    let mut failed_catalog = false;
    for diagnostic in &loaded.catalog {
        print(&prefix, diagnostic);
        failed_catalog |= diagnostic.is_error();
    }
    let mut lessons: Vec<LessonResult> = loaded
        .lessons
        .into_iter()
        .filter(|l| args.only.is_empty() || args.only.contains(&l.id))
        .collect();
    let mut failed = 0;
    for result in &mut lessons {
        let skipped = match (&result.lesson, args.static_only) {
            (Some(lesson), false) => {
                let findings = check_lesson(
                    lesson,
                    &format!("{}/{MANIFEST}", result.id),
                    &result.text,
                    database_url.as_ref(),
                );
                result.diagnostics.extend(findings.diagnostics);
                findings.skipped
            }
            (Some(lesson), true) => {
                let mut skipped = Vec::new();
                result
                    .diagnostics
                    .extend(miglab_analysis::check::static_sim::check(lesson, &mut skipped));
                skipped
            }
            (None, _) => Vec::new(),
        };
        failed += usize::from(report(&prefix, result, &skipped));
    }
    let total = lessons.len();
    let engine = if args.static_only { " (static checks only)" } else { "" };
    println!("{total} lessons: {} passed, {failed} failed{engine}", total - failed);
    if failed > 0 || failed_catalog {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints a lesson's diagnostics and its verdict line; true when it failed.
fn report(prefix: &str, result: &LessonResult, skipped: &[String]) -> bool {
    for diagnostic in &result.diagnostics {
        print(prefix, diagnostic);
    }
    let failed = result.failed();
    println!("{} {}", if failed { "FAIL" } else { "ok  " }, result.id);
    for what in skipped {
        println!("     skipped: {what}");
    }
    failed
}

fn print(prefix: &str, diagnostic: &FileDiagnostic) {
    let mut shown = diagnostic.clone();
    shown.file = format!("{prefix}/{}", diagnostic.file);
    eprintln!("{}", shown.render());
}
