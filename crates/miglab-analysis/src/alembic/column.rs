//! `sa.Column(...)`: the column model, and its `CREATE TABLE` / `ADD COLUMN` specification.

use super::constraint::{actions, split_reference, suffix, Constraint, ConstraintKind, ForeignKey};
use super::cx::{Args, Cx, Signature};
use super::default::server_default;
use super::ident::quote;
use super::python::{Call, Kind, Value};
use super::types::{sql_type, Family, SqlType};
use crate::diagnostic::Span;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Column {
    pub name: String,
    pub ty: SqlType,
    /// As written; when absent, SQLAlchemy makes primary key columns NOT NULL and the rest nullable.
    pub nullable: Option<bool>,
    pub primary_key: bool,
    pub unique: bool,
    pub index: bool,
    pub autoincrement: Autoincrement,
    /// Rendered SQL, e.g. `'pending'` or `now()`.
    pub server_default: Option<String>,
    pub comment: Option<String>,
    /// Inline `sa.ForeignKey(...)` arguments, which SQLAlchemy turns into table-level constraints.
    pub foreign_keys: Vec<Constraint>,
    /// Set when a table-level `ForeignKeyConstraint` covers this column, which also rules out `SERIAL`.
    pub in_foreign_key: bool,
    /// Column-level `sa.CheckConstraint(...)` arguments, which SQLAlchemy renders inline after the column.
    pub checks: Vec<Constraint>,
    /// ` GENERATED … AS IDENTITY …` from `sa.Identity(...)`.
    pub identity: Option<String>,
    /// ` GENERATED ALWAYS AS (…) STORED` from `sa.Computed(...)`.
    pub computed: Option<String>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Autoincrement {
    Auto,
    Yes,
    No,
}

const COLUMN: &[&str] = &["name", "type_"];
const COLUMN_KW: &[&str] = &[
    "primary_key",
    "nullable",
    "unique",
    "index",
    "autoincrement",
    "server_default",
    "comment",
    "quote",
    "sort_order",
];
/// Keywords that only affect Python-side behaviour, never the DDL.
const COLUMN_IGNORED: &[&str] =
    &["default", "onupdate", "server_onupdate", "doc", "key", "info", "insert_default"];

/// Reads `sa.Column("name", sa.Type(), sa.ForeignKey(...), nullable=..., ...)`.
pub(crate) fn column(cx: &Cx, value: &Value) -> Option<Column> {
    let call = match value.as_call() {
        Some(call) if call.func.last_name() == Some("Column") => call,
        _ => return cx.unsupported(value, "a column written as `sa.Column(...)`"),
    };
    let sig = Signature {
        varargs: true,
        kwonly: COLUMN_KW,
        ignored: COLUMN_IGNORED,
        ..Signature::new("sa.Column", COLUMN)
    };
    let args = Args::bind(cx, call, value.span, &sig)?;
    let name = cx.string(args.required(cx, "name", "sa.Column")?, "the column name as a string")?;
    let ty_value = args.required(cx, "type_", "sa.Column")?;
    if ty_value.as_call().is_some_and(|c| c.func.last_name() == Some("ForeignKey")) {
        return cx.error(
            "missing-argument",
            ty_value.span,
            "This column has no type: SQLAlchemy would copy it from the referenced column, which miglab cannot see.",
            "Write the type before the foreign key, e.g. `sa.Column(\"user_id\", sa.Integer(), sa.ForeignKey(\"users.id\"))`.",
        );
    }
    let ty = sql_type(cx, ty_value)?;
    // Both change the DDL (a forced quote, the column order of CREATE TABLE), and no migration needs them.
    for unsupported in ["quote", "sort_order"] {
        if let Some(v) = args.given(unsupported) {
            return cx.error(
                "unsupported-argument",
                v.span,
                format!("miglab does not support the `{unsupported}` argument of `sa.Column`, which changes the DDL Alembic emits."),
                format!("Remove `{unsupported}`, or write the statement yourself with `op.execute()`."),
            );
        }
    }
    let primary_key = args.flag(cx, "primary_key")?;
    let nullable = match args.given("nullable") {
        Some(v) => Some(cx.bool(v)?),
        None => None,
    };
    let autoincrement = match args.given("autoincrement") {
        Some(v) if v.as_str() == Some("auto") => Autoincrement::Auto,
        Some(v) if cx.bool(v)? => Autoincrement::Yes,
        Some(_) => Autoincrement::No,
        None => Autoincrement::Auto,
    };
    let server_default = match args.given("server_default") {
        Some(v) => Some(server_default(cx, v)?),
        None => None,
    };
    let mut column = Column {
        name,
        ty,
        nullable,
        primary_key,
        unique: args.flag(cx, "unique")?,
        index: args.flag(cx, "index")?,
        autoincrement,
        server_default,
        comment: args.opt_string(cx, "comment")?,
        foreign_keys: Vec::new(),
        in_foreign_key: false,
        checks: Vec::new(),
        identity: None,
        computed: None,
        span: value.span,
    };
    for extra in &args.rest {
        column_item(cx, &mut column, extra)?;
    }
    Some(column)
}

/// A positional argument after the type: `sa.ForeignKey(...)` or `sa.CheckConstraint(...)`.
fn column_item(cx: &Cx, column: &mut Column, value: &Value) -> Option<()> {
    let Some(call) = value.as_call() else { return cx.unsupported(value, "`sa.ForeignKey(...)`") };
    match call.func.last_name() {
        Some("ForeignKey") => {
            let fk = foreign_key(cx, call, value.span, &column.name)?;
            column.foreign_keys.push(fk);
        }
        Some("CheckConstraint") => match super::constraint::table_constraint(cx, call, value.span)?
        {
            Some(check) => column.checks.push(check),
            None => return cx.unsupported(value, "`sa.CheckConstraint(...)`"),
        },
        Some("Identity") => {
            column.identity = Some(super::generated::identity(cx, call, value.span)?)
        }
        Some("Computed") => {
            column.computed = Some(super::generated::computed(cx, call, value.span)?)
        }
        Some("Sequence") => {
            return cx.error(
                "unsupported-column-option",
                value.span,
                "miglab does not support `sa.Sequence` columns.",
                "Use `sa.Identity()`, or `autoincrement=True` on an integer primary key.",
            )
        }
        _ => return cx.unsupported(value, "`sa.ForeignKey(...)`"),
    }
    Some(())
}

fn foreign_key(cx: &Cx, call: &Call, span: Span, column: &str) -> Option<Constraint> {
    let params = [
        "column",
        "_constraint",
        "use_alter",
        "name",
        "onupdate",
        "ondelete",
        "deferrable",
        "initially",
        "link_to_name",
        "match",
    ];
    let sig =
        Signature { ignored: &["info", "comment"], ..Signature::new("sa.ForeignKey", &params[..]) };
    let args = Args::bind(cx, call, span, &sig)?;
    for unsupported in ["_constraint", "use_alter", "link_to_name"] {
        if let Some(v) = args.given(unsupported) {
            return cx.unsupported(v, "a foreign key without `use_alter` or `link_to_name`");
        }
    }
    let (target, target_column) =
        split_reference(cx, args.required(cx, "column", "sa.ForeignKey")?)?;
    let fk = ForeignKey {
        columns: vec![column.to_owned()],
        target,
        target_columns: vec![target_column],
        actions: actions(cx, &args)?,
    };
    Some(Constraint {
        name: cx.optional_name(args.get("name"))?,
        kind: ConstraintKind::ForeignKey(fk),
        suffix: suffix(cx, &args)?,
    })
}

impl Column {
    /// Whether SQLAlchemy picks this column as the table's autoincrement column, given the primary key.
    /// Mirrors `PrimaryKeyConstraint._autoincrement_column`: a single integer (or numeric) key column,
    /// without a foreign key or server default unless `autoincrement=True` insists.
    pub fn is_serial(&self, primary_key: &[String]) -> bool {
        if self.identity.is_some() {
            return false;
        }
        let integer = matches!(
            self.ty.family,
            Family::Integer | Family::BigInteger | Family::SmallInteger | Family::Numeric
        );
        let single = primary_key.len() == 1 && primary_key.first() == Some(&self.name);
        match self.autoincrement {
            Autoincrement::Yes => integer && primary_key.contains(&self.name),
            Autoincrement::No => false,
            Autoincrement::Auto => {
                single
                    && integer
                    && self.foreign_keys.is_empty()
                    && !self.in_foreign_key
                    && self.server_default.is_none()
            }
        }
    }

    /// `name TYPE DEFAULT x NOT NULL`, or `name SERIAL NOT NULL` for the autoincrement column.
    pub fn spec(&self, primary_key: &[String]) -> String {
        let mut out = quote(&self.name);
        // `sa.Identity()` makes the column NOT NULL implicitly; PostgreSQL needs no keyword for that.
        let nullable =
            self.nullable.unwrap_or(self.identity.is_none() && !primary_key.contains(&self.name));
        if self.is_serial(primary_key) {
            out.push_str(match self.ty.family {
                Family::BigInteger => " BIGSERIAL",
                Family::SmallInteger => " SMALLSERIAL",
                _ => " SERIAL",
            });
        } else {
            out.push(' ');
            out.push_str(&self.ty.sql);
            if let Some(default) = &self.server_default {
                out.push_str(" DEFAULT ");
                out.push_str(default);
            }
        }
        out.push_str(self.computed.as_deref().unwrap_or_default());
        out.push_str(self.identity.as_deref().unwrap_or_default());
        match (nullable, self.identity.is_some()) {
            (false, false) => out.push_str(" NOT NULL"),
            (true, true) => out.push_str(" NULL"),
            _ => {}
        }
        for check in &self.checks {
            out.push(' ');
            out.push_str(&check.sql());
        }
        out
    }

    /// Constraints SQLAlchemy derives from the column itself, in the order it creates them.
    pub fn derived_constraints(&self) -> Vec<Constraint> {
        let mut out = Vec::new();
        if self.unique && !self.index {
            out.push(Constraint {
                name: None,
                kind: ConstraintKind::Unique(vec![self.name.clone()]),
                suffix: String::new(),
            });
        }
        out.extend(self.foreign_keys.iter().cloned());
        out
    }
}

/// Whether a value is an `sa.Column(...)` call.
pub(crate) fn is_column(value: &Value) -> bool {
    matches!(&value.kind, Kind::Call(call) if call.func.last_name() == Some("Column"))
}
