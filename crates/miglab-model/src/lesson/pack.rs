//! A lesson pack: a course as one versioned, self-contained file (`miglab pack`), and its reader for untrusted input.
//!
//! A pack is the `CourseBundle` the site builds, with a pack format version, an id and the SHA-256 of the bundle's
//! canonical JSON. The page opens packs from other origins, so the reader trusts nothing: it refuses a file over
//! [`LIMIT`], one that is not JSON, another format version, or content that does not match its hash, and then
//! checks every lesson with the same checks (and sentences) as `miglab check`, so a broken lesson is listed with
//! its message while the others open. It needs no parser: the bundle already holds parsed migrations.

use super::bundle::{BundledLesson, CourseBundle};
use super::checks::{self, Problem};
use super::{Course, Lesson, MigrationSource, MANIFEST};
use crate::migration::Direction;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The pack format this build writes and reads; bumped whenever a pack's shape changes.
pub const PACK_FORMAT: u32 = 1;

/// The largest pack the reader takes, in bytes: 4 MiB.
/// The nine-lesson course is about 0.3 MB, so this leaves room for a course several times its size (seeds included),
/// while bounding what a hostile or mistaken URL can make the page hold and parse (the JSON tree takes several
/// times the file's size in memory, on the page's only thread).
pub const LIMIT: usize = 4 * 1024 * 1024;

/// The most lessons a pack may hold; the catalog checks walk prerequisites recursively, one frame per lesson.
pub const MAX_LESSONS: usize = 200;

/// A pack that opened: its id and hash (which name its saved progress), the course, and every lesson in course
/// order, loaded or listed with its messages.
#[derive(Clone, Debug, PartialEq)]
pub struct Pack {
    pub id: String,
    pub sha256: String,
    pub course: Course,
    pub lessons: Vec<BundledLesson>,
}

/// Why a pack did not open at all; each `Display` is a full sentence saying what and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PackError {
    TooBig {
        bytes: usize,
    },
    NotJson {
        line: usize,
        column: usize,
        message: String,
    },
    NotAPack,
    Version {
        found: String,
    },
    /// A field of the pack's envelope or course is missing or of the wrong shape.
    Field {
        field: String,
        message: String,
    },
    Altered {
        stated: String,
        actual: String,
    },
    /// `miglab pack` wrote a course that did not load; its messages.
    CourseFailed(String),
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackError::TooBig { bytes } => write!(f, "The file is {bytes} bytes, over the {LIMIT}-byte limit for a lesson pack."),
            PackError::NotJson { line, column, message } => write!(f, "The file is not JSON: at line {line}, column {column}: {message}."),
            PackError::NotAPack => f.write_str("The file is JSON but not a lesson pack: it has no `miglab_pack` field; make one with `miglab pack LESSONS -o FILE`."),
            PackError::Version { found } => write!(f, "The pack is format {found} (field `miglab_pack`), and this page reads pack format {PACK_FORMAT}; build it again with this version of `miglab pack`."),
            PackError::Field { field, message } => {
                write!(f, "Field `{field}` of the pack: {}.", message.trim_end_matches('.'))
            }
            PackError::Altered { stated, actual } => write!(f, "The pack was altered after `miglab pack` wrote it: field `sha256` says {stated}, but the content hashes to {actual}. Build it again, or fetch an unaltered copy."),
            PackError::CourseFailed(message) => write!(f, "The pack's course did not load when it was built:\n{message}"),
        }
    }
}

/// The pack file for `bundle`, as `miglab pack` writes it.
pub fn write(id: &str, bundle: &CourseBundle) -> Result<String, String> {
    let bundle = serde_json::to_value(bundle).map_err(|e| e.to_string())?;
    let mut pack = Map::new();
    pack.insert("miglab_pack".into(), PACK_FORMAT.into());
    pack.insert("id".into(), id.into());
    pack.insert("sha256".into(), sha256(&bundle).into());
    pack.insert("bundle".into(), bundle);
    serde_json::to_string(&Value::Object(pack)).map_err(|e| e.to_string())
}

