//! The whole course, loaded once at build time into the one JSON file the browser app reads.
//!
//! Loading a lesson parses TOML, Alembic files and SQL, so it belongs to the analyzer, which the app
//! fetches only when a lesson needs it. Done at build time, the catalog opens without the analyzer,
//! and a lesson that does not load is still listed, with the same message `miglab check` prints.
//!
//! The catalog checks `miglab check` runs (prerequisites exist, come earlier, form no cycle; the course lists
//! existing lessons) run here too. An error about a lesson makes it unavailable with that message, because
//! `miglab check` would reject the course for it; the rest of the course still loads. One exception: a
//! prerequisite that is a course lesson whose manifest does not parse is that lesson's error, not its
//! dependents', so they still open.

use super::{
    check_catalog, is_valid_id, load_folder, parse_course, parse_manifest, Course, FileDiagnostic,
    LessonFolder, LessonManifest, COURSE, MANIFEST,
};
use miglab_model::lesson::{BundledLesson, CourseBundle};
use std::collections::{BTreeMap, BTreeSet};

type Read<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Loads the course from `read`, which returns a file by its path inside the lessons folder
/// (`course.toml`, `confidence_score/lesson.toml`, …) or `None` when there is no such file.
pub fn bundle(read: Read) -> CourseBundle {
    let Some(text) = read(COURSE) else {
        return CourseBundle::Failed {
            message: format!("{COURSE}: the file is missing from the lessons folder."),
        };
    };
    let (course, diagnostics) = parse_course(&text);
    let Some(course) = course.filter(|_| !has_errors(&diagnostics)) else {
        return CourseBundle::Failed { message: rendered(&diagnostics).join("\n") };
    };
    let folders: Vec<(String, Option<LessonFolder>)> =
        course.lessons.iter().map(|id| (id.clone(), load_folder(id, read))).collect();
    let mut catalog: BTreeMap<String, Vec<FileDiagnostic>> = BTreeMap::new();
    // A course lesson whose manifest does not parse is already listed with its own errors; the lessons that
    // name it as a prerequisite still open, so a student is never locked out by someone else's typo.
    let unparsed: BTreeSet<&str> = folders
        .iter()
        .filter(|(_, folder)| folder.as_ref().is_some_and(|f| f.manifest.is_some()))
        .map(|(id, _)| id.as_str())
        .collect();
    let unparsed: BTreeSet<&str> =
        course.lessons.iter().map(String::as_str).filter(|id| !unparsed.contains(id)).collect();
    for diagnostic in check_catalog(&course, &text, &manifests(&folders, read)) {
        match about(&course, &diagnostic) {
            Some(id) if names_unparsed_prerequisite(&folders, id, &diagnostic, &unparsed) => {}
            Some(id) => catalog.entry(id.to_owned()).or_default().push(diagnostic),
            // Nothing the catalog checks say today, but an error about the course as a whole fails it, as in `miglab check`.
            None if diagnostic.file == COURSE && diagnostic.is_error() => {
                return CourseBundle::Failed { message: diagnostic.render() }
            }
            // About a folder outside the course: `miglab check` reports it, and no student opens it.
            None => {}
        }
    }
    let lessons = folders
        .into_iter()
        .map(|(id, folder)| {
            let more = catalog.remove(&id).unwrap_or_default();
            bundled(id, folder, more)
        })
        .collect();
    CourseBundle::Course { course, lessons }
}

fn bundled(
    id: String,
    folder: Option<LessonFolder>,
    catalog: Vec<FileDiagnostic>,
) -> BundledLesson {
    let Some(LessonFolder { lesson, mut diagnostics, .. }) = folder else {
        let mut messages = vec![format!("{id}/{MANIFEST}: the file is missing.")];
        messages.extend(rendered(&catalog));
        return BundledLesson { id, lesson: None, messages };
    };
    diagnostics.extend(catalog);
    let lesson = lesson.filter(|_| !has_errors(&diagnostics)).map(Box::new);
    BundledLesson { id, lesson, messages: rendered(&diagnostics) }
}

