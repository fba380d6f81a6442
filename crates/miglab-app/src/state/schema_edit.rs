//! Edits a student makes to a predicted schema in the table-card editor, as pure operations on the schema model.

use miglab_model::schema::{Column, Index, Schema};

/// One edit. Tables, columns and indexes are addressed by position, as the cards show them.
#[derive(Clone, Debug, PartialEq)]
pub enum SchemaEdit {
    AddColumn {
        table: usize,
    },
    RemoveColumn {
        table: usize,
        column: usize,
    },
    RenameColumn {
        table: usize,
        column: usize,
        name: String,
    },
    SetType {
        table: usize,
        column: usize,
        data_type: String,
    },
    SetNotNull {
        table: usize,
        column: usize,
        not_null: bool,
    },
    /// An empty default means none.
    SetDefault {
        table: usize,
        column: usize,
        default: String,
    },
    AddIndex {
        table: usize,
    },
    RemoveIndex {
        table: usize,
        index: usize,
    },
    RenameIndex {
        table: usize,
        index: usize,
        name: String,
    },
    /// Comma-separated column names, as typed.
    SetIndexColumns {
        table: usize,
        index: usize,
        columns: String,
    },
    SetIndexUnique {
        table: usize,
        index: usize,
        unique: bool,
    },
}

/// Applies `edit`; an edit addressing something that is not there does nothing, because a stale click must not panic.
pub fn apply(schema: &mut Schema, edit: SchemaEdit) {
    use SchemaEdit::*;
    let table_of = |e: &SchemaEdit| match *e {
        AddColumn { table } | AddIndex { table } => table,
        RemoveColumn { table, .. }
        | RenameColumn { table, .. }
        | SetType { table, .. }
        | SetNotNull { table, .. }
        | SetDefault { table, .. } => table,
        RemoveIndex { table, .. }
        | RenameIndex { table, .. }
        | SetIndexColumns { table, .. }
        | SetIndexUnique { table, .. } => table,
    };
    let Some(table) = schema.tables.get_mut(table_of(&edit)) else { return };
    let table_name = table.name.clone();
    match edit {
        AddColumn { .. } => table.columns.push(Column {
            name: fresh_name("new_column", table.columns.iter().map(|c| &c.name)),
            data_type: "text".into(),
            ..Default::default()
        }),
        RemoveColumn { column, .. } => {
            if column < table.columns.len() {
                table.columns.remove(column);
            }
        }
        RenameColumn { column, name, .. } => {
            with(&mut table.columns, column, |c| c.name = name.trim().to_owned())
        }
        SetType { column, data_type, .. } => {
            with(&mut table.columns, column, |c| c.data_type = data_type.trim().to_lowercase())
        }
        SetNotNull { column, not_null, .. } => {
            with(&mut table.columns, column, |c| c.not_null = not_null)
        }
        SetDefault { column, default, .. } => with(&mut table.columns, column, |c| {
            c.default = Some(default.trim().to_owned()).filter(|d| !d.is_empty())
        }),
        AddIndex { .. } => {
            let name =
                fresh_name(&format!("ix_{table_name}_"), table.indexes.iter().map(|i| &i.name));
            table.indexes.push(Index { name, ..Default::default() });
        }
        RemoveIndex { index, .. } => {
            if index < table.indexes.len() {
                table.indexes.remove(index);
            }
        }
        RenameIndex { index, name, .. } => {
            with(&mut table.indexes, index, |i| i.name = name.trim().to_owned())
        }
        SetIndexColumns { index, columns, .. } => with(&mut table.indexes, index, |i| {
            i.columns = columns
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect()
        }),
        SetIndexUnique { index, unique, .. } => {
            with(&mut table.indexes, index, |i| i.unique = unique)
        }
    }
    for index in &mut table.indexes {
        index.definition = index_definition(&table_name, index);
    }
}

/// The definition `pg_get_indexdef` would print for a plain b-tree index, so a prediction reads like the real thing.
pub fn index_definition(table: &str, index: &Index) -> String {
    let unique = if index.unique { "UNIQUE " } else { "" };
    format!(
        "CREATE {unique}INDEX {} ON public.{table} USING btree ({})",
        index.name,
        index.columns.join(", ")
    )
}

fn with<T>(items: &mut [T], at: usize, f: impl FnOnce(&mut T)) {
    if let Some(item) = items.get_mut(at) {
        f(item);
    }
}

fn fresh_name<'a>(base: &str, taken: impl Iterator<Item = &'a String> + Clone) -> String {
    (1..)
        .map(|n| {
            if base.ends_with('_') {
                format!("{base}{n}")
            } else if n == 1 {
                base.to_owned()
            } else {
                format!("{base}_{n}")
            }
        })
        .find(|name| !taken.clone().any(|t| t == name))
        .unwrap_or_default()
}

#[cfg(test)]
mod test {
    use super::*;
    use miglab_model::schema::Table;

    fn expenses() -> Schema {
        let column = |name: &str, data_type: &str| Column {
            name: name.into(),
            data_type: data_type.into(),
            not_null: true,
            default: None,
        };
        Schema {
            tables: vec![Table {
                name: "expenses".into(),
                schema: "public".into(),
                columns: vec![column("id", "integer"), column("amount", "numeric(10,2)")],
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn check(edits: Vec<SchemaEdit>, expect: &str) {
        let mut schema = expenses();
        for edit in edits {
            apply(&mut schema, edit);
        }
        let table = &schema.tables[0];
        let mut got: Vec<String> = table
            .columns
            .iter()
            .map(|c| {
                format!(
                    "{} {}{}{}",
                    c.name,
                    c.data_type,
                    if c.not_null { " not null" } else { "" },
                    c.default.as_deref().map(|d| format!(" default {d}")).unwrap_or_default()
                )
            })
            .collect();
        got.extend(table.indexes.iter().map(|i| i.definition.clone()));
        assert_eq!(got.join("\n"), expect);
    }

    #[test]
    fn add_and_edit_column_ok() {
        use SchemaEdit::*;
        check(
            vec![
                AddColumn { table: 0 },
                RenameColumn { table: 0, column: 2, name: " confidence_score ".into() },
                SetType { table: 0, column: 2, data_type: "NUMERIC(4,3)".into() },
                SetDefault { table: 0, column: 2, default: "0.000".into() },
            ],
            "id integer not null\namount numeric(10,2) not null\nconfidence_score numeric(4,3) default 0.000",
        );
    }

    #[test]
    fn index_ok() {
        use SchemaEdit::*;
        check(
            vec![RemoveColumn { table: 0, column: 1 }, AddIndex { table: 0 }, SetIndexColumns { table: 0, index: 0, columns: "id, ".into() }, SetIndexUnique { table: 0, index: 0, unique: true }],
            "id integer not null\nCREATE UNIQUE INDEX ix_expenses_1 ON public.expenses USING btree (id)",
        );
    }

    #[test]
    fn stale_position_err() {
        use SchemaEdit::*;
        check(
            vec![
                RemoveColumn { table: 0, column: 9 },
                SetType { table: 3, column: 0, data_type: "x".into() },
            ],
            "id integer not null\namount numeric(10,2) not null",
        );
    }
}
