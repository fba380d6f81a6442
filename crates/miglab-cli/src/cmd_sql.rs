//! `miglab sql`: prints the DDL an Alembic revision file (or a plain SQL migration) runs, one `;`-terminated statement per step.

use miglab_core::alembic::{self, version_table, Parsed};
use miglab_core::diagnostic::Diagnostic;
use miglab_core::migration::{Direction, Migration};
use miglab_core::sqlfile;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// An Alembic revision file (.py) or a plain SQL migration (.up.sql / V1__x.sql).
    file: PathBuf,
    /// Print what `downgrade()` (or the down/undo SQL file) runs instead of the upgrade.
    #[arg(long)]
    downgrade: bool,
    /// Include the `alembic_version` bookkeeping, as `alembic upgrade --sql` prints it for this revision.
    #[arg(long)]
    version_table: bool,
}

pub fn run(args: Args) -> ExitCode {
    let source = match crate::read_source(&args.file) {
        Ok(source) => source,
        Err(code) => return code,
    };
    let is_sql = args.file.extension().is_some_and(|e| e.eq_ignore_ascii_case("sql"));
    let (parsed, up, down) = match is_sql {
        true => match sql_pair(&args.file, &source) {
            Ok(pair) => pair,
            Err(code) => return code,
        },
        false => (alembic::parse(&source), args.file.clone(), None),
    };
    let shown = up.display().to_string();
    for diagnostic in &parsed.diagnostics {
        eprintln!("{}", render(diagnostic, &shown, down.as_deref()));
    }
    if parsed.has_errors() {
        return ExitCode::from(1);
    }
    let direction = if args.downgrade { Direction::Downgrade } else { Direction::Upgrade };
    // golang-migrate and Flyway keep their own history tables, so the Alembic bookkeeping is for .py only.
    print!("{}", script(&parsed.migration, direction, args.version_table && !is_sql));
    ExitCode::SUCCESS
}

/// The statements to print, each ending in `;` and followed by a blank line, as `alembic … --sql` spaces them.
fn script(migration: &Migration, direction: Direction, version_table: bool) -> String {
    let mut statements: Vec<String> = migration.steps(direction).iter().map(|s| s.sql.clone()).collect();
    if version_table {
        let revision = &migration.revision;
        match direction {
            Direction::Upgrade => {
                let mut bookkeeping = version_table::after_upgrade(revision);
                // A first revision creates the table before anything else runs, as Alembic does.
                if revision.down_revision.is_empty() && !bookkeeping.is_empty() {
                    statements.insert(0, bookkeeping.remove(0));
                }
                statements.extend(bookkeeping);
            }
            Direction::Downgrade => statements.extend(version_table::after_downgrade(revision)),
        }
    }
    statements.iter().map(|s| format!("{s};\n\n")).collect()
}

/// `file:line:col: message`, naming the down file for diagnostics `parse_pair` marks as being about it.
fn render(diagnostic: &Diagnostic, shown: &str, down: Option<&Path>) -> String {
    if let Some(down) = down {
        let name = down.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if let Some(message) = diagnostic.message.strip_prefix(&format!("In {name}: ")) {
            let about_down = Diagnostic { message: message.to_owned(), ..diagnostic.clone() };
            return about_down.render(&down.display().to_string());
        }
    }
    diagnostic.render(shown)
}

/// Reads the other half of a SQL pair from beside `path`, when it exists, and says where both halves are.
/// Given a down file, the pair is read from its up file so `--downgrade` still means "the down SQL".
fn sql_pair(path: &Path, source: &str) -> Result<(Parsed, PathBuf, Option<PathBuf>), ExitCode> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let sibling = |other: String| path.with_file_name(other);
    if let Some(stem) = name.strip_suffix(".down.sql") {
        let up = sibling(format!("{stem}.up.sql"));
        let up_source = crate::read_source(&up)?;
        let parsed = sqlfile::parse_pair(&format!("{stem}.up.sql"), &up_source, Some(&name), Some(source));
        return Ok((parsed, up, Some(path.to_path_buf())));
    }
    let down_name = match (name.strip_suffix(".up.sql"), name.strip_prefix('V')) {
        (Some(stem), _) => Some(format!("{stem}.down.sql")),
        (None, Some(rest)) => Some(format!("U{rest}")),
        _ => None,
    };
    let down = down_name.filter(|d| sibling(d.clone()).is_file());
    let down_source = match &down {
        Some(d) => Some(crate::read_source(&sibling(d.clone()))?),
        None => None,
    };
    let parsed = sqlfile::parse_pair(&name, source, down.as_deref(), down_source.as_deref());
    Ok((parsed, path.to_path_buf(), down.map(sibling)))
}

#[cfg(test)]
mod test {
    use super::*;

    fn fixture(path: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../miglab-core/fixtures").join(path)
    }

    #[test]
    fn version_table_ok() {
        let source = std::fs::read_to_string(fixture("alembic/ok/a01_expenses_columns.py")).expect("fixture");
        let migration = alembic::parse(&source).migration;
        let upgrade = script(&migration, Direction::Upgrade, true);
        assert!(upgrade.starts_with("CREATE TABLE alembic_version"));
        assert!(upgrade.ends_with("INSERT INTO alembic_version (version_num) VALUES ('a01') RETURNING alembic_version.version_num;\n\n"));
        let downgrade = script(&migration, Direction::Downgrade, true);
        assert!(downgrade.ends_with("DELETE FROM alembic_version WHERE alembic_version.version_num = 'a01';\n\n"));
    }

    #[test]
    fn sql_pair_from_down_file_ok() {
        let down = fixture("sqlfile/err/000003_broken.down.sql");
        let source = std::fs::read_to_string(&down).expect("fixture");
        let (parsed, up, found) = sql_pair(&down, &source).expect("pair reads");
        assert!(up.ends_with("000003_broken.up.sql"));
        assert_eq!(found.as_deref(), Some(down.as_path()));
        let shown = up.display().to_string();
        let rendered: Vec<String> = parsed.diagnostics.iter().map(|d| render(d, &shown, found.as_deref())).collect();
        assert!(rendered.iter().all(|r| r.contains("000003_broken.up.sql:1:48")), "{rendered:?}");
    }

    #[test]
    fn down_diagnostics_name_the_down_file_ok() {
        let up = fixture("sqlfile/err/000005_broken_down.up.sql");
        let source = std::fs::read_to_string(&up).expect("fixture");
        let (parsed, up, down) = sql_pair(&up, &source).expect("pair reads");
        let shown = up.display().to_string();
        let rendered: Vec<String> = parsed.diagnostics.iter().map(|d| render(d, &shown, down.as_deref())).collect();
        assert!(rendered.iter().any(|r| r.contains("000005_broken_down.down.sql:2:15: This SQL cannot be read")), "{rendered:?}");
    }
}