/// The manifests the catalog checks see: the course's lessons, and the folders outside the course that a
/// prerequisite names (`miglab check` finds those by listing the lessons folder, which `read` cannot).
fn manifests(
    folders: &[(String, Option<LessonFolder>)],
    read: Read,
) -> BTreeMap<String, (LessonManifest, String)> {
    let mut manifests: BTreeMap<String, (LessonManifest, String)> = folders
        .iter()
        .filter_map(|(id, folder)| {
            let folder = folder.as_ref()?;
            Some((id.clone(), (folder.manifest.clone()?, folder.text.clone())))
        })
        .collect();
    let mut wanted: Vec<String> =
        manifests.values().flat_map(|(manifest, _)| manifest.prerequisites.clone()).collect();
    let mut tried = BTreeSet::new();
    while let Some(id) = wanted.pop() {
        if manifests.contains_key(&id) || !is_valid_id(&id) || !tried.insert(id.clone()) {
            continue;
        }
        let path = format!("{id}/{MANIFEST}");
        let Some(text) = read(&path) else { continue };
        if let (Some(manifest), _) = parse_manifest(&path, &text) {
            wanted.extend(manifest.prerequisites.clone());
            manifests.insert(id, (manifest, text));
        }
    }
    manifests
}

/// The course lesson a catalog diagnostic is about: the folder of its `lesson.toml`, or the lesson a
/// `lessons[i]` entry of course.toml names.
fn about<'a>(course: &'a Course, diagnostic: &'a FileDiagnostic) -> Option<&'a str> {
    if diagnostic.file == COURSE {
        let index = diagnostic
            .field
            .as_deref()?
            .strip_prefix("lessons[")?
            .strip_suffix(']')?
            .parse::<usize>()
            .ok()?;
        return course.lessons.get(index).map(String::as_str);
    }
    let folder = diagnostic.file.strip_suffix(MANIFEST)?.strip_suffix('/')?;
    course.lessons.iter().any(|id| id == folder).then_some(folder)
}

