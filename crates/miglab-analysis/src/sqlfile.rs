//! Plain SQL migrations: up/down file pairs in golang-migrate and Flyway naming.
//!
//! A pair becomes the same [`Migration`] an Alembic file does: one step per statement,
//! each with its span in the file it came from, `CONCURRENTLY` and `VACUUM` marked autocommit.
//! Only lexical errors (an unterminated string, quoted name or comment) are reported here:
//! grammar is `analysis`'s job, and sqlparser does not know all of PostgreSQL (it rejects
//! `DROP INDEX CONCURRENTLY`, for one), so a second opinion here would only add false alarms.

mod name;
mod split;

pub use split::split_statements;

use crate::diagnostic::Diagnostic;
use crate::migration::{Migration, Parsed, Revision};
use name::{file_name, Role};

/// Reads an up file and its optional down (golang-migrate) or undo (Flyway) file.
///
/// Spans of upgrade steps point into `up_sql`, spans of downgrade steps into `down_sql`.
/// Diagnostics about the down file are resolved against `down_sql` too, and say which file they are about.
pub fn parse_pair(
    up_name: &str,
    up_sql: &str,
    down_name: Option<&str>,
    down_sql: Option<&str>,
) -> Parsed {
    let mut diagnostics = Vec::new();
    let up = file_name(up_name);
    let revision = match &up {
        Some(up) if up.direction == Role::Up => Revision {
            revision: up.version.clone(),
            message: up.description.clone(),
            ..Revision::default()
        },
        _ => {
            diagnostics.push(
                Diagnostic::warning(
                    "sql-file-name",
                    format!("`{up_name}` does not follow golang-migrate or Flyway naming, so miglab cannot tell its version."),
                )
                .with_help("Name it like `000001_add_x.up.sql` or `V1__add_x.sql`."),
            );
            Revision {
                revision: stem(up_name).to_owned(),
                message: stem(up_name).replace('_', " "),
                ..Revision::default()
            }
        }
    };
    if let (Some(up), Some(down_name)) = (&up, down_name) {
        match file_name(down_name) {
            Some(down) if down.direction == Role::Down && down.version == up.version && down.style == up.style => {}
            _ => diagnostics.push(
                Diagnostic::error(
                    "sql-pair-mismatch",
                    format!("`{down_name}` is not the down migration of `{up_name}`: the versions or naming styles differ."),
                )
                .with_help(format!("Name the down file after its up file, e.g. `{}`.", expected_down(up_name))),
            ),
        }
    }
    let (upgrade, up_diagnostics) = split_statements(up_sql);
    if upgrade.is_empty() && up_diagnostics.is_empty() {
        diagnostics.push(
            Diagnostic::warning(
                "empty-sql",
                format!("`{up_name}` runs no statement: it is empty or only comments."),
            )
            .with_help("Write the migration's SQL, ending each statement with `;`."),
        );
    }
    diagnostics.extend(up_diagnostics);
    let (downgrade, down_diagnostics) = match down_sql {
        Some(sql) => split_statements(sql),
        None => (Vec::new(), Vec::new()),
    };
    let down_label = down_name.unwrap_or("the down file");
    diagnostics.extend(down_diagnostics.into_iter().map(|mut d| {
        d.message = format!("In {down_label}: {}", d.message);
        d
    }));
    let mut migration = Migration { revision, upgrade, downgrade };
    crate::locks::document(&mut migration);
    Parsed { migration, diagnostics }
}

fn stem(name: &str) -> &str {
    let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    name.strip_suffix(".up.sql").or_else(|| name.strip_suffix(".sql")).unwrap_or(name)
}

