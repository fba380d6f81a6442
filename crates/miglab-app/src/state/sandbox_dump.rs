//! A starting schema as the sandbox loads it: `pg_dump` output made into statements the lab's engine can run.
//!
//! `pg_dump` writes for psql, not for a SQL session that keeps going afterwards, so a few of its lines are set aside,
//! each with a note at its line: psql meta-commands (`\connect`, and `\restrict`/`\unrestrict` from newer versions),
//! session settings (`SET …`, `set_config`), of which `set_config('search_path', '', false)` would leave every later
//! unqualified statement without a schema to find its tables in.
//! A `COPY … FROM stdin;` block becomes one `INSERT`, each row kept with its line, so a row Postgres refuses is named
//! and the others still load; nothing in the file is dropped without a note.
//! What is left is SQL, in the file's order, for the analyzer to split: this module reads lines, never SQL.

/// The dump as the sandbox runs it, in the file's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    pub items: Vec<Item>,
    /// What was set aside or changed, at its line.
    pub notes: Vec<Note>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// SQL from the file, for the analyzer to split; its first character is on `line` (1-based).
    Sql { line: u32, text: String },
    /// The rows of one `COPY` block as `INSERT`s.
    Rows(Rows),
}

/// A `COPY … FROM stdin;` block's rows, each as an `INSERT` with the line it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rows {
    /// The line of the `COPY` statement.
    pub line: u32,
    /// The table as the dump names it, e.g. `public.expenses`.
    pub table: String,
    /// `INSERT INTO public.expenses (id, amount) OVERRIDING SYSTEM VALUE VALUES `, which each row's tuple follows.
    pub head: String,
    /// Each row's `(…)` tuple and its line.
    pub rows: Vec<(u32, String)>,
}

impl Rows {
    /// Every row in one statement, which is how a block loads when no row is refused.
    pub fn all(&self) -> String {
        let tuples = self.rows.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join(",\n");
        format!("{}{tuples}", self.head)
    }

    /// One row's statement, to find which rows Postgres refuses once the whole block was refused.
    pub fn one(&self, tuple: &str) -> String {
        format!("{}{tuple}", self.head)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub line: u32,
    pub message: String,
}

fn note(line: u32, message: String) -> Note {
    Note { line, message }
}

/// Reads a dump (or any SQL script) into the statements' order, the `COPY` rows and the notes.
pub fn clean(text: &str) -> Script {
    let mut script = Script::default();
    let mut sql = String::new();
    let mut sql_line = 1;
    let mut lines =
        text.lines().enumerate().map(|(i, l)| (u32::try_from(i + 1).unwrap_or(u32::MAX), l));
    let flush = |sql: &mut String, sql_line: u32, script: &mut Script| {
        if !sql.trim().is_empty() {
            script.items.push(Item::Sql { line: sql_line, text: std::mem::take(sql) });
        }
        sql.clear();
    };
    // Whether the last SQL line left a statement open: meta-commands, settings and `COPY` are recognised only where a
    // statement may start, and only unindented, as `pg_dump` writes them, so a function body's lines are never taken.
    let mut open = false;
    while let Some((n, line)) = lines.next() {
        let trimmed = line.trim_end();
        let at_start = !open && !line.starts_with(char::is_whitespace);
        let set_aside = match trimmed.strip_prefix('\\') {
            _ if !at_start => None,
            Some(command) => Some(meta_command(command)),
            None => session_setting(trimmed),
        };
        if let Some(message) = set_aside {
            script.notes.push(note(n, message));
            // A blank line keeps the SQL's lines where they were in the file.
            if !sql.is_empty() {
                sql.push('\n');
            }
            continue;
        }
        if let Some((table, columns)) = copy_header(trimmed).filter(|_| at_start) {
            flush(&mut sql, sql_line, &mut script);
            let columns = if columns.is_empty() { String::new() } else { format!("{columns} ") };
            let head = format!("INSERT INTO {table} {columns}OVERRIDING SYSTEM VALUE VALUES ");
            let mut rows = Rows { line: n, table: table.to_owned(), head, rows: Vec::new() };
            let mut closed = false;
            for (m, data) in lines.by_ref() {
                if data == "\\." {
                    closed = true;
                    break;
                }
                match tuple(data) {
                    Ok(t) => rows.rows.push((m, t)),
                    Err(why) => script
                        .notes
                        .push(note(m, format!("A row of `{table}` was not loaded: {why}."))),
                }
            }
            if !closed {
                script.notes.push(note(n, format!("The `COPY` of `{table}` has no closing `\\.` line; the rows up to the end of the file were read.")));
            }
            let count = rows.rows.len();
            script.notes.push(note(
                n,
                format!(
                    "The `COPY` of `{table}` is loaded as an `INSERT` of its {count} {}.",
                    if count == 1 { "row" } else { "rows" }
                ),
            ));
            if count > 0 {
                script.items.push(Item::Rows(rows));
            }
            continue;
        }
        if sql.is_empty() {
            sql_line = n;
        }
        let code = line.trim();
        if !code.is_empty() && !code.starts_with("--") {
            open = !code.ends_with(';');
        }
        sql.push_str(line);
        sql.push('\n');
    }
    flush(&mut sql, sql_line, &mut script);
    script.notes.sort_by_key(|n| n.line);
    script
}

/// The note for a psql meta-command, which only psql understands.
fn meta_command(command: &str) -> String {
    let name = command.split_whitespace().next().unwrap_or_default();
    match name {
        "connect" | "c" => format!("The psql command `\\{name}` was skipped: the lab has one database, and everything loads into it."),
        "restrict" | "unrestrict" => format!("The psql command `\\{name}` was skipped: newer `pg_dump` writes it to stop a dump from running psql commands, and the lab runs none."),
        _ => format!("The psql command `\\{name}` was skipped: only psql understands it."),
    }
}

/// The note for a session setting `pg_dump` writes for its own restore, or `None` for any other line.
fn session_setting(line: &str) -> Option<String> {
    let upper = line.to_ascii_uppercase();
    if upper.starts_with("SELECT PG_CATALOG.SET_CONFIG('SEARCH_PATH'") {
        return Some("`pg_dump` empties the `search_path` here so that its own statements are read exactly; the lab skips it, so the unqualified SQL after it, and your migrations, still find their tables in `public`.".to_owned());
    }
    if upper.starts_with("SET ")
        && !upper.starts_with("SET SESSION AUTHORIZATION")
        && line.ends_with(';')
    {
        let setting = line.trim_end_matches(';');
        return Some(format!("`{setting}` was skipped: it is a setting for `pg_dump`'s restore session, and the lab keeps its own settings."));
    }
    None
}

/// `COPY public.t (a, b) FROM stdin;` as its table and `(a, b) ` (empty when the columns are not listed).
fn copy_header(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("COPY ")?.strip_suffix("FROM stdin;")?.trim_end();
    let (table, columns) = match rest.find(" (") {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, ""),
    };
    (!table.is_empty()).then_some((table, columns))
}

