//! `miglab sql`: prints the DDL an Alembic revision file (or a plain SQL migration) runs, one `;`-terminated statement per step.
//!
//! A direction is printed whenever it translates: an error in `downgrade()` (or the down file) never hides the upgrade,
//! and the exit status is 1 only when the direction asked for has an error.
//! Given a folder of revisions, it prints `upgrade [FROM:]TO` across them, in Alembic's order ([`chain`]).

mod chain;

use miglab_analysis::alembic::{self, version_table, Parsed};
use miglab_analysis::diagnostic::Diagnostic;
use miglab_analysis::migration::{Direction, Migration};
use miglab_analysis::sqlfile;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// An Alembic revision file (.py), a plain SQL migration (.up.sql / V1__x.sql), or a folder of Alembic revisions.
    file: PathBuf,
    /// With a folder: the revision the database is at already, as in `alembic upgrade FROM:TO --sql` (default: an empty database).
    #[arg(long)]
    from: Option<String>,
    /// With a folder: the revision to upgrade to: an id, a unique prefix, a branch label, `head` or `heads` (default: `head`).
    #[arg(long)]
    to: Option<String>,
    /// Print what `downgrade()` (or the down/undo SQL file) runs instead of the upgrade; exit 1 only if that has an error.
    #[arg(long)]
    downgrade: bool,
    /// Include the `alembic_version` bookkeeping, as `alembic upgrade --sql` prints it for this revision.
    #[arg(long)]
    version_table: bool,
}

/// The part of a migration a diagnostic is about, so only the direction it breaks refuses to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Upgrade,
    Downgrade,
    /// The file as a whole (its syntax, its revision metadata, a mismatched pair): both directions.
    File,
}

impl Part {
    fn breaks(self, direction: Direction) -> bool {
        match self {
            Part::File => true,
            Part::Upgrade => direction == Direction::Upgrade,
            Part::Downgrade => direction == Direction::Downgrade,
        }
    }
}

pub fn run(args: Args) -> ExitCode {
    if args.file.is_dir() {
        return chain_run(&args);
    }
    if args.from.is_some() || args.to.is_some() {
        eprintln!("{}: --from and --to choose revisions in a folder; give the versions folder instead of one file.", args.file.display());
        return ExitCode::from(2);
    }
    let source = match crate::read_source(&args.file) {
        Ok(source) => source,
        Err(code) => return code,
    };
    let direction = if args.downgrade { Direction::Downgrade } else { Direction::Upgrade };
    match output(&args.file, &source, direction, args.version_table) {
        Ok(out) => {
            print!("{}", out.sql);
            for message in &out.messages {
                eprintln!("{message}");
            }
            ExitCode::from(out.status)
        }
        Err(code) => code,
    }
}

/// `miglab sql versions/`: every revision `upgrade FROM:TO` runs, each after Alembic's `-- Running upgrade` comment.
/// Any error in a revision it runs prints no SQL at all, as a single file does.
fn chain_run(args: &Args) -> ExitCode {
    if args.downgrade {
        eprintln!("{}: miglab prints the upgrade of a folder; for a downgrade, give one revision file with --downgrade.", args.file.display());
        return ExitCode::from(2);
    }
    let to = args.to.as_deref().unwrap_or("head");
    let (sql, messages, status) =
        match chain_output(&args.file, args.from.as_deref(), to, args.version_table) {
            Ok(out) => out,
            Err(problem) => (String::new(), vec![problem], 1),
        };
    print!("{sql}");
    for message in &messages {
        eprintln!("{message}");
    }
    ExitCode::from(status)
}

/// The SQL, the messages and the exit status of `miglab sql DIR`.
fn chain_output(
    dir: &Path,
    from: Option<&str>,
    to: &str,
    version_table: bool,
) -> Result<(String, Vec<String>, u8), String> {
    let chain = chain::Chain::load(dir)?;
    let order = chain.upgrade(from, to)?;
    let bookkeeping = chain.bookkeeping(from, &order)?;
    let mut messages = Vec::new();
    let mut errors = 0;
    for &i in &order {
        let node = &chain.nodes[i];
        let source = std::fs::read_to_string(&node.file).unwrap_or_default();
        let parts = python_parts(&node.parsed, &source);
        for (diagnostic, part) in node.parsed.diagnostics.iter().zip(&parts) {
            messages.push(diagnostic.render(&node.file.display().to_string()));
            if diagnostic.is_error() && part.breaks(Direction::Upgrade) {
                errors += 1;
            }
        }
    }
    if errors > 0 {
        return Ok((String::new(), messages, 1));
    }
    let mut out = String::new();
    if version_table && from.is_none() && !order.is_empty() {
        out.push_str(&format!(
            "{};

",
            version_table::create_table()
        ));
    }
    for (&i, bookkeeping) in order.iter().zip(bookkeeping) {
        out.push_str(&format!(
            "{}

",
            chain.banner(i)
        ));
        for step in &chain.nodes[i].parsed.migration.upgrade {
            out.push_str(&format!(
                "{};

",
                step.sql
            ));
        }
        if version_table {
            for statement in bookkeeping {
                out.push_str(&format!(
                    "{statement};

"
                ));
            }
        }
    }
    Ok((out, messages, 0))
}

