//! Static checks that need no engine: format version, ids, answer-key shapes, file paths, and the catalog's prerequisites.

use super::file_diagnostic::FileDiagnostic;
use super::header::{check_format, check_id};
use super::spans::Located;
use super::Course;
use super::Question;
use super::{LessonManifest, MigrationRef};
use crate::grade::AnswerKey;
use std::collections::{BTreeMap, BTreeSet};

/// Datasets shared by several lessons live in this folder beside the lesson folders.
pub const DATASETS: &str = "../datasets/";

/// A referenced file must stay inside the lesson folder, or be a shared dataset in `../datasets/`.
fn check_path(located: &Located<'_>, field: &str, path: &str) -> Option<FileDiagnostic> {
    let inside = path.strip_prefix(DATASETS).unwrap_or(path);
    let escapes = inside.is_empty()
        || inside.starts_with('/')
        || inside.contains('\\')
        || inside.split('/').any(|part| part == ".." || part.is_empty());
    escapes.then(|| {
        located.error(
            field,
            "lesson-bad-path",
            format!("`{path}` is not a path inside the lesson folder or `../datasets/`."),
            "Write a relative path with `/` separators and no other `..`, e.g. `migrations/ab12cd34_add_column.py`.",
        )
    })
}

/// Everything in one manifest that can be checked without reading other files.
pub fn check_manifest(
    located: &Located<'_>,
    manifest: &LessonManifest,
    folder: Option<&str>,
) -> Vec<FileDiagnostic> {
    let mut out = Vec::new();
    out.extend(check_format(located, manifest.format));
    out.extend(check_id(located, "id", &manifest.id));
    if let Some(folder) = folder.filter(|folder| *folder != manifest.id) {
        out.push(located.error(
            "id",
            "lesson-id-not-folder",
            format!("The lesson id `{}` differs from its folder name `{folder}`.", manifest.id),
            format!("Set `id = \"{folder}\"` or rename the folder."),
        ));
    }
    for (i, prerequisite) in manifest.prerequisites.iter().enumerate() {
        out.extend(check_id(located, &format!("prerequisites[{i}]"), prerequisite));
    }
    out.extend(check_path(located, "database.seed", &manifest.database.seed));
    if manifest.migrations.is_empty() {
        out.push(located.error(
            "migrations",
            "lesson-no-migrations",
            "The lesson has no migrations.",
            "Add a `[[migrations]]` entry with `file = \"migrations/<revision>_<slug>.py\"`.",
        ));
    }
    for (i, reference) in manifest.migrations.iter().enumerate() {
        out.extend(check_reference(located, &format!("migrations[{i}]"), reference));
    }
    out.extend(check_reference(located, "modify.solution", &manifest.modify.solution));
    out.extend(check_reference(located, "make.solution", &manifest.make.solution));
    if let Some(refuse) = &manifest.make.refuse {
        out.extend(check_reference(located, "make.refuse.migration", &refuse.migration));
    }
    if manifest.run.commands.is_empty() {
        out.push(located.error(
            "run.commands",
            "lesson-empty-run",
            "The run has no commands.",
            "Add at least `\"upgrade head\"`.",
        ));
    }
    out.extend(check_ids_unique(located, manifest));
    for (field, question) in questions(manifest) {
        out.extend(check_question(located, &field, question));
    }
    for (i, prompt) in manifest.try_with_ai.iter().enumerate() {
        for (part, text) in [("title", &prompt.title), ("prompt", &prompt.prompt)] {
            if text.trim().is_empty() {
                out.push(located.error(
                    &format!("try_with_ai[{i}].{part}"),
                    "lesson-empty-prompt",
                    format!("The Try With AI prompt's `{part}` is empty."),
                    "Write it, or remove the prompt.",
                ));
            }
        }
    }
    out
}

fn check_reference(
    located: &Located<'_>,
    field: &str,
    reference: &MigrationRef,
) -> Vec<FileDiagnostic> {
    let mut out = Vec::new();
    match (&reference.file, &reference.up, &reference.down) {
        (Some(file), None, None) => out.extend(check_path(located, &format!("{field}.file"), file)),
        (None, Some(up), Some(down)) => {
            out.extend(check_path(located, &format!("{field}.up"), up));
            out.extend(check_path(located, &format!("{field}.down"), down));
        }
        _ => out.push(located.error(
            field,
            "lesson-bad-migration-ref",
            "A migration names either an Alembic `file`, or an `up` and a `down` SQL file.",
            "Write `file = \"migrations/<revision>_<slug>.py\"`, or both `up` and `down`.",
        )),
    }
    out
}

/// Every question with its field path, across the phases that have questions.
pub fn questions(manifest: &LessonManifest) -> Vec<(String, &Question)> {
    let phases = [
        ("predict", &manifest.predict.questions),
        ("investigate", &manifest.investigate.questions),
        ("modify", &manifest.modify.questions),
    ];
    phases
        .into_iter()
        .flat_map(|(phase, questions)| {
            questions.iter().enumerate().map(move |(i, q)| (format!("{phase}.questions[{i}]"), q))
        })
        .collect()
}

