//! A stand-in for the schema before a migration, built from what the migration itself mentions.
//!
//! With no real starting schema, the simulation still needs the tables, columns, indexes and
//! constraints the upgrade alters, or it would stop at the first `ALTER TABLE`. Types are
//! unknown (`text`), which is enough to follow names, implicit drops and ordering errors.

use crate::analysis::{Change, Fact};
use crate::schema::{Column, Constraint, ConstraintKind, EnumType, Index, Schema, Table};

/// Objects the downgrade names but the upgrade never creates are stubbed too, so a downgrade
/// statement fails in the simulation only for a reason the migration itself causes.
pub fn before_schema(upgrade: &[Fact], downgrade: &[Fact]) -> Schema {
    let mut schema = Schema::default();
    let mut created_tables: Vec<String> = Vec::new();
    let mut added_columns: Vec<(String, String)> = Vec::new();
    for (position, fact) in upgrade.iter().chain(downgrade).enumerate() {
        let change = &fact.change;
        let in_upgrade = position < upgrade.len();
        match change {
            Change::CreateTable { table, .. } if in_upgrade => {
                created_tables.push(table.name.clone())
            }
            Change::AddColumn { table, column, .. } if in_upgrade => {
                added_columns.push((table.name.clone(), column.name.clone()))
            }
            Change::CreateTable { .. } | Change::AddColumn { .. } => {}
            // `DROP INDEX` does not name the table; the index only needs to exist somewhere.
            Change::DropIndex { index, .. }
                if !created_by(upgrade, &index.name)
                    && !schema.tables.iter().any(|t| t.index(&index.name).is_some()) =>
            {
                let holder =
                    schema.tables.first().map_or_else(|| "?".to_owned(), |t| t.name.clone());
                if let Some(table) = ensure_table(&mut schema, &holder) {
                    table.indexes.push(Index {
                        name: index.name.clone(),
                        definition: String::new(),
                        unique: false,
                        columns: Vec::new(),
                    });
                }
            }
            Change::AddEnumValue { name, .. } | Change::DropType { name, .. }
                if !schema.enums.iter().any(|e| e.name == name.name) =>
            {
                schema.enums.push(EnumType {
                    schema: "public".into(),
                    name: name.name.clone(),
                    labels: Vec::new(),
                });
            }
            _ => {}
        }
        let Some(table) = change.table().filter(|t| !created_tables.contains(&t.name)) else {
            continue;
        };
        let Some(table) = ensure_table(&mut schema, &table.name) else { continue };
        let mut existing = referenced_columns(change);
        existing.retain(|c| !added_columns.iter().any(|(t, a)| t == &table.name && a == c));
        for column in existing {
            if table.column(&column).is_none() {
                table.columns.push(Column {
                    name: column,
                    data_type: "text".into(),
                    not_null: false,
                    default: None,
                });
            }
        }
        if let Change::DropConstraint { name, .. } | Change::RenameConstraint { name, .. } = change
        {
            if !table.constraints.iter().any(|c| &c.name == name) {
                table.constraints.push(Constraint {
                    name: name.clone(),
                    kind: ConstraintKind::Check,
                    definition: String::new(),
                });
            }
        }
    }
    schema
}

fn created_by(upgrade: &[Fact], index: &str) -> bool {
    upgrade.iter().any(|f| matches!(&f.change, Change::CreateIndex { index: spec } if super::matching::index_name(spec) == index))
}

fn ensure_table<'a>(schema: &'a mut Schema, name: &str) -> Option<&'a mut Table> {
    if schema.table(name).is_none() {
        schema.tables.push(Table {
            schema: "public".into(),
            name: name.to_owned(),
            ..Table::default()
        });
    }
    schema.table_mut(name)
}

/// Columns a change expects to exist already.
fn referenced_columns(change: &Change) -> Vec<String> {
    match change {
        Change::DropColumn { column, .. }
        | Change::RenameColumn { column, .. }
        | Change::AlterType { column, .. }
        | Change::SetNotNull { column, .. }
        | Change::DropNotNull { column, .. }
        | Change::SetDefault { column, .. }
        | Change::DropDefault { column, .. } => vec![column.clone()],
        Change::AddConstraint { constraint, .. } => constraint.columns.clone(),
        Change::CreateIndex { index } => index.columns.clone(),
        Change::Update { columns, .. } => columns.clone(),
        _ => Vec::new(),
    }
}
