//! `create_table`, `drop_table`, `rename_table` and table comments.

use super::super::column::{column, is_column, Column};
use super::super::constraint::{table_constraint, Constraint, ConstraintKind};
use super::super::cx::{Cx, Signature};
use super::super::ident::{literal, quote};
use super::super::python::Call;
use super::{bind, Receiver, TableRef};
use crate::diagnostic::Span;

/// `CREATE TYPE` for native enums, `CREATE TABLE`, then indexes and comments, as Alembic's `create_table` runs them.
pub(crate) fn create_table(
    cx: &Cx,
    call: &Call,
    span: Span,
    receiver: Receiver,
) -> Option<Vec<String>> {
    let sig = Signature {
        varargs: true,
        kwonly: &["schema", "comment", "if_not_exists"],
        ignored: &["info"],
        ..Signature::new("op.create_table", &["table_name"])
    };
    let (args, table) = bind(cx, call, span, receiver, sig, "table_name")?;
    let mut columns: Vec<Column> = Vec::new();
    let mut constraints: Vec<Constraint> = Vec::new();
    let mut indexes = Vec::new();
    for item in &args.rest {
        if is_column(item) {
            columns.push(column(cx, item)?);
            continue;
        }
        let Some(item_call) = item.as_call() else {
            return cx.unsupported(item, "a `sa.Column(...)` or a constraint");
        };
        if item_call.func.last_name() == Some("Index") {
            indexes.push(super::index::table_index(cx, item_call, item.span, &table)?);
            continue;
        }
        match table_constraint(cx, item_call, item.span)? {
            Some(constraint) => constraints.push(constraint),
            None => return cx.unsupported(item, "a `sa.Column(...)` or a constraint"),
        }
    }
    for column in &mut columns {
        column.in_foreign_key = constraints.iter().any(|c| match &c.kind {
            ConstraintKind::ForeignKey(fk) => fk.columns.contains(&column.name),
            _ => false,
        });
    }
    if columns.is_empty() {
        return cx.error(
            "missing-argument",
            span,
            "`op.create_table` needs at least one `sa.Column(...)`.",
            "Add the table's columns.",
        );
    }
    let if_not_exists = args.flag(cx, "if_not_exists")?;
    let comment = args.opt_string(cx, "comment")?;
    Some(render(&table, &columns, constraints, indexes, if_not_exists, comment))
}

fn render(
    table: &TableRef,
    columns: &[Column],
    constraints: Vec<Constraint>,
    explicit_indexes: Vec<String>,
    if_not_exists: bool,
    comment: Option<String>,
) -> Vec<String> {
    let (primary_key, pk_constraint) = primary_key(columns, &constraints);
    let mut out: Vec<String> = Vec::new();
    // SQLAlchemy creates each enum type once per table, even when several columns share it.
    for sql in columns
        .iter()
        .filter_map(|c| c.ty.enum_type.as_ref().filter(|e| e.create))
        .map(|e| e.create_sql())
    {
        if !out.contains(&sql) {
            out.push(sql);
        }
    }
    let mut lines: Vec<String> = columns.iter().map(|c| c.spec(&primary_key)).collect();
    lines.extend(pk_constraint.map(|pk| pk.sql()));
    lines.extend(
        constraints
            .iter()
            .filter(|c| !matches!(c.kind, ConstraintKind::PrimaryKey(_)))
            .map(Constraint::sql),
    );
    lines.extend(columns.iter().flat_map(Column::derived_constraints).map(|c| c.sql()));
    let exists = if if_not_exists { "IF NOT EXISTS " } else { "" };
    out.push(format!("CREATE TABLE {exists}{} (\n    {}\n)", table.sql(), lines.join(",\n    ")));
    out.extend(explicit_indexes);
    out.extend(columns.iter().filter(|c| c.index).map(|c| column_index(table, c)));
    if let Some(comment) = comment {
        out.push(format!("COMMENT ON TABLE {} IS {}", table.sql(), literal(&comment)));
    }
    out.extend(columns.iter().filter_map(|c| column_comment(table, c)));
    out
}

