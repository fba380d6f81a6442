//! Comparing two schemas the way Postgres identifies things: by name, never by position.
//!
//! Postgres can only add a column at the end of a table, so a downgrade that re-adds a dropped column
//! leaves the same table with a different column order. A round trip must pass then; the order is
//! reported as a note. Every difference is one sentence naming the table and what differs.

use super::{Schema, Table};

/// What differs between two schemas, as sentences (empty when they are the same by name), and notes
/// that are not differences (column order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    pub differences: Vec<String>,
    pub notes: Vec<String>,
}

impl Comparison {
    pub fn same(&self) -> bool {
        self.differences.is_empty()
    }
}

/// Compares `got` with `expected`: tables, columns (type, nullability, default), indexes,
/// constraints, enum types and, where both know them, row counts.
pub fn compare(expected: &Schema, got: &Schema) -> Comparison {
    let mut out = Comparison::default();
    for table in &expected.tables {
        match got.tables.iter().find(|t| t.name == table.name && t.schema == table.schema) {
            Some(other) => compare_table(table, other, &mut out),
            None => out.differences.push(format!("Table `{}` is missing.", table.name)),
        }
    }
    for table in got
        .tables
        .iter()
        .filter(|t| !expected.tables.iter().any(|e| e.name == t.name && e.schema == t.schema))
    {
        out.differences.push(format!("Table `{}` is new.", table.name));
    }
    for enum_type in &expected.enums {
        match got.enums.iter().find(|e| e.name == enum_type.name) {
            Some(other) if other.labels != enum_type.labels => out.differences.push(format!(
                "Type `{}` has the labels {} instead of {}.",
                enum_type.name,
                other.labels.join(", "),
                enum_type.labels.join(", ")
            )),
            Some(_) => {}
            None => out.differences.push(format!("Type `{}` is missing.", enum_type.name)),
        }
    }
    for enum_type in got.enums.iter().filter(|e| !expected.enums.iter().any(|x| x.name == e.name)) {
        out.differences.push(format!("Type `{}` is left behind.", enum_type.name));
    }
    out
}

fn compare_table(expected: &Table, got: &Table, out: &mut Comparison) {
    let t = &expected.name;
    for column in &expected.columns {
        let Some(other) = got.column(&column.name) else {
            out.differences.push(format!("`{t}` has lost its column `{}`.", column.name));
            continue;
        };
        if other.data_type != column.data_type {
            out.differences.push(format!(
                "`{t}.{}` is `{}` instead of `{}`.",
                column.name, other.data_type, column.data_type
            ));
        }
        if other.not_null != column.not_null {
            let word = |not_null: bool| if not_null { "NOT NULL" } else { "nullable" };
            out.differences.push(format!(
                "`{t}.{}` is {} instead of {}.",
                column.name,
                word(other.not_null),
                word(column.not_null)
            ));
        }
        if other.default != column.default {
            let shown = |default: &Option<String>| {
                default
                    .as_deref()
                    .map_or_else(|| "no default".to_owned(), |d| format!("the default `{d}`"))
            };
            out.differences.push(format!(
                "`{t}.{}` has {} instead of {}.",
                column.name,
                shown(&other.default),
                shown(&column.default)
            ));
        }
    }
    for column in got.columns.iter().filter(|c| expected.column(&c.name).is_none()) {
        out.differences.push(format!("`{t}` has a new column `{}`.", column.name));
    }
    let order = |table: &Table| {
        table
            .columns
            .iter()
            .filter(|c| expected.column(&c.name).is_some() && got.column(&c.name).is_some())
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
    };
    if order(expected) != order(got) {
        out.notes.push(format!("`{t}` has its columns in another order ({}), because Postgres adds a column at the end; that is not a difference.", order(got).join(", ")));
    }
    for index in &expected.indexes {
        match got.index(&index.name) {
            Some(other) if other.definition != index.definition => out.differences.push(format!(
                "Index `{}` is `{}` instead of `{}`.",
                index.name, other.definition, index.definition
            )),
            Some(_) => {}
            None => out.differences.push(format!("`{t}` has lost its index `{}`.", index.name)),
        }
    }
    for index in got.indexes.iter().filter(|i| expected.index(&i.name).is_none()) {
        out.differences.push(format!("`{t}` has a new index `{}`.", index.name));
    }
    for constraint in &expected.constraints {
        match got.constraints.iter().find(|c| c.name == constraint.name) {
            Some(other)
                if other.definition != constraint.definition || other.kind != constraint.kind =>
            {
                out.differences.push(format!(
                    "Constraint `{}` is `{}` instead of `{}`.",
                    constraint.name, other.definition, constraint.definition
                ))
            }
            Some(_) => {}
            None => out
                .differences
                .push(format!("`{t}` has lost its constraint `{}`.", constraint.name)),
        }
    }
    for constraint in
        got.constraints.iter().filter(|c| !expected.constraints.iter().any(|e| e.name == c.name))
    {
        out.differences.push(format!("`{t}` has a new constraint `{}`.", constraint.name));
    }
    if let (Some(before), Some(after)) = (expected.row_count, got.row_count) {
        if before != after {
            out.differences.push(format!("`{t}` holds {after} rows instead of {before}."));
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::schema::Column;

    fn table(columns: &[&str], rows: u64) -> Schema {
        let columns = columns
            .iter()
            .map(|c| Column {
                name: (*c).to_owned(),
                data_type: "text".into(),
                not_null: false,
                default: None,
            })
            .collect();
        Schema {
            tables: vec![Table {
                schema: "public".into(),
                name: "expenses".into(),
                columns,
                row_count: Some(rows),
                ..Table::default()
            }],
            ..Schema::default()
        }
    }

    #[test]
    fn column_order_is_a_note_ok() {
        let comparison =
            compare(&table(&["id", "notes", "amount"], 40), &table(&["id", "amount", "notes"], 40));
        assert!(comparison.same());
        insta::assert_snapshot!(comparison.notes.join("\n"), @"`expenses` has its columns in another order (id, amount, notes), because Postgres adds a column at the end; that is not a difference.");
    }

    #[test]
    fn differences_named_err() {
        let comparison = compare(&table(&["id", "notes"], 40), &table(&["id", "note"], 0));
        insta::assert_snapshot!(comparison.differences.join("\n"), @r"
        `expenses` has lost its column `notes`.
        `expenses` has a new column `note`.
        `expenses` holds 0 rows instead of 40.
        ");
    }
}