/// Whether `diagnostic` is about lesson `id`'s `prerequisites[i]` naming a course lesson that did not parse.
fn names_unparsed_prerequisite(
    folders: &[(String, Option<LessonFolder>)],
    id: &str,
    diagnostic: &FileDiagnostic,
    unparsed: &BTreeSet<&str>,
) -> bool {
    let Some(index) = diagnostic
        .field
        .as_deref()
        .and_then(|f| f.strip_prefix("prerequisites[")?.strip_suffix(']')?.parse::<usize>().ok())
    else {
        return false;
    };
    let manifest = folders
        .iter()
        .find(|(folder, _)| folder == id)
        .and_then(|(_, f)| f.as_ref()?.manifest.as_ref());
    manifest
        .and_then(|m| m.prerequisites.get(index))
        .is_some_and(|prerequisite| unparsed.contains(prerequisite.as_str()))
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
        let lesson =
            scaffold_with(|text| text.replace(r#"seed = "seed.sql""#, r#"seed = "sead.sql""#));
        assert!(lesson.lesson.is_none());
        let line = 1 + super::super::scaffold("t")["t/lesson.toml"]
            .lines()
            .position(|l| l.starts_with("seed = "))
            .expect("seed line");
        let message = lesson.messages.join("\n");
        assert!(message.starts_with(&format!("t/lesson.toml:{line}:")), "{message}");
        assert!(
            message.contains("field `database.seed`") && message.contains("`sead.sql`"),
            "{message}"
        );
    }

    #[test]
    fn unknown_prerequisite_err() {
        // `miglab check` rejects the course for this catalog error, so the lesson is unavailable with its message.
        let lesson =
            scaffold_with(|text| text.replace("prerequisites = []", r#"prerequisites = ["nope"]"#));
        assert!(lesson.lesson.is_none());
        let message = lesson.messages.join("\n");
        assert!(
            message.starts_with("t/lesson.toml:")
                && message
                    .contains("field `prerequisites[0]`: The prerequisite `nope` is not a lesson."),
            "{message}"
        );
    }

    #[test]
    fn prerequisite_outside_course_ok() {
        // As in `miglab check`, a prerequisite folder the course does not list is a lesson (warned about there, not here).
        let mut files = super::super::scaffold("t");
        files.extend(super::super::scaffold("u"));
        files.insert("course.toml".into(), "format = 1\ntitle = \"T\"\nlessons = [\"t\"]\n".into());
        let manifest =
            files["t/lesson.toml"].replace("prerequisites = []", r#"prerequisites = ["u"]"#);
        files.insert("t/lesson.toml".into(), manifest);
        let CourseBundle::Course { lessons, .. } = bundle(&|path| files.get(path).cloned()) else {
            panic!("the course bundles")
        };
        assert!(lessons[0].lesson.is_some(), "{:?}", lessons[0].messages);
    }

    #[test]
    fn broken_prerequisite_keeps_dependents_ok() {
        // `u` does not parse; `t` names it as a prerequisite and still opens, while `u` is listed with its error.
        let mut files = super::super::scaffold("t");
        files.insert("u/lesson.toml".into(), "format = 1\nid = \"u\"\ntitle = 42\n".into());
        files.insert(
            "course.toml".into(),
            "format = 1\ntitle = \"T\"\nlessons = [\"u\", \"t\"]\n".into(),
        );
        let manifest =
            files["t/lesson.toml"].replace("prerequisites = []", r#"prerequisites = ["u"]"#);
        files.insert("t/lesson.toml".into(), manifest);
        let CourseBundle::Course { lessons, .. } = bundle(&|path| files.get(path).cloned()) else {
            panic!("the course bundles")
        };
        assert!(
            lessons[0].lesson.is_none()
                && lessons[0].messages.iter().any(|m| m.starts_with("u/lesson.toml:3:")),
            "{:?}",
            lessons[0].messages
        );
        assert!(lessons[1].lesson.is_some(), "{:?}", lessons[1].messages);
    }

    #[test]
    fn missing_lesson_err() {
        let course = "format = 1\ntitle = \"T\"\nlessons = [\"gone\"]\n";
        let CourseBundle::Course { lessons, .. } =
            bundle(&|path| (path == COURSE).then(|| course.to_owned()))
        else {
            panic!("the course bundles")
        };
        assert!(lessons[0].lesson.is_none());
        assert_eq!(lessons[0].messages[0], "gone/lesson.toml: the file is missing.");
        assert!(
            lessons[0].messages[1].starts_with("course.toml:3:"),
            "the catalog check, as `miglab check` prints it: {:?}",
            lessons[0].messages
        );
    }

    #[test]
    fn broken_course_err() {
        let CourseBundle::Failed { message } =
            bundle(&|path| (path == COURSE).then(|| "format = 1\nlessons = 3\n".to_owned()))
        else {
            panic!("a broken course.toml bundles")
        };
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
        assert_eq!(
            serde_json::from_str::<CourseBundle>(&json).expect("the bundle reads back"),
            bundled
        );
    }

    /// A lesson that did not load always says why; one that loaded is the lesson in its folder.
    fn well_formed(bundle: &CourseBundle) -> Result<(), proptest::test_runner::TestCaseError> {
        if let CourseBundle::Course { lessons, .. } = bundle {
            for lesson in lessons {
                proptest::prop_assert!(
                    lesson.lesson.is_some() || !lesson.messages.is_empty(),
                    "{} has no lesson and no message",
                    lesson.id
                );
            }
        }
        Ok(())
    }

    proptest::proptest! {
        /// Any text in `course.toml` and in a lesson's manifest: a bundle, never a panic.
        #[test]
        fn arbitrary_files_never_panic_ok(course in "\\PC{0,200}", manifest in "\\PC{0,300}") {
            let mut files = super::super::scaffold("t");
            files.insert("course.toml".into(), course);
            files.insert("t/lesson.toml".into(), manifest.clone());
            well_formed(&bundle(&|path| files.get(path).cloned()))?;
            files.insert("course.toml".into(), "format = 1\ntitle = \"T\"\nlessons = [\"t\"]\n".into());
            well_formed(&bundle(&|path| files.get(path).cloned()))?;
        }

        /// The scaffold's manifest and migration cut anywhere: the lesson is listed, loaded or with its messages.
        #[test]
        fn truncated_lesson_never_panics_ok(cut in 0usize..6000, which in 0usize..4) {
            let mut files = super::super::scaffold("t");
            files.insert("course.toml".into(), "format = 1\ntitle = \"T\"\nlessons = [\"t\"]\n".into());
            let Some((path, text)) = files.iter().filter(|(k, _)| k.starts_with("t/")).nth(which % 4).map(|(k, v)| (k.clone(), v.clone())) else { return Ok(()) };
            let cut = (0..=cut.min(text.len())).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
            files.insert(path, text[..cut].to_owned());
            let bundled = bundle(&|path| files.get(path).cloned());
            let listed = matches!(&bundled, CourseBundle::Course { lessons, .. } if lessons.len() == 1);
            proptest::prop_assert!(listed, "the lesson is listed: {:?}", bundled);
            well_formed(&bundled)?;
        }

        /// Whatever the browser fetches as `course.json`: a value or an error, never a panic.
        #[test]
        fn arbitrary_json_never_panics_ok(text in "\\PC{0,300}") {
            let _ = serde_json::from_str::<CourseBundle>(&text);
        }
    }
}
