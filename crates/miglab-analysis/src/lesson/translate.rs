//! The one seam between lessons and the migration front ends: an Alembic file or a SQL pair becomes a [`Migration`].

use super::file_diagnostic::FileDiagnostic;
use super::MigrationRef;
use super::{LessonMigration, MigrationSource};
use crate::diagnostic::Diagnostic;
use crate::migration::Migration;
use std::collections::BTreeMap;

/// Translates one referenced migration. Returns `None` when its files are missing (already reported),
/// `Some((None, …))` when translation failed, and the translator's diagnostics with the file they belong to.
pub fn translate(
    dir: &str,
    reference: &MigrationRef,
    files: &BTreeMap<String, String>,
) -> Option<(Option<LessonMigration>, Vec<FileDiagnostic>)> {
    let (source, (migration, diagnostics), shown) =
        match (&reference.file, &reference.up, &reference.down) {
            (Some(file), None, None) => {
                let text = files.get(file)?;
                (
                    MigrationSource::Alembic { file: file.clone(), text: text.clone() },
                    alembic(text),
                    file,
                )
            }
            (None, Some(up_file), Some(down_file)) => {
                let (up, down) = (files.get(up_file)?, files.get(down_file)?);
                let parsed = sql_pair(up_file, up, down_file, down);
                (
                    MigrationSource::Sql {
                        up_file: up_file.clone(),
                        up: up.clone(),
                        down_file: down_file.clone(),
                        down: down.clone(),
                    },
                    parsed,
                    up_file,
                )
            }
            _ => return None,
        };
    let file = format!("{dir}/{shown}");
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    let diagnostics =
        diagnostics.into_iter().map(|d| FileDiagnostic::new(&file, None, d)).collect();
    let migration =
        (!failed).then(|| LessonMigration { reference: reference.clone(), source, migration });
    Some((migration, diagnostics))
}

fn alembic(text: &str) -> (Migration, Vec<Diagnostic>) {
    let parsed = crate::alembic::parse(text);
    (parsed.migration, parsed.diagnostics)
}

fn sql_pair(up_name: &str, up: &str, down_name: &str, down: &str) -> (Migration, Vec<Diagnostic>) {
    let file_name = |path: &str| path.rsplit('/').next().unwrap_or(path).to_owned();
    let parsed = crate::sqlfile::parse_pair(
        &file_name(up_name),
        up,
        Some(&file_name(down_name)),
        Some(down),
    );
    (parsed.migration, parsed.diagnostics)
}
