//! `miglab bundle LESSONS_DIR -o OUT_JSON`: the course loaded into `course.json`, the one file the browser app reads
//! (`miglab_analysis::lesson::bundle`). Trunk runs it before every build, through `cargo xtask course`.
//!
//! A lesson that does not load is written with its messages, which are also printed here, and the
//! exit status stays 0: the page lists the lesson with the error, as an instructor editing it expects.
//! Only a bundle that cannot be written fails.

use miglab_analysis::lesson::{bundle, CourseBundle};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The lessons folder, with `course.toml` at its root.
    #[arg(default_value = "lessons")]
    lessons: PathBuf,
    /// Where to write the bundle.
    #[arg(short, long)]
    out: PathBuf,
}

pub fn run(args: Args) -> ExitCode {
    let root = args.lessons;
    let bundled = bundle(&|path| std::fs::read_to_string(root.join(path)).ok());
    match &bundled {
        CourseBundle::Failed { message } => {
            eprintln!("miglab bundle: the course does not load:\n{message}")
        }
        CourseBundle::Course { lessons, .. } => {
            for lesson in lessons {
                for message in &lesson.messages {
                    eprintln!("{message}");
                }
            }
            let failed = lessons.iter().filter(|l| l.lesson.is_none()).count();
            eprintln!("miglab bundle: {} lessons, {failed} that do not load", lessons.len());
        }
    }
    let out = args.out;
    let written = serde_json::to_string(&bundled).map_err(|e| e.to_string()).and_then(|json| {
        out.parent().map_or(Ok(()), std::fs::create_dir_all).map_err(|e| e.to_string())?;
        std::fs::write(&out, json).map_err(|e| format!("cannot write {}: {e}", out.display()))
    });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("miglab bundle: {error}");
            ExitCode::FAILURE
        }
    }
}
