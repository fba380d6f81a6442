//! The author view's work on a lessons folder held as a map of files: load every lesson folder in it with its
//! diagnostics, write it as a pack, and turn a pack back into files.
//!
//! Files are keyed by their path inside the lessons folder (`course.toml`, `my_lesson/lesson.toml`, …), the keys
//! [`super::scaffold`] writes and every diagnostic names, so the page can put each diagnostic in its file.

use super::spans::Located;
use super::validate::check_manifest;
use super::{
    load_folder, pack, pack_course, Course, Lesson, LessonFolder, MigrationSource, COURSE, MANIFEST,
};
use miglab_model::protocol::AuthoredLesson;
use std::collections::BTreeMap;

/// Every lesson folder among `files` (a `FOLDER/lesson.toml`), loaded as `miglab check` loads it.
pub fn load_files(files: &BTreeMap<String, String>) -> Vec<AuthoredLesson> {
    let read = |path: &str| files.get(&normalized(path)?).cloned();
    files
        .keys()
        .filter_map(|path| path.strip_suffix(MANIFEST)?.strip_suffix('/'))
        .filter(|folder| !folder.is_empty() && !folder.contains('/'))
        .map(|folder| {
            let Some(LessonFolder { text, manifest, lesson, mut diagnostics }) =
                load_folder(folder, &read)
            else {
                return AuthoredLesson {
                    folder: folder.to_owned(),
                    lesson: None,
                    diagnostics: Vec::new(),
                };
            };
            if let Some(manifest) = manifest.filter(|m| m.id != folder) {
                // `load` names files under the lesson's id; here they live under the folder, so the page can place them.
                let (from, to) = (format!("{}/", manifest.id), format!("{folder}/"));
                for d in &mut diagnostics {
                    if let Some(rest) = d.file.strip_prefix(&from) {
                        d.file = format!("{to}{rest}");
                    }
                }
                let path = format!("{folder}/{MANIFEST}");
                let at = Located::new(&path, &text);
                diagnostics.extend(
                    check_manifest(&at, &manifest, Some(folder))
                        .into_iter()
                        .filter(|d| d.diagnostic.code == "lesson-id-not-folder"),
                );
            }
            let lesson = lesson.filter(|_| !diagnostics.iter().any(|d| d.is_error())).map(Box::new);
            AuthoredLesson { folder: folder.to_owned(), lesson, diagnostics }
        })
        .collect()
}

/// `files` as the pack `id`, with `miglab pack`'s report; when there is no `course.toml`, one is made that lists
/// every lesson folder in the order of their paths, titled after the first lesson.
pub fn pack_files(id: &str, files: &BTreeMap<String, String>) -> (Option<String>, Vec<String>) {
    let mut files = files.clone();
    if !files.contains_key(COURSE) {
        files.insert(COURSE.to_owned(), course_for(&files));
    }
    match pack_course(id, &|path| files.get(&normalized(path)?).cloned()) {
        Ok(packed) => (Some(packed.text), packed.report),
        Err(message) => (None, vec![message]),
    }
}

/// A `course.toml` listing the lesson folders among `files`.
fn course_for(files: &BTreeMap<String, String>) -> String {
    let lessons: Vec<AuthoredLesson> = load_files(files);
    let title = lessons
        .iter()
        .find_map(|l| l.lesson.as_ref().map(|l| l.manifest.title.clone()))
        .unwrap_or_else(|| "Lessons".to_owned());
    let course = Course {
        format: super::FORMAT,
        title,
        summary: String::new(),
        lessons: lessons.into_iter().map(|l| l.folder).collect(),
    };
    toml::to_string(&course).unwrap_or_default()
}

/// A pack's lessons as files: `course.toml`, and for every lesson the pack holds, its `lesson.toml` (written from
/// the loaded manifest, so comments and layout are not kept), its seed and its migration files.
/// A lesson the pack lists only with messages has no files; its messages say so.
pub fn unpack(text: &str) -> (BTreeMap<String, String>, Vec<String>) {
    let pack = match pack::read(text.as_bytes()) {
        Ok(pack) => pack,
        Err(error) => return (BTreeMap::new(), vec![error.to_string()]),
    };
    let mut files = BTreeMap::new();
    let mut messages = Vec::new();
    match toml::to_string(&pack.course) {
        Ok(course) => {
            files.insert(COURSE.to_owned(), course);
        }
        Err(e) => {
            messages.push(format!("The pack's course could not be written as {COURSE}: {e}."))
        }
    }
    for bundled in &pack.lessons {
        match &bundled.lesson {
            Some(lesson) => match lesson_files(lesson) {
                Ok(written) => files.extend(written),
                Err(e) => messages.push(format!(
                    "{}/{MANIFEST}: the lesson could not be written as TOML: {e}.",
                    bundled.id
                )),
            },
            None => {
                messages.push(format!(
                    "The pack holds lesson `{}` only as these messages, so it has no files here:",
                    bundled.id
                ));
                messages.extend(bundled.messages.iter().cloned());
            }
        }
    }
    (files, messages)
}

