//! `changing-column-type` and `type-change-loses-data`: ALTER COLUMN … TYPE.
//!
//! Most type changes rewrite the table under an ACCESS EXCLUSIVE lock (heavy lock); the ones
//! Postgres treats as binary-compatible (widening a `varchar`, `varchar` to `text`, a wider
//! `numeric` with the same scale) do not. Separately, a change that narrows or converts can
//! lose data or fail on existing rows (destructive), which needs the old type from the context.

use super::finding::{finding, Affected, Category};
use super::{Cx, Finding};
use crate::analysis::{Change, Fact};

pub fn check(fact: &Fact, cx: &Cx) -> Vec<Finding> {
    let Change::AlterType { table, column, data_type, .. } = &fact.change else {
        return Vec::new();
    };
    let from = cx.column_type(&table.name, column);
    let mut findings = Vec::new();
    let affected = || vec![Affected::column(&table.name, column)];
    let (from_kind, to_kind) = (from.map(kind), kind(data_type));
    if let (Some(from), Some(from_kind)) = (from, &from_kind) {
        if let Some(reason) = loss(from_kind, &to_kind) {
            let message = format!(
                "Changing `{}.{column}` from `{from}` to `{data_type}` {reason}.",
                table.name
            );
            let help = "Check that every existing value fits the new type, and back up the column before changing it.";
            findings.push(finding(
                fact,
                "type-change-loses-data",
                Category::Destructive,
                message,
                help,
                affected(),
            ));
        }
    }
    let rewrites = from_kind.as_ref().is_none_or(|f| !binary_compatible(f, &to_kind));
    if rewrites && cx.live(&table.name) {
        let from_text = from.map(|f| format!(" from `{f}`")).unwrap_or_default();
        let message = format!(
            "Changing `{}.{column}`{from_text} to `{data_type}` makes Postgres rewrite the whole table and rebuild its indexes under an ACCESS EXCLUSIVE lock, blocking reads and writes until it finishes.",
            table.name
        );
        let help = "Add a new column, backfill it in batches and switch over, instead of changing the type in place.";
        findings.push(finding(
            fact,
            "changing-column-type",
            Category::HeavyLock,
            message,
            help,
            affected(),
        ));
    }
    findings
}

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Text,
    Varchar(Option<u64>),
    Char(u64),
    Numeric(Option<(u64, u64)>),
    /// Integer width in bytes.
    Int(u8),
    Float,
    Bool,
    Date,
    Timestamp,
    Uuid,
    Other(String),
}

fn kind(type_name: &str) -> Kind {
    let modifiers = |prefix: &str| -> Option<Vec<u64>> {
        let inner = type_name.strip_prefix(prefix)?.strip_prefix('(')?.strip_suffix(')')?;
        inner.split(',').map(|n| n.trim().parse().ok()).collect()
    };
    match type_name {
        "text" => Kind::Text,
        "character varying" => Kind::Varchar(None),
        "numeric" => Kind::Numeric(None),
        "smallint" => Kind::Int(2),
        "integer" => Kind::Int(4),
        "bigint" => Kind::Int(8),
        "real" | "double precision" => Kind::Float,
        "boolean" => Kind::Bool,
        "date" => Kind::Date,
        "uuid" => Kind::Uuid,
        t if t.starts_with("timestamp") => Kind::Timestamp,
        t => {
            if let Some([n]) = modifiers("character varying").as_deref() {
                Kind::Varchar(Some(*n))
            } else if let Some([n]) = modifiers("character").as_deref() {
                Kind::Char(*n)
            } else if let Some([p, s]) = modifiers("numeric").as_deref() {
                Kind::Numeric(Some((*p, *s)))
            } else {
                Kind::Other(t.to_owned())
            }
        }
    }
}

fn is_text(kind: &Kind) -> bool {
    matches!(kind, Kind::Text | Kind::Varchar(_) | Kind::Char(_))
}

