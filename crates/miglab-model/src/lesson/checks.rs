//! The lesson checks that need neither a parser nor an engine, as plain problems with a field path and no position.
//!
//! `miglab check` (the analysis crate) puts each problem at its TOML position; the pack reader, which has no TOML,
//! names the field. Both say the same sentence, because both call these functions.

use super::{
    Course, Draft, Lesson, LessonManifest, LessonMigration, MigrationRef, Question, FORMAT,
};
use crate::grade::AnswerKey;
use std::collections::{BTreeMap, BTreeSet};

/// Datasets shared by several lessons live in this folder beside the lesson folders.
pub const DATASETS: &str = "../datasets/";

/// One mistake: the dotted field path it is about (empty for a whole file), a stable code, a sentence and a fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub code: &'static str,
    pub message: String,
    pub help: String,
}

impl Problem {
    pub fn new(
        field: &str,
        code: &'static str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Problem {
        Problem { field: field.to_owned(), code, message: message.into(), help: help.into() }
    }

    /// `file: field `x`: message` and the help on the next line, as `miglab check` prints a diagnostic without a position.
    pub fn render(&self, file: &str) -> String {
        let field =
            if self.field.is_empty() { String::new() } else { format!("field `{}`: ", self.field) };
        format!("{file}: {field}{}\n  help: {}", self.message, self.help)
    }
}

/// Ids are folder names and progress keys: lowercase letters, digits, `_` and `-`, starting with a letter.
pub fn is_valid_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// The file says the format version this build reads.
pub fn format(format: u32) -> Option<Problem> {
    (format != FORMAT).then(|| {
        Problem::new(
            "format",
            "lesson-format-version",
            format!(
                "This build reads lesson format {FORMAT}, but the file says `format = {format}`."
            ),
            format!("Set `format = {FORMAT}` and follow docs/lesson-format.md."),
        )
    })
}

pub fn id(field: &str, id: &str) -> Option<Problem> {
    (!is_valid_id(id)).then(|| {
        Problem::new(
            field,
            "lesson-bad-id",
            format!("`{id}` is not a valid id: ids start with a lowercase letter and hold only a-z, 0-9, `_` and `-`."),
            "Rename it, e.g. `confidence_score`.",
        )
    })
}

/// The course file's own checks: its format and the ids it lists, each once.
pub fn course(course: &Course) -> Vec<Problem> {
    let mut out: Vec<Problem> = format(course.format).into_iter().collect();
    for (i, lesson) in course.lessons.iter().enumerate() {
        let field = format!("lessons[{i}]");
        out.extend(id(&field, lesson));
        if course.lessons[..i].contains(lesson) {
            out.push(Problem::new(
                &field,
                "lesson-duplicate-id",
                format!("The course lists `{lesson}` twice."),
                "Remove the second entry.",
            ));
        }
    }
    out
}

/// A referenced file must stay inside the lesson folder, or be a shared dataset in `../datasets/`.
fn path(field: &str, path: &str) -> Option<Problem> {
    let inside = path.strip_prefix(DATASETS).unwrap_or(path);
    let escapes = inside.is_empty()
        || inside.starts_with('/')
        || inside.contains('\\')
        || inside.split('/').any(|part| part == ".." || part.is_empty());
    escapes.then(|| {
        Problem::new(
            field,
            "lesson-bad-path",
            format!("`{path}` is not a path inside the lesson folder or `../datasets/`."),
            "Write a relative path with `/` separators and no other `..`, e.g. `migrations/ab12cd34_add_column.py`.",
        )
    })
}

