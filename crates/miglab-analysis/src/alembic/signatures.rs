//! Walks every parameter real Alembic and SQLAlchemy accept (`fixtures/alembic/signatures.txt`), so no keyword argument falls through.
//!
//! Each keyword is given a value that should matter, and the translation must then change its SQL,
//! refuse the call with an error, or the keyword must be listed in [`NO_DDL`] with the reason it changes nothing.
//! A keyword miglab silently ignored would fail here; so would a new parameter in a new Alembic release.

use super::check;

/// Each call, with `{}` where the probed keyword goes; the rest of the call is the smallest valid one.
const CALLS: &[(&str, &str)] = &[
    (
        "op.create_table",
        r#"op.create_table("t", sa.Column("id", sa.Integer(), primary_key=True){})"#,
    ),
    ("op.drop_table", r#"op.drop_table("t"{})"#),
    ("op.rename_table", r#"op.rename_table("t", "u"{})"#),
    ("op.create_table_comment", r#"op.create_table_comment("t", "c"{})"#),
    ("op.drop_table_comment", r#"op.drop_table_comment("t"{})"#),
    ("op.add_column", r#"op.add_column("t", sa.Column("a", sa.Integer()){})"#),
    ("op.drop_column", r#"op.drop_column("t", "a"{})"#),
    ("op.alter_column", r#"op.alter_column("t", "a", nullable=True{})"#),
    ("op.create_index", r#"op.create_index("ix", "t", ["a"]{})"#),
    ("op.drop_index", r#"op.drop_index("ix"{})"#),
    ("op.create_unique_constraint", r#"op.create_unique_constraint("uq", "t", ["a"]{})"#),
    ("op.create_primary_key", r#"op.create_primary_key("pk", "t", ["a"]{})"#),
    ("op.create_check_constraint", r#"op.create_check_constraint("ck", "t", "a > 0"{})"#),
    ("op.create_foreign_key", r#"op.create_foreign_key("fk", "t", "u", ["a"], ["id"]{})"#),
    ("op.drop_constraint", r#"op.drop_constraint("c", "t"{})"#),
    ("op.execute", r#"op.execute("SELECT 1"{})"#),
    (
        "op.bulk_insert",
        r#"op.bulk_insert(sa.table("t", sa.column("a", sa.Integer)), [{"a": 1}]{})"#,
    ),
    ("sa.Column", r#"op.create_table("t", sa.Column("a", sa.Integer(){}))"#),
    // A second shape, where the primary key makes `autoincrement` matter.
    (
        "sa.Column",
        r#"op.create_table("t", sa.Column("a", sa.Integer(){}), sa.PrimaryKeyConstraint("a"))"#,
    ),
    ("sa.Index", r#"op.create_table("t", sa.Column("a", sa.Integer()), sa.Index("ix", "a"{}))"#),
    (
        "sa.ForeignKey",
        r#"op.create_table("t", sa.Column("a", sa.Integer(), sa.ForeignKey("u.id"{})))"#,
    ),
    (
        "sa.UniqueConstraint",
        r#"op.create_table("t", sa.Column("a", sa.Integer()), sa.UniqueConstraint("a"{}))"#,
    ),
    (
        "sa.PrimaryKeyConstraint",
        r#"op.create_table("t", sa.Column("a", sa.Integer()), sa.PrimaryKeyConstraint("a"{}))"#,
    ),
    (
        "sa.CheckConstraint",
        r#"op.create_table("t", sa.Column("a", sa.Integer()), sa.CheckConstraint("a > 0"{}))"#,
    ),
    (
        "sa.ForeignKeyConstraint",
        r#"op.create_table("t", sa.Column("a", sa.Integer()), sa.ForeignKeyConstraint(["a"], ["u.id"]{}))"#,
    ),
];

/// Keywords that only steer Python-side behaviour, Alembic's bookkeeping, or other databases: the PostgreSQL DDL is the same.
const NO_DDL: &[(&str, &str, &str)] = &[
    ("*", "info", "a dictionary for the application; never rendered"),
    ("op.alter_column", "existing_type", "tells other databases what the column was"),
    ("op.alter_column", "existing_server_default", "tells other databases what the column was"),
    ("op.alter_column", "existing_nullable", "tells other databases what the column was"),
    ("op.alter_column", "existing_comment", "tells other databases what the column was"),
    ("op.create_table_comment", "existing_comment", "only used to reverse the operation"),
    ("op.drop_table_comment", "existing_comment", "only used to reverse the operation"),
    ("op.drop_constraint", "type_", "DROP CONSTRAINT on PostgreSQL needs no type"),
    ("op.drop_index", "table_name", "DROP INDEX on PostgreSQL needs no table"),
    ("op.drop_index", "unique", "autogenerate repeats the index options; DROP INDEX needs none"),
    (
        "op.drop_index",
        "postgresql_using",
        "autogenerate repeats the index options; DROP INDEX needs none",
    ),
    (
        "op.drop_index",
        "postgresql_where",
        "autogenerate repeats the index options; DROP INDEX needs none",
    ),
    (
        "op.drop_index",
        "postgresql_ops",
        "autogenerate repeats the index options; DROP INDEX needs none",
    ),
    (
        "op.drop_index",
        "postgresql_include",
        "autogenerate repeats the index options; DROP INDEX needs none",
    ),
    (
        "op.drop_index",
        "postgresql_nulls_not_distinct",
        "autogenerate repeats the index options; DROP INDEX needs none",
    ),
    (
        "op.drop_index",
        "postgresql_with",
        "autogenerate repeats the index options; DROP INDEX needs none",
    ),
    (
        "op.drop_index",
        "postgresql_tablespace",
        "autogenerate repeats the index options; DROP INDEX needs none",
    ),
    ("op.execute", "execution_options", "options for the connection, not the SQL"),
    ("op.bulk_insert", "multiinsert", "offline mode renders one INSERT per row either way"),
    ("sa.Column", "default", "a Python-side default, applied by SQLAlchemy on INSERT"),
    ("sa.Column", "insert_default", "a Python-side default, applied by SQLAlchemy on INSERT"),
    ("sa.Column", "onupdate", "a Python-side value, applied by SQLAlchemy on UPDATE"),
    ("sa.Column", "server_onupdate", "only tells SQLAlchemy the server changes the value"),
    ("sa.Column", "doc", "documentation for the ORM"),
    ("sa.Column", "key", "the attribute name in Python"),
    ("sa.ForeignKey", "comment", "Alembic's create_table emits no constraint comments"),
    ("sa.ForeignKeyConstraint", "comment", "Alembic's create_table emits no constraint comments"),
    ("sa.UniqueConstraint", "comment", "Alembic's create_table emits no constraint comments"),
    ("sa.PrimaryKeyConstraint", "comment", "Alembic's create_table emits no constraint comments"),
    ("sa.CheckConstraint", "comment", "Alembic's create_table emits no constraint comments"),
];

/// A value for `param` that should change the SQL if it is honoured.
fn probe(param: &str) -> &'static str {
    match param {
        "unique"
        | "if_not_exists"
        | "if_exists"
        | "primary_key"
        | "index"
        | "deferrable"
        | "postgresql_concurrently"
        | "postgresql_not_valid"
        | "postgresql_nulls_not_distinct"
        | "use_alter"
        | "link_to_name"
        | "system"
        | "quote"
        | "inline_references"
        | "inline_primary_key"
        | "insert_sentinel"
        | "postgresql_with_oids" => "True",
        "nullable" | "autoincrement" | "multiinsert" => "False",
        "comment" | "existing_comment" => "\"probe\"",
        "server_default" | "existing_server_default" => "\"0\"",
        "type_" | "existing_type" => "sa.Text()",
        "initially" => "\"DEFERRED\"",
        "onupdate" | "ondelete" => "\"CASCADE\"",
        "match" => "\"FULL\"",
        "info" | "execution_options" => "{\"k\": 1}",
        "postgresql_ops" => "{\"a\": \"text_pattern_ops\"}",
        "postgresql_include" => "[\"b\"]",
        "postgresql_with" => "{\"fillfactor\": 50}",
        "postgresql_where" => "sa.text(\"a > 0\")",
        "postgresql_using" => "\"gin\"",
        "existing_nullable" => "True",
        "table_name" => "\"t\"",
        "name" => "\"probe_name\"",
        _ => "\"probe\"",
    }
}

/// Keywords a `**kw` parameter takes in practice: the PostgreSQL dialect's, and the common ones.
const DIALECT_KW: &[&str] = &[
    "schema",
    "comment",
    "info",
    "postgresql_ops",
    "postgresql_include",
    "postgresql_with",
    "postgresql_nulls_not_distinct",
    "postgresql_where",
    "postgresql_using",
    "postgresql_concurrently",
    "postgresql_tablespace",
    "postgresql_not_valid",
    "postgresql_partition_by",
    "postgresql_inherits",
    "postgresql_with_oids",
    "postgresql_on_commit",
    "postgresql_ignore_search_path",
    "mysql_engine",
];

#[test]
fn every_keyword_is_rendered_or_refused_ok() {
    let text = include_str!("../../fixtures/alembic/signatures.txt");
    let mut silent = Vec::new();
    let mut checked = 0;
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let Some(what) = words.next() else { continue };
        let templates: Vec<&str> =
            CALLS.iter().filter(|(name, _)| *name == what).map(|(_, t)| *t).collect();
        assert!(!templates.is_empty(), "no call template for {what}: add one to CALLS");
        let params: Vec<&str> = words.collect();
        let mut keywords: Vec<&str> = Vec::new();
        for param in &params {
            match *param {
                p if p.starts_with("**") => keywords.extend(DIALECT_KW),
                p if p.starts_with('*') || p.starts_with('_') => {}
                p => keywords.push(p),
            }
        }
        for keyword in keywords {
            let harmless =
                NO_DDL.iter().any(|(w, k, _)| (*w == what || *w == "*") && *k == keyword);
            let mut honoured = false;
            for template in &templates {
                let baseline = check(&template.replace("{}", ""));
                assert!(
                    !baseline.contains("r1.py:"),
                    "{what}: the baseline has diagnostics: {baseline}"
                );
                let probed = template.replace("{}", &format!(", {keyword}={}", probe(keyword)));
                let out = check(&probed);
                let refused = out.contains(" r1.py:") && out.contains("help:");
                let changed = out != baseline;
                checked += 1;
                if harmless {
                    assert!(
                        refused || !changed,
                        "{what}({keyword}=…) is listed as changing no DDL, but changes the output:\n{out}"
                    );
                }
                honoured |= changed || refused;
            }
            if !harmless && !honoured {
                silent.push(format!("{what}({keyword}=…)"));
            }
        }
    }
    assert!(checked > 150, "only {checked} keywords walked");
    assert!(silent.is_empty(), "keywords dropped without a word: {silent:#?}");
}
