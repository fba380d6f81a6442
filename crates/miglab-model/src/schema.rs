//! The schema model: what a database looks like, whether read from the engine or predicted.
//!
//! Introspection, static simulation and a learner's prediction all produce this same shape,
//! so grading and diffs compare like with like.

pub mod compare;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    /// Tables in user schemas, sorted by `(schema, name)`; `alembic_version` is not listed here.
    pub tables: Vec<Table>,
    /// Enum types in user schemas.
    #[serde(default)]
    pub enums: Vec<EnumType>,
    /// The rows of `alembic_version`; `None` when the table does not exist.
    #[serde(default)]
    pub alembic_version: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    #[serde(default = "public")]
    pub schema: String,
    pub name: String,
    #[serde(default)]
    pub columns: Vec<Column>,
    #[serde(default)]
    pub indexes: Vec<Index>,
    #[serde(default)]
    pub constraints: Vec<Constraint>,
    /// `None` where the count is not known (a static simulation, a prediction without rows).
    #[serde(default)]
    pub row_count: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    /// The type as Postgres's `format_type` prints it, e.g. `numeric(4,3)` or `timestamp with time zone`.
    pub data_type: String,
    #[serde(default)]
    pub not_null: bool,
    /// The default expression as `pg_get_expr` prints it, e.g. `0.000` or `now()`.
    #[serde(default)]
    pub default: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    /// The definition as `pg_get_indexdef` prints it.
    #[serde(default)]
    pub definition: String,
    #[serde(default)]
    pub unique: bool,
    #[serde(default)]
    pub columns: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintKind {
    PrimaryKey,
    Unique,
    ForeignKey,
    Check,
    Exclusion,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constraint {
    pub name: String,
    pub kind: ConstraintKind,
    /// The definition as `pg_get_constraintdef` prints it.
    pub definition: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    #[serde(default = "public")]
    pub schema: String,
    pub name: String,
    pub labels: Vec<String>,
}

fn public() -> String {
    "public".to_owned()
}

impl Schema {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    pub fn table_mut(&mut self, name: &str) -> Option<&mut Table> {
        self.tables.iter_mut().find(|t| t.name == name)
    }
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes.iter().find(|i| i.name == name)
    }
}
