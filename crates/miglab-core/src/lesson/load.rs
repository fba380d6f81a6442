//! Phase two of loading: read the referenced files, translate the migrations and check the chain.

use super::file_diagnostic::FileDiagnostic;
use super::model::{LessonManifest, MigrationRef};
use super::translate::translate;
use super::validate::questions;
use crate::diagnostic::Diagnostic;
use crate::migration::Migration;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A lesson with every file read and every migration translated; usable by the app and the checker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    pub manifest: LessonManifest,
    /// The seed SQL: schema plus rows.
    pub seed: String,
    /// The migration chain, oldest first.
    pub chain: Vec<LessonMigration>,
    pub modify: LessonMigration,
    pub make: LessonMigration,
    pub refuse: Option<LessonMigration>,
}

/// One revision: where it came from, its source text for display, and its translated steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LessonMigration {
    pub reference: MigrationRef,
    pub source: MigrationSource,
    pub migration: Migration,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MigrationSource {
    Alembic { file: String, text: String },
    Sql { up_file: String, up: String, down_file: String, down: String },
}

impl LessonMigration {
    pub fn id(&self) -> &str {
        &self.migration.revision.revision
    }

    /// The revision this one revises; `None` for the first.
    pub fn parent(&self) -> Option<&str> {
        self.migration.revision.down_revision.first().map(String::as_str)
    }

    /// The file to show a student and to point diagnostics at: the Alembic file or the up file.
    pub fn file(&self) -> &str {
        match &self.source {
            MigrationSource::Alembic { file, .. } => file,
            MigrationSource::Sql { up_file, .. } => up_file,
        }
    }
}

/// Builds the lesson from its manifest and the text of every file `manifest.files()` lists,
/// keyed by that same relative path. Returns `None` when any diagnostic is an error.
pub fn load(manifest: &LessonManifest, files: &BTreeMap<String, String>) -> (Option<Lesson>, Vec<FileDiagnostic>) {
    let dir = manifest.id.as_str();
    let manifest_file = format!("{dir}/{}", super::MANIFEST);
    let mut diagnostics = Vec::new();
    let missing = |field: &str, file: &str| {
        FileDiagnostic::new(
            &manifest_file,
            Some(field.to_owned()),
            Diagnostic::error("lesson-missing-file", format!("The lesson names `{file}`, but that file could not be read.")).with_help(format!("Create `{dir}/{file}` or fix the path.")),
        )
    };
    let seed = match files.get(&manifest.database.seed) {
        Some(seed) => seed.clone(),
        None => {
            diagnostics.push(missing("database.seed", &manifest.database.seed));
            String::new()
        }
    };
    let mut translate_ref = |field: &str, reference: &MigrationRef| -> Option<LessonMigration> {
        for file in reference.files().filter(|f| !files.contains_key(*f)) {
            diagnostics.push(missing(field, file));
        }
        let (migration, found) = translate(dir, reference, files)?;
        diagnostics.extend(found);
        migration
    };
    let chain: Vec<Option<LessonMigration>> = manifest.migrations.iter().enumerate().map(|(i, r)| translate_ref(&format!("migrations[{i}]"), r)).collect();
    let modify = translate_ref("modify.solution", &manifest.modify.solution);
    let make = translate_ref("make.solution", &manifest.make.solution);
    let refuse = manifest.make.refuse.as_ref().map(|r| translate_ref("make.refuse.migration", &r.migration));
    let (Some(chain), Some(modify), Some(make), Some(refuse)) = (chain.into_iter().collect::<Option<Vec<_>>>(), modify, make, refuse.map_or(Some(None), |r| r.map(Some))) else {
        return (None, diagnostics);
    };
    let mut lesson = Lesson { manifest: manifest.clone(), seed, chain, modify, make, refuse };
    link_sql_revisions(&mut lesson);
    diagnostics.extend(check_revisions(&lesson));
    diagnostics.extend(check_commands(&lesson, &manifest_file));
    let ok = !diagnostics.iter().any(FileDiagnostic::is_error);
    (ok.then_some(lesson), diagnostics)
}

