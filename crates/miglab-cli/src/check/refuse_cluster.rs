//! Before a lesson runs on a PostgreSQL server, every piece of its SQL is searched for statements that
//! would change the server itself (`engine::cluster`), and each is reported at its `file:line:col`.
//!
//! The server engine refuses such a statement too, at the moment it would be sent; this pass is what
//! names the file and line, and it stops the lesson before anything of it runs.

use crate::engine::cluster::{self, Found};
use miglab_analysis::diagnostic::{Diagnostic, Span};
use miglab_analysis::lesson::{FileDiagnostic, Lesson, LessonMigration, Located, MigrationSource};
use miglab_analysis::migration::Step;
use serde_json::Value;

const CODE: &str = "lesson-cluster-statement";
const HELP: &str =
    "Remove the statement, or check this lesson on PGlite (without `--database-url`).";

/// Every cluster-level statement in the lesson's seed, migrations and lesson.toml; empty when there is none.
pub fn refusals(lesson: &Lesson, at: &Located<'_>) -> Vec<FileDiagnostic> {
    let dir = at.file.rsplit_once('/').map_or("", |(dir, _)| dir);
    let in_dir =
        |file: &str| if dir.is_empty() { file.to_owned() } else { format!("{dir}/{file}") };
    let mut out = Vec::new();
    let seed = in_dir(&lesson.manifest.database.seed);
    out.extend(
        cluster::find(&lesson.seed)
            .iter()
            .map(|found| in_text(&seed, &lesson.seed, found.at, found)),
    );
    let migrations =
        lesson.chain.iter().chain([&lesson.modify, &lesson.make]).chain(&lesson.refuse);
    for migration in migrations {
        out.extend(in_migration(migration, &in_dir));
    }
    if let Ok(manifest) = serde_json::to_value(&lesson.manifest) {
        manifest_sql(&manifest, String::new(), &mut |field, sql| {
            out.extend(
                cluster::find(sql)
                    .iter()
                    .map(|found| at.error(field, CODE, format!("{}.", found.sentence()), HELP)),
            );
        });
    }
    out
}

fn diagnostic(found: &Found) -> Diagnostic {
    Diagnostic::error(CODE, format!("{}.", found.sentence())).with_help(HELP)
}

fn in_text(file: &str, text: &str, offset: usize, found: &Found) -> FileDiagnostic {
    FileDiagnostic::new(file, None, diagnostic(found).with_span(Span::new(offset, offset), text))
}

/// Steps of a SQL file are slices of it, so a position inside one is exact; an Alembic step is
/// generated, so its position is the `op.…` call it came from.
fn in_migration(
    migration: &LessonMigration,
    in_dir: &dyn Fn(&str) -> String,
) -> Vec<FileDiagnostic> {
    let (sql_file, up, down) = match &migration.source {
        MigrationSource::Alembic { file, text } => (false, (file, text), (file, text)),
        MigrationSource::Sql { up_file, up, down_file, down } => {
            (true, (up_file, up), (down_file, down))
        }
    };
    let directions: [(&[Step], (&String, &String)); 2] =
        [(&migration.migration.upgrade, up), (&migration.migration.downgrade, down)];
    let mut out = Vec::new();
    for (steps, (file, text)) in directions {
        for step in steps {
            for found in cluster::find(&step.sql) {
                let file = in_dir(file);
                out.push(match step.span {
                    Some(span) => in_text(
                        &file,
                        text,
                        span.start + if sql_file { found.at } else { 0 },
                        &found,
                    ),
                    None => FileDiagnostic::new(&file, None, diagnostic(&found)),
                });
            }
        }
    }
    out
}

/// Calls `each` with the field path and text of every `sql` and `query` string in the manifest:
/// experiments, value and evidence queries, ordering items, gate checks, refusal evidence; and every
/// string of a question's lock `queue`, which runs on the server too.
fn manifest_sql(value: &Value, path: String, each: &mut dyn FnMut(&str, &str)) {
    match value {
        Value::Object(fields) => {
            for (key, value) in fields {
                let field = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                match value {
                    Value::String(sql)
                        if key == "sql" || key == "query" || path.ends_with(".queue") =>
                    {
                        each(&field, sql)
                    }
                    _ => manifest_sql(value, field, each),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                manifest_sql(item, format!("{path}[{i}]"), each);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use miglab_analysis::lesson::{load, parse_manifest, scaffold, MANIFEST};
    use std::collections::BTreeMap;

    /// Scaffolds lesson `t`, applies `edit` to its files, and renders what the pass refuses.
    fn check(edit: impl Fn(&mut BTreeMap<String, String>)) -> String {
        let mut files: BTreeMap<String, String> = scaffold("t")
            .into_iter()
            .map(|(k, v)| (k.trim_start_matches("t/").to_owned(), v))
            .collect();
        edit(&mut files);
        let text = files.get(MANIFEST).cloned().unwrap_or_default();
        let (manifest, diagnostics) = parse_manifest("t/lesson.toml", &text);
        assert_eq!(diagnostics, Vec::new());
        let (lesson, diagnostics) = load(&manifest.expect("manifest parses"), &files);
        assert_eq!(diagnostics, Vec::new());
        let found = refusals(&lesson.expect("lesson loads"), &Located::new("t/lesson.toml", &text));
        found.iter().map(FileDiagnostic::render).collect::<Vec<_>>().join("\n")
    }

    fn replace(
        file: &'static str,
        from: &'static str,
        to: &'static str,
    ) -> impl Fn(&mut BTreeMap<String, String>) {
        move |files| {
            let text = files.get(file).cloned().unwrap_or_default();
            assert!(text.contains(from), "{file} has no {from:?}");
            files.insert(file.to_owned(), text.replacen(from, to, 1));
        }
    }

    #[test]
    fn scaffold_ok() {
        assert_eq!(check(|_| {}), "");
    }

    #[test]
    fn seed_err() {
        let found = check(|files| {
            let seed = files.get("seed.sql").cloned().unwrap_or_default();
            files.insert("seed.sql".to_owned(), format!("{seed}\nDROP ROLE IF EXISTS teacher;\n"));
        });
        let line = found.lines().next().unwrap_or_default();
        assert!(line.starts_with("t/seed.sql:") && line.contains(": `DROP ROLE IF EXISTS teacher` changes a role, which belongs to the whole server"), "{found}");
    }

    #[test]
    fn manifest_err() {
        let found = check(replace(
            MANIFEST,
            "sql = \"ALTER TABLE tasks ADD COLUMN created_by uuid NOT NULL\"",
            "sql = \"ALTER SYSTEM SET fsync = off\"",
        ));
        assert!(found.starts_with("t/lesson.toml:") && found.contains(": field `investigate.experiments[0].sql`: `ALTER SYSTEM SET fsync = off` changes the server's configuration"), "{found}");
    }

    #[test]
    fn alembic_migration_err() {
        let found = check(|files| {
            let (name, text) = files
                .iter()
                .find(|(k, _)| k.starts_with("migrations/") && k.ends_with(".py"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .unwrap_or_default();
            files.insert(
                name,
                text.replacen(
                    "def upgrade() -> None:\n",
                    "def upgrade() -> None:\n    op.execute(\"DROP DATABASE postgres\")\n",
                    1,
                ),
            );
        });
        let line = found.lines().next().unwrap_or_default();
        assert!(
            line.starts_with("t/migrations/")
                && line.contains(".py:")
                && line.contains("`DROP DATABASE postgres` changes a database"),
            "{found}"
        );
    }
}
