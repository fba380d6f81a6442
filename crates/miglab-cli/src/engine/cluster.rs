//! Cluster-level statements: SQL that changes the whole PostgreSQL server (its roles, databases,
//! tablespaces or configuration) rather than the one scratch database a lesson runs in.
//!
//! `--database-url` may point at a server an instructor shares with a class, so these are refused
//! before they are sent. They are found with sqlparser's tokenizer, so a keyword inside a string,
//! a quoted name or a comment never counts, and the bodies of `DO` blocks and functions are searched
//! too (PL/pgSQL runs `DROP ROLE` directly, and `EXECUTE` runs a string).
//! SQL assembled at run time (`EXECUTE 'DROP ' || kind`) cannot be seen this way: the role in the URL,
//! which should have only `CREATEDB`, is the boundary for that.

use miglab_analysis::diagnostic::{LineCol, LineIndex};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer};

/// What a refused statement would change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Role,
    Database,
    Tablespace,
    System,
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Role => "a role",
            Kind::Database => "a database",
            Kind::Tablespace => "a tablespace",
            Kind::System => "the server's configuration",
        }
    }
}

/// One cluster-level statement in a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The byte offset in the script where the refused command starts (inside a body when it is in one).
    pub at: usize,
    pub kind: Kind,
    /// The top-level statement that holds it, on one line and shortened, for messages.
    pub statement: String,
}

impl Found {
    /// A full sentence for an instructor, naming the statement.
    pub fn sentence(&self) -> String {
        format!(
            "`{}` changes {}, which belongs to the whole server and not to the lesson's scratch database, so `miglab check --database-url` does not send it",
            self.statement,
            self.kind.describe()
        )
    }
}

/// Bodies nest (a `DO` block that `EXECUTE`s a string); deeper than this is not searched.
const MAX_DEPTH: usize = 8;

/// Every cluster-level statement in `sql`, in order.
pub fn find(sql: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let Some(tokens) = significant_tokens(sql, 0) else {
        // sqlparser cannot read it (Postgres will most likely refuse it too); look at the words alone,
        // so what cannot be read is never waved through.
        if let Some((at, kind)) = by_words(sql) {
            found.push(Found { at, kind, statement: shown(sql) });
        }
        return found;
    };
    for statement in tokens.split(|t| t.token == Token::SemiColon) {
        let Some(first) = statement.first() else { continue };
        let text =
            sql.get(first.start..statement.last().map_or(first.end, |t| t.end)).unwrap_or_default();
        let mut hits = Vec::new();
        search(sql, statement, 0, &mut hits);
        found.extend(hits.into_iter().map(|(at, kind)| Found { at, kind, statement: shown(text) }));
    }
    found
}

/// A significant token (no whitespace or comment) and its byte range in the whole script.
struct Tok {
    token: Token,
    start: usize,
    end: usize,
}

impl Tok {
    /// An unquoted word, upper-cased; `None` for anything else.
    fn word(&self) -> Option<String> {
        match &self.token {
            Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
            _ => None,
        }
    }

    /// The text inside a string literal and where it starts, when this is one.
    fn string_body<'s>(&self, sql: &'s str) -> Option<(&'s str, usize)> {
        let (prefix, suffix) = match &self.token {
            Token::DollarQuotedString(d) => {
                let quote = d.tag.as_ref().map_or(0, String::len) + 2;
                (quote, quote)
            }
            Token::SingleQuotedString(_) => (1, 1),
            Token::EscapedStringLiteral(_) | Token::NationalStringLiteral(_) => (2, 1),
            Token::UnicodeStringLiteral(_) => (3, 1),
            _ => return None,
        };
        let start = self.start + prefix;
        let body = sql.get(start..self.end.checked_sub(suffix)?)?;
        Some((body, start))
    }
}

/// The significant tokens of `text`, which starts at byte `base` of the whole script, with offsets into the script.
fn significant_tokens(text: &str, base: usize) -> Option<Vec<Tok>> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, text)
        .with_unescape(false)
        .tokenize_with_location()
        .ok()?;
    let index = LineIndex::new(text);
    let offset = |l: Location| {
        let at = LineCol {
            line: u32::try_from(l.line).unwrap_or(u32::MAX),
            column: u32::try_from(l.column).unwrap_or(u32::MAX),
        };
        base + index.offset(at)
    };
    Some(
        tokens
            .into_iter()
            .filter(|t: &TokenWithSpan| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
            .map(|t| Tok { start: offset(t.span.start), end: offset(t.span.end), token: t.token })
            .collect(),
    )
}