/// Progress is saved by id, so ids of everything a student answers are unique in the lesson.
fn check_ids_unique(located: &Located<'_>, manifest: &LessonManifest) -> Vec<FileDiagnostic> {
    let mut ids: Vec<(String, &str)> = questions(manifest)
        .into_iter()
        .map(|(field, q)| (format!("{field}.id"), q.id.as_str()))
        .collect();
    ids.extend(
        manifest
            .investigate
            .explain
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("investigate.explain[{i}].id"), p.id.as_str())),
    );
    ids.extend(
        manifest
            .investigate
            .experiments
            .iter()
            .enumerate()
            .map(|(i, e)| (format!("investigate.experiments[{i}].id"), e.id.as_str())),
    );
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (field, id) in ids {
        out.extend(check_id(located, &field, id));
        if !seen.insert(id) {
            out.push(located.error(
                &field,
                "lesson-duplicate-id",
                format!("The id `{id}` is used twice in this lesson."),
                "Give each question, prompt and experiment its own id.",
            ));
        }
    }
    out
}

/// The extra fields each answer kind needs, and a key that can be right at all.
fn check_question(located: &Located<'_>, field: &str, question: &Question) -> Vec<FileDiagnostic> {
    let mut out = Vec::new();
    let mut error = |sub: &str, message: String, help: &str| {
        out.push(located.error(&format!("{field}{sub}"), "lesson-bad-key", message, help))
    };
    let id = &question.id;
    match &question.key {
        AnswerKey::Value(_) if question.query.is_none() => {
            error("", format!("Question `{id}` asks for a value but has no `query` to read it from the engine."), "Add `query = \"SELECT … FROM … WHERE id = …\"` returning one value.");
        }
        AnswerKey::Choice(key) => {
            let options: BTreeSet<&str> = question.options.iter().map(|o| o.id.as_str()).collect();
            if question.options.len() < 2 {
                error(
                    ".options",
                    format!("Question `{id}` is multiple choice with fewer than two options."),
                    "Add `[[…options]]` entries with `id` and `text`.",
                );
            }
            if key.correct.is_empty() {
                error(
                    ".key.correct",
                    format!("Question `{id}` has no correct option."),
                    "List the id of the right option in `correct`.",
                );
            }
            for correct in key.correct.iter().filter(|c| !options.contains(c.as_str())) {
                error(
                    ".key.correct",
                    format!(
                        "Question `{id}` marks `{correct}` correct, but no option has that id."
                    ),
                    "Use an id from `options`.",
                );
            }
            if key.correct.len() > 1 && !key.multiple {
                error(".key.multiple", format!("Question `{id}` has several correct options but does not allow picking several."), "Set `multiple = true` in the key.");
            }
        }
        AnswerKey::Ordering(key) => {
            let items: BTreeSet<&str> = question.items.iter().map(|i| i.id.as_str()).collect();
            let order: BTreeSet<&str> = key.order.iter().map(String::as_str).collect();
            if items != order || order.len() != key.order.len() || items.len() < 2 {
                error(
                    ".key.order",
                    format!(
                        "Question `{id}` orders {:?}, but its items are {:?}.",
                        key.order, items
                    ),
                    "List every item id exactly once in `order`.",
                );
            }
        }
        AnswerKey::Schema(key) if key.expected.is_none() => {
            error(".key", format!("Question `{id}` asks for a schema but its key has no `expected` schema."), "Add `[[…key.expected.tables]]` with the tables as they look; `miglab check` prints the engine's.");
        }
        AnswerKey::FreeText(key) if key.model_answer.trim().is_empty() => {
            error(
                ".key.model_answer",
                format!("Question `{id}` has an empty model answer."),
                "Write the answer an instructor would accept.",
            );
        }
        _ => {}
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
                out.push(at.error(
                    &field,
                    "lesson-unknown-prerequisite",
                    format!("The prerequisite `{prerequisite}` is not a lesson."),
                    "Name a lesson folder that exists.",
                ));
            } else if matches!((before, position), (Some(before), Some(position)) if before >= position)
            {
                out.push(at.error(&field, "lesson-prerequisite-order", format!("The prerequisite `{prerequisite}` comes after `{folder}` in the course path, so the path cannot be followed in order."), "Move the prerequisite earlier in course.toml, or drop it."));
            }
        }
    }
    out.extend(check_acyclic(lessons));
    out
}

/// Depth-first search over prerequisites; each cycle is reported once, at its first lesson.
fn check_acyclic(lessons: &BTreeMap<String, (LessonManifest, String)>) -> Vec<FileDiagnostic> {
    let mut out = Vec::new();
    let mut done = BTreeSet::new();
    for (start, (_, text)) in lessons {
        let mut stack = vec![start.as_str()];
        if let Some(cycle) = find_cycle(lessons, &mut stack, &mut done) {
            let file = format!("{start}/{}", super::MANIFEST);
            let message = format!("The prerequisites form a cycle: {}.", cycle.join(" → "));
            out.push(Located::new(&file, text).error(
                "prerequisites",
                "lesson-prerequisite-cycle",
                message,
                "Remove one prerequisite of the cycle.",
            ));
        }
    }
    out
}

fn find_cycle<'a>(
    lessons: &'a BTreeMap<String, (LessonManifest, String)>,
    stack: &mut Vec<&'a str>,
    done: &mut BTreeSet<&'a str>,
) -> Option<Vec<String>> {
    let current = *stack.last()?;
    if done.contains(current) {
        return None;
    }
    for next in lessons.get(current).map(|(m, _)| m.prerequisites.as_slice()).unwrap_or_default() {
        if let Some(at) = stack.iter().position(|id| id == next) {
            let mut cycle: Vec<String> = stack[at..].iter().map(|s| (*s).to_owned()).collect();
            cycle.push(next.clone());
            return Some(cycle);
        }
        stack.push(next);
        let found = find_cycle(lessons, stack, done);
        stack.pop();
        if found.is_some() {
            return found;
        }
    }
    done.insert(current);
    None
}
