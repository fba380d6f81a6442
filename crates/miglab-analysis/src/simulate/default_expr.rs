//! Column defaults as `pg_get_expr` prints them, from the expression a migration wrote.
//!
//! Postgres stores a default coerced to the column type and prints it back through ruleutils:
//! `0` stays `0`, `'draft'` on a `varchar(20)` becomes `'draft'::character varying`, `-1` becomes
//! `'-1'::integer`, `DEFAULT NULL` stores nothing. These rules were checked against PGlite.

use sqlparser::ast::{CastKind, Expr, UnaryOperator, Value};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::pg_type::format_type;

/// The stored default for `written` on a column of `column_type` (a `format_type` spelling);
/// `None` when Postgres stores no default (`DEFAULT NULL`).
pub fn render_default(written: &str, column_type: &str) -> Option<String> {
    let Ok(expr) =
        Parser::new(&PostgreSqlDialect {}).try_with_sql(written).and_then(|mut p| p.parse_expr())
    else {
        return Some(written.trim().to_owned());
    };
    render(&expr, column_type)
}

fn render(expr: &Expr, column_type: &str) -> Option<String> {
    match expr {
        Expr::Nested(inner) => render(inner, column_type),
        Expr::Value(value) => match &value.value {
            Value::Null => None,
            Value::Number(n, _) => Some(number(n, false)),
            Value::Boolean(b) => Some(b.to_string()),
            Value::SingleQuotedString(s) => Some(string(s, column_type)),
            other => Some(other.to_string()),
        },
        Expr::UnaryOp { op: UnaryOperator::Minus, expr } => match expr.as_ref() {
            Expr::Value(v) => match &v.value {
                Value::Number(n, _) => Some(number(n, true)),
                _ => Some(format!("(- {})", render(expr, column_type).unwrap_or_default())),
            },
            _ => Some(format!("(- {})", render(expr, column_type).unwrap_or_default())),
        },
        // A literal cast to a type is folded into a constant of that type when parsed.
        Expr::Cast {
            kind: CastKind::DoubleColon | CastKind::Cast, expr: inner, data_type, ..
        } if literal(inner).is_some() => {
            let target = format_type(data_type);
            literal(inner).map(|s| string(&s, &target))
        }
        Expr::BinaryOp { left, op, right } => Some(format!(
            "({} {op} {})",
            render(left, column_type).unwrap_or_else(|| "NULL".into()),
            render(right, column_type).unwrap_or_else(|| "NULL".into())
        )),
        Expr::Function(_) => Some(function(expr)),
        other => Some(other.to_string()),
    }
}