/// The SHA-256 of `bundle`'s canonical JSON, in lowercase hex.
pub fn sha256(bundle: &Value) -> String {
    let mut text = String::new();
    canonical(bundle, &mut text);
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Compact JSON with every object's keys sorted, whatever order serde_json's build keeps them in (its
/// `preserve_order` feature is workspace-wide), so the writer and every reader hash the same text.
/// serde_json refuses nesting deeper than 128 while parsing, so this recursion is bounded.
fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::from(key.as_str()).to_string());
                out.push(':');
                if let Some(value) = map.get(key) {
                    canonical(value, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Reads an untrusted pack; never panics.
pub fn read(bytes: &[u8]) -> Result<Pack, PackError> {
    if bytes.len() > LIMIT {
        return Err(PackError::TooBig { bytes: bytes.len() });
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| PackError::NotJson {
        line: e.line(),
        column: e.column(),
        message: without_position(&e.to_string()),
    })?;
    let Value::Object(mut envelope) = value else { return Err(PackError::NotAPack) };
    let format = envelope.remove("miglab_pack").ok_or(PackError::NotAPack)?;
    if format.as_u64() != Some(u64::from(PACK_FORMAT)) {
        return Err(PackError::Version { found: format.to_string() });
    }
    let id = string(&envelope, "id")?;
    if let Some(problem) = checks::id("id", &id) {
        return Err(PackError::Field { field: problem.field, message: problem.message });
    }
    let stated = string(&envelope, "sha256")?;
    let bundle = envelope.remove("bundle").ok_or_else(|| missing("bundle"))?;
    let actual = sha256(&bundle);
    if stated != actual {
        return Err(PackError::Altered { stated, actual });
    }
    let Value::Object(mut bundle) = bundle else {
        return Err(field("bundle", "it is not an object"));
    };
    match bundle.get("loaded").and_then(Value::as_str) {
        Some("course") => {}
        Some("failed") => {
            let message = bundle.get("message").and_then(Value::as_str).unwrap_or_default();
            return Err(PackError::CourseFailed(message.to_owned()));
        }
        _ => return Err(field("bundle.loaded", "it is neither \"course\" nor \"failed\"")),
    }
    let course: Course = serde_json::from_value(bundle.remove("course").unwrap_or(Value::Null))
        .map_err(|e| field("bundle.course", &e.to_string()))?;
    if let Some(problem) = checks::course(&course).first() {
        return Err(field(&format!("bundle.course.{}", problem.field), &problem.message));
    }
    let Some(Value::Array(entries)) = bundle.remove("lessons") else {
        return Err(field("bundle.lessons", "it is not a list"));
    };
    if entries.len() > MAX_LESSONS || course.lessons.len() > MAX_LESSONS {
        return Err(field(
            "bundle.lessons",
            &format!("the pack holds more than {MAX_LESSONS} lessons"),
        ));
    }
    let lessons = lessons(&course, entries);
    Ok(Pack { id, sha256: actual, course, lessons })
}

/// serde_json's message without its own "at line … column …", which the caller says in words.
fn without_position(message: &str) -> String {
    message.split(" at line ").next().unwrap_or(message).to_owned()
}

fn string(envelope: &Map<String, Value>, name: &str) -> Result<String, PackError> {
    match envelope.get(name) {
        Some(Value::String(text)) => Ok(text.clone()),
        Some(_) => Err(field(name, "it is not a string")),
        None => Err(missing(name)),
    }
}

fn missing(name: &str) -> PackError {
    field(name, "it is missing")
}

fn field(name: &str, message: &str) -> PackError {
    PackError::Field { field: name.to_owned(), message: message.to_owned() }
}

/// Each course lesson from its entry, checked; a lesson whose entry is missing, does not read or fails a check is
/// listed with its messages.
fn lessons(course: &Course, entries: Vec<Value>) -> Vec<BundledLesson> {
    let mut by_id: BTreeMap<String, Result<BundledLesson, String>> = BTreeMap::new();
    for (i, entry) in entries.into_iter().enumerate() {
        let Some(id) = entry.get("id").and_then(Value::as_str).map(str::to_owned) else {
            continue;
        };
        let read = serde_json::from_value::<BundledLesson>(entry).map_err(|e| {
            format!("{id}/{MANIFEST}: field `bundle.lessons[{i}]` of the pack does not read: {e}.")
        });
        by_id.entry(id).or_insert(read);
    }
    let mut out: Vec<BundledLesson> = course
        .lessons
        .iter()
        .map(|id| match by_id.remove(id) {
            Some(Ok(bundled)) => checked(bundled),
            Some(Err(message)) => {
                BundledLesson { id: id.clone(), lesson: None, messages: vec![message] }
            }
            None => BundledLesson {
                id: id.clone(),
                lesson: None,
                messages: vec![format!(
                    "{id}/{MANIFEST}: the course lists `{id}`, but the pack holds no such lesson."
                )],
            },
        })
        .collect();
    catalog(course, &mut out);
    out
}

/// One lesson through the model's checks; any problem makes it unavailable with every message.
fn checked(bundled: BundledLesson) -> BundledLesson {
    let BundledLesson { id, lesson, mut messages } = bundled;
    let Some(lesson) = lesson else {
        if messages.is_empty() {
            messages.push(format!(
                "{id}/{MANIFEST}: the pack lists the lesson as not loaded but says why not."
            ));
        }
        return BundledLesson { id, lesson: None, messages };
    };
    let problems = problems(&id, &lesson);
    if problems.is_empty() {
        return BundledLesson { id, lesson: Some(lesson), messages };
    }
    messages.extend(problems);
    BundledLesson { id, lesson: None, messages }
}

/// Every problem the model can find in a loaded lesson, rendered as `miglab check` renders it (without a position).
fn problems(id: &str, lesson: &Lesson) -> Vec<String> {
    let manifest_file = format!("{id}/{MANIFEST}");
    let mut out: Vec<String> = Vec::new();
    if lesson.manifest.id != id {
        out.push(
            Problem::new(
                "id",
                "lesson-id-not-folder",
                format!(
                    "The lesson id `{}` differs from its folder name `{id}`.",
                    lesson.manifest.id
                ),
                format!("Set `id = \"{id}\"` or rename the folder."),
            )
            .render(&manifest_file),
        );
    }
    out.extend(checks::manifest(&lesson.manifest).iter().map(|p| p.render(&manifest_file)));
    out.extend(
        checks::revisions(lesson)
            .iter()
            .map(|(migration, p)| p.render(&format!("{id}/{}", migration.file()))),
    );
    out.extend(checks::commands(lesson).iter().map(|p| p.render(&manifest_file)));
    out.extend(checks::draft_lines(lesson).iter().map(|p| p.render(&manifest_file)));
    out.extend(spans(id, lesson));
    out
}

/// Every step's span lies inside the text it points into, so the page can mark the lines a failure is on.
fn spans(id: &str, lesson: &Lesson) -> Vec<String> {
    let mut out = Vec::new();
    for migration in lesson.revisions() {
        for direction in [Direction::Upgrade, Direction::Downgrade] {
            let text = match (&migration.source, direction) {
                (MigrationSource::Alembic { text, .. }, _) => text,
                (MigrationSource::Sql { up, .. }, Direction::Upgrade) => up,
                (MigrationSource::Sql { down, .. }, Direction::Downgrade) => down,
            };
            let steps = migration.migration.steps(direction);
            let outside = steps.iter().enumerate().find(|(_, step)| {
                step.span.is_some_and(|span| {
                    span.start > span.end
                        || !text.is_char_boundary(span.start)
                        || !text.is_char_boundary(span.end)
                })
            });
            if let Some((i, _)) = outside {
                let which = if direction == Direction::Upgrade { "upgrade" } else { "downgrade" };
                out.push(
                    Problem::new(
                        &format!("{which}[{i}].span"),
                        "pack-bad-span",
                        format!(
                            "Step {} of the {which} of revision `{}` points outside its file.",
                            i + 1,
                            migration.id()
                        ),
                        "Build the pack again with `miglab pack`; a pack is never edited by hand.",
                    )
                    .render(&format!("{id}/{}", migration.file())),
                );
            }
        }
    }
    out
}

/// The catalog checks `miglab check` runs across lessons: each prerequisite is a lesson of the course, comes earlier
/// in the path, and the prerequisites form no cycle. A lesson that fails one becomes unavailable, as in the bundle.
fn catalog(course: &Course, lessons: &mut [BundledLesson]) {
    let known: BTreeSet<&str> = course.lessons.iter().map(String::as_str).collect();
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut required: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (position, bundled) in lessons.iter().enumerate() {
        let Some(lesson) = &bundled.lesson else { continue };
        let file = format!("{}/{MANIFEST}", bundled.id);
        required.insert(bundled.id.clone(), lesson.manifest.prerequisites.clone());
        for (i, prerequisite) in lesson.manifest.prerequisites.iter().enumerate() {
            let field = format!("prerequisites[{i}]");
            let before = course.lessons.iter().position(|id| id == prerequisite);
            let problem = if !known.contains(prerequisite.as_str()) {
                Some(checks::unknown_prerequisite(&field, prerequisite))
            } else if before.is_some_and(|before| before >= position) {
                Some(checks::prerequisite_order(&field, prerequisite, &bundled.id))
            } else {
                None
            };
            if let Some(problem) = problem {
                found.entry(bundled.id.clone()).or_default().push(problem.render(&file));
            }
        }
    }
    for (start, problem) in checks::cycles(&required) {
        found
            .entry(start.clone())
            .or_default()
            .push(problem.render(&format!("{start}/{MANIFEST}")));
    }
    for bundled in lessons.iter_mut() {
        if let Some(messages) = found.remove(&bundled.id) {
            bundled.lesson = None;
            bundled.messages.extend(messages);
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use proptest::prelude::*;

    fn empty_course() -> CourseBundle {
        let course =
            Course { format: 1, title: "T".into(), summary: String::new(), lessons: vec![] };
        CourseBundle::Course { course, lessons: vec![] }
    }

    fn check(bytes: &str) -> String {
        match read(bytes.as_bytes()) {
            Ok(pack) => format!("ok {} {:?}", pack.id, pack.lessons),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn round_trip_ok() {
        let text = write("p", &empty_course()).expect("write");
        let pack = read(text.as_bytes()).expect("read");
        assert_eq!((pack.id.as_str(), pack.course.title.as_str()), ("p", "T"));
        assert_eq!(pack.sha256.len(), 64);
    }

    /// The hash is over the content, not the layout: the same pack pretty-printed still opens.
    #[test]
    fn layout_is_not_content_ok() {
        let text = write("p", &empty_course()).expect("write");
        let value: Value = serde_json::from_str(&text).expect("json");
        let pretty = serde_json::to_string_pretty(&value).expect("pretty");
        assert!(read(pretty.as_bytes()).is_ok());
    }

    #[test]
    fn refused_err() {
        let good = write("p", &empty_course()).expect("write");
        insta::assert_snapshot!(check("{\"miglab_pack\": 1,\n \"id\": }"), @"The file is not JSON: at line 2, column 8: expected value.");
        insta::assert_snapshot!(check("[1, 2]"), @"The file is JSON but not a lesson pack: it has no `miglab_pack` field; make one with `miglab pack LESSONS -o FILE`.");
        insta::assert_snapshot!(check(&good.replace("\"miglab_pack\":1", "\"miglab_pack\":2")), @"The pack is format 2 (field `miglab_pack`), and this page reads pack format 1; build it again with this version of `miglab pack`.");
        insta::assert_snapshot!(check(&good.replace("\"id\":\"p\"", "\"id\":\"P Q\"")), @"Field `id` of the pack: `P Q` is not a valid id: ids start with a lowercase letter and hold only a-z, 0-9, `_` and `-`.");
        let altered = check(&good.replace("\"title\":\"T\"", "\"title\":\"U\""));
        assert!(
            altered.starts_with(
                "The pack was altered after `miglab pack` wrote it: field `sha256` says "
            ),
            "{altered}"
        );
        let big = " ".repeat(LIMIT + 1);
        insta::assert_snapshot!(check(&big), @"The file is 4194305 bytes, over the 4194304-byte limit for a lesson pack.");
    }

    /// A pack whose hash is right but whose course lists a lesson it lacks, or holds one that does not read:
    /// each is listed with its message.
    #[test]
    fn broken_lessons_listed_err() {
        let course = Course {
            format: 1,
            title: "T".into(),
            summary: String::new(),
            lessons: vec!["gone".into(), "odd".into()],
        };
        let mut bundle =
            serde_json::to_value(CourseBundle::Course { course, lessons: vec![] }).expect("value");
        bundle["lessons"] =
            serde_json::json!([{ "id": "odd", "lesson": { "manifest": 3 }, "messages": [] }]);
        let text = serde_json::json!({ "miglab_pack": 1, "id": "p", "sha256": sha256(&bundle), "bundle": bundle });
        let pack = read(text.to_string().as_bytes()).expect("read");
        let messages: Vec<&str> =
            pack.lessons.iter().flat_map(|l| l.messages.iter().map(String::as_str)).collect();
        insta::assert_debug_snapshot!(messages, @r#"
        [
            "gone/lesson.toml: the course lists `gone`, but the pack holds no such lesson.",
            "odd/lesson.toml: field `bundle.lessons[0]` of the pack does not read: invalid type: integer `3`, expected struct LessonManifest.",
        ]
        "#);
    }

    proptest! {
        /// Any bytes at all: an error or a pack, never a panic.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            let _ = read(&bytes);
        }

        /// JSON-ish text near a real envelope: never a panic.
        #[test]
        fn envelope_soup_never_panics(text in "\\{\"miglab_pack\":(1|2|\"1\"|null),\"id\":\"[a-z ]{0,3}\",\"sha256\":\"[0-9a-f]{0,4}\",\"bundle\":(\\{\\}|\\[\\]|null|\\{\"loaded\":\"(course|failed)\"\\})\\}") {
            let _ = read(text.as_bytes());
        }
    }
}
