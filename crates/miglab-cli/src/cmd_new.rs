//! `miglab new ID`: scaffold a lesson folder that passes `miglab check` as generated.

use miglab_analysis::lesson;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The lesson id, which is also its folder name, e.g. `unique_email`.
    id: String,
    /// The lessons folder to create it in.
    #[arg(long, default_value = "lessons")]
    dir: PathBuf,
}

pub fn run(args: Args) -> ExitCode {
    if !lesson::is_valid_id(&args.id) {
        eprintln!("{}: not a valid lesson id: ids start with a lowercase letter and hold only a-z, 0-9, `_` and `-`", args.id);
        return ExitCode::from(2);
    }
    let folder = args.dir.join(&args.id);
    if folder.exists() {
        eprintln!("{}: already exists; choose another id or remove the folder", folder.display());
        return ExitCode::from(2);
    }
    for (path, text) in lesson::scaffold(&args.id) {
        let target = args.dir.join(&path);
        let written = target
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&target, text));
        if let Err(error) = written {
            eprintln!("{}: cannot write file: {error}", target.display());
            return ExitCode::from(2);
        }
        println!("created {}", target.display());
    }
    println!(
        "Add \"{}\" to `lessons` in {} to put it in the course path, then run `miglab check {}`.",
        args.id,
        args.dir.join(lesson::COURSE).display(),
        args.dir.display()
    );
    ExitCode::SUCCESS
}