/// The longest text a value of this type prints as, when bounded.
fn max_text_length(kind: &Kind) -> Option<u64> {
    match kind {
        Kind::Int(2) => Some(6),
        Kind::Int(4) => Some(11),
        Kind::Int(_) => Some(20),
        Kind::Numeric(Some((p, s))) => {
            Some(p.saturating_sub(*s).max(1).saturating_add(if *s > 0 {
                s.saturating_add(2)
            } else {
                1
            }))
        }
        Kind::Varchar(Some(n)) | Kind::Char(n) => Some(*n),
        Kind::Bool => Some(5),
        Kind::Date => Some(13),
        Kind::Uuid => Some(36),
        _ => None,
    }
}

/// Why the change can lose data or fail on existing rows, as the end of a sentence.
fn loss(from: &Kind, to: &Kind) -> Option<String> {
    if from == to {
        return None;
    }
    let not_parsed = |code: &str| {
        format!("fails with {code} on the first existing value that does not parse as the new type, and the whole migration rolls back")
    };
    match (from, to) {
        (_, Kind::Varchar(Some(n)) | Kind::Char(n)) => match max_text_length(from) {
            Some(longest) if longest <= *n => None,
            _ => Some(format!("fails with 22001 (value too long) on any existing value longer than {n} characters, and the whole migration rolls back")),
        },
        (Kind::Numeric(Some((p1, s1))), Kind::Numeric(Some((p2, s2)))) => {
            if s2 < s1 {
                Some(format!("rounds every existing value to {s2} decimal places, and the lost digits cannot be brought back"))
            } else if p2.saturating_sub(*s2) < p1.saturating_sub(*s1) {
                Some(format!("fails with 22003 (numeric field overflow) on any existing value with more than {} digits before the point", p2.saturating_sub(*s2)))
            } else {
                None
            }
        }
        (Kind::Numeric(None), Kind::Numeric(Some((p, s)))) => Some(format!("rounds existing values to {s} decimal places and fails with 22003 on values with more than {} digits before the point", p.saturating_sub(*s))),
        (Kind::Int(_), Kind::Numeric(Some((p, s)))) => {
            let digits = p.saturating_sub(*s);
            (digits < 19).then(|| format!("fails with 22003 (numeric field overflow) on any existing value with more than {digits} digits"))
        }
        (Kind::Numeric(_) | Kind::Float, Kind::Int(_)) => Some("rounds away the fractional part of every existing value, and fails with 22003 on values too large for the new type".to_owned()),
        (Kind::Int(a), Kind::Int(b)) if b < a => Some("fails with 22003 (out of range) on any existing value too large for the smaller integer".to_owned()),
        (Kind::Numeric(_) | Kind::Int(8), Kind::Float) => Some("stores approximations, so exact existing values can change".to_owned()),
        (Kind::Timestamp, Kind::Date) => Some("drops the time of day from every existing value".to_owned()),
        (f, Kind::Numeric(_) | Kind::Int(_) | Kind::Float) if is_text(f) => Some(not_parsed("22P02")),
        (f, Kind::Bool | Kind::Uuid) if is_text(f) => Some(not_parsed("22P02")),
        (f, Kind::Date | Kind::Timestamp) if is_text(f) => Some(not_parsed("22007")),
        (f, Kind::Other(t)) if is_text(f) && t != "json" && t != "jsonb" => Some(not_parsed("22P02")),
        _ => None,
    }
}

/// Changes Postgres makes without touching the rows.
fn binary_compatible(from: &Kind, to: &Kind) -> bool {
    match (from, to) {
        (a, b) if a == b => true,
        (Kind::Varchar(Some(a)), Kind::Varchar(Some(b))) => b >= a,
        (Kind::Varchar(_), Kind::Varchar(None) | Kind::Text)
        | (Kind::Text, Kind::Varchar(None)) => true,
        (Kind::Numeric(Some((p1, s1))), Kind::Numeric(Some((p2, s2)))) => s1 == s2 && p2 >= p1,
        (Kind::Numeric(_), Kind::Numeric(None)) => true,
        _ => false,
    }
}