/// One line of `COPY`'s text format as a `(…)` tuple of SQL literals: fields split at tabs, `\N` is NULL, and
/// backslash escapes are decoded as `COPY` decodes them, so each value reaches the column's input function as
/// `COPY` would have passed it.
fn tuple(data: &str) -> Result<String, String> {
    let values = data
        .split('\t')
        .map(|field| {
            if field == "\\N" {
                return Ok("NULL".to_owned());
            }
            let bytes = unescape(field);
            let text = String::from_utf8(bytes)
                .map_err(|_| "its escapes spell bytes that are not UTF-8".to_owned())?;
            if text.contains('\0') {
                return Err("a value holds a zero byte, which no Postgres text can".to_owned());
            }
            Ok(format!("'{}'", text.replace('\'', "''")))
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(format!("({})", values.join(", ")))
}

/// `COPY`'s backslash escapes: `\b \f \n \r \t \v`, octal `\NNN`, hex `\xNN`, and any other character as itself.
fn unescape(field: &str) -> Vec<u8> {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if b != b'\\' || i >= bytes.len() {
            out.push(b);
            continue;
        }
        let c = bytes[i];
        i += 1;
        match c {
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'0'..=b'7' => {
                let mut value = u32::from(c - b'0');
                for _ in 0..2 {
                    match bytes.get(i) {
                        Some(d @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push((value & 0xff) as u8);
            }
            b'x' if bytes.get(i).is_some_and(u8::is_ascii_hexdigit) => {
                let mut value = 0u32;
                for _ in 0..2 {
                    match bytes.get(i).and_then(|d| char::from(*d).to_digit(16)) {
                        Some(d) => {
                            value = value * 16 + d;
                            i += 1;
                        }
                        None => break,
                    }
                }
                out.push((value & 0xff) as u8);
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether Postgres's refusal of a dump statement only means the lab lacks what the dump's server had, so the
/// statement is set aside with a note: ownership and privileges for a role the lab does not have.
pub fn excused(sql: &str, sqlstate: &str, message: &str) -> Option<String> {
    let upper = sql.to_ascii_uppercase();
    let grants = upper.starts_with("GRANT ") || upper.starts_with("REVOKE ");
    let ownership = upper.starts_with("ALTER ") && upper.contains(" OWNER TO ");
    (sqlstate == "42704" && message.starts_with("role ") && (grants || ownership)).then(|| {
        let first = sql.lines().next().unwrap_or_default().trim_end_matches(';');
        format!("`{first}` was skipped: {message} in the lab, which has one role; ownership and privileges change nothing a migration does.")
    })
}

#[cfg(test)]
mod test {
    use super::*;

    /// The items as `line: kind: text`, and the notes as `line: message`, for tests that read like the dump.
    fn check(dump: &str, items: &[&str], notes: &[&str]) {
        let script = clean(dump);
        let got: Vec<String> = script
            .items
            .iter()
            .map(|item| match item {
                Item::Sql { line, text } => format!("{line}: sql: {}", text.trim()),
                Item::Rows(rows) => format!(
                    "{}: rows: {} [{}]",
                    rows.line,
                    rows.all(),
                    rows.rows.iter().map(|(l, _)| l.to_string()).collect::<Vec<_>>().join(",")
                ),
            })
            .collect();
        assert_eq!(got, items);
        let got: Vec<String> =
            script.notes.iter().map(|n| format!("{}: {}", n.line, n.message)).collect();
        assert_eq!(got, notes);
    }

    const DUMP: &str = r"--
-- PostgreSQL database dump
--

\restrict abc123

SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);

CREATE TABLE public.vendors (
    id integer NOT NULL,
    name text
);

ALTER TABLE public.vendors OWNER TO app;

COPY public.vendors (id, name) FROM stdin;
1	Acme's
2	\N
3	tab\there
\.

ALTER TABLE ONLY public.vendors ADD CONSTRAINT vendors_pkey PRIMARY KEY (id);

\unrestrict abc123
";

    #[test]
    fn pg_dump_ok() {
        check(
            DUMP,
            &[
                "1: sql: --\n-- PostgreSQL database dump\n--\n\n\n\n\n\n\nCREATE TABLE public.vendors (\n    id integer NOT NULL,\n    name text\n);\n\nALTER TABLE public.vendors OWNER TO app;",
                "17: rows: INSERT INTO public.vendors (id, name) OVERRIDING SYSTEM VALUE VALUES ('1', 'Acme''s'),\n('2', NULL),\n('3', 'tab\there') [18,19,20]",
                "22: sql: ALTER TABLE ONLY public.vendors ADD CONSTRAINT vendors_pkey PRIMARY KEY (id);",
            ],
            &[
                "5: The psql command `\\restrict` was skipped: newer `pg_dump` writes it to stop a dump from running psql commands, and the lab runs none.",
                "7: `SET statement_timeout = 0` was skipped: it is a setting for `pg_dump`'s restore session, and the lab keeps its own settings.",
                "8: `pg_dump` empties the `search_path` here so that its own statements are read exactly; the lab skips it, so the unqualified SQL after it, and your migrations, still find their tables in `public`.",
                "17: The `COPY` of `public.vendors` is loaded as an `INSERT` of its 3 rows.",
                "25: The psql command `\\unrestrict` was skipped: newer `pg_dump` writes it to stop a dump from running psql commands, and the lab runs none.",
            ],
        );
    }

    #[test]
    fn copy_escapes_ok() {
        assert_eq!(unescape(r"a\\b\n\101\x41\q"), b"a\\b\nAAq");
        assert_eq!(tuple("\\N\t\\\\x00ff").as_deref(), Ok("(NULL, '\\x00ff')"));
    }

    #[test]
    fn copy_without_end_err() {
        check(
            "COPY t FROM stdin;\n1\n",
            &["1: rows: INSERT INTO t OVERRIDING SYSTEM VALUE VALUES ('1') [2]"],
            &[
                "1: The `COPY` of `t` has no closing `\\.` line; the rows up to the end of the file were read.",
                "1: The `COPY` of `t` is loaded as an `INSERT` of its 1 row.",
            ],
        );
    }

    #[test]
    fn copy_bad_row_err() {
        check(
            "COPY t (a) FROM stdin;\n\\377\n\\.\n",
            &[],
            &[
                "1: The `COPY` of `t` is loaded as an `INSERT` of its 0 rows.",
                "2: A row of `t` was not loaded: its escapes spell bytes that are not UTF-8.",
            ],
        );
    }

    #[test]
    fn plain_sql_keeps_its_lines_ok() {
        check(
            "\nCREATE TABLE t (a int);\nINSERT INTO t VALUES (1);\n",
            &["1: sql: CREATE TABLE t (a int);\nINSERT INTO t VALUES (1);"],
            &[],
        );
    }

    #[test]
    fn excused_ok() {
        assert!(excused(
            "ALTER TABLE public.t OWNER TO app;",
            "42704",
            "role \"app\" does not exist"
        )
        .is_some());
        assert!(excused(
            "GRANT ALL ON TABLE public.t TO app;",
            "42704",
            "role \"app\" does not exist"
        )
        .is_some());
    }

    #[test]
    fn excused_err() {
        assert_eq!(
            excused("ALTER TABLE t ADD COLUMN x int", "42704", "type \"nope\" does not exist"),
            None
        );
        assert_eq!(excused("ALTER TABLE t OWNER TO app", "42501", "must be owner"), None);
    }
}