/// What `miglab sql` prints: the SQL (stdout), the diagnostics and notes (stderr), and the exit status.
#[derive(Debug)]
struct Output {
    sql: String,
    messages: Vec<String>,
    status: u8,
}

/// Translates `file` and prints `direction` when that direction has no error, whatever the other one has.
fn output(
    file: &Path,
    source: &str,
    direction: Direction,
    version_table: bool,
) -> Result<Output, ExitCode> {
    let is_sql = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("sql"));
    let (parsed, up, down) = match is_sql {
        true => sql_pair(file, source)?,
        false => (alembic::parse(source), file.to_path_buf(), None),
    };
    let shown = up.display().to_string();
    let mut messages: Vec<String> =
        parsed.diagnostics.iter().map(|d| render(d, &shown, down.as_deref())).collect();
    let parts = match &down {
        Some(down) => sql_parts(&parsed, down),
        None if is_sql => parsed.diagnostics.iter().map(|_| Part::Upgrade).collect(),
        None => python_parts(&parsed, source),
    };
    let errors = |direction: Direction| {
        parsed
            .diagnostics
            .iter()
            .zip(&parts)
            .filter(|(d, part)| d.is_error() && part.breaks(direction))
            .count()
    };
    if errors(direction) > 0 {
        return Ok(Output { sql: String::new(), messages, status: 1 });
    }
    // golang-migrate and Flyway keep their own history tables, so the Alembic bookkeeping is for .py only.
    let sql = script(&parsed.migration, direction, version_table && !is_sql);
    let other = match direction {
        Direction::Upgrade => Direction::Downgrade,
        Direction::Downgrade => Direction::Upgrade,
    };
    if errors(other) > 0 {
        messages.push(other_direction_note(file, direction, errors(other), is_sql));
    }
    Ok(Output { sql, messages, status: 0 })
}

/// Says that the errors printed above break only the direction that was not asked for.
fn other_direction_note(file: &Path, printed: Direction, errors: usize, is_sql: bool) -> String {
    let (errors, them) = if errors == 1 {
        ("1 error".to_owned(), "it is")
    } else {
        (format!("{errors} errors"), "they are")
    };
    let (part, flag) = match (printed, is_sql) {
        (Direction::Upgrade, false) => ("downgrade()", "--downgrade "),
        (Direction::Upgrade, true) => ("the down file", "--downgrade "),
        (Direction::Downgrade, false) => ("upgrade()", ""),
        (Direction::Downgrade, true) => ("the up file", ""),
    };
    let printed = match printed {
        Direction::Upgrade => "upgrade",
        Direction::Downgrade => "downgrade",
    };
    format!("{}: {errors} above in {part}: the {printed} is printed, but `miglab sql {flag}{}` exits 1 until {them} fixed.", file.display(), file.display())
}

/// Which part of a revision file each diagnostic is about: the `def upgrade()` or `def downgrade()` its span lies in.
/// A file that did not parse, or a diagnostic outside both functions (revision metadata), is about the whole file.
fn python_parts(parsed: &Parsed, source: &str) -> Vec<Part> {
    // ruff's parser may overflow the stack on what the analysis refused before parsing, so parse only what the analysis parsed.
    let unparsed = parsed
        .diagnostics
        .iter()
        .any(|d| d.code == "python-syntax-error" || d.code == "python-too-deep");
    let (upgrade, downgrade) = if unparsed { (None, None) } else { functions(source) };
    let inside = |range: &Option<Range<usize>>, d: &Diagnostic| matches!((range, d.span), (Some(range), Some(span)) if range.contains(&span.start));
    parsed
        .diagnostics
        .iter()
        .map(|d| match d.code.as_str() {
            "missing-upgrade" => Part::Upgrade,
            "missing-downgrade" => Part::Downgrade,
            _ if inside(&downgrade, d) => Part::Downgrade,
            _ if inside(&upgrade, d) => Part::Upgrade,
            _ => Part::File,
        })
        .collect()
}

