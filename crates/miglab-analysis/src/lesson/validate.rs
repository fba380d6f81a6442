//! Static checks that need no engine: format version, ids, answer-key shapes, file paths, and the catalog's prerequisites.

use super::file_diagnostic::FileDiagnostic;
use super::spans::Located;
use super::Course;
use super::LessonManifest;
use miglab_model::lesson::checks;
use std::collections::BTreeMap;

pub use checks::questions;

/// Everything in one manifest that can be checked without reading other files, at its TOML positions.
pub fn check_manifest(
    located: &Located<'_>,
    manifest: &LessonManifest,
    folder: Option<&str>,
) -> Vec<FileDiagnostic> {
    let mut out: Vec<FileDiagnostic> =
        checks::manifest(manifest).iter().map(|problem| located.problem(problem)).collect();
    if let Some(folder) = folder.filter(|folder| *folder != manifest.id) {
        // After the format and id problems, where `miglab check` has always said it.
        let at = out
            .iter()
            .position(|d| !matches!(d.field.as_deref(), Some("format" | "id")))
            .unwrap_or(out.len());
        out.insert(
            at,
            located.error(
                "id",
                "lesson-id-not-folder",
                format!("The lesson id `{}` differs from its folder name `{folder}`.", manifest.id),
                format!("Set `id = \"{folder}\"` or rename the folder."),
            ),
        );
    }
    out
}

/// Cross-lesson checks: the course names existing lessons, prerequisites exist,
/// come earlier in the path and form no cycle. `lessons` maps each folder to its manifest and its text.
pub fn check_catalog(
    course: &Course,
    course_text: &str,
    lessons: &BTreeMap<String, (LessonManifest, String)>,
) -> Vec<FileDiagnostic> {
    let located = Located::new(super::COURSE, course_text);
    let mut out = Vec::new();
    for (i, id) in course.lessons.iter().enumerate() {
        if !lessons.contains_key(id) {
            out.push(located.error(&format!("lessons[{i}]"), "lesson-missing", format!("The course lists `{id}`, but `{id}/lesson.toml` is missing or does not parse."), format!("Create it with `miglab new {id}`, fix the errors reported for it, or remove it from the course.")));
        }
    }
    for (folder, (manifest, text)) in lessons {
        let file = format!("{folder}/{}", super::MANIFEST);
        let at = Located::new(&file, text);
        let position = course.lessons.iter().position(|id| id == folder);
        if position.is_none() {
            let mut warning = at.error(
                "id",
                "lesson-not-in-course",
                format!(
                    "The lesson `{folder}` is not in the course path, so students never see it."
                ),
                format!("Add \"{folder}\" to `lessons` in course.toml."),
            );
            warning.diagnostic.severity = crate::diagnostic::Severity::Warning;
            out.push(warning);
        }
        for (i, prerequisite) in manifest.prerequisites.iter().enumerate() {
            let field = format!("prerequisites[{i}]");
            let before = course.lessons.iter().position(|id| id == prerequisite);
            if !lessons.contains_key(prerequisite) {
                out.push(at.problem(&checks::unknown_prerequisite(&field, prerequisite)));
            } else if matches!((before, position), (Some(before), Some(position)) if before >= position)
            {
                out.push(at.problem(&checks::prerequisite_order(&field, prerequisite, folder)));
            }
        }
    }
    out.extend(check_acyclic(lessons));
    out
}

/// Each cycle of prerequisites once, at its first lesson.
fn check_acyclic(lessons: &BTreeMap<String, (LessonManifest, String)>) -> Vec<FileDiagnostic> {
    let required: BTreeMap<String, Vec<String>> = lessons
        .iter()
        .map(|(id, (manifest, _))| (id.clone(), manifest.prerequisites.clone()))
        .collect();
    checks::cycles(&required)
        .into_iter()
        .map(|(start, problem)| {
            let text = lessons.get(&start).map_or("", |(_, text)| text.as_str());
            let file = format!("{start}/{}", super::MANIFEST);
            Located::new(&file, text).problem(&problem)
        })
        .collect()
}