/// SQL pairs carry a version but no `down_revision`; their place in the lesson says what they revise.
fn link_sql_revisions(lesson: &mut Lesson) {
    let is_sql = |m: &LessonMigration| matches!(m.source, MigrationSource::Sql { .. }) && m.migration.revision.down_revision.is_empty();
    let mut parent = lesson.manifest.database.revision.clone();
    for migration in &mut lesson.chain {
        if is_sql(migration) {
            migration.migration.revision.down_revision = parent.iter().cloned().collect();
        }
        parent = Some(migration.id().to_owned());
    }
    let base = lesson.manifest.database.revision.clone();
    let start_of = |lesson: &Lesson, start: &[super::RunCommand]| lesson.plan(start).ok().and_then(|plan| plan.end).or_else(|| base.clone());
    let modify_parent = start_of(lesson, &lesson.manifest.modify.start);
    let make_parent = start_of(lesson, &lesson.manifest.make.start);
    if is_sql(&lesson.modify) {
        lesson.modify.migration.revision.down_revision = modify_parent.into_iter().collect();
    }
    for migration in [Some(&mut lesson.make), lesson.refuse.as_mut()].into_iter().flatten() {
        if is_sql(migration) {
            migration.migration.revision.down_revision = make_parent.iter().cloned().collect();
        }
    }
}

/// The chain is linear from the seed's revision, ids are unique, and each solution revises where its phase starts.
fn check_revisions(lesson: &Lesson) -> Vec<FileDiagnostic> {
    let mut out = Vec::new();
    let mut error = |migration: &LessonMigration, code: &str, message: String, help: String| {
        out.push(FileDiagnostic::new(&format!("{}/{}", lesson.manifest.id, migration.file()), None, Diagnostic::error(code, message).with_help(help)));
    };
    let mut seen = BTreeSet::new();
    for migration in lesson.revisions() {
        if !seen.insert(migration.id()) {
            error(migration, "lesson-duplicate-revision", format!("The revision id `{}` is used by two migrations.", migration.id()), "Give every revision its own id.".to_owned());
        }
        if migration.migration.revision.down_revision.len() > 1 {
            error(migration, "lesson-merge-revision", format!("Revision `{}` merges several revisions; lessons hold one linear chain.", migration.id()), "Revise a single revision.".to_owned());
        }
    }
    let mut parent = lesson.manifest.database.revision.clone();
    for migration in &lesson.chain {
        if migration.parent() != parent.as_deref() {
            let expected = parent.as_deref().map_or_else(|| "None".to_owned(), |p| format!("'{p}'"));
            error(migration, "lesson-broken-chain", format!("Revision `{}` revises {:?}, but the chain needs it to revise {expected}.", migration.id(), migration.parent()), format!("Set `down_revision = {expected}`."));
        }
        parent = Some(migration.id().to_owned());
    }
    let phases = [(&lesson.modify, &lesson.manifest.modify.start, "modify"), (&lesson.make, &lesson.manifest.make.start, "make")];
    let refuse = lesson.refuse.iter().map(|r| (r, &lesson.manifest.make.start, "make.refuse"));
    for (migration, start, phase) in phases.into_iter().chain(refuse) {
        let Ok(plan) = lesson.plan(start) else { continue };
        let base = lesson.manifest.database.revision.as_deref();
        let at = plan.end.as_deref().or(base);
        if migration.parent() != at {
            let expected = at.map_or_else(|| "None".to_owned(), |p| format!("'{p}'"));
            error(migration, "lesson-broken-chain", format!("The {phase} migration `{}` must revise the revision its phase starts from ({expected}).", migration.id()), format!("Set `down_revision = {expected}`."));
        }
    }
    out
}

/// Every command list in the manifest resolves to migrations of this lesson.
fn check_commands(lesson: &Lesson, manifest_file: &str) -> Vec<FileDiagnostic> {
    let manifest = &lesson.manifest;
    let mut lists: Vec<(String, &[super::RunCommand])> = vec![
        ("run.commands".to_owned(), &manifest.run.commands),
        ("modify.start".to_owned(), &manifest.modify.start),
        ("make.start".to_owned(), &manifest.make.start),
    ];
    lists.extend(questions(manifest).into_iter().map(|(field, q)| (format!("{field}.after"), q.after.as_slice())));
    lists.extend(manifest.investigate.experiments.iter().enumerate().map(|(i, e)| (format!("investigate.experiments[{i}].after"), e.after.as_slice())));
    lists
        .into_iter()
        .filter_map(|(field, commands)| {
            let error = lesson.plan(commands).err()?;
            let diagnostic = Diagnostic::error("lesson-bad-command", format!("The commands cannot run: {error}.")).with_help("Use `upgrade head`, `downgrade -1` or a revision id of this lesson.");
            Some(FileDiagnostic::new(manifest_file, Some(field), diagnostic))
        })
        .collect()
}