/// Everything in one manifest that can be checked without reading other files (the folder name aside).
pub fn manifest(manifest: &LessonManifest) -> Vec<Problem> {
    let mut out = Vec::new();
    out.extend(format(manifest.format));
    out.extend(id("id", &manifest.id));
    for (i, prerequisite) in manifest.prerequisites.iter().enumerate() {
        out.extend(id(&format!("prerequisites[{i}]"), prerequisite));
    }
    out.extend(path("database.seed", &manifest.database.seed));
    if manifest.migrations.is_empty() {
        out.push(Problem::new(
            "migrations",
            "lesson-no-migrations",
            "The lesson has no migrations.",
            "Add a `[[migrations]]` entry with `file = \"migrations/<revision>_<slug>.py\"`.",
        ));
    }
    for (i, reference) in manifest.migrations.iter().enumerate() {
        out.extend(migration_ref(&format!("migrations[{i}]"), reference));
    }
    out.extend(migration_ref("modify.solution", &manifest.modify.solution));
    out.extend(migration_ref("make.solution", &manifest.make.solution));
    if let Some(refuse) = &manifest.make.refuse {
        out.extend(migration_ref("make.refuse.migration", &refuse.migration));
    }
    for (stage, drafts) in [("modify", &manifest.modify.drafts), ("make", &manifest.make.drafts)] {
        out.extend(drafts_problems(stage, drafts));
    }
    if manifest.run.commands.is_empty() {
        out.push(Problem::new(
            "run.commands",
            "lesson-empty-run",
            "The run has no commands.",
            "Add at least `\"upgrade head\"`.",
        ));
    }
    out.extend(ids_unique(manifest));
    for (field, question) in questions(manifest) {
        out.extend(self::question(&field, question));
    }
    for (i, prompt) in manifest.try_with_ai.iter().enumerate() {
        for (part, text) in [("title", &prompt.title), ("prompt", &prompt.prompt)] {
            if text.trim().is_empty() {
                out.push(Problem::new(
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

fn migration_ref(field: &str, reference: &MigrationRef) -> Vec<Problem> {
    let mut out = Vec::new();
    match (&reference.file, &reference.up, &reference.down) {
        (Some(file), None, None) => out.extend(path(&format!("{field}.file"), file)),
        (None, Some(up), Some(down)) => {
            out.extend(path(&format!("{field}.up"), up));
            out.extend(path(&format!("{field}.down"), down));
        }
        _ => out.push(Problem::new(
            field,
            "lesson-bad-migration-ref",
            "A migration names either an Alembic `file`, or an `up` and a `down` SQL file.",
            "Write `file = \"migrations/<revision>_<slug>.py\"`, or both `up` and `down`.",
        )),
    }
    out
}

/// A stage's drafts: each file named well, ids unique, and a flaw that says where it is and which check it fails.
fn drafts_problems(stage: &str, drafts: &[Draft]) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, draft) in drafts.iter().enumerate() {
        let field = format!("{stage}.drafts[{i}]");
        out.extend(migration_ref(&format!("{field}.migration"), &draft.migration));
        if !seen.insert(draft.id.as_str()) {
            out.push(Problem::new(
                &format!("{field}.id"),
                "lesson-duplicate-id",
                format!("Two drafts of {stage} are called `{}`.", draft.id),
                "Give each draft its own id; progress remembers the learner's review by it.",
            ));
        }
        let Some(flaw) = &draft.flaw else { continue };
        if flaw.lines.is_empty() || flaw.lines.contains(&0) {
            out.push(Problem::new(
                &format!("{field}.flaw.lines"),
                "lesson-draft-no-line",
                "A flaw names the lines of the draft that hold it, counted from 1.",
                "Write `lines = [17]` with the line a careful reader would mark.",
            ));
        }
        if flaw.fails.is_empty() {
            out.push(Problem::new(
                &format!("{field}.flaw.fails"),
                "lesson-draft-unproved",
                "A flaw names at least one check it fails, so `miglab check` can prove it on the engine.",
                "Write e.g. `fails = [\"round_trip\"]`; a draft that fails nothing is a right draft, with no `flaw`.",
            ));
        }
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
fn ids_unique(manifest: &LessonManifest) -> Vec<Problem> {
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
        out.extend(self::id(&field, id));
        if !seen.insert(id) {
            out.push(Problem::new(
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
fn question(field: &str, question: &Question) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut error = |sub: &str, message: String, help: &str| {
        out.push(Problem::new(&format!("{field}{sub}"), "lesson-bad-key", message, help))
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

/// The chain is linear from the seed's revision, ids are unique, and each solution revises where its phase starts.
/// Each problem comes with the migration it is about (its file is where `miglab check` points).
pub fn revisions(lesson: &Lesson) -> Vec<(&LessonMigration, Problem)> {
    let mut out = Vec::new();
    let mut error = |migration, code, message: String, help: String| {
        out.push((migration, Problem::new("", code, message, help)));
    };
    let shown = |rev: Option<&str>| rev.map_or_else(|| "None".to_owned(), |p| format!("'{p}'"));
    let mut seen = BTreeSet::new();
    for migration in lesson.revisions() {
        if !seen.insert(migration.id()) {
            error(
                migration,
                "lesson-duplicate-revision",
                format!("The revision id `{}` is used by two migrations.", migration.id()),
                "Give every revision its own id.".to_owned(),
            );
        }
        if migration.migration.revision.down_revision.len() > 1 {
            error(
                migration,
                "lesson-merge-revision",
                format!(
                    "Revision `{}` merges several revisions; lessons hold one linear chain.",
                    migration.id()
                ),
                "Revise a single revision.".to_owned(),
            );
        }
    }
    let mut parent = lesson.manifest.database.revision.clone();
    for migration in &lesson.chain {
        if migration.parent() != parent.as_deref() {
            let expected = shown(parent.as_deref());
            error(
                migration,
                "lesson-broken-chain",
                format!(
                    "Revision `{}` revises {}, but the chain needs it to revise {expected}.",
                    migration.id(),
                    shown(migration.parent())
                ),
                format!("Set `down_revision = {expected}`."),
            );
        }
        parent = Some(migration.id().to_owned());
    }
    let phases = [
        (&lesson.modify, &lesson.manifest.modify.start, "modify"),
        (&lesson.make, &lesson.manifest.make.start, "make"),
    ];
    let refuse = lesson.refuse.iter().map(|r| (r, &lesson.manifest.make.start, "make.refuse"));
    let modify_drafts =
        lesson.modify_drafts.iter().map(|d| (d, &lesson.manifest.modify.start, "modify draft"));
    let make_drafts =
        lesson.make_drafts.iter().map(|d| (d, &lesson.manifest.make.start, "make draft"));
    for (migration, start, phase) in
        phases.into_iter().chain(refuse).chain(modify_drafts).chain(make_drafts)
    {
        let Ok(plan) = lesson.plan(start) else { continue };
        let base = lesson.manifest.database.revision.as_deref();
        let at = plan.end.as_deref().or(base);
        if migration.parent() != at {
            let expected = shown(at);
            error(migration, "lesson-broken-chain", format!("The {phase} migration `{}` must revise the revision its phase starts from ({expected}).", migration.id()), format!("Set `down_revision = {expected}`."));
        }
    }
    out
}

/// Each flaw's lines lie in its draft's file (the up file of a SQL pair), and the first one holds code,
/// because that is the line the page compares the learner's mark with first.
pub fn draft_lines(lesson: &Lesson) -> Vec<Problem> {
    let manifest = &lesson.manifest;
    let stages = [
        ("modify", &manifest.modify.drafts, &lesson.modify_drafts),
        ("make", &manifest.make.drafts, &lesson.make_drafts),
    ];
    let mut out = Vec::new();
    for (stage, drafts, loaded) in stages {
        for (i, (draft, migration)) in drafts.iter().zip(loaded).enumerate() {
            let Some(flaw) = &draft.flaw else { continue };
            let text = match &migration.source {
                super::MigrationSource::Alembic { text, .. } => text,
                super::MigrationSource::Sql { up, .. } => up,
            };
            let lines: Vec<&str> = text.lines().collect();
            let file = migration.file();
            // Line 0 is reported by `manifest`, which needs no file.
            for (k, &line) in flaw.lines.iter().enumerate().filter(|(_, &line)| line > 0) {
                let field = format!("{stage}.drafts[{i}].flaw.lines[{k}]");
                match lines.get(line as usize - 1) {
                    None => out.push(Problem::new(
                        &field,
                        "lesson-draft-no-line",
                        format!("Line {line} is past the end of `{file}`, which has {} lines.", lines.len()),
                        "Count the lines of the draft's file from 1, as an editor numbers them.",
                    )),
                    Some(text) if k == 0 && text.trim().is_empty() => out.push(Problem::new(
                        &field,
                        "lesson-draft-no-line",
                        format!("Line {line} of `{file}` is blank, so a learner could never mark it as the flaw."),
                        "List first the line that holds the flaw's code.",
                    )),
                    Some(_) => {}
                }
            }
        }
    }
    out
}

/// Every command list in the manifest resolves to migrations of this lesson.
pub fn commands(lesson: &Lesson) -> Vec<Problem> {
    let manifest = &lesson.manifest;
    let mut lists: Vec<(String, &[super::RunCommand])> = vec![
        ("run.commands".to_owned(), &manifest.run.commands),
        ("modify.start".to_owned(), &manifest.modify.start),
        ("make.start".to_owned(), &manifest.make.start),
    ];
    lists.extend(
        questions(manifest)
            .into_iter()
            .map(|(field, q)| (format!("{field}.after"), q.after.as_slice())),
    );
    lists.extend(
        manifest
            .investigate
            .experiments
            .iter()
            .enumerate()
            .map(|(i, e)| (format!("investigate.experiments[{i}].after"), e.after.as_slice())),
    );
    lists
        .into_iter()
        .filter_map(|(field, commands)| {
            let error = lesson.plan(commands).err()?;
            Some(Problem::new(
                &field,
                "lesson-bad-command",
                format!("The commands cannot run: {error}."),
                "Use `upgrade head`, `downgrade -1` or a revision id of this lesson.",
            ))
        })
        .collect()
}

/// A prerequisite that names no lesson of the course.
pub fn unknown_prerequisite(field: &str, prerequisite: &str) -> Problem {
    Problem::new(
        field,
        "lesson-unknown-prerequisite",
        format!("The prerequisite `{prerequisite}` is not a lesson."),
        "Name a lesson folder that exists.",
    )
}

/// A prerequisite that comes at or after its lesson in the course path.
pub fn prerequisite_order(field: &str, prerequisite: &str, lesson: &str) -> Problem {
    Problem::new(
        field,
        "lesson-prerequisite-order",
        format!("The prerequisite `{prerequisite}` comes after `{lesson}` in the course path, so the path cannot be followed in order."),
        "Move the prerequisite earlier in course.toml, or drop it.",
    )
}

/// Depth-first search over prerequisites (`lessons` maps each lesson to what it requires); each cycle is reported
/// once, at its first lesson.
pub fn cycles(lessons: &BTreeMap<String, Vec<String>>) -> Vec<(String, Problem)> {
    let mut out = Vec::new();
    let mut done = BTreeSet::new();
    for start in lessons.keys() {
        let mut stack = vec![start.as_str()];
        if let Some(cycle) = find_cycle(lessons, &mut stack, &mut done) {
            out.push((
                start.clone(),
                Problem::new(
                    "prerequisites",
                    "lesson-prerequisite-cycle",
                    format!("The prerequisites form a cycle: {}.", cycle.join(" → ")),
                    "Remove one prerequisite of the cycle.",
                ),
            ));
        }
    }
    out
}

fn find_cycle<'a>(
    lessons: &'a BTreeMap<String, Vec<String>>,
    stack: &mut Vec<&'a str>,
    done: &mut BTreeSet<&'a str>,
) -> Option<Vec<String>> {
    let current = *stack.last()?;
    if done.contains(current) {
        return None;
    }
    for next in lessons.get(current).map(Vec::as_slice).unwrap_or_default() {
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
