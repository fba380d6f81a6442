//! Identifier and literal rendering exactly as SQLAlchemy's PostgreSQL dialect does it.
//!
//! SQLAlchemy quotes a name only when it must: a reserved word, an uppercase letter,
//! a leading digit or `$`, or a character outside `[A-Za-z0-9_$]`.
//! Copying that rule is what makes `miglab sql` print the same text as `alembic upgrade --sql`.

/// SQLAlchemy 2.0's `sqlalchemy.dialects.postgresql.base.RESERVED_WORDS`.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "new",
    "not",
    "notnull",
    "null",
    "of",
    "off",
    "offset",
    "old",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "over",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

/// An identifier, quoted only if PostgreSQL would otherwise read it differently.
pub(crate) fn quote(name: &str) -> String {
    if needs_quotes(name) {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        name.to_owned()
    }
}

fn needs_quotes(name: &str) -> bool {
    let Some(first) = name.chars().next() else { return true };
    RESERVED.contains(&name.to_lowercase().as_str())
        || first.is_ascii_digit()
        || first == '$'
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
}

/// A table name with its optional schema, as `alembic` prints it (`schema.table`).
pub(crate) fn table(name: &str, schema: Option<&str>) -> String {
    match schema {
        Some(schema) => format!("{}.{}", quote(schema), quote(name)),
        None => quote(name),
    }
}

pub(crate) use miglab_model::sql_text::literal;

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn quote_ok() {
        let names =
            ["users", "user", "Mood", "at", "2fa", "first name", "a\"b", "", "ix_users_email"];
        let quoted: Vec<String> = names.iter().map(|n| quote(n)).collect();
        insta::assert_snapshot!(quoted.join(" "), @r#"users "user" "Mood" at "2fa" "first name" "a""b" "" ix_users_email"#);
    }
}
