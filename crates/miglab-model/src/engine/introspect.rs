//! Introspection: two queries that describe the whole user schema, and their parsers into [`Schema`].
//!
//! [`SQL`] reads the catalog as one JSON document (it is data, kept in `introspect.sql`, so every engine runs the same text).
//! [`Catalog::counts_sql`] is then generated from it: an exact `count(*)` per table and the `alembic_version` rows.
//! A single statement could count through `query_to_xml`, but PGlite's libxml makes that about 40× slower than `count(*)`.
//! PostgreSQL 18 stores `NOT NULL` as constraints of kind `n`; they are left out because `Column::not_null` says it.
//!
//! ```text
//! let catalog = introspect::parse(&engine.query(introspect::SQL))?; // or PREPARE once, then EXECUTE
//! let schema = catalog.finish(&engine.query(&catalog.counts_sql()))?;
//! ```

use crate::schema::{Column, Constraint, ConstraintKind, EnumType, Index, Schema, Table};
use serde::Deserialize;

/// Returns one row with one text column, `schema`, holding the JSON document [`parse`] reads.
pub const SQL: &str = include_str!("introspect.sql");

/// [`SQL`] as a prepared statement: in PGlite, planning this query costs about twice as much as running it,
/// so engines prepare it once per session ([`IS_PREPARED`] says whether to) and run [`EXECUTE`].
/// Prepared statements survive `ROLLBACK TO SAVEPOINT`, and the plan reads the catalog afresh on every run.
pub const PREPARE: &str = concat!("PREPARE miglab_introspect AS ", include_str!("introspect.sql"));
/// `1` when [`PREPARE`] has run in this session (a learner's `DEALLOCATE ALL` undoes it), else `0`.
pub const IS_PREPARED: &str =
    "SELECT count(*) FROM pg_prepared_statements WHERE name = 'miglab_introspect'";
pub const EXECUTE: &str = "EXECUTE miglab_introspect";

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
    has_alembic_version: bool,
}

/// The catalog read by [`SQL`], waiting for its row counts and `alembic_version` rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalog {
    schema: Schema,
    has_alembic_version: bool,
}

#[derive(Deserialize)]
struct Counts {
    counts: Vec<u64>,
    alembic_version: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RawTable {
    schema: String,
    name: String,
    columns: Vec<Column>,
    indexes: Vec<Index>,
    constraints: Vec<RawConstraint>,
}

#[derive(Deserialize)]
struct RawConstraint {
    name: String,
    kind: String,
    definition: String,
}

/// Reads the document [`SQL`] returns; tables and enums come sorted so equal databases compare equal.
pub fn parse(json: &str) -> Result<Catalog, ParseError> {
    let doc: Doc = serde_json::from_str(json).map_err(|e| ParseError(e.to_string()))?;
    let mut tables: Vec<Table> = doc.tables.into_iter().map(table).collect();
    tables.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    let mut enums = doc.enums;
    enums.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    Ok(Catalog {
        schema: Schema { tables, enums, alembic_version: None },
        has_alembic_version: doc.has_alembic_version,
    })
}

impl Catalog {
    /// One row with one text column, `counts`: every table's exact row count, in order, and the `alembic_version` rows.
    pub fn counts_sql(&self) -> String {
        let counts: Vec<String> = self
            .schema
            .tables
            .iter()
            .map(|t| {
                format!(
                    "(SELECT count(*) FROM {})",
                    super::backup::quote_name(&format!("{}.{}", t.schema, t.name))
                )
            })
            .collect();
        let versions = match self.has_alembic_version {
            true => "(SELECT COALESCE(json_agg(version_num ORDER BY version_num), '[]') FROM public.alembic_version)",
            false => "NULL",
        };
        format!("SELECT json_build_object('counts', json_build_array({}), 'alembic_version', {versions})::text AS counts", counts.join(", "))
    }

