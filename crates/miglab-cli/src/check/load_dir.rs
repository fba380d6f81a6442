//! Reading a lessons folder from disk through the analysis's two-phase loader, as `lesson::bundle` does when it builds the browser's `course.json`.

use miglab_analysis::diagnostic::Diagnostic;
use miglab_analysis::lesson::{self, FileDiagnostic, Lesson};
use std::collections::BTreeMap;
use std::path::Path;

/// One lesson folder: the lesson when it loaded, and every diagnostic found on the way.
pub struct LessonResult {
    pub id: String,
    /// The lesson.toml text, for positions in later diagnostics.
    pub text: String,
    pub lesson: Option<Lesson>,
    pub diagnostics: Vec<FileDiagnostic>,
}

impl LessonResult {
    pub fn failed(&self) -> bool {
        self.lesson.is_none() || self.diagnostics.iter().any(FileDiagnostic::is_error)
    }
}

pub struct Loaded {
    pub lessons: Vec<LessonResult>,
    /// Course-level diagnostics: course.toml itself, missing lessons, prerequisites.
    pub catalog: Vec<FileDiagnostic>,
}

/// Loads the course and every lesson folder it lists, plus folders it forgot (reported as warnings).
pub fn load_dir(dir: &Path) -> Loaded {
    let mut catalog = Vec::new();
    let course_text = read(dir, lesson::COURSE);
    let course = match &course_text {
        Some(text) => {
            let (course, diagnostics) = lesson::parse_course(text);
            catalog.extend(diagnostics);
            course
        }
        None => {
            let diagnostic = Diagnostic::error(
                "lesson-missing-file",
                format!("There is no {} in {}.", lesson::COURSE, dir.display()),
            )
            .with_help("Create it with `format = 1`, a `title` and the ordered `lessons` list.");
            catalog.push(FileDiagnostic::new(lesson::COURSE, None, diagnostic));
            None
        }
    };
    let mut ids: Vec<String> = course.as_ref().map(|c| c.lessons.clone()).unwrap_or_default();
    for folder in folders_with_manifest(dir) {
        if !ids.contains(&folder) {
            ids.push(folder);
        }
    }
    let mut manifests = BTreeMap::new();
    let lessons = ids
        .into_iter()
        .filter(|id| dir.join(id).join(lesson::MANIFEST).is_file())
        .filter_map(|id| {
            // The file is there, so only text that is not UTF-8 fails to read; it is parsed as empty and reported.
            let manifest = format!("{id}/{}", lesson::MANIFEST);
            let folder = lesson::load_folder(&id, &|path| {
                read(dir, path).or_else(|| (path == manifest).then(String::new))
            })?;
            if let Some(manifest) = folder.manifest {
                manifests.insert(id.clone(), (manifest, folder.text.clone()));
            }
            Some(LessonResult {
                id,
                text: folder.text,
                lesson: folder.lesson,
                diagnostics: folder.diagnostics,
            })
        })
        .collect();
    if let (Some(course), Some(text)) = (&course, &course_text) {
        catalog.extend(lesson::check_catalog(course, text, &manifests));
    }
    Loaded { lessons, catalog }
}

fn read(dir: &Path, relative: &str) -> Option<String> {
    std::fs::read_to_string(dir.join(relative)).ok()
}

fn folders_with_manifest(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut folders: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join(lesson::MANIFEST).is_file())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect();
    folders.sort();
    folders
}