/// Searches one statement (or one body) for commands that start a cluster-level statement,
/// and the string literals that can hold code: all of them inside a body, and at the top level
/// those of `DO` and of `CREATE FUNCTION`/`PROCEDURE`, plus any dollar-quoted string.
fn search(sql: &str, tokens: &[Tok], depth: usize, hits: &mut Vec<(usize, Kind)>) {
    let head: Vec<String> = tokens.iter().take(4).map(|t| t.word().unwrap_or_default()).collect();
    let is_code = depth > 0
        || head.first().is_some_and(|w| w == "DO")
        || (head.first().is_some_and(|w| w == "CREATE")
            && head.iter().any(|w| w == "FUNCTION" || w == "PROCEDURE"));
    for (i, token) in tokens.iter().enumerate() {
        if starts_command(tokens, i) {
            if let Some(kind) = classify(&tokens[i..]) {
                hits.push((token.start, kind));
            }
        }
        let searched = is_code || matches!(token.token, Token::DollarQuotedString(_));
        if let (true, true, Some((body, start))) =
            (searched, depth < MAX_DEPTH, token.string_body(sql))
        {
            match significant_tokens(body, start) {
                Some(inner) => search(sql, &inner, depth + 1, hits),
                None => hits.extend(by_words(body).map(|(at, kind)| (start + at, kind))),
            }
        }
    }
}

/// True when token `i` can begin a command: the start, or after `;` or a PL/pgSQL block word.
fn starts_command(tokens: &[Tok], i: usize) -> bool {
    let Some(previous) = i.checked_sub(1).and_then(|p| tokens.get(p)) else { return true };
    previous.token == Token::SemiColon
        || previous
            .word()
            .is_some_and(|w| matches!(w.as_str(), "BEGIN" | "THEN" | "ELSE" | "LOOP" | "DECLARE"))
}

/// What the command starting at `tokens[0]` changes, when it is cluster-level.
fn classify(tokens: &[Tok]) -> Option<Kind> {
    let word = |i: usize| tokens.get(i).and_then(Tok::word).unwrap_or_default();
    let object = |w: &str, next: &str| match w {
        "ROLE" | "GROUP" => Some(Kind::Role),
        // `CREATE USER MAPPING` belongs to one database (a foreign server's login), not to the cluster.
        "USER" if next != "MAPPING" => Some(Kind::Role),
        "DATABASE" => Some(Kind::Database),
        "TABLESPACE" => Some(Kind::Tablespace),
        _ => None,
    };
    match (word(0).as_str(), word(1).as_str()) {
        ("ALTER", "SYSTEM") => Some(Kind::System),
        ("REASSIGN" | "DROP", "OWNED") => Some(Kind::Role),
        ("CREATE" | "ALTER" | "DROP", w) => object(w, &word(2)),
        ("COMMENT", "ON") => object(&word(2), &word(3)),
        ("GRANT" | "REVOKE", _) => grant(tokens),
        _ => None,
    }
}

/// `GRANT a TO b` (membership, no `ON`) changes a role; `GRANT … ON DATABASE/TABLESPACE` changes those.
fn grant(tokens: &[Tok]) -> Option<Kind> {
    let words = tokens
        .iter()
        .take_while(|t| t.token != Token::SemiColon)
        .map(|t| t.word().unwrap_or_default());
    let mut words = words.skip_while(|w| !matches!(w.as_str(), "ON" | "TO" | "FROM"));
    match words.next()?.as_str() {
        "ON" => match words.next()?.as_str() {
            "DATABASE" => Some(Kind::Database),
            "TABLESPACE" => Some(Kind::Tablespace),
            _ => None,
        },
        _ => Some(Kind::Role),
    }
}

