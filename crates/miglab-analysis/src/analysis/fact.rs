//! Facts: what one statement does, as plain data the simulation, the rules and the downgrade check share.

use crate::diagnostic::Span;
use crate::schema::ConstraintKind;
use serde::{Deserialize, Serialize};

/// One change a statement makes. An `ALTER TABLE` with several actions gives one fact per action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// The index of the step (one `op.*` call or one SQL statement) the fact comes from.
    pub step: usize,
    /// The statement's span in the migration's source, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// The statement as sqlparser prints it back: normalised SQL to show learners.
    pub sql: String,
    pub change: Change,
    /// The SQL that undoes this change, where one exists without knowing the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inverse: Option<String>,
}

/// A possibly schema-qualified name; `schema` is `None` when the statement left it to the search path.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Name {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub name: String,
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.schema {
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A column as a statement declares it, already in the spelling the engine reports.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnSpec {
    pub name: String,
    /// As `format_type` prints it; serial types are already `integer`/`bigint`/`smallint`.
    pub data_type: String,
    /// The declared `NOT NULL` (a primary key adds it too; the simulation does that).
    pub not_null: bool,
    /// The default as written (`DEFAULT …`), before Postgres coerces it to the column type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Declared `serial`, `bigserial` or `smallserial`: Postgres adds a sequence and a `nextval` default.
    #[serde(default)]
    pub serial: bool,
    /// Declared `GENERATED … AS IDENTITY`.
    #[serde(default)]
    pub identity: bool,
    /// Constraints declared on the column itself (`PRIMARY KEY`, `UNIQUE`, `REFERENCES`, `CHECK`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<ConstraintSpec>,
}

/// A table or column constraint as declared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConstraintSpec {
    /// `None` when Postgres will choose the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub kind: ConstraintKind,
    /// The constrained columns; for a check, the columns its expression mentions.
    pub columns: Vec<String>,
    /// For a foreign key: the referenced table and columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub references: Option<(Name, Vec<String>)>,
    /// `ON UPDATE …` / `ON DELETE …` of a foreign key, in `pg_get_constraintdef`'s order.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub actions: String,
    /// The check expression, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
}

/// An index as `CREATE INDEX` declares it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexSpec {
    /// `None` when Postgres will choose the name.
    pub name: Option<String>,
    pub table: Name,
    pub unique: bool,
    pub concurrently: bool,
    pub if_not_exists: bool,
    /// `btree` unless the statement says otherwise.
    pub method: String,
    /// Each key as `pg_get_indexdef` prints it: a column name, `lower(email)`, `created_at DESC`.
    pub keys: Vec<String>,
    /// The plain column names among the keys.
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
}

/// The kind of change and its details.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    CreateTable {
        table: Name,
        columns: Vec<ColumnSpec>,
        constraints: Vec<ConstraintSpec>,
        if_not_exists: bool,
    },
    DropTable {
        table: Name,
        if_exists: bool,
        cascade: bool,
    },
    RenameTable {
        table: Name,
        to: String,
    },
    AddColumn {
        table: Name,
        column: ColumnSpec,
        if_not_exists: bool,
    },
    DropColumn {
        table: Name,
        column: String,
        if_exists: bool,
        cascade: bool,
    },
    RenameColumn {
        table: Name,
        column: String,
        to: String,
    },
    AlterType {
        table: Name,
        column: String,
        data_type: String,
        using: Option<String>,
    },
    SetNotNull {
        table: Name,
        column: String,
    },
    DropNotNull {
        table: Name,
        column: String,
    },
    SetDefault {
        table: Name,
        column: String,
        default: String,
    },
    DropDefault {
        table: Name,
        column: String,
    },
    AddConstraint {
        table: Name,
        constraint: ConstraintSpec,
        not_valid: bool,
    },
    DropConstraint {
        table: Name,
        name: String,
        if_exists: bool,
        cascade: bool,
    },
    RenameConstraint {
        table: Name,
        name: String,
        to: String,
    },
    CreateIndex {
        index: IndexSpec,
    },
    DropIndex {
        index: Name,
        if_exists: bool,
        concurrently: bool,
        cascade: bool,
    },
    RenameIndex {
        index: Name,
        to: String,
    },
    CreateEnum {
        name: Name,
        labels: Vec<String>,
    },
    AddEnumValue {
        name: Name,
        label: String,
    },
    DropType {
        name: Name,
        if_exists: bool,
    },
    /// `rows` is the number of rows a plain `VALUES` list inserts; `None` for a query or an upsert.
    Insert {
        table: Name,
        rows: Option<u64>,
    },
    /// `filtered` is false for an UPDATE or DELETE without WHERE: it touches every row.
    Update {
        table: Name,
        columns: Vec<String>,
        filtered: bool,
    },
    Delete {
        table: Name,
        filtered: bool,
    },
    Truncate {
        table: Name,
    },
    /// `COMMENT ON …`: no effect on the schema model.
    Comment,
    /// Statements that change nothing miglab models: SELECT, SET, transaction control.
    NoSchemaChange,
    /// Anything not modelled; `reason` says what, so the simulation can report it rather than guess.
    Unknown {
        reason: String,
    },
}

impl Change {
    /// The stable kebab-case kind name, as serialised.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::CreateTable { .. } => "create-table",
            Change::DropTable { .. } => "drop-table",
            Change::RenameTable { .. } => "rename-table",
            Change::AddColumn { .. } => "add-column",
            Change::DropColumn { .. } => "drop-column",
            Change::RenameColumn { .. } => "rename-column",
            Change::AlterType { .. } => "alter-type",
            Change::SetNotNull { .. } => "set-not-null",
            Change::DropNotNull { .. } => "drop-not-null",
            Change::SetDefault { .. } => "set-default",
            Change::DropDefault { .. } => "drop-default",
            Change::AddConstraint { .. } => "add-constraint",
            Change::DropConstraint { .. } => "drop-constraint",
            Change::RenameConstraint { .. } => "rename-constraint",
            Change::CreateIndex { .. } => "create-index",
            Change::DropIndex { .. } => "drop-index",
            Change::RenameIndex { .. } => "rename-index",
            Change::CreateEnum { .. } => "create-enum",
            Change::AddEnumValue { .. } => "add-enum-value",
            Change::DropType { .. } => "drop-type",
            Change::Insert { .. } => "insert",
            Change::Update { .. } => "update",
            Change::Delete { .. } => "delete",
            Change::Truncate { .. } => "truncate",
            Change::Comment => "comment",
            Change::NoSchemaChange => "no-schema-change",
            Change::Unknown { .. } => "unknown",
        }
    }

    /// The table the change is on, if it is on one.
    pub fn table(&self) -> Option<&Name> {
        match self {
            Change::CreateTable { table, .. }
            | Change::DropTable { table, .. }
            | Change::RenameTable { table, .. }
            | Change::AddColumn { table, .. }
            | Change::DropColumn { table, .. }
            | Change::RenameColumn { table, .. }
            | Change::AlterType { table, .. }
            | Change::SetNotNull { table, .. }
            | Change::DropNotNull { table, .. }
            | Change::SetDefault { table, .. }
            | Change::DropDefault { table, .. }
            | Change::AddConstraint { table, .. }
            | Change::DropConstraint { table, .. }
            | Change::RenameConstraint { table, .. }
            | Change::Insert { table, .. }
            | Change::Update { table, .. }
            | Change::Delete { table, .. }
            | Change::Truncate { table } => Some(table),
            Change::CreateIndex { index } => Some(&index.table),
            _ => None,
        }
    }
}
