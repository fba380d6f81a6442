//! Check expressions and index expressions as Postgres's ruleutils prints them back.
//!
//! Postgres stores a parsed expression and prints it with the casts it resolved: a `varchar`
//! column compared or passed to a text function becomes `(title)::text`, a string literal beside
//! a text value becomes `'x'::text`, an integer beside a `numeric` column becomes `(0)::numeric`,
//! and every operator is wrapped in parentheses. This covers the shapes migrations use (columns,
//! literals, comparisons, AND/OR, IS NULL, IN lists, function calls); anything else is printed
//! as written.

use crate::schema::Table;
use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Value,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

/// The expression `written` on `table`, as ruleutils prints it.
pub fn deparse(written: &str, table: &Table) -> String {
    match Parser::new(&PostgreSqlDialect {}).try_with_sql(written).and_then(|mut p| p.parse_expr())
    {
        Ok(expr) => Printer { table }.expr(&expr, Context::Top),
        Err(_) => written.to_owned(),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Context {
    Top,
    /// An operand or argument, where Postgres shows the casts it applied.
    Operand,
}

struct Printer<'a> {
    table: &'a Table,
}

/// What an operand resolves to, to decide the casts on the other side.
#[derive(Clone, Copy, PartialEq)]
enum Resolved {
    Text,
    Numeric,
    Other,
}

impl Printer<'_> {
    fn column_type(&self, expr: &Expr) -> Option<&str> {
        match expr {
            Expr::Identifier(id) => {
                self.table.column(&crate::analysis::ident_name(id)).map(|c| c.data_type.as_str())
            }
            _ => None,
        }
    }

    fn resolved(&self, expr: &Expr) -> Resolved {
        match self.column_type(expr) {
            Some(t) if t == "text" || t.starts_with("character") => Resolved::Text,
            Some(t) if t.starts_with("numeric") => Resolved::Numeric,
            _ => Resolved::Other,
        }
    }

    fn expr(&self, expr: &Expr, context: Context) -> String {
        match expr {
            Expr::Nested(inner) => self.expr(inner, context),
            Expr::Identifier(id) => {
                let name = crate::analysis::ident_name(id);
                match (self.column_type(expr), context) {
                    (Some(t), Context::Operand) if t.starts_with("character") => {
                        format!("({name})::text")
                    }
                    _ => name,
                }
            }
            Expr::BinaryOp { left, op, right }
                if matches!(op, BinaryOperator::And | BinaryOperator::Or) =>
            {
                format!(
                    "({} {op} {})",
                    self.expr(left, Context::Top),
                    self.expr(right, Context::Top)
                )
            }
            Expr::BinaryOp { left, op, right } => {
                let (l, r) = (self.resolved(left), self.resolved(right));
                format!("({} {op} {})", self.operand(left, r), self.operand(right, l))
            }
            Expr::IsNull(inner) => format!("({} IS NULL)", self.expr(inner, Context::Top)),
            Expr::IsNotNull(inner) => format!("({} IS NOT NULL)", self.expr(inner, Context::Top)),
            Expr::InList { expr: inner, list, negated } => {
                let op = if *negated { "<> ALL" } else { "= ANY" };
                match self.column_type(inner) {
                    Some(t) if t.starts_with("character") => {
                        let items: Vec<String> = list
                            .iter()
                            .map(|e| {
                                literal(e).map_or_else(
                                    || e.to_string(),
                                    |s| format!("{s}::character varying"),
                                )
                            })
                            .collect();
                        format!(
                            "({} {op} ((ARRAY[{}])::text[]))",
                            self.expr(inner, Context::Operand),
                            items.join(", ")
                        )
                    }
                    Some("text") => {
                        let items: Vec<String> = list
                            .iter()
                            .map(|e| {
                                literal(e).map_or_else(|| e.to_string(), |s| format!("{s}::text"))
                            })
                            .collect();
                        format!(
                            "({} {op} (ARRAY[{}]))",
                            self.expr(inner, Context::Top),
                            items.join(", ")
                        )
                    }
                    _ => {
                        let items: Vec<String> =
                            list.iter().map(|e| self.expr(e, Context::Top)).collect();
                        format!(
                            "({} {op} (ARRAY[{}]))",
                            self.expr(inner, Context::Top),
                            items.join(", ")
                        )
                    }
                }
            }
            Expr::Function(function) => {
                let FunctionArguments::List(list) = &function.args else { return expr.to_string() };
                let args: Vec<String> = list
                    .args
                    .iter()
                    .map(|arg| match arg {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => {
                            self.expr(e, Context::Operand)
                        }
                        other => other.to_string(),
                    })
                    .collect();
                format!("{}({})", function.name.to_string().to_lowercase(), args.join(", "))
            }
            other => other.to_string(),
        }
    }

    /// An operand beside a value of kind `other`: literals take the cast Postgres resolved.
    fn operand(&self, expr: &Expr, other: Resolved) -> String {
        let Expr::Value(value) = expr else { return self.expr(expr, Context::Operand) };
        match (&value.value, other) {
            (Value::SingleQuotedString(s), Resolved::Text) => {
                format!("'{}'::text", s.replace('\'', "''"))
            }
            (Value::Number(n, _), Resolved::Numeric) if !n.contains(['.', 'e', 'E']) => {
                format!("({n})::numeric")
            }
            _ => self.expr(expr, Context::Operand),
        }
    }
}

fn literal(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) => Some(format!("'{}'", s.replace('\'', "''"))),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::schema::Column;

    fn check(cases: &[&str]) -> String {
        let column = |name: &str, data_type: &str| Column {
            name: name.into(),
            data_type: data_type.into(),
            not_null: false,
            default: None,
        };
        let table = Table {
            name: "t".into(),
            columns: vec![
                column("title", "character varying(200)"),
                column("label", "character varying(40)"),
                column("s", "integer"),
                column("amount", "numeric"),
                column("status", "character varying(20)"),
                column("note", "text"),
            ],
            ..Table::default()
        };
        cases
            .iter()
            .map(|c| format!("{c} => {}", deparse(c, &table)))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Every right-hand side is what PGlite's `pg_get_constraintdef` printed inside `CHECK (…)`.
    #[test]
    fn deparse_ok() {
        insta::assert_snapshot!(check(&[
            "s > 0",
            "amount > 0",
            "char_length(title) > 0",
            "label <> ''",
            "status IN ('draft', 'done')",
            "note IN ('a', 'b')",
            "title IS NOT NULL",
            "s > 0 AND s < 10",
            "lower(title)",
        ]), @r#"
            s > 0 => (s > 0)
            amount > 0 => (amount > (0)::numeric)
            char_length(title) > 0 => (char_length((title)::text) > 0)
            label <> '' => ((label)::text <> ''::text)
            status IN ('draft', 'done') => ((status)::text = ANY ((ARRAY['draft'::character varying, 'done'::character varying])::text[]))
            note IN ('a', 'b') => (note = ANY (ARRAY['a'::text, 'b'::text]))
            title IS NOT NULL => (title IS NOT NULL)
            s > 0 AND s < 10 => ((s > 0) AND (s < 10))
            lower(title) => lower((title)::text)
            "#);
    }
}