#[cfg(test)]
mod test {
    use crate::rules::{check_sql, SETUP};

    #[test]
    fn numeric_to_short_varchar_err() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE expenses ALTER COLUMN amount TYPE VARCHAR(5)"), @r#"
            type-change-loses-data [destructive] step 0
              Changing `expenses.amount` from `numeric(10,2)` to `character varying(5)` fails with 22001 (value too long) on any existing value longer than 5 characters, and the whole migration rolls back.
              help: Check that every existing value fits the new type, and back up the column before changing it.
              affected: expenses.amount
            changing-column-type [heavy-lock] step 0
              Changing `expenses.amount` from `numeric(10,2)` to `character varying(5)` makes Postgres rewrite the whole table and rebuild its indexes under an ACCESS EXCLUSIVE lock, blocking reads and writes until it finishes.
              help: Add a new column, backfill it in batches and switch over, instead of changing the type in place.
              affected: expenses.amount
            "#);
    }

    #[test]
    fn numeric_to_wide_varchar_rewrites_ok() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE expenses ALTER COLUMN amount TYPE VARCHAR(20)"), @r#"
            changing-column-type [heavy-lock] step 0
              Changing `expenses.amount` from `numeric(10,2)` to `character varying(20)` makes Postgres rewrite the whole table and rebuild its indexes under an ACCESS EXCLUSIVE lock, blocking reads and writes until it finishes.
              help: Add a new column, backfill it in batches and switch over, instead of changing the type in place.
              affected: expenses.amount
            "#);
    }

    #[test]
    fn varchar_to_numeric_err() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE expenses ALTER COLUMN note TYPE NUMERIC(10, 2) USING note::numeric"), @r#"
            type-change-loses-data [destructive] step 0
              Changing `expenses.note` from `character varying(200)` to `numeric(10,2)` fails with 22P02 on the first existing value that does not parse as the new type, and the whole migration rolls back.
              help: Check that every existing value fits the new type, and back up the column before changing it.
              affected: expenses.note
            changing-column-type [heavy-lock] step 0
              Changing `expenses.note` from `character varying(200)` to `numeric(10,2)` makes Postgres rewrite the whole table and rebuild its indexes under an ACCESS EXCLUSIVE lock, blocking reads and writes until it finishes.
              help: Add a new column, backfill it in batches and switch over, instead of changing the type in place.
              affected: expenses.note
            "#);
    }

    #[test]
    fn scale_reduction_err() {
        insta::assert_snapshot!(check_sql(SETUP, "ALTER TABLE expenses ALTER COLUMN amount TYPE NUMERIC(10, 0)"), @r#"
            type-change-loses-data [destructive] step 0
              Changing `expenses.amount` from `numeric(10,2)` to `numeric(10,0)` rounds every existing value to 0 decimal places, and the lost digits cannot be brought back.
              help: Check that every existing value fits the new type, and back up the column before changing it.
              affected: expenses.amount
            changing-column-type [heavy-lock] step 0
              Changing `expenses.amount` from `numeric(10,2)` to `numeric(10,0)` makes Postgres rewrite the whole table and rebuild its indexes under an ACCESS EXCLUSIVE lock, blocking reads and writes until it finishes.
              help: Add a new column, backfill it in batches and switch over, instead of changing the type in place.
              affected: expenses.amount
            "#);
    }

    #[test]
    fn widen_varchar_ok() {
        assert!(!check_sql(SETUP, "ALTER TABLE expenses ALTER COLUMN note TYPE VARCHAR(500);\nALTER TABLE expenses ALTER COLUMN note TYPE TEXT").contains("changing-column-type"));
    }
}
