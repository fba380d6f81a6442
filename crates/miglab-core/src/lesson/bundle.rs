//! The whole course, loaded once at build time into the one JSON file the browser app reads.
//!
//! Loading a lesson parses TOML, Alembic files and SQL, so it belongs to the analyzer, which the app
//! fetches only when a lesson needs it. Done at build time, the catalog opens without the analyzer,
//! and a lesson that does not load is still listed, with the same message `miglab check` prints.

use super::{load, parse_course, parse_manifest, Course, FileDiagnostic, Lesson, COURSE, MANIFEST};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What `course.json` holds: the course with every lesson, or why the course itself did not load.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "loaded", rename_all = "snake_case")]
pub enum CourseBundle {
    Course { course: Course, lessons: Vec<BundledLesson> },
    Failed { message: String },
}

/// One lesson in course order: loaded, or the checker's rendered errors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundledLesson {
    pub id: String,
    pub lesson: Option<Box<Lesson>>,
    /// Every diagnostic as `file:line:col: …`, warnings included; non-empty when `lesson` is `None`.
    pub messages: Vec<String>,
}

/// Loads the course from `read`, which returns a file by its path inside the lessons folder
/// (`course.toml`, `confidence_score/lesson.toml`, …) or `None` when there is no such file.
pub fn bundle(read: &dyn Fn(&str) -> Option<String>) -> CourseBundle {
    let Some(text) = read(COURSE) else {
        return CourseBundle::Failed { message: format!("{COURSE}: the file is missing from the lessons folder.") };
    };
    let (course, diagnostics) = parse_course(&text);
    let Some(course) = course.filter(|_| !has_errors(&diagnostics)) else {
        return CourseBundle::Failed { message: rendered(&diagnostics).join("\n") };
    };
    let lessons = course.lessons.iter().map(|id| lesson(id, read)).collect();
    CourseBundle::Course { course, lessons }
}

fn lesson(id: &str, read: &dyn Fn(&str) -> Option<String>) -> BundledLesson {
    let failed = |messages: Vec<String>| BundledLesson { id: id.to_owned(), lesson: None, messages };
    let path = format!("{id}/{MANIFEST}");
    let Some(text) = read(&path) else { return failed(vec![format!("{path}: the file is missing.")]) };
    let (manifest, mut diagnostics) = parse_manifest(&path, &text);
    let Some(manifest) = manifest.filter(|_| !has_errors(&diagnostics)) else { return failed(rendered(&diagnostics)) };
    // A missing file is reported by `load` with the field that names it. `lesson.toml` itself goes in too,
    // as `miglab check` passes it, so a mistake in the manifest gets its file:line:col.
    let mut files: BTreeMap<String, String> = manifest.files().into_iter().filter_map(|f| read(&format!("{id}/{f}")).map(|text| (f, text))).collect();
    files.insert(MANIFEST.to_owned(), text);
    let (lesson, more) = load(&manifest, &files);
    diagnostics.extend(more);
    let lesson = lesson.filter(|_| !has_errors(&diagnostics)).map(Box::new);
    BundledLesson { id: id.to_owned(), lesson, messages: rendered(&diagnostics) }
}

fn has_errors(diagnostics: &[FileDiagnostic]) -> bool {
    diagnostics.iter().any(FileDiagnostic::is_error)
}

fn rendered(diagnostics: &[FileDiagnostic]) -> Vec<String> {
    diagnostics.iter().map(FileDiagnostic::render).collect()
}

#[cfg(test)]
mod test {
    use super::*;

    fn scaffold_with(edit: impl Fn(String) -> String) -> BundledLesson {
        let mut files = super::super::scaffold("t");
        files.insert("course.toml".into(), "format = 1\ntitle = \"T\"\nlessons = [\"t\"]\n".into());
        let manifest = files.get("t/lesson.toml").cloned().unwrap_or_default();
        files.insert("t/lesson.toml".into(), edit(manifest));
        match bundle(&|path| files.get(path).cloned()) {
            CourseBundle::Course { mut lessons, .. } => lessons.remove(0),
            CourseBundle::Failed { message } => panic!("{message}"),
        }
    }

    #[test]
    fn scaffold_bundles_ok() {
        let lesson = scaffold_with(|text| text);
        assert!(lesson.lesson.is_some(), "{:?}", lesson.messages);
    }

    #[test]
    fn missing_seed_has_line_err() {
        // Only the second phase finds this one: the seed file the manifest names does not exist.
        let lesson = scaffold_with(|text| text.replace(r#"seed = "seed.sql""#, r#"seed = "sead.sql""#));
        assert!(lesson.lesson.is_none());
        let line = 1 + super::super::scaffold("t")["t/lesson.toml"].lines().position(|l| l.starts_with("seed = ")).expect("seed line");
        let message = lesson.messages.join("\n");
        assert!(message.starts_with(&format!("t/lesson.toml:{line}:")), "{message}");
        assert!(message.contains("field `database.seed`") && message.contains("`sead.sql`"), "{message}");
    }

    #[test]
    fn broken_course_err() {
        let CourseBundle::Failed { message } = bundle(&|path| (path == COURSE).then(|| "format = 1\nlessons = 3\n".to_owned())) else { panic!("a broken course.toml bundles") };
        assert!(message.starts_with("course.toml:"), "{message}");
    }

    #[test]
    fn the_course_bundles_ok() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../lessons");
        let bundled = bundle(&|path| std::fs::read_to_string(format!("{root}/{path}")).ok());
        let CourseBundle::Course { lessons, .. } = &bundled else { panic!("the course bundles") };
        for lesson in lessons {
            assert!(lesson.lesson.is_some(), "{}: {:?}", lesson.id, lesson.messages);
        }
        // Nothing a lesson says is lost on the way to the browser.
        let json = serde_json::to_string(&bundled).expect("the bundle serializes");
        assert_eq!(serde_json::from_str::<CourseBundle>(&json).expect("the bundle reads back"), bundled);
    }
}