/// One loaded lesson's files, under its id.
fn lesson_files(lesson: &Lesson) -> Result<BTreeMap<String, String>, String> {
    let id = &lesson.manifest.id;
    let mut files = BTreeMap::new();
    files.insert(
        format!("{id}/{MANIFEST}"),
        toml::to_string(&lesson.manifest).map_err(|e| e.to_string())?,
    );
    let mut insert = |path: String, text: &str| {
        if let Some(path) = normalized(&path) {
            files.insert(path, text.to_owned());
        }
    };
    insert(format!("{id}/{}", lesson.manifest.database.seed), &lesson.seed);
    let migrations = lesson
        .chain
        .iter()
        .chain([&lesson.modify, &lesson.make])
        .chain(&lesson.refuse)
        .chain(&lesson.modify_drafts)
        .chain(&lesson.make_drafts);
    for migration in migrations {
        match &migration.source {
            MigrationSource::Alembic { file, text } => insert(format!("{id}/{file}"), text),
            MigrationSource::Sql { up_file, up, down_file, down } => {
                insert(format!("{id}/{up_file}"), up);
                insert(format!("{id}/{down_file}"), down);
            }
        }
    }
    Ok(files)
}

/// A path inside the lessons folder with `.` and `..` resolved, as the file system resolves a lesson's
/// `seed = "../datasets/reconciler.sql"`; `None` when it leaves the folder.
fn normalized(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::lesson::scaffold;

    #[test]
    fn scaffold_loads_ok() {
        let lessons = load_files(&scaffold("t"));
        assert_eq!(lessons.len(), 1);
        assert!(lessons[0].lesson.is_some(), "{:?}", lessons[0].diagnostics);
        assert_eq!(lessons[0].diagnostics, Vec::new());
    }

    #[test]
    fn error_has_its_position_err() {
        let mut files = scaffold("t");
        let manifest = files["t/lesson.toml"].replace("minutes = 20", "minutes = \"twenty\"");
        files.insert("t/lesson.toml".into(), manifest);
        let lessons = load_files(&files);
        assert!(lessons[0].lesson.is_none());
        let first = &lessons[0].diagnostics[0];
        assert_eq!(first.file, "t/lesson.toml");
        let line = 1 + files["t/lesson.toml"]
            .lines()
            .position(|l| l.starts_with("minutes"))
            .expect("line");
        assert_eq!(first.diagnostic.at.map(|at| at.line as usize), Some(line), "{first:?}");
    }

    #[test]
    fn folder_not_id_err() {
        // Diagnostics about the lesson's files land under the folder they are in, and the mismatch is `miglab check`'s error.
        let files: BTreeMap<String, String> = scaffold("t")
            .into_iter()
            .map(|(path, text)| (path.replacen("t/", "u/", 1), text))
            .filter(|(path, _)| !path.ends_with("seed.sql"))
            .collect();
        let lessons = load_files(&files);
        assert_eq!(lessons[0].folder, "u");
        assert!(lessons[0].lesson.is_none());
        assert!(lessons[0].diagnostics.iter().all(|d| d.file.starts_with("u/")));
        let codes: Vec<&str> =
            lessons[0].diagnostics.iter().map(|d| d.diagnostic.code.as_str()).collect();
        assert!(
            codes.contains(&"lesson-id-not-folder") && codes.contains(&"lesson-missing-file"),
            "{codes:?}"
        );
    }

    #[test]
    fn pack_round_trip_ok() {
        let mut files = scaffold("t");
        files.extend(scaffold("u"));
        let (text, report) = pack_files("two", &files);
        let text = text.unwrap_or_else(|| panic!("{report:?}"));
        assert!(
            report.last().is_some_and(|l| l.contains("2 lessons, 0 unavailable")),
            "{report:?}"
        );
        let (back, messages) = unpack(&text);
        assert_eq!(messages, Vec::<String>::new());
        let lessons = load_files(&back);
        assert_eq!(lessons.len(), 2);
        for (lesson, id) in lessons.iter().zip(["t", "u"]) {
            assert_eq!(lesson.diagnostics, Vec::new(), "{id}");
            let original = load_files(&scaffold(id)).remove(0).lesson.expect("loads");
            assert_eq!(lesson.lesson.as_deref(), Some(&*original), "{id}");
        }
        // Every source file comes back as it was written.
        for (path, text) in scaffold("t").iter().filter(|(p, _)| !p.ends_with(MANIFEST)) {
            assert_eq!(back.get(path), Some(text), "{path}");
        }
    }

    #[test]
    fn shared_seed_ok() {
        // A seed outside the lesson's folder, as the course's lessons share `datasets/reconciler.sql`.
        let mut files = scaffold("t");
        let seed = files.remove("t/seed.sql").expect("seed");
        files.insert("datasets/tasks.sql".into(), seed);
        let manifest = files["t/lesson.toml"]
            .replace(r#"seed = "seed.sql""#, r#"seed = "../datasets/tasks.sql""#);
        files.insert("t/lesson.toml".into(), manifest);
        let lessons = load_files(&files);
        assert_eq!(lessons[0].diagnostics, Vec::new());
        let (text, report) = pack_files("t", &files);
        let (back, _) = unpack(&text.unwrap_or_else(|| panic!("{report:?}")));
        assert!(back.contains_key("datasets/tasks.sql"), "{:?}", back.keys());
        assert_eq!(normalized("t/../../x"), None);
    }

    #[test]
    fn broken_pack_err() {
        let (files, messages) = unpack("{\"miglab_pack\": 1}");
        assert!(files.is_empty());
        assert!(messages[0].contains("Field `id`"), "{messages:?}");
    }

    #[test]
    fn bad_pack_id_err() {
        let (text, messages) = pack_files("Two Words", &scaffold("t"));
        assert!(text.is_none());
        assert!(messages[0].contains("not a valid pack id"), "{messages:?}");
    }
}