    /// The schema with the answer to [`Catalog::counts_sql`] filled in.
    pub fn finish(mut self, json: &str) -> Result<Schema, ParseError> {
        let counts: Counts = serde_json::from_str(json).map_err(|e| ParseError(e.to_string()))?;
        if counts.counts.len() != self.schema.tables.len() {
            return Err(ParseError(format!(
                "{} counts for {} tables",
                counts.counts.len(),
                self.schema.tables.len()
            )));
        }
        for (table, count) in self.schema.tables.iter_mut().zip(counts.counts) {
            table.row_count = Some(count);
        }
        self.schema.alembic_version = counts.alembic_version;
        Ok(self.schema)
    }
}

fn table(raw: RawTable) -> Table {
    let mut indexes = raw.indexes;
    indexes.sort_by(|a, b| a.name.cmp(&b.name));
    let mut constraints: Vec<Constraint> = raw
        .constraints
        .into_iter()
        .filter_map(|c| {
            Some(Constraint { kind: kind(&c.kind)?, name: c.name, definition: c.definition })
        })
        .collect();
    constraints.sort_by(|a, b| a.name.cmp(&b.name));
    Table {
        schema: raw.schema,
        name: raw.name,
        columns: raw.columns,
        indexes,
        constraints,
        row_count: None,
    }
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
    const ANSWER: &str = r#"{"tables" : [{"schema" : "public", "name" : "expenses", "columns" : [{"name" : "id", "data_type" : "integer", "not_null" : true, "default" : "nextval('expenses_id_seq'::regclass)"}, {"name" : "amount", "data_type" : "numeric(10,2)", "not_null" : true, "default" : "0"}], "indexes" : [{"name" : "ix_lower", "definition" : "CREATE INDEX ix_lower ON public.expenses USING btree (lower(note))", "unique" : false, "columns" : ["lower(note)"]}, {"name" : "expenses_pkey", "definition" : "CREATE UNIQUE INDEX expenses_pkey ON public.expenses USING btree (id)", "unique" : true, "columns" : ["id"]}], "constraints" : [{"name" : "expenses_pkey", "kind" : "p", "definition" : "PRIMARY KEY (id)"}, {"name" : "expenses_amount_not_null", "kind" : "n", "definition" : "NOT NULL amount"}]}, {"schema" : "public", "name" : "Weird Name", "columns" : [], "indexes" : [], "constraints" : []}], "enums" : [{"schema" : "public", "name" : "mood", "labels" : ["sad", "ok"]}], "has_alembic_version" : true}"#;

    #[test]
    fn parse_ok() {
        let catalog = parse(ANSWER).expect("parses");
        assert_eq!(
            catalog.counts_sql(),
            "SELECT json_build_object('counts', json_build_array((SELECT count(*) FROM \"public\".\"Weird Name\"), (SELECT count(*) FROM \"public\".\"expenses\")), \
             'alembic_version', (SELECT COALESCE(json_agg(version_num ORDER BY version_num), '[]') FROM public.alembic_version))::text AS counts"
        );
        let schema =
            catalog.finish(r#"{"counts": [0, 1000], "alembic_version": ["abc"]}"#).expect("counts");
        assert_eq!(
            schema.tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            ["Weird Name", "expenses"]
        );
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
        let catalog =
            parse(r#"{"tables": [], "enums": [], "has_alembic_version": false}"#).expect("parses");
        assert_eq!(catalog.counts_sql(), "SELECT json_build_object('counts', json_build_array(), 'alembic_version', NULL)::text AS counts");
        assert_eq!(
            catalog.finish(r#"{"counts": [], "alembic_version": null}"#),
            Ok(Schema::default())
        );
    }

    #[test]
    fn garbage_err() {
        assert!(parse("{").is_err());
        let catalog = parse(ANSWER).expect("parses");
        assert!(catalog.finish(r#"{"counts": [1], "alembic_version": null}"#).is_err());
    }
}
