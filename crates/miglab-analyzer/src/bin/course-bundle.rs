//! `course-bundle LESSONS_DIR OUT_JSON`: the course loaded at build time into the file the app reads
//! (`miglab_analysis::lesson::bundle`). Trunk runs it before every build (through `cargo xtask course`).
//!
//! A lesson that does not load is written with its messages, which are also printed here, and the
//! exit status stays 0: the page lists the lesson with the error, as an instructor editing it expects.
//! Only a bundle that cannot be written fails.

use miglab_analysis::lesson::{bundle, CourseBundle};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [lessons, out] = args.as_slice() else {
        eprintln!("usage: course-bundle LESSONS_DIR OUT_JSON");
        return ExitCode::from(2);
    };
    let root = PathBuf::from(lessons);
    let bundled = bundle(&|path| std::fs::read_to_string(root.join(path)).ok());
    match &bundled {
        CourseBundle::Failed { message } => {
            eprintln!("course-bundle: the course does not load:\n{message}")
        }
        CourseBundle::Course { lessons, .. } => {
            for lesson in lessons {
                for message in &lesson.messages {
                    eprintln!("{message}");
                }
            }
            let failed = lessons.iter().filter(|l| l.lesson.is_none()).count();
            eprintln!("course-bundle: {} lessons, {failed} that do not load", lessons.len());
        }
    }
    let written = serde_json::to_string(&bundled).map_err(|e| e.to_string()).and_then(|json| {
        let out = PathBuf::from(out);
        out.parent().map_or(Ok(()), std::fs::create_dir_all).map_err(|e| e.to_string())?;
        std::fs::write(&out, json).map_err(|e| format!("cannot write {}: {e}", out.display()))
    });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("course-bundle: {error}");
            ExitCode::FAILURE
        }
    }
}