/// The byte ranges of the `def upgrade()` and `def downgrade()` Alembic calls: the last top-level definition of each.
fn functions(source: &str) -> (Option<Range<usize>>, Option<Range<usize>>) {
    let Ok(parsed) = ruff_python_parser::parse_module(source) else { return (None, None) };
    let body = &parsed.syntax().body;
    let find = |name: &str| {
        body.iter().rev().find_map(|stmt| match stmt {
            ruff_python_ast::Stmt::FunctionDef(def) if def.name.as_str() == name => {
                Some(usize::from(def.range.start())..usize::from(def.range.end()))
            }
            _ => None,
        })
    };
    (find("upgrade"), find("downgrade"))
}

/// Which file of a SQL pair each diagnostic is about; `parse_pair` marks the down file's with `In <name>: `.
fn sql_parts(parsed: &Parsed, down: &Path) -> Vec<Part> {
    let name = down.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    parsed
        .diagnostics
        .iter()
        .map(|d| match d.code.as_str() {
            "sql-pair-mismatch" => Part::File,
            _ if d.message.starts_with(&format!("In {name}: ")) => Part::Downgrade,
            _ => Part::Upgrade,
        })
        .collect()
}

/// The statements to print, each ending in `;` and followed by a blank line, as `alembic … --sql` spaces them.
fn script(migration: &Migration, direction: Direction, version_table: bool) -> String {
    let mut statements: Vec<String> =
        migration.steps(direction).iter().map(|s| s.sql.clone()).collect();
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
        let parsed =
            sqlfile::parse_pair(&format!("{stem}.up.sql"), &up_source, Some(&name), Some(source));
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

    /// `miglab sql [--downgrade] FILE` as text: stdout, then every stderr line after `--`, then the exit status.
    fn check(file: &Path, source: &str, direction: Direction) -> String {
        let out = output(file, source, direction, false).expect("no file to read");
        format!("{}-- stderr\n{}\n-- exit {}", out.sql, out.messages.join("\n"), out.status)
    }

    const BROKEN_DOWN: &str = r#"from alembic import op
import sqlalchemy as sa

revision = "r1"
down_revision = None


def upgrade():
    op.add_column("expenses", sa.Column("note", sa.Text()))


def downgrade():
    op.frobnicate("expenses")
"#;

    #[test]
    fn broken_downgrade_prints_upgrade_ok() {
        assert_eq!(
            check(Path::new("r1.py"), BROKEN_DOWN, Direction::Upgrade),
            "ALTER TABLE expenses ADD COLUMN note TEXT;

-- stderr
r1.py:13:5: miglab does not support `op.frobnicate()`, so it cannot show the SQL Alembic would run.
  help: Use a supported operation, or write the SQL with `op.execute()`.
r1.py: 1 error above in downgrade(): the upgrade is printed, but `miglab sql --downgrade r1.py` exits 1 until it is fixed.
-- exit 0"
        );
    }

    #[test]
    fn broken_downgrade_asked_for_err() {
        assert_eq!(
            check(Path::new("r1.py"), BROKEN_DOWN, Direction::Downgrade),
            "-- stderr
r1.py:13:5: miglab does not support `op.frobnicate()`, so it cannot show the SQL Alembic would run.
  help: Use a supported operation, or write the SQL with `op.execute()`.
-- exit 1"
        );
    }

    #[test]
    fn broken_upgrade_prints_downgrade_ok() {
        let source = BROKEN_DOWN
            .replace("op.frobnicate(\"expenses\")", "op.drop_column(\"expenses\", \"note\")")
            .replace("sa.Column(\"note\", sa.Text())", "");
        let upgrade = check(Path::new("r1.py"), &source, Direction::Upgrade);
        assert_eq!(upgrade.lines().last(), Some("-- exit 1"), "{upgrade}");
        assert_eq!(
            check(Path::new("r1.py"), &source, Direction::Downgrade),
            "ALTER TABLE expenses DROP COLUMN note;

-- stderr
r1.py:9:5: `op.add_column` needs the `column` argument.
  help: Pass `column`.
r1.py: 1 error above in upgrade(): the downgrade is printed, but `miglab sql r1.py` exits 1 until it is fixed.
-- exit 0"
        );
    }

    #[test]
    fn file_errors_break_both_directions_err() {
        let syntax = BROKEN_DOWN.replace("def upgrade():", "def upgrade(:");
        let revision = BROKEN_DOWN
            .replace("op.frobnicate(\"expenses\")", "pass")
            .replace("revision = \"r1\"", "revision = 1");
        for source in [syntax, revision] {
            for direction in [Direction::Upgrade, Direction::Downgrade] {
                let out = check(Path::new("r1.py"), &source, direction);
                assert!(
                    out.starts_with("-- stderr\nr1.py:") && out.ends_with("-- exit 1"),
                    "{out}"
                );
            }
        }
    }

    #[test]
    fn broken_down_file_prints_up_ok() {
        let up = fixture("sqlfile/err/000005_broken_down.up.sql");
        let source = std::fs::read_to_string(&up).expect("fixture");
        let printed = check(&up, &source, Direction::Upgrade);
        assert!(printed.starts_with("ALTER TABLE users ADD COLUMN nickname TEXT;\n"), "{printed}");
        assert!(
            printed.contains("000005_broken_down.down.sql:2:15: This SQL cannot be read"),
            "{printed}"
        );
        assert!(printed.contains(": 1 error above in the down file: the upgrade is printed, but `miglab sql --downgrade "), "{printed}");
        assert!(printed.ends_with("-- exit 0"), "{printed}");
        assert!(check(&up, &source, Direction::Downgrade).ends_with("-- exit 1"));
    }

    fn fixture(path: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../miglab-analysis/fixtures").join(path)
    }

    #[test]
    fn folder_upgrade_ok() {
        let dir =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/alembic-compat/chains/branchy");
        let (sql, messages, status) =
            chain_output(&dir, None, "heads", true).expect("the folder loads");
        assert_eq!((status, messages.len()), (0, 0), "{messages:?}");
        assert!(sql.starts_with("CREATE TABLE alembic_version"), "{sql}");
        let banners: Vec<&str> = sql.lines().filter(|l| l.starts_with("-- Running")).collect();
        assert_eq!(
            banners,
            [
                "-- Running upgrade  -> a",
                "-- Running upgrade a -> b2",
                "-- Running upgrade  -> c",
                "-- Running upgrade c -> d",
                "-- Running upgrade a -> b1",
                "-- Running upgrade b1, b2 -> m"
            ]
        );
        let (_, problems, status) =
            chain_output(&dir, None, "head", false).unwrap_or_else(|p| (String::new(), vec![p], 1));
        assert_eq!(status, 1);
        assert!(problems[0].contains("2 heads"), "{problems:?}");
    }

    #[test]
    fn version_table_ok() {
        let source = std::fs::read_to_string(fixture("alembic/ok/a01_expenses_columns.py"))
            .expect("fixture");
        let migration = alembic::parse(&source).migration;
        let upgrade = script(&migration, Direction::Upgrade, true);
        assert!(upgrade.starts_with("CREATE TABLE alembic_version"));
        assert!(upgrade.ends_with("INSERT INTO alembic_version (version_num) VALUES ('a01') RETURNING alembic_version.version_num;\n\n"));
        let downgrade = script(&migration, Direction::Downgrade, true);
        assert!(downgrade.ends_with(
            "DELETE FROM alembic_version WHERE alembic_version.version_num = 'a01';\n\n"
        ));
    }

    #[test]
    fn sql_pair_from_down_file_ok() {
        let down = fixture("sqlfile/err/000003_broken.down.sql");
        let source = std::fs::read_to_string(&down).expect("fixture");
        let (parsed, up, found) = sql_pair(&down, &source).expect("pair reads");
        assert!(up.ends_with("000003_broken.up.sql"));
        assert_eq!(found.as_deref(), Some(down.as_path()));
        let shown = up.display().to_string();
        let rendered: Vec<String> =
            parsed.diagnostics.iter().map(|d| render(d, &shown, found.as_deref())).collect();
        assert!(rendered.iter().all(|r| r.contains("000003_broken.up.sql:1:48")), "{rendered:?}");
    }

    #[test]
    fn down_diagnostics_name_the_down_file_ok() {
        let up = fixture("sqlfile/err/000005_broken_down.up.sql");
        let source = std::fs::read_to_string(&up).expect("fixture");
        let (parsed, up, down) = sql_pair(&up, &source).expect("pair reads");
        let shown = up.display().to_string();
        let rendered: Vec<String> =
            parsed.diagnostics.iter().map(|d| render(d, &shown, down.as_deref())).collect();
        assert!(
            rendered
                .iter()
                .any(|r| r.contains("000005_broken_down.down.sql:2:15: This SQL cannot be read")),
            "{rendered:?}"
        );
    }
}