/// The primary key's column names, and the constraint to render: an explicit `PrimaryKeyConstraint`,
/// or one built from `primary_key=True` columns.
fn primary_key(
    columns: &[Column],
    constraints: &[Constraint],
) -> (Vec<String>, Option<Constraint>) {
    let explicit = constraints.iter().find(|c| matches!(c.kind, ConstraintKind::PrimaryKey(_)));
    if let Some(pk @ Constraint { kind: ConstraintKind::PrimaryKey(names), .. }) = explicit {
        let mut names = names.clone();
        for column in columns.iter().filter(|c| c.primary_key) {
            if !names.contains(&column.name) {
                names.push(column.name.clone());
            }
        }
        return (
            names.clone(),
            Some(Constraint { kind: ConstraintKind::PrimaryKey(names), ..pk.clone() }),
        );
    }
    let names: Vec<String> =
        columns.iter().filter(|c| c.primary_key).map(|c| c.name.clone()).collect();
    if names.is_empty() {
        return (names, None);
    }
    let pk = Constraint {
        name: None,
        kind: ConstraintKind::PrimaryKey(names.clone()),
        suffix: String::new(),
    };
    (names, Some(pk))
}

/// `index=True` becomes `ix_<column_0_label>`, SQLAlchemy's default naming convention for indexes,
/// where the label is `<table>_<column>`, prefixed with `<schema>_` for a schema-qualified table.
pub(crate) fn column_index(table: &TableRef, column: &Column) -> String {
    let unique = if column.unique { "UNIQUE " } else { "" };
    let schema = table.schema.as_ref().map(|s| format!("{s}_")).unwrap_or_default();
    let name = quote(&format!("ix_{schema}{}_{}", table.name, column.name));
    format!("CREATE {unique}INDEX {name} ON {} ({})", table.sql(), quote(&column.name))
}

pub(crate) fn column_comment(table: &TableRef, column: &Column) -> Option<String> {
    let comment = column.comment.as_ref()?;
    Some(format!(
        "COMMENT ON COLUMN {}.{} IS {}",
        table.sql(),
        quote(&column.name),
        literal(comment)
    ))
}

pub(crate) fn drop_table(
    cx: &Cx,
    call: &Call,
    span: Span,
    receiver: Receiver,
) -> Option<Vec<String>> {
    let sig = Signature {
        kwonly: &["schema", "if_exists"],
        ignored: &["info"],
        ..Signature::new("op.drop_table", &["table_name"])
    };
    let (args, table) = bind(cx, call, span, receiver, sig, "table_name")?;
    let exists = if args.flag(cx, "if_exists")? { "IF EXISTS " } else { "" };
    Some(vec![format!("DROP TABLE {exists}{}", table.sql())])
}

pub(crate) fn rename_table(
    cx: &Cx,
    call: &Call,
    span: Span,
    receiver: Receiver,
) -> Option<Vec<String>> {
    let sig = Signature {
        kwonly: &["schema"],
        ..Signature::new("op.rename_table", &["old_table_name", "new_table_name"])
    };
    let (args, table) = bind(cx, call, span, receiver, sig, "old_table_name")?;
    let new = cx.name(args.required(cx, "new_table_name", "op.rename_table")?)?;
    Some(vec![format!("ALTER TABLE {} RENAME TO {}", table.sql(), quote(&new))])
}

/// `op.create_table_comment(table, comment)` and `op.drop_table_comment(table)`.
pub(crate) fn table_comment(
    cx: &Cx,
    name: &str,
    call: &Call,
    span: Span,
    receiver: Receiver,
) -> Option<Vec<String>> {
    let create = name == "create_table_comment";
    let params: &[&str] = if create { &["table_name", "comment"] } else { &["table_name"] };
    let sig = Signature {
        kwonly: &["schema", "existing_comment"],
        ..Signature::new(
            if create { "op.create_table_comment" } else { "op.drop_table_comment" },
            params,
        )
    };
    let (args, table) = bind(cx, call, span, receiver, sig, "table_name")?;
    let comment = match create {
        true => {
            literal(&cx.string(args.required(cx, "comment", sig.what)?, "the comment as a string")?)
        }
        false => "NULL".to_owned(),
    };
    Some(vec![format!("COMMENT ON TABLE {} IS {comment}", table.sql())])
}

