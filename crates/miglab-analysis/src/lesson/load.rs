//! Phase two of loading: read the referenced files, translate the migrations and check the chain.

use super::file_diagnostic::FileDiagnostic;
use super::spans::Located;
use super::translate::translate;
use super::validate::check_manifest;
use crate::diagnostic::Diagnostic;
use miglab_model::lesson::{
    checks, Draft, Lesson, LessonManifest, LessonMigration, MigrationRef, MigrationSource,
};
use std::collections::BTreeMap;

/// Builds the lesson from its manifest and the text of every file `manifest.files()` lists,
/// keyed by that same relative path; include `lesson.toml` itself to get line numbers for the
/// manifest's fields. Returns `None` when any diagnostic is an error, including the manifest's own
/// (already reported by [`super::parse_manifest`], so not repeated here).
pub fn load(
    manifest: &LessonManifest,
    files: &BTreeMap<String, String>,
) -> (Option<Lesson>, Vec<FileDiagnostic>) {
    let dir = manifest.id.as_str();
    let manifest_file = format!("{dir}/{}", super::MANIFEST);
    let at = Located::new(&manifest_file, files.get(super::MANIFEST).map_or("", String::as_str));
    let manifest_ok = !check_manifest(&at, manifest, None).iter().any(FileDiagnostic::is_error);
    let mut diagnostics = Vec::new();
    let missing = |field: &str, file: &str| {
        at.error(
            field,
            "lesson-missing-file",
            format!("The lesson names `{file}`, but that file could not be read."),
            format!("Create `{dir}/{file}` or fix the path."),
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
    let chain: Vec<Option<LessonMigration>> = manifest
        .migrations
        .iter()
        .enumerate()
        .map(|(i, r)| translate_ref(&format!("migrations[{i}]"), r))
        .collect();
    let modify = translate_ref("modify.solution", &manifest.modify.solution);
    let make = translate_ref("make.solution", &manifest.make.solution);
    let refuse =
        manifest.make.refuse.as_ref().map(|r| translate_ref("make.refuse.migration", &r.migration));
    let mut drafts = |stage: &str, drafts: &[Draft]| -> Option<Vec<LessonMigration>> {
        let translated: Vec<Option<LessonMigration>> = drafts
            .iter()
            .enumerate()
            .map(|(i, d)| translate_ref(&format!("{stage}.drafts[{i}].migration"), &d.migration))
            .collect();
        translated.into_iter().collect()
    };
    let modify_drafts = drafts("modify", &manifest.modify.drafts);
    let make_drafts = drafts("make", &manifest.make.drafts);
    let (
        Some(chain),
        Some(modify),
        Some(make),
        Some(refuse),
        Some(modify_drafts),
        Some(make_drafts),
    ) = (
        chain.into_iter().collect::<Option<Vec<_>>>(),
        modify,
        make,
        refuse.map_or(Some(None), |r| r.map(Some)),
        modify_drafts,
        make_drafts,
    )
    else {
        return (None, diagnostics);
    };
    let mut lesson = Lesson {
        manifest: manifest.clone(),
        seed,
        chain,
        modify,
        make,
        refuse,
        modify_drafts,
        make_drafts,
    };
    link_sql_revisions(&mut lesson);
    diagnostics.extend(check_revisions(&lesson));
    diagnostics.extend(check_loaded(&lesson, &at));
    let ok = manifest_ok && !diagnostics.iter().any(FileDiagnostic::is_error);
    (ok.then_some(lesson), diagnostics)
}

/// SQL pairs carry a version but no `down_revision`; their place in the lesson says what they revise.
fn link_sql_revisions(lesson: &mut Lesson) {
    let is_sql = |m: &LessonMigration| {
        matches!(m.source, MigrationSource::Sql { .. })
            && m.migration.revision.down_revision.is_empty()
    };
    let mut parent = lesson.manifest.database.revision.clone();
    for migration in &mut lesson.chain {
        if is_sql(migration) {
            migration.migration.revision.down_revision = parent.iter().cloned().collect();
        }
        parent = Some(migration.id().to_owned());
    }
    let base = lesson.manifest.database.revision.clone();
    let start_of = |lesson: &Lesson, start: &[super::RunCommand]| {
        lesson.plan(start).ok().and_then(|plan| plan.end).or_else(|| base.clone())
    };
    let modify_parent = start_of(lesson, &lesson.manifest.modify.start);
    let make_parent = start_of(lesson, &lesson.manifest.make.start);
    for migration in std::iter::once(&mut lesson.modify).chain(&mut lesson.modify_drafts) {
        if is_sql(migration) {
            migration.migration.revision.down_revision = modify_parent.iter().cloned().collect();
        }
    }
    let make = std::iter::once(&mut lesson.make).chain(lesson.refuse.as_mut());
    for migration in make.chain(&mut lesson.make_drafts) {
        if is_sql(migration) {
            migration.migration.revision.down_revision = make_parent.iter().cloned().collect();
        }
    }
}

/// The model's chain checks, each pointed at the migration's `down_revision` line.
fn check_revisions(lesson: &Lesson) -> Vec<FileDiagnostic> {
    checks::revisions(lesson)
        .into_iter()
        .map(|(migration, problem)| {
            let diagnostic =
                Diagnostic::error(problem.code, problem.message).with_help(problem.help);
            let diagnostic = match down_revision_span(migration) {
                Some((span, text)) => diagnostic.with_span(span, text),
                None => diagnostic,
            };
            FileDiagnostic::new(
                &format!("{}/{}", lesson.manifest.id, migration.file()),
                None,
                diagnostic,
            )
        })
        .collect()
}

/// Where an Alembic file assigns `down_revision`, for pointing chain errors at it.
fn down_revision_span(migration: &LessonMigration) -> Option<(crate::diagnostic::Span, &str)> {
    let MigrationSource::Alembic { text, .. } = &migration.source else { return None };
    let start = text.find("\ndown_revision").map(|i| i + 1)?;
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    Some((crate::diagnostic::Span::new(start, end), text))
}

/// The loaded lesson's manifest checks: every command list resolves to migrations of this lesson, and every flaw's
/// lines are in its draft; each problem at its TOML position.
fn check_loaded(lesson: &Lesson, at: &Located<'_>) -> Vec<FileDiagnostic> {
    let problems = checks::commands(lesson).into_iter().chain(checks::draft_lines(lesson));
    problems.map(|problem| at.problem(&problem)).collect()
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::lesson::{parse_manifest, scaffold, MANIFEST};

    /// Scaffolds lesson `t`, applies `edit` to its files (keyed by path inside the lesson), loads it,
    /// and renders every diagnostic the way `miglab check` prints it.
    fn check(edit: impl Fn(&mut BTreeMap<String, String>)) -> String {
        let mut files: BTreeMap<String, String> = scaffold("t")
            .into_iter()
            .map(|(k, v)| (k.trim_start_matches("t/").to_owned(), v))
            .collect();
        edit(&mut files);
        let text = files.get(MANIFEST).cloned().unwrap_or_default();
        let (manifest, mut diagnostics) = parse_manifest("t/lesson.toml", &text);
        let mut loaded = false;
        if let Some(manifest) = manifest {
            let (lesson, found) = load(&manifest, &files);
            loaded = lesson.is_some();
            diagnostics.extend(found);
        }
        let mut out: Vec<String> = diagnostics.iter().map(FileDiagnostic::render).collect();
        out.push(format!("loaded: {loaded}"));
        out.join("\n")
    }

    fn replace(
        file: &'static str,
        from: &'static str,
        to: &'static str,
    ) -> impl Fn(&mut BTreeMap<String, String>) {
        move |files| {
            let key = files.keys().find(|k| k.starts_with(file)).cloned().unwrap_or_default();
            if let Some(text) = files.get_mut(&key) {
                assert!(text.contains(from), "fixture edit `{from}` does not apply");
                *text = text.replacen(from, to, 1);
            }
        }
    }

    #[test]
    fn scaffold_ok() {
        insta::assert_snapshot!(check(|_| {}), @"loaded: true");
    }

    #[test]
    fn shared_dataset_ok() {
        let edit = |files: &mut BTreeMap<String, String>| {
            let seed = files.remove("seed.sql").unwrap_or_default();
            files.insert("../datasets/tasks.sql".to_owned(), seed);
            replace(MANIFEST, r#"seed = "seed.sql""#, r#"seed = "../datasets/tasks.sql""#)(files);
        };
        insta::assert_snapshot!(check(edit), @"loaded: true");
    }

    #[test]
    fn unknown_field_err() {
        insta::assert_snapshot!(check(replace(
            MANIFEST,
            "ai_free = true\nafter",
            "ai_fre = true\nafter"
        )));
    }

    #[test]
    fn missing_field_err() {
        insta::assert_snapshot!(check(replace(MANIFEST, "minutes = 20\n", "")));
    }

    #[test]
    fn bad_command_err() {
        insta::assert_snapshot!(check(replace(
            MANIFEST,
            r#"commands = ["upgrade head", "downgrade -1"]"#,
            r#"commands = ["upgrade head", "downgrade +1"]"#
        )));
    }

    #[test]
    fn unknown_revision_err() {
        insta::assert_snapshot!(check(replace(
            MANIFEST,
            r#"after = ["upgrade head"]
query"#,
            r#"after = ["upgrade 0000feed"]
query"#
        )));
    }

    #[test]
    fn choice_key_err() {
        let edit = replace(MANIFEST, "[run]", "[[investigate.questions]]\nid = \"pick\"\nprompt = \"Pick one.\"\noptions = [{ id = \"a\", text = \"A\" }, { id = \"b\", text = \"B\" }]\nkey = { kind = \"choice\", correct = [\"c\"] }\n\n[run]");
        insta::assert_snapshot!(check(edit));
    }

    /// A lock mode Postgres does not have is refused at its position, naming the modes it could be.
    #[test]
    fn lock_mode_err() {
        insta::assert_snapshot!(check(replace(
            MANIFEST,
            "mode = \"ACCESS EXCLUSIVE\"",
            "mode = \"TABLE\""
        )));
    }

    #[test]
    fn duplicate_id_err() {
        insta::assert_snapshot!(check(replace(
            MANIFEST,
            r#"id = "existing-row""#,
            r#"id = "schema-after-upgrade""#
        )));
    }

    #[test]
    fn missing_file_err() {
        insta::assert_snapshot!(check(replace(
            MANIFEST,
            r#"seed = "seed.sql""#,
            r#"seed = "seeds.sql""#
        )));
    }

    #[test]
    fn escaping_path_err() {
        insta::assert_snapshot!(check(replace(
            MANIFEST,
            r#"seed = "seed.sql""#,
            r#"seed = "../other/seed.sql""#
        )));
    }

    #[test]
    fn broken_chain_err() {
        insta::assert_snapshot!(check(replace(
            "migrations/",
            "down_revision = \"",
            "down_revision = \"9"
        )));
    }

    #[test]
    fn python_error_err() {
        insta::assert_snapshot!(check(replace(
            "migrations/",
            "def upgrade() -> None:",
            "def upgrade() -> None"
        )));
    }

    #[test]
    fn format_version_err() {
        insta::assert_snapshot!(check(replace(MANIFEST, "format = 1", "format = 2")));
    }

    #[test]
    fn draft_lines_err() {
        // The make solution handed over as a draft, with a flaw past the file's end and one that starts on a blank line.
        let edit = |files: &mut BTreeMap<String, String>| {
            let solution =
                files.iter().find(|(k, _)| k.starts_with("make/")).map(|(_, v)| v.clone());
            files.insert("drafts/due_on.py".to_owned(), solution.unwrap_or_default());
            let draft = |id: &str, lines: &str| {
                format!("[[make.drafts]]\nid = \"{id}\"\nmessage = \"Here it is.\"\nmigration = {{ file = \"drafts/due_on.py\" }}\nflaw = {{ lines = {lines}, fails = [\"tables\"], why = \"Wrong.\" }}\n\n")
            };
            let drafts = draft("far", "[20, 99]") + &draft("blank", "[21, 20]");
            let text = files.get_mut(MANIFEST).expect("manifest");
            *text = text.replacen("[make.approval]", &format!("{drafts}[make.approval]"), 1);
        };
        insta::assert_snapshot!(check(edit), @r"
        t/lesson.toml:134:23: field `make.drafts[0].flaw.lines[1]`: Line 99 is past the end of `drafts/due_on.py`, which has 24 lines.
          help: Count the lines of the draft's file from 1, as an editor numbers them.
        t/lesson.toml:140:19: field `make.drafts[1].flaw.lines[0]`: Line 21 of `drafts/due_on.py` is blank, so a learner could never mark it as the flaw.
          help: List first the line that holds the flaw's code.
        loaded: false
        ");
    }
}
