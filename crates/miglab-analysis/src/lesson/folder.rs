//! One lesson folder through both loading phases, for every caller that reads the lessons folder by path.

use super::{load, parse_manifest, FileDiagnostic, Lesson, LessonManifest, MANIFEST};
use std::collections::BTreeMap;

/// One lesson folder, read: the manifest's text, the manifest and the lesson when they parsed, and every diagnostic.
pub struct LessonFolder {
    /// The `lesson.toml` text, for positions in later diagnostics.
    pub text: String,
    /// The parsed manifest, even when it has errors, so the catalog checks still see its prerequisites.
    pub manifest: Option<LessonManifest>,
    pub lesson: Option<Lesson>,
    pub diagnostics: Vec<FileDiagnostic>,
}

/// Loads the lesson `id` from `read`, which returns a file by its path inside the lessons folder
/// (`confidence_score/lesson.toml`, …) or `None` when there is no such file.
/// `None` when `{id}/lesson.toml` cannot be read; each caller says so in its own way.
pub fn load_folder(id: &str, read: &dyn Fn(&str) -> Option<String>) -> Option<LessonFolder> {
    let path = format!("{id}/{MANIFEST}");
    let text = read(&path)?;
    let (manifest, mut diagnostics) = parse_manifest(&path, &text);
    let Some(manifest) = manifest else {
        return Some(LessonFolder { text, manifest: None, lesson: None, diagnostics });
    };
    // A missing file is reported by `load` with the field that names it. `lesson.toml` itself goes in too,
    // so a mistake in the manifest gets its file:line:col.
    let mut files: BTreeMap<String, String> = manifest
        .files()
        .into_iter()
        .filter_map(|file| Some((file.clone(), read(&format!("{id}/{file}"))?)))
        .collect();
    files.insert(MANIFEST.to_owned(), text.clone());
    let (lesson, found) = load(&manifest, &files);
    diagnostics.extend(found);
    Some(LessonFolder { text, manifest: Some(manifest), lesson, diagnostics })
}
