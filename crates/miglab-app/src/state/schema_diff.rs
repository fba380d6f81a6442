//! The visual schema diff: what a run added, removed and changed, table by table, with row counts.
//!
//! Rows are part of the consequences: a `TRUNCATE` changes no column, yet it empties a table,
//! so a table whose row count moved is a changed table, and fewer rows is marked as a loss.

use miglab_model::schema::{Column, Index, Schema, Table};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Added,
    Removed,
    Changed,
    Same,
}

impl Change {
    pub fn class(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
            Change::Same => "same",
        }
    }

    /// The word a screen reader hears, since colour alone must not carry the meaning.
    pub fn label(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
            Change::Same => "",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ItemDiff {
    pub name: String,
    pub change: Change,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TableDiff {
    pub name: String,
    pub change: Change,
    pub rows_before: Option<u64>,
    pub rows_after: Option<u64>,
    pub columns: Vec<ItemDiff>,
    pub indexes: Vec<ItemDiff>,
}

/// What happened to a table's rows, when both counts are known (a new or dropped table counts from or to 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataChange {
    Kept,
    Gained { from: u64, to: u64 },
    Lost { from: u64, to: u64 },
}

impl TableDiff {
    pub fn data(&self) -> DataChange {
        let (from, to) = match (self.change, self.rows_before, self.rows_after) {
            (Change::Added, _, Some(to)) => (0, to),
            (Change::Removed, Some(from), _) => (from, 0),
            (_, Some(from), Some(to)) => (from, to),
            _ => return DataChange::Kept,
        };
        match to.cmp(&from) {
            std::cmp::Ordering::Less => DataChange::Lost { from, to },
            std::cmp::Ordering::Greater => DataChange::Gained { from, to },
            std::cmp::Ordering::Equal => DataChange::Kept,
        }
    }

    /// True when the schema or the rows changed.
    pub fn changed(&self) -> bool {
        self.change != Change::Same || self.data() != DataChange::Kept
    }

    /// The data change as one line, e.g. "expenses: 40 → 0 rows (40 rows lost)"; `None` when the rows are as they were.
    pub fn data_line(&self) -> Option<String> {
        let plural = |n: u64| if n == 1 { "1 row".to_owned() } else { format!("{n} rows") };
        match self.data() {
            DataChange::Kept => None,
            DataChange::Lost { from, to } if self.change == Change::Removed => Some(format!(
                "{}: {from} → {to} rows ({} lost with the table)",
                self.name,
                plural(from - to)
            )),
            DataChange::Lost { from, to } => {
                Some(format!("{}: {from} → {to} rows ({} lost)", self.name, plural(from - to)))
            }
            DataChange::Gained { from, to } => {
                Some(format!("{}: {from} → {to} rows ({} more)", self.name, plural(to - from)))
            }
        }
    }
}

pub fn diff(before: &Schema, after: &Schema) -> Vec<TableDiff> {
    let mut names: Vec<&str> =
        before.tables.iter().chain(&after.tables).map(|t| t.name.as_str()).collect();
    names.dedup();
    let mut seen = Vec::new();
    names.retain(|n| {
        if seen.contains(n) {
            false
        } else {
            seen.push(*n);
            true
        }
    });
    names
        .into_iter()
        .map(|name| {
            let (b, a) = (before.table(name), after.table(name));
            let columns = items(
                b.map(|t| &t.columns[..]),
                a.map(|t| &t.columns[..]),
                |c: &Column| &c.name,
                describe_column,
            );
            let indexes = items(
                b.map(|t| &t.indexes[..]),
                a.map(|t| &t.indexes[..]),
                |i: &Index| &i.name,
                |i| i.definition.clone(),
            );
            let change = match (b, a) {
                (None, _) => Change::Added,
                (_, None) => Change::Removed,
                _ if columns.iter().chain(&indexes).any(|d| d.change != Change::Same) => {
                    Change::Changed
                }
                _ => Change::Same,
            };
            TableDiff {
                name: name.to_owned(),
                change,
                rows_before: b.and_then(|t: &Table| t.row_count),
                rows_after: a.and_then(|t| t.row_count),
                columns,
                indexes,
            }
        })
        .collect()
}

/// A column as one line: `numeric(4,3) not null default 0.000`.
pub fn describe_column(column: &Column) -> String {
    let mut out = column.data_type.clone();
    out.push_str(if column.not_null { " not null" } else { " null" });
    if let Some(default) = &column.default {
        out.push_str(" default ");
        out.push_str(default);
    }
    out
}

fn items<T>(
    before: Option<&[T]>,
    after: Option<&[T]>,
    name: impl Fn(&T) -> &String,
    show: impl Fn(&T) -> String,
) -> Vec<ItemDiff> {
    let (before, after) = (before.unwrap_or_default(), after.unwrap_or_default());
    let find = |list: &[T], n: &str| list.iter().find(|x| name(x) == n).map(&show);
    let mut out: Vec<ItemDiff> = before
        .iter()
        .map(|b| {
            let (was, now) = (Some(show(b)), find(after, name(b)));
            let change = match &now {
                None => Change::Removed,
                Some(now) if Some(now) != was.as_ref() => Change::Changed,
                Some(_) => Change::Same,
            };
            ItemDiff { name: name(b).clone(), change, before: was, after: now }
        })
        .collect();
    out.extend(after.iter().filter(|a| find(before, name(a)).is_none()).map(|a| ItemDiff {
        name: name(a).clone(),
        change: Change::Added,
        before: None,
        after: Some(show(a)),
    }));
    out
}

#[cfg(test)]
mod test {
    use super::*;

    fn schema(columns: &[(&str, &str)], indexes: &[&str], rows: u64) -> Schema {
        let columns = columns
            .iter()
            .map(|(n, t)| Column {
                name: (*n).into(),
                data_type: (*t).into(),
                not_null: false,
                default: None,
            })
            .collect();
        let indexes = indexes
            .iter()
            .map(|n| Index {
                name: (*n).into(),
                definition: format!("CREATE INDEX {n}"),
                unique: false,
                columns: vec![],
            })
            .collect();
        Schema {
            tables: vec![Table {
                name: "expenses".into(),
                schema: "public".into(),
                columns,
                indexes,
                constraints: vec![],
                row_count: Some(rows),
            }],
            ..Default::default()
        }
    }

    fn check(before: &Schema, after: &Schema, expect: &str) {
        let got: Vec<String> = diff(before, after)
            .iter()
            .flat_map(|t| {
                let head =
                    format!("{} {:?} {:?}->{:?}", t.name, t.change, t.rows_before, t.rows_after);
                std::iter::once(head).chain(
                    t.columns
                        .iter()
                        .chain(&t.indexes)
                        .map(|d| format!("  {} {:?}", d.name, d.change)),
                )
            })
            .collect();
        assert_eq!(got.join("\n"), expect);
    }

    #[test]
    fn added_column_and_index_ok() {
        check(
            &schema(&[("id", "integer")], &[], 3),
            &schema(&[("id", "integer"), ("run_id", "uuid")], &["ix_run"], 3),
            "expenses Changed Some(3)->Some(3)\n  id Same\n  run_id Added\n  ix_run Added",
        );
    }

    #[test]
    fn changed_and_removed_ok() {
        check(
            &schema(&[("id", "integer"), ("notes", "text")], &[], 3),
            &schema(&[("id", "bigint")], &[], 3),
            "expenses Changed Some(3)->Some(3)\n  id Changed\n  notes Removed",
        );
    }

    fn data(before: &Schema, after: &Schema) -> Vec<(bool, Option<String>)> {
        diff(before, after).iter().map(|t| (t.changed(), t.data_line())).collect()
    }

    #[test]
    fn truncate_is_a_loss_err() {
        let (full, empty) =
            (schema(&[("id", "integer")], &[], 40), schema(&[("id", "integer")], &[], 0));
        let got = diff(&full, &empty);
        assert_eq!(got[0].change, Change::Same, "no column or index changed");
        assert_eq!(got[0].data(), DataChange::Lost { from: 40, to: 0 });
        assert_eq!(
            data(&full, &empty),
            [(true, Some("expenses: 40 → 0 rows (40 rows lost)".to_owned()))]
        );
    }

    #[test]
    fn rows_kept_ok() {
        let same = schema(&[("id", "integer")], &[], 40);
        assert_eq!(data(&same, &same), [(false, None)]);
        assert_eq!(
            data(&schema(&[("id", "integer")], &[], 1), &schema(&[("id", "integer")], &[], 2)),
            [(true, Some("expenses: 1 → 2 rows (1 row more)".to_owned()))]
        );
    }

    #[test]
    fn dropped_table_loses_its_rows_err() {
        assert_eq!(
            data(&schema(&[("id", "integer")], &[], 16), &Schema::default()),
            [(true, Some("expenses: 16 → 0 rows (16 rows lost with the table)".to_owned()))]
        );
    }

    #[test]
    fn table_removed_err() {
        check(
            &schema(&[("id", "integer")], &[], 1),
            &Schema::default(),
            "expenses Removed Some(1)->None\n  id Removed",
        );
    }
}
