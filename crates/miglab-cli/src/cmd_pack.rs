//! `miglab pack LESSONS_DIR -o FILE`: the course as one lesson pack, a versioned, hashed, self-contained file that
//! any static host can serve and the page opens with `?pack=<url>` (`miglab_model::lesson::pack`, re-exported by the analysis).
//!
//! The pack is read back with the page's own reader before the command ends, so the instructor sees here every
//! lesson a learner would find unavailable, with its message; the file is still written, as `bundle` writes it.

use miglab_analysis::lesson::{is_valid_id, pack_course};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The lessons folder, with `course.toml` at its root.
    lessons: PathBuf,
    /// Where to write the pack, e.g. `reconciler.miglab.json`.
    #[arg(short, long)]
    out: PathBuf,
    /// The pack's id, which names its saved progress in the browser; the lessons folder's name by default.
    #[arg(long)]
    id: Option<String>,
}

pub fn run(args: Args) -> ExitCode {
    match pack_folder(&args.lessons, args.id.as_deref()).and_then(|(text, report)| {
        eprint!("{report}");
        write(&args.out, &text)
    }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("miglab pack: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The pack's text and what reading it back says, or why there is no pack.
fn pack_folder(root: &Path, id: Option<&str>) -> Result<(String, String), String> {
    let id = match id {
        Some(id) => id.to_owned(),
        None => default_id(root)?,
    };
    if !is_valid_id(&id) {
        return Err(format!("`{id}` is not a valid pack id: ids start with a lowercase letter and hold only a-z, 0-9, `_` and `-`; pass one with `--id`."));
    }
    let packed = pack_course(&id, &|path| std::fs::read_to_string(root.join(path)).ok())?;
    let mut report = String::new();
    if let Some((summary, messages)) = packed.report.split_last() {
        for message in messages {
            report.push_str(&format!("{message}\n"));
        }
        report.push_str(&format!("miglab pack: {summary}\n"));
    }
    let text = packed.text;
    Ok((text, report))
}

/// The folder's name as an id (`lessons`, `my-course`), lowercased.
fn default_id(root: &Path) -> Result<String, String> {
    let absolute =
        std::fs::canonicalize(root).map_err(|e| format!("cannot read {}: {e}", root.display()))?;
    let name = absolute.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    Ok(name.to_lowercase().replace([' ', '.'], "-"))
}

fn write(out: &Path, text: &str) -> Result<(), String> {
    out.parent().map_or(Ok(()), std::fs::create_dir_all).map_err(|e| e.to_string())?;
    std::fs::write(out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))
}

#[cfg(test)]
mod test {
    use super::*;
    use miglab_analysis::lesson::{pack, scaffold};

    /// A course folder with scaffolded lessons `t` and `u` in a fresh temporary directory.
    fn course_folder(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("miglab-pack-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let mut files = scaffold("t");
        files.extend(scaffold("u"));
        files.insert(
            "course.toml".into(),
            "format = 1\ntitle = \"Two\"\nlessons = [\"t\", \"u\"]\n".into(),
        );
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        root
    }

    #[test]
    fn pack_reads_back_ok() {
        let root = course_folder("course");
        let (text, report) = pack_folder(&root, None).expect("packs");
        let read = pack::read(text.as_bytes()).expect("reads");
        assert_eq!(read.id, "miglab-pack-".to_owned() + &format!("{}-course", std::process::id()));
        assert_eq!(read.course.title, "Two");
        assert!(read.lessons.iter().all(|l| l.lesson.is_some()), "{report}");
        assert!(report.contains("2 lessons, 0 unavailable"), "{report}");
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn broken_lesson_reported_err() {
        let root = course_folder("broken");
        let manifest = root.join("u/lesson.toml");
        let text = std::fs::read_to_string(&manifest).expect("read");
        std::fs::write(&manifest, text.replace("minutes = 20\n", "")).expect("write");
        let (text, report) = pack_folder(&root, Some("two")).expect("packs");
        let read = pack::read(text.as_bytes()).expect("reads");
        assert!(read.lessons[0].lesson.is_some() && read.lessons[1].lesson.is_none());
        assert!(report.contains("u/lesson.toml:") && report.contains("1 unavailable"), "{report}");
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn bad_id_err() {
        let root = course_folder("id");
        let Err(error) = pack_folder(&root, Some("Two Words")) else { panic!("packed") };
        assert!(error.contains("pass one with `--id`"), "{error}");
        let _ = std::fs::remove_dir_all(root);
    }
}