fn expected_down(up_name: &str) -> String {
    let name = up_name.rsplit(['/', '\\']).next().unwrap_or(up_name);
    match name.strip_suffix(".up.sql") {
        Some(stem) => format!("{stem}.down.sql"),
        None => format!("U{}", name.strip_prefix('V').unwrap_or(name)),
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use std::path::Path;

    /// A file name and its text.
    type File = (String, String);

    /// Every up file in a fixture folder with its down/undo partner (found by naming convention or listed).
    fn pairs(verdict: &str) -> Vec<(String, String, Option<File>)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sqlfile").join(verdict);
        let names: Vec<String> = crate::fixture_files::fixtures("sqlfile", verdict, "")
            .into_iter()
            .map(|f| f.name)
            .collect();
        let read =
            |name: &str| std::fs::read_to_string(dir.join(name)).expect("fixture is readable");
        let ups: Vec<&String> = names
            .iter()
            .filter(|n| file_name(n).is_some_and(|f| f.direction == Role::Up))
            .collect();
        ups.iter()
            .map(|up| {
                let down = names.iter().find(|n| {
                    let (Some(u), Some(d)) = (file_name(up), file_name(n)) else { return false };
                    d.direction == Role::Down
                        && (d.version == u.version || d.description == u.description)
                });
                (up.to_string(), read(up), down.map(|d| (d.clone(), read(d))))
            })
            .collect()
    }

    fn render(parsed: &Parsed) -> String {
        crate::alembic::render_for_test(parsed, "file.sql")
    }

    #[test]
    fn fixtures_ok() {
        for (up, up_sql, down) in pairs("ok") {
            let parsed = parse_pair(
                &up,
                &up_sql,
                down.as_ref().map(|d| d.0.as_str()),
                down.as_ref().map(|d| d.1.as_str()),
            );
            assert!(!parsed.has_errors(), "{up}: {:#?}", parsed.diagnostics);
            assert!(!parsed.migration.downgrade.is_empty(), "{up} has no down file");
            let header = format!("{:#?}\n", parsed.migration.revision);
            insta::with_settings!({ snapshot_path => "sqlfile/snapshots", prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!(format!("ok__{up}"), header + &render(&parsed));
            });
        }
    }

    #[test]
    fn fixtures_err() {
        for (up, up_sql, down) in pairs("err") {
            let parsed = parse_pair(
                &up,
                &up_sql,
                down.as_ref().map(|d| d.0.as_str()),
                down.as_ref().map(|d| d.1.as_str()),
            );
            assert!(parsed.has_errors(), "{up} produced no error");
            insta::with_settings!({ snapshot_path => "sqlfile/snapshots", prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!(format!("err__{up}"), render(&parsed));
            });
        }
    }

    #[test]
    fn unknown_name_ok() {
        let parsed = parse_pair("add_x.sql", "SELECT 1; SELEC 2", None, None);
        let empty = parse_pair("000002_nothing.up.sql", "-- to do\n", None, None);
        insta::assert_snapshot!(render(&empty), @r#"
            -- upgrade
            -- downgrade
            -- Warning empty-sql: file.sql: `000002_nothing.up.sql` runs no statement: it is empty or only comments.
              help: Write the migration's SQL, ending each statement with `;`.
            "#);
        insta::assert_snapshot!(render(&parsed), @r#"
            -- upgrade
            SELECT 1;
            SELEC 2;
            -- downgrade
            -- Warning sql-file-name: file.sql: `add_x.sql` does not follow golang-migrate or Flyway naming, so miglab cannot tell its version.
              help: Name it like `000001_add_x.up.sql` or `V1__add_x.sql`.
            "#);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        #[test]
        fn arbitrary_sql_ok(sql in "\\PC*", name in "\\PC{0,20}") {
            let _ = split_statements(&sql);
            let _ = parse_pair(&name, &sql, Some(&name), Some(&sql));
        }

        #[test]
        fn sql_soup_ok(tokens in proptest::collection::vec(proptest::sample::select(&[
            "ALTER", "TABLE", "t", "ADD", "COLUMN", "CREATE", "INDEX", "CONCURRENTLY", "BEGIN", "ATOMIC", "END", ";", "'", "\"", "$$",
            "$tag$", "--", "/*", "*/", "(", ")", " ", "\n", "é", "E'\\\\'", "VACUUM", "REFRESH",
        ][..]), 0..60)) {
            let sql = tokens.concat();
            let _ = split_statements(&sql);
            let _ = parse_pair("000001_x.up.sql", &sql, Some("000001_x.down.sql"), Some(&sql));
        }
    }
}