/// For text the tokenizer cannot read: the first pair of words that starts a cluster-level
/// statement anywhere, found without regard to strings or comments, erring towards refusing.
fn by_words(text: &str) -> Option<(usize, Kind)> {
    let words: Vec<(usize, String)> = text
        .char_indices()
        .filter(|&(i, c)| {
            c.is_ascii_alphabetic()
                && !text[..i].ends_with(|p: char| p.is_ascii_alphanumeric() || p == '_')
        })
        .map(|(i, _)| {
            let word: String =
                text[i..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            (i, word.to_ascii_uppercase())
        })
        .collect();
    (0..words.len()).find_map(|i| {
        let toks: Vec<Tok> = words[i..words.len().min(i + 4)]
            .iter()
            .map(|(at, w)| Tok { token: Token::make_word(w, None), start: *at, end: *at })
            .collect();
        let grant = matches!(toks[0].word().as_deref(), Some("GRANT" | "REVOKE"));
        classify(&toks).filter(|_| !grant).map(|kind| (words[i].0, kind))
    })
}

/// A statement on one line, at most 80 characters.
fn shown(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

#[cfg(test)]
mod test {
    use super::*;

    /// Each refused statement as `line:col kind: statement`.
    fn check(sql: &str) -> Vec<String> {
        let index = LineIndex::new(sql);
        find(sql)
            .iter()
            .map(|f| format!("{} {:?}: {}", index.line_col(f.at), f.kind, f.statement))
            .collect()
    }

    #[test]
    fn cluster_statements_err() {
        let cases: &[(&str, &[&str])] = &[
            ("DROP ROLE alice", &["1:1 Role: DROP ROLE alice"]),
            ("create user bob password 'x'", &["1:1 Role: create user bob password 'x'"]),
            ("ALTER GROUP g ADD USER u", &["1:1 Role: ALTER GROUP g ADD USER u"]),
            ("SELECT 1;\n  DROP DATABASE postgres", &["2:3 Database: DROP DATABASE postgres"]),
            ("CREATE DATABASE x TEMPLATE y", &["1:1 Database: CREATE DATABASE x TEMPLATE y"]),
            ("ALTER DATABASE x SET work_mem = '1GB'", &["1:1 Database: ALTER DATABASE x SET work_mem = '1GB'"]),
            ("CREATE TABLESPACE t LOCATION '/tmp'", &["1:1 Tablespace: CREATE TABLESPACE t LOCATION '/tmp'"]),
            ("ALTER SYSTEM SET max_connections = 5", &["1:1 System: ALTER SYSTEM SET max_connections = 5"]),
            ("GRANT admin TO alice", &["1:1 Role: GRANT admin TO alice"]),
            ("GRANT CONNECT ON DATABASE x TO alice", &["1:1 Database: GRANT CONNECT ON DATABASE x TO alice"]),
            ("REASSIGN OWNED BY a TO b", &["1:1 Role: REASSIGN OWNED BY a TO b"]),
            ("COMMENT ON ROLE a IS 'x'", &["1:1 Role: COMMENT ON ROLE a IS 'x'"]),
            ("BEGIN; DROP USER IF EXISTS u; COMMIT", &["1:8 Role: DROP USER IF EXISTS u"]),
            ("DO $$ BEGIN\n  DROP ROLE a;\nEND $$", &["2:3 Role: DO $$ BEGIN DROP ROLE a; END $$"]),
            ("DO $x$ BEGIN EXECUTE 'DROP DATABASE d'; END $x$", &["1:23 Database: DO $x$ BEGIN EXECUTE 'DROP DATABASE d'; END $x$"]),
            ("DO 'BEGIN ALTER SYSTEM SET fsync = off; END'", &["1:11 System: DO 'BEGIN ALTER SYSTEM SET fsync = off; END'"]),
            (
                "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS 'DROP ROLE a'",
                &["1:51 Role: CREATE FUNCTION f() RETURNS void LANGUAGE sql AS 'DROP ROLE a'"],
            ),
            ("DO $$ BEGIN IF true THEN DROP ROLE a; ELSE DROP ROLE b; END IF; END $$", &["1:26 Role: DO $$ BEGIN IF true THEN DROP ROLE a; ELSE DROP ROLE b; END IF; END $$", "1:44 Role: DO $$ BEGIN IF true THEN DROP ROLE a; ELSE DROP ROLE b; END IF; END $$"]),
            // Unreadable by the tokenizer: the words still count.
            ("DROP ROLE a; SELECT 'unterminated", &["1:1 Role: DROP ROLE a; SELECT 'unterminated"]),
        ];
        for (sql, expected) in cases {
            assert_eq!(check(sql), *expected, "{sql}");
        }
    }

    #[test]
    fn database_level_statements_ok() {
        let cases = [
            "CREATE TABLE role (database text, \"user\" text)",
            "ALTER TABLE t DROP role",
            "ALTER TABLE t DROP COLUMN database",
            "INSERT INTO notes VALUES ('DROP ROLE alice; DROP DATABASE x')",
            "-- DROP DATABASE x\nSELECT 1 /* ALTER SYSTEM */",
            "CREATE USER MAPPING FOR CURRENT_USER SERVER s",
            "GRANT SELECT ON expenses TO reporting",
            "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC",
            "CREATE INDEX CONCURRENTLY ix ON t (a)",
            "DO $$ BEGIN PERFORM 1; END $$",
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",
            "SELECT current_user, session_user",
            "",
        ];
        for sql in cases {
            assert_eq!(check(sql), Vec::<String>::new(), "{sql}");
        }
    }
}
