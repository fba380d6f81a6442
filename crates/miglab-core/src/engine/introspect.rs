//! Introspection: one query that describes the whole user schema as a JSON document, and its parser into [`Schema`].
//!
//! The SQL is data, kept in `introspect.sql`, so every engine runs the very same text.
//! Exact row counts come from `query_to_xml` running a generated `count(*)` per table,
//! which keeps it one statement without plpgsql.
//! PostgreSQL 18 stores `NOT NULL` as constraints of kind `n`; they are left out because `Column::not_null` says it.

use crate::schema::{Column, Constraint, ConstraintKind, EnumType, Index, Schema, Table};
use serde::Deserialize;

/// Returns one row with one text column, `schema`, holding the JSON document [`parse`] reads.
pub const SQL: &str = include_str!("introspect.sql");

/// Why an introspection answer could not be read; this means the engine answered something unexpected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unreadable introspection result: {}", self.0)
    }
}

impl std::error::Error for ParseError {}

#[derive(Deserialize)]
struct Doc {
    tables: Vec<RawTable>,
    enums: Vec<EnumType>,
    alembic_version: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RawTable {
    schema: String,
    name: String,
    columns: Vec<Column>,
    indexes: Vec<Index>,
    constraints: Vec<RawConstraint>,
    row_count: Option<u64>,
}

#[derive(Deserialize)]
struct RawConstraint {
    name: String,
    kind: String,
    definition: String,
}

/// Reads the document [`SQL`] returns, sorted so two introspections of equal databases compare equal.
pub fn parse(json: &str) -> Result<Schema, ParseError> {
    let doc: Doc = serde_json::from_str(json).map_err(|e| ParseError(e.to_string()))?;
    let mut tables: Vec<Table> = doc.tables.into_iter().map(table).collect();
    tables.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    let mut enums = doc.enums;
    enums.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    let alembic_version = doc.alembic_version.map(|mut rows| {
        rows.sort();
        rows
    });
    Ok(Schema { tables, enums, alembic_version })
}

fn table(raw: RawTable) -> Table {
    let mut indexes = raw.indexes;
    indexes.sort_by(|a, b| a.name.cmp(&b.name));
    let mut constraints: Vec<Constraint> = raw
        .constraints
        .into_iter()
        .filter_map(|c| Some(Constraint { kind: kind(&c.kind)?, name: c.name, definition: c.definition }))
        .collect();
    constraints.sort_by(|a, b| a.name.cmp(&b.name));
    Table { schema: raw.schema, name: raw.name, columns: raw.columns, indexes, constraints, row_count: raw.row_count }
}

/// `pg_constraint.contype` to the model's kind; `n` (NOT NULL) and `t` (trigger) are not listed.
fn kind(contype: &str) -> Option<ConstraintKind> {
    Some(match contype {
        "p" => ConstraintKind::PrimaryKey,
        "u" => ConstraintKind::Unique,
        "f" => ConstraintKind::ForeignKey,
        "c" => ConstraintKind::Check,
        "x" => ConstraintKind::Exclusion,
        _ => return None,
    })
}

#[cfg(test)]
mod test {
    use super::*;

    /// Trimmed from a real PGlite 0.5.16 answer.
    const ANSWER: &str = r#"{"tables" : [{"schema" : "public", "name" : "expenses", "columns" : [{"name" : "id", "data_type" : "integer", "not_null" : true, "default" : "nextval('expenses_id_seq'::regclass)"}, {"name" : "amount", "data_type" : "numeric(10,2)", "not_null" : true, "default" : "0"}], "indexes" : [{"name" : "ix_lower", "definition" : "CREATE INDEX ix_lower ON public.expenses USING btree (lower(note))", "unique" : false, "columns" : ["lower(note)"]}, {"name" : "expenses_pkey", "definition" : "CREATE UNIQUE INDEX expenses_pkey ON public.expenses USING btree (id)", "unique" : true, "columns" : ["id"]}], "constraints" : [{"name" : "expenses_pkey", "kind" : "p", "definition" : "PRIMARY KEY (id)"}, {"name" : "expenses_amount_not_null", "kind" : "n", "definition" : "NOT NULL amount"}], "row_count" : 1000}, {"schema" : "public", "name" : "Weird Name", "columns" : [], "indexes" : [], "constraints" : [], "row_count" : 0}], "enums" : [{"schema" : "public", "name" : "mood", "labels" : ["sad", "ok"]}], "alembic_version" : ["abc"]}"#;

    #[test]
    fn parse_ok() {
        let schema = parse(ANSWER).expect("parses");
        assert_eq!(schema.tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["Weird Name", "expenses"]);
        let expenses = schema.table("expenses").expect("expenses");
        assert_eq!(expenses.row_count, Some(1000));
        assert_eq!(expenses.indexes[0].name, "expenses_pkey");
        assert_eq!(expenses.constraints.len(), 1, "NOT NULL constraints are left out");
        assert_eq!(expenses.column("amount").and_then(|c| c.default.as_deref()), Some("0"));
        assert_eq!(schema.enums[0].labels, ["sad", "ok"]);
        assert_eq!(schema.alembic_version, Some(vec!["abc".to_owned()]));
    }

    #[test]
    fn no_version_table_ok() {
        let schema = parse(r#"{"tables": [], "enums": [], "alembic_version": null}"#).expect("parses");
        assert_eq!(schema, Schema::default());
    }

    #[test]
    fn garbage_err() {
        assert!(parse("{").is_err());
    }
}
