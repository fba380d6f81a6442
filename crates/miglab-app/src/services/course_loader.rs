//! Fetches `course.json`, the course loaded and checked at build time (`miglab_analysis::lesson::bundle`,
//! written by Trunk's pre-build hook), and turns it into the catalog's entries.
//!
//! Loading lessons needs the SQL and Python parsers, which only the analyzer module links; done at build
//! time, the catalog opens without it. A lesson that did not load is `CourseEntry::Unavailable` with
//! the checker's messages, and the other lessons still work.

use crate::state::lesson_model::CourseEntry;
use gloo::net::http::Request;
use miglab_model::lesson::{Course, CourseBundle};

/// Where the bundle is served, relative to the page, stamped with its content's hash (see build.rs).
const BUNDLE: &str = concat!("course.json?v=", env!("MIGLAB_COURSE_STAMP"));

/// The course and its lessons in course order, or why the course itself could not load.
pub async fn load_course() -> Result<(Course, Vec<CourseEntry>), String> {
    let response = Request::get(BUNDLE)
        .send()
        .await
        .map_err(|e| format!("`{BUNDLE}` could not be fetched: {e}"))?;
    if !response.ok() {
        return Err(format!("`{BUNDLE}` could not be fetched: HTTP {}", response.status()));
    }
    let text = response.text().await.map_err(|e| format!("`{BUNDLE}` could not be read: {e}"))?;
    entries(&text)
}

fn entries(text: &str) -> Result<(Course, Vec<CourseEntry>), String> {
    match serde_json::from_str(text).map_err(|e| format!("`{BUNDLE}` is not a course this app can read ({e}); rebuild the site so app and course match."))? {
        CourseBundle::Failed { message } => Err(message),
        CourseBundle::Course { course, lessons } => {
            Ok((course, lessons.into_iter().map(|l| CourseEntry::from_bundled(l, "")).collect()))
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use miglab_analysis::lesson;

    fn bundle_of(edit: impl Fn(String) -> String) -> String {
        let mut files = lesson::scaffold("t");
        files.insert("course.toml".into(), "format = 1\ntitle = \"T\"\nlessons = [\"t\"]\n".into());
        let manifest = files.get("t/lesson.toml").cloned().unwrap_or_default();
        files.insert("t/lesson.toml".into(), edit(manifest));
        serde_json::to_string(&lesson::bundle(&|path| files.get(path).cloned())).expect("bundle")
    }

    #[test]
    fn scaffold_loads_ok() {
        let (_, entries) = entries(&bundle_of(|text| text)).expect("course");
        assert!(matches!(entries.as_slice(), [CourseEntry::Ready(_)]));
    }

    #[test]
    fn broken_lesson_is_listed_err() {
        let (_, entries) = entries(&bundle_of(|text| {
            text.replace(r#"seed = "seed.sql""#, r#"seed = "sead.sql""#)
        }))
        .expect("course");
        let [CourseEntry::Unavailable { id, message }] = entries.as_slice() else {
            panic!("unavailable")
        };
        assert_eq!(id, "t");
        assert!(
            message.starts_with("t/lesson.toml:") && message.contains("`sead.sql`"),
            "{message}"
        );
    }

    #[test]
    fn stale_bundle_err() {
        let Err(message) = entries(r#"{"loaded":"something_else"}"#) else { panic!("read") };
        assert!(message.contains("rebuild the site"), "{message}");
    }
}
