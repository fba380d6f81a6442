//! Table constraints (primary key, unique, foreign key, check) as SQLAlchemy renders them,
//! both inside `CREATE TABLE` and after `ALTER TABLE … ADD`.

use super::cx::{Args, Cx, Signature};
use super::ident::quote;
use super::python::{Call, Kind, Value};
use crate::diagnostic::Span;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Constraint {
    pub name: Option<String>,
    pub kind: ConstraintKind,
    /// `DEFERRABLE` / `INITIALLY …` / `NOT VALID`, already rendered with leading spaces.
    pub suffix: String,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ConstraintKind {
    PrimaryKey(Vec<String>),
    Unique(Vec<String>),
    ForeignKey(ForeignKey),
    Check(String),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ForeignKey {
    pub columns: Vec<String>,
    /// Rendered target table, `schema.table` when qualified.
    pub target: String,
    pub target_columns: Vec<String>,
    /// ` MATCH …`, ` ON DELETE …`, ` ON UPDATE …`, already rendered.
    pub actions: String,
}

impl Constraint {
    /// `CONSTRAINT name UNIQUE (a, b)`, the text both `CREATE TABLE` and `ADD` use.
    pub fn sql(&self) -> String {
        let mut out = match &self.name {
            Some(name) => format!("CONSTRAINT {} ", quote(name)),
            None => String::new(),
        };
        match &self.kind {
            ConstraintKind::PrimaryKey(columns) => {
                out.push_str(&format!("PRIMARY KEY ({})", column_list(columns)))
            }
            ConstraintKind::Unique(columns) => {
                out.push_str(&format!("UNIQUE ({})", column_list(columns)))
            }
            ConstraintKind::ForeignKey(fk) => out.push_str(&format!(
                "FOREIGN KEY({}) REFERENCES {} ({}){}",
                column_list(&fk.columns),
                fk.target,
                column_list(&fk.target_columns),
                fk.actions
            )),
            ConstraintKind::Check(sql) => out.push_str(&format!("CHECK ({sql})")),
        }
        out.push_str(&self.suffix);
        out
    }
}

pub(crate) fn column_list(columns: &[String]) -> String {
    columns.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ")
}

/// Renders ` DEFERRABLE INITIALLY DEFERRED NOT VALID` from whichever of those keywords were given.
pub(crate) fn suffix(cx: &Cx, args: &Args) -> Option<String> {
    let mut out = String::new();
    if let Some(deferrable) = args.given("deferrable") {
        out.push_str(if cx.bool(deferrable)? { " DEFERRABLE" } else { " NOT DEFERRABLE" });
    }
    if let Some(initially) = args.given("initially") {
        let phrase = phrase(cx, initially, &["DEFERRED", "IMMEDIATE"])?;
        out.push_str(&format!(" INITIALLY {phrase}"));
    }
    if args.flag(cx, "postgresql_not_valid")? {
        out.push_str(" NOT VALID");
    }
    Some(out)
}

/// ` ON DELETE CASCADE ON UPDATE SET NULL` (and ` MATCH …` first), validated the way SQLAlchemy validates them.
pub(crate) fn actions(cx: &Cx, args: &Args) -> Option<String> {
    let mut out = String::new();
    if let Some(m) = args.given("match") {
        out.push_str(&format!(" MATCH {}", phrase(cx, m, &["FULL", "PARTIAL", "SIMPLE"])?));
    }
    for (key, keyword) in [("ondelete", "ON DELETE"), ("onupdate", "ON UPDATE")] {
        if let Some(action) = args.given(key) {
            let action = phrase(
                cx,
                action,
                &["CASCADE", "RESTRICT", "NO ACTION", "SET NULL", "SET DEFAULT"],
            )?;
            out.push_str(&format!(" {keyword} {action}"));
        }
    }
    Some(out)
}

/// A SQL keyword phrase from a fixed set; SQLAlchemy keeps the spelling it was given.
fn phrase(cx: &Cx, value: &Value, allowed: &[&str]) -> Option<String> {
    let text = cx.string(value, "a string")?;
    if allowed.iter().any(|a| a.eq_ignore_ascii_case(&text)) {
        return Some(text);
    }
    cx.error(
        "invalid-argument",
        value.span,
        format!("{text:?} is not a valid choice here; PostgreSQL accepts {}.", allowed.join(", ")),
        format!("Use one of {}.", allowed.join(", ")),
    )
}

/// `"users.id"` or `"public.users.id"` → (`users` or `public.users`, `id`).
pub(crate) fn split_reference(cx: &Cx, value: &Value) -> Option<(String, String)> {
    let text = cx.string(value, "a \"table.column\" reference")?;
    match text.rsplit_once('.') {
        Some((table, column)) if !table.is_empty() && !column.is_empty() => {
            let table = match table.split_once('.') {
                Some((schema, name)) => super::ident::table(name, Some(schema)),
                None => quote(table),
            };
            Some((table, column.to_owned()))
        }
        _ => cx.error(
            "invalid-argument",
            value.span,
            format!("The foreign key target {text:?} must name a table and a column, like \"users.id\"."),
            "Write the target as \"table.column\".",
        ),
    }
}

/// The SQL text of a condition: a string, `sa.text("…")`, or a SQLAlchemy expression (`sa.column("a") > 0`),
/// rendered without table names, as SQLAlchemy renders DDL.
pub(crate) fn condition(cx: &Cx, value: &Value) -> Option<String> {
    super::sqlexpr::condition(cx, value, super::sqlexpr::Context { qualify: false })
}

/// A table-level constraint object inside `op.create_table(...)`; `None` when `call` is not one.
pub(crate) fn table_constraint(cx: &Cx, call: &Call, span: Span) -> Option<Option<Constraint>> {
    let Some(kind) = call.func.last_name() else { return Some(None) };
    const IGNORED: &[&str] = &["info", "comment", "_create_rule", "_type_bound"];
    let constraint = match kind {
        "PrimaryKeyConstraint" | "UniqueConstraint" => {
            let what = if kind == "UniqueConstraint" {
                "sa.UniqueConstraint"
            } else {
                "sa.PrimaryKeyConstraint"
            };
            let kwonly = ["name", "deferrable", "initially", "postgresql_not_valid"];
            let sig = Signature {
                varargs: true,
                kwonly: &kwonly,
                ignored: IGNORED,
                ..Signature::new(what, &[])
            };
            let args = Args::bind(cx, call, span, &sig)?;
            let mut columns = Vec::new();
            for column in &args.rest {
                columns.push(cx.name(column)?);
            }
            let name = cx.optional_name(args.get("name"))?;
            let suffix = suffix(cx, &args)?;
            let kind = if kind == "UniqueConstraint" {
                ConstraintKind::Unique(columns)
            } else {
                ConstraintKind::PrimaryKey(columns)
            };
            Constraint { name, kind, suffix }
        }
        "ForeignKeyConstraint" => {
            let params = [
                "columns",
                "refcolumns",
                "name",
                "onupdate",
                "ondelete",
                "deferrable",
                "initially",
                "match",
                "postgresql_not_valid",
            ];
            let args = Args::bind(
                cx,
                call,
                span,
                &Signature {
                    ignored: IGNORED,
                    ..Signature::new("sa.ForeignKeyConstraint", &params)
                },
            )?;
            foreign_key_constraint(cx, &args)?
        }
        "CheckConstraint" => {
            let params = ["sqltext", "name", "deferrable", "initially", "postgresql_not_valid"];
            let args = Args::bind(
                cx,
                call,
                span,
                &Signature { ignored: IGNORED, ..Signature::new("sa.CheckConstraint", &params) },
            )?;
            let sql = condition(cx, args.required(cx, "sqltext", "sa.CheckConstraint")?)?;
            Constraint {
                name: cx.optional_name(args.get("name"))?,
                kind: ConstraintKind::Check(sql),
                suffix: suffix(cx, &args)?,
            }
        }
        _ => return Some(None),
    };
    Some(Some(constraint))
}

fn foreign_key_constraint(cx: &Cx, args: &Args) -> Option<Constraint> {
    let columns = cx.names(args.required(cx, "columns", "sa.ForeignKeyConstraint")?)?;
    let refs = args.required(cx, "refcolumns", "sa.ForeignKeyConstraint")?;
    let Kind::Seq(items) = &refs.kind else {
        return cx.unsupported(refs, "a list of \"table.column\" references");
    };
    let mut target = None;
    let mut target_columns = Vec::new();
    for item in items {
        let (table, column) = split_reference(cx, item)?;
        target = Some(table);
        target_columns.push(column);
    }
    let Some(target) = target else {
        return cx.unsupported(refs, "at least one \"table.column\" reference");
    };
    let fk = ForeignKey { columns, target, target_columns, actions: actions(cx, args)? };
    Some(Constraint {
        name: cx.optional_name(args.get("name"))?,
        kind: ConstraintKind::ForeignKey(fk),
        suffix: suffix(cx, args)?,
    })
}