fn literal(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) => Some(s.clone()),
            Value::Number(n, _) => Some(n.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Function names print in lower case (`now()`); SQL-standard functions without parentheses
/// such as `CURRENT_TIMESTAMP` keep their upper-case spelling, which sqlparser preserves.
fn function(expr: &Expr) -> String {
    let text = expr.to_string();
    match text.split_once('(') {
        Some((name, rest)) => format!("{}({rest}", name.to_lowercase()),
        None => text,
    }
}

/// A numeric literal: integers that fit in 32 bits are `int4` constants, others are `numeric`.
/// ruleutils prints a non-negative `int4` plainly and a `numeric` plainly when it has a point
/// or an exponent; anything else is quoted and cast.
fn number(text: &str, negative: bool) -> String {
    let is_integer = text.chars().all(|c| c.is_ascii_digit());
    let sign = if negative { "-" } else { "" };
    if is_integer
        && text.parse::<i64>().is_ok_and(|n| n <= i64::from(i32::MAX) + i64::from(negative))
    {
        return if negative { format!("'-{text}'::integer") } else { text.to_owned() };
    }
    if is_integer && text.parse::<i64>().is_ok() {
        return format!("'{sign}{text}'::bigint");
    }
    if !negative && text.contains(['.', 'e', 'E']) {
        return text.to_owned();
    }
    format!("'{sign}{text}'::numeric")
}

/// A quoted literal becomes a constant of `target` and prints as that type's output says.
fn string(value: &str, target: &str) -> String {
    let bare = strip_modifiers(target);
    match bare.as_str() {
        "integer" => match value.trim().parse::<i64>() {
            Ok(n) if n >= 0 => n.to_string(),
            Ok(n) => format!("'{n}'::integer"),
            Err(_) => quoted(value, &bare),
        },
        "numeric" => {
            let trimmed = value.trim();
            if trimmed.starts_with(|c: char| c.is_ascii_digit())
                && trimmed.contains(['.', 'e', 'E'])
                && trimmed.parse::<f64>().is_ok()
            {
                trimmed.to_owned()
            } else {
                quoted(trimmed, &bare)
            }
        }
        "boolean" => match value.trim().to_ascii_lowercase().as_str() {
            "t" | "true" | "y" | "yes" | "on" | "1" => "true".into(),
            "f" | "false" | "n" | "no" | "off" | "0" => "false".into(),
            _ => quoted(value, &bare),
        },
        _ => quoted(value, &bare),
    }
}

fn quoted(value: &str, type_name: &str) -> String {
    format!("'{}'::{type_name}", value.replace('\'', "''"))
}

/// `format_type` without a type modifier, as Postgres names a type in casts and errors:
/// `character varying(20)[]` → `character varying[]`, `numeric(12,2)` → `numeric`.
pub(super) fn strip_modifiers(type_name: &str) -> String {
    let mut out = String::new();
    let mut depth = 0u32;
    for c in type_name.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod test {
    use super::*;

    fn check(cases: &[(&str, &str)]) -> String {
        cases
            .iter()
            .map(|(default, ty)| {
                format!(
                    "{default} on {ty} => {}",
                    render_default(default, ty).unwrap_or_else(|| "(none)".into())
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Every expected value here is what PGlite's `pg_get_expr` printed for the same column.
    #[test]
    fn render_default_ok() {
        insta::assert_snapshot!(check(&[
            ("0", "numeric(4,3)"),
            ("0.000", "numeric(4,3)"),
            ("'0'", "numeric"),
            ("'0.5'", "numeric(4,3)"),
            ("-1", "integer"),
            ("'f'", "boolean"),
            ("'x'", "text"),
            ("'draft'", "character varying(20)"),
            ("now()", "timestamp with time zone"),
            ("CURRENT_TIMESTAMP", "timestamp without time zone"),
            ("5", "bigint"),
            ("'{}'", "jsonb"),
            ("NULL", "text"),
            ("'{}'", "character varying(10)[]"),
            ("gen_random_uuid()", "uuid"),
            ("1.5", "double precision"),
            ("1", "real"),
            ("'7'", "integer"),
            ("'2024-01-01'", "date"),
            ("'it''s'", "text"),
            ("1 + 1", "smallint"),
            ("'a'::text", "text"),
            ("'a'", "mood"),
            ("false", "boolean"),
        ]), @r"
        0 on numeric(4,3) => 0
        0.000 on numeric(4,3) => 0.000
        '0' on numeric => '0'::numeric
        '0.5' on numeric(4,3) => 0.5
        -1 on integer => '-1'::integer
        'f' on boolean => false
        'x' on text => 'x'::text
        'draft' on character varying(20) => 'draft'::character varying
        now() on timestamp with time zone => now()
        CURRENT_TIMESTAMP on timestamp without time zone => CURRENT_TIMESTAMP
        5 on bigint => 5
        '{}' on jsonb => '{}'::jsonb
        NULL on text => (none)
        '{}' on character varying(10)[] => '{}'::character varying[]
        gen_random_uuid() on uuid => gen_random_uuid()
        1.5 on double precision => 1.5
        1 on real => 1
        '7' on integer => 7
        '2024-01-01' on date => '2024-01-01'::date
        'it''s' on text => 'it''s'::text
        1 + 1 on smallint => (1 + 1)
        'a'::text on text => 'a'::text
        'a' on mood => 'a'::mood
        false on boolean => false
        ");
    }
}
