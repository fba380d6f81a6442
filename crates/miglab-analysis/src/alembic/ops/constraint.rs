//! `create_unique_constraint`, `create_primary_key`, `create_check_constraint`, `create_foreign_key` and `drop_constraint`.

use super::super::constraint::{
    actions, condition, suffix, Constraint, ConstraintKind, ForeignKey,
};
use super::super::cx::{Cx, Signature};
use super::super::ident::quote;
use super::super::python::Call;
use super::column::add_constraint;
use super::{bind, Receiver};
use crate::diagnostic::Span;

const DEFERRAL: &[&str] = &["schema", "deferrable", "initially", "postgresql_not_valid"];
const FK_KW: &[&str] = &[
    "schema",
    "deferrable",
    "initially",
    "postgresql_not_valid",
    "onupdate",
    "ondelete",
    "match",
    "referent_schema",
    "source_schema",
];

/// `ALTER TABLE t ADD CONSTRAINT name …` for the four `create_*` constraint operations.
pub(crate) fn create_constraint(
    cx: &Cx,
    op: &str,
    call: &Call,
    span: Span,
    receiver: Receiver,
) -> Option<Vec<String>> {
    let (what, params, kwonly, table_param): (&str, &[&str], &[&str], &str) = match op {
        "create_unique_constraint" => (
            "op.create_unique_constraint",
            &["constraint_name", "table_name", "columns"],
            DEFERRAL,
            "table_name",
        ),
        "create_primary_key" => (
            "op.create_primary_key",
            &["constraint_name", "table_name", "columns"],
            DEFERRAL,
            "table_name",
        ),
        "create_check_constraint" => (
            "op.create_check_constraint",
            &["constraint_name", "table_name", "condition"],
            DEFERRAL,
            "table_name",
        ),
        _ => (
            "op.create_foreign_key",
            &["constraint_name", "source_table", "referent_table", "local_cols", "remote_cols"],
            FK_KW,
            "source_table",
        ),
    };
    let sig = Signature { kwonly, ..Signature::new(what, params) };
    let (args, mut table) = bind(cx, call, span, receiver, sig, table_param)?;
    if let Some(schema) = args.opt_string(cx, "source_schema")? {
        table.schema = Some(schema);
    }
    let name = cx.optional_name(args.get("constraint_name"))?;
    let kind = match op {
        "create_unique_constraint" => {
            ConstraintKind::Unique(cx.names(args.required(cx, "columns", what)?)?)
        }
        "create_primary_key" => {
            ConstraintKind::PrimaryKey(cx.names(args.required(cx, "columns", what)?)?)
        }
        "create_check_constraint" => {
            ConstraintKind::Check(condition(cx, args.required(cx, "condition", what)?)?)
        }
        _ => {
            let referent = cx.name(args.required(cx, "referent_table", what)?)?;
            let referent_schema = args.opt_string(cx, "referent_schema")?;
            ConstraintKind::ForeignKey(ForeignKey {
                columns: cx.names(args.required(cx, "local_cols", what)?)?,
                target: super::super::ident::table(&referent, referent_schema.as_deref()),
                target_columns: cx.names(args.required(cx, "remote_cols", what)?)?,
                actions: actions(cx, &args)?,
            })
        }
    };
    let constraint = Constraint { name, kind, suffix: suffix(cx, &args)? };
    Some(vec![add_constraint(&table, &constraint)])
}

/// `ALTER TABLE t DROP CONSTRAINT [IF EXISTS] name`; `type_` only matters to other databases.
pub(crate) fn drop_constraint(
    cx: &Cx,
    call: &Call,
    span: Span,
    receiver: Receiver,
) -> Option<Vec<String>> {
    let sig = Signature {
        kwonly: &["schema", "if_exists"],
        ..Signature::new("op.drop_constraint", &["constraint_name", "table_name", "type_"])
    };
    let (args, table) = bind(cx, call, span, receiver, sig, "table_name")?;
    let name = cx.object_name(args.required(cx, "constraint_name", "op.drop_constraint")?)?;
    if let Some(kind) = args.given("type_") {
        let kind = cx.string(kind, "a constraint type string")?;
        if !["foreignkey", "primary", "unique", "check"].contains(&kind.as_str()) {
            return cx.error(
                "invalid-argument",
                args.get("type_").map_or(span, |v| v.span),
                format!("{kind:?} is not a constraint type Alembic knows; it expects \"foreignkey\", \"primary\", \"unique\" or \"check\"."),
                "Use one of \"foreignkey\", \"primary\", \"unique\" or \"check\".",
            );
        }
    }
    let exists = if args.flag(cx, "if_exists")? { "IF EXISTS " } else { "" };
    Some(vec![format!("ALTER TABLE {} DROP CONSTRAINT {exists}{}", table.sql(), quote(&name))])
}

