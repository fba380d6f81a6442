//! Fetches `lessons/course.toml` and every lesson's files, and loads them with the core's two-phase lesson loader,
//! which runs in the analyzer module (`analyzer_link`).
//!
//! A lesson that fails to fetch or load becomes `CourseEntry::Unavailable` with the checker's message;
//! the other lessons still load.

use crate::analyzer_link;
use crate::lesson_view::{CourseEntry, LessonView};
use gloo::net::http::Request;
use miglab_core::lesson::{self, Course, FileDiagnostic, LessonManifest};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Where the lessons folder is served, relative to the page.
const ROOT: &str = "lessons";

async fn fetch(path: &str) -> Result<String, String> {
    let response = Request::get(&format!("{ROOT}/{path}")).send().await.map_err(|e| format!("`{path}` could not be fetched: {e}"))?;
    if !response.ok() {
        return Err(format!("`{path}` could not be fetched: HTTP {}", response.status()));
    }
    response.text().await.map_err(|e| format!("`{path}` could not be read: {e}"))
}

fn rendered(diagnostics: &[FileDiagnostic]) -> String {
    diagnostics.iter().filter(|d| d.is_error()).map(FileDiagnostic::render).collect::<Vec<_>>().join("\n")
}

/// The course and its lessons in course order, or why the course itself could not load.
pub async fn load_course() -> Result<(Course, Vec<CourseEntry>), String> {
    let text = fetch(lesson::COURSE).await?;
    let (course, diagnostics) = analyzer_link::course(text).await?;
    let course = course.filter(|_| !diagnostics.iter().any(FileDiagnostic::is_error)).ok_or_else(|| rendered(&diagnostics))?;
    let mut entries = Vec::new();
    for id in &course.lessons {
        entries.push(match load_lesson(id).await {
            Ok(lesson) => CourseEntry::Ready(Rc::new(lesson)),
            Err(message) => CourseEntry::Unavailable { id: id.clone(), message },
        });
    }
    Ok((course, entries))
}

async fn load_lesson(id: &str) -> Result<LessonView, String> {
    let path = format!("{id}/{}", lesson::MANIFEST);
    let text = fetch(&path).await?;
    let (manifest, diagnostics) = analyzer_link::manifest(path, text.clone()).await?;
    let manifest = manifest.filter(|_| !diagnostics.iter().any(FileDiagnostic::is_error)).ok_or_else(|| rendered(&diagnostics))?;
    let mut files = BTreeMap::new();
    for file in manifest.files() {
        // A missing file is reported by `load` with the field that names it.
        if let Ok(text) = fetch(&format!("{id}/{file}")).await {
            files.insert(file, text);
        }
    }
    assemble(manifest, text, files).await
}

/// The second phase of the core's loader on what was fetched. `lesson.toml` itself goes into the files map,
/// as `miglab check` passes it, so a mistake in the manifest gets its file:line:col in the catalog's message.
async fn assemble(manifest: LessonManifest, text: String, mut files: BTreeMap<String, String>) -> Result<LessonView, String> {
    files.insert(lesson::MANIFEST.to_owned(), text);
    let (loaded, diagnostics) = analyzer_link::lesson(manifest, files).await?;
    loaded.filter(|_| !diagnostics.iter().any(FileDiagnostic::is_error)).map(LessonView::new).ok_or_else(|| rendered(&diagnostics))
}

#[cfg(test)]
mod test {
    use super::*;

    /// The scaffolded lesson `t` with `edit` applied to its lesson.toml, through both loader phases.
    fn load_scaffold(edit: impl Fn(String) -> String) -> Result<LessonView, String> {
        let mut files: BTreeMap<String, String> = lesson::scaffold("t").into_iter().map(|(k, v)| (k.trim_start_matches("t/").to_owned(), v)).collect();
        let text = edit(files.remove(lesson::MANIFEST).expect("scaffold has a manifest"));
        let (manifest, diagnostics) = lesson::parse_manifest("t/lesson.toml", &text);
        assert!(!diagnostics.iter().any(FileDiagnostic::is_error), "{diagnostics:?}");
        crate::lab::test::block_on(assemble(manifest.expect("manifest"), text, files))
    }

    #[test]
    fn scaffold_loads_ok() {
        assert!(load_scaffold(|text| text).is_ok());
    }

    #[test]
    fn manifest_error_has_line_err() {
        // Only the second phase finds this one: the seed file the manifest names was not fetched.
        let message = load_scaffold(|text| text.replace(r#"seed = "seed.sql""#, r#"seed = "sead.sql""#)).expect_err("a missing seed does not load");
        let line = 1 + lesson::scaffold("t")["t/lesson.toml"].lines().position(|l| l.starts_with("seed = ")).expect("seed line");
        assert!(message.starts_with(&format!("t/lesson.toml:{line}:")), "{message}");
        assert!(message.contains("field `database.seed`") && message.contains("`sead.sql`"), "{message}");
    }
}