#[cfg(test)]
mod test {
    use super::super::super::check;

    #[test]
    fn create_table_ok() {
        insta::assert_snapshot!(check(r#"
op.create_table(
    "posts",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("title", sa.String(length=200), nullable=False),
    sa.Column("state", sa.Enum("draft", "live", name="post_state"), server_default="draft"),
    sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("user_id", "title", name="uq_posts_user_title"),
    sa.CheckConstraint("length(title) > 0", name="ck_posts_title"),
    comment="blog posts",
)
op.create_index(op.f("ix_posts_user_id"), "posts", ["user_id"], unique=False)"#), @r#"
    CREATE TYPE post_state AS ENUM ('draft', 'live');
    CREATE TABLE posts (
        id SERIAL NOT NULL,
        user_id INTEGER NOT NULL,
        title VARCHAR(200) NOT NULL,
        state post_state DEFAULT 'draft',
        created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
        PRIMARY KEY (id),
        FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT uq_posts_user_title UNIQUE (user_id, title),
        CONSTRAINT ck_posts_title CHECK (length(title) > 0)
    );
    COMMENT ON TABLE posts IS 'blog posts';
    CREATE INDEX ix_posts_user_id ON posts (user_id);
    "#);
    }

    #[test]
    fn serial_ok() {
        insta::assert_snapshot!(check(r#"
op.create_table("a", sa.Column("id", sa.BigInteger(), primary_key=True))
op.create_table("b", sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False))
op.create_table("c", sa.Column("id", sa.Integer(), sa.ForeignKey("a.id"), primary_key=True))
op.create_table("d", sa.Column("a", sa.Integer(), primary_key=True), sa.Column("b", sa.Integer(), primary_key=True))
op.create_table("e", sa.Column("id", sa.String(10), primary_key=True), sa.Column("n", sa.Integer(), unique=True, index=True))"#), @r#"
    CREATE TABLE a (
        id BIGSERIAL NOT NULL,
        PRIMARY KEY (id)
    );
    CREATE TABLE b (
        id INTEGER NOT NULL,
        PRIMARY KEY (id)
    );
    CREATE TABLE c (
        id INTEGER NOT NULL,
        PRIMARY KEY (id),
        FOREIGN KEY(id) REFERENCES a (id)
    );
    CREATE TABLE d (
        a INTEGER NOT NULL,
        b INTEGER NOT NULL,
        PRIMARY KEY (a, b)
    );
    CREATE TABLE e (
        id VARCHAR(10) NOT NULL,
        n INTEGER,
        PRIMARY KEY (id)
    );
    CREATE UNIQUE INDEX ix_e_n ON e (n);
    "#);
    }

    #[test]
    fn drop_and_rename_table_ok() {
        insta::assert_snapshot!(check(r#"
op.drop_table("posts")
op.drop_table("old", if_exists=True, schema="archive")
op.rename_table("orders", "purchases")
op.create_table_comment("purchases", "what people bought")
op.drop_table_comment("purchases")"#), @r#"
    DROP TABLE posts;
    DROP TABLE IF EXISTS archive."old";
    ALTER TABLE orders RENAME TO purchases;
    COMMENT ON TABLE purchases IS 'what people bought';
    COMMENT ON TABLE purchases IS NULL;
    "#);
    }

    #[test]
    fn create_table_err() {
        insta::assert_snapshot!(check(r#"
op.create_table("empty")
op.create_table("t", sa.Column("id", sa.Integer()), "not a column")"#), @r#"
    missing-argument r1.py:11:5: `op.create_table` needs at least one `sa.Column(...)`.
      help: Add the table's columns.
    unsupported-expression r1.py:12:57: miglab expected a `sa.Column(...)` or a constraint here but found the string "not a column".
      help: Write a `sa.Column(...)` or a constraint here.
    "#);
    }
}