#[cfg(test)]
mod test {
    use super::super::super::check;

    #[test]
    fn create_constraints_ok() {
        insta::assert_snapshot!(check(r#"
op.create_unique_constraint("uq_users_email", "users", ["email"])
op.create_unique_constraint(None, "users", ["a", "b"], deferrable=True, initially="DEFERRED")
op.create_foreign_key("fk_posts_user", "posts", "users", ["user_id"], ["id"], ondelete="CASCADE", onupdate="SET NULL")
op.create_foreign_key(op.f("fk_posts_editor"), "posts", "users", ["editor_id"], ["id"], postgresql_not_valid=True)
op.create_check_constraint("ck_price_positive", "items", "price > 0")
op.create_check_constraint("ck_qty", "items", sa.text("qty >= 0"), postgresql_not_valid=True)
op.create_primary_key("pk_items", "items", ["id"])"#), @r#"
    ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE (email);
    ALTER TABLE users ADD UNIQUE (a, b) DEFERRABLE INITIALLY DEFERRED;
    ALTER TABLE posts ADD CONSTRAINT fk_posts_user FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE SET NULL;
    ALTER TABLE posts ADD CONSTRAINT fk_posts_editor FOREIGN KEY(editor_id) REFERENCES users (id) NOT VALID;
    ALTER TABLE items ADD CONSTRAINT ck_price_positive CHECK (price > 0);
    ALTER TABLE items ADD CONSTRAINT ck_qty CHECK (qty >= 0) NOT VALID;
    ALTER TABLE items ADD CONSTRAINT pk_items PRIMARY KEY (id);
    "#);
    }

    #[test]
    fn drop_constraint_ok() {
        insta::assert_snapshot!(check(r#"
op.drop_constraint("fk_posts_user", "posts", type_="foreignkey")
op.drop_constraint("uq_users_email", "users", type_="unique", if_exists=True)
op.drop_constraint("ck", "items", schema="app")"#), @r#"
    ALTER TABLE posts DROP CONSTRAINT fk_posts_user;
    ALTER TABLE users DROP CONSTRAINT IF EXISTS uq_users_email;
    ALTER TABLE app.items DROP CONSTRAINT ck;
    "#);
    }

    #[test]
    fn constraints_err() {
        insta::assert_snapshot!(check(r#"
op.create_foreign_key("fk", "a", "b", ["b_id"], ["id"], ondelete="DELETE")
op.drop_constraint("uq", "t", type_="uniq")
op.create_check_constraint("ck", "t", sa.column("x") > sa.select(1))
op.create_unique_constraint("uq", "t")"#), @r#"
    invalid-argument r1.py:11:70: "DELETE" is not a valid choice here; PostgreSQL accepts CASCADE, RESTRICT, NO ACTION, SET NULL, SET DEFAULT.
      help: Use one of CASCADE, RESTRICT, NO ACTION, SET NULL, SET DEFAULT.
    invalid-argument r1.py:12:41: "uniq" is not a constraint type Alembic knows; it expects "foreignkey", "primary", "unique" or "check".
      help: Use one of "foreignkey", "primary", "unique" or "check".
    unsupported-expression r1.py:13:60: miglab expected a SQLAlchemy expression miglab renders (a column, a literal, `sa.and_`, `sa.or_`, `sa.not_`, a comparison, `.in_`, `.is_`, `sa.func.…`, `sa.cast`, `sa.text`) here but found a call to `sa.select()`, which miglab cannot evaluate without running Python.
      help: Write a SQLAlchemy expression miglab renders (a column, a literal, `sa.and_`, `sa.or_`, `sa.not_`, a comparison, `.in_`, `.is_`, `sa.func.…`, `sa.cast`, `sa.text`) here.
    missing-argument r1.py:14:5: `op.create_unique_constraint` needs the `columns` argument.
      help: Pass `columns`.
    "#);
    }
}
