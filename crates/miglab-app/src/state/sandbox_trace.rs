//! The "leaves no trace" report: the database before the upgrade against the database after the downgrade.
//!
//! A [`Snapshot`] is what the engine says about a database: its schema (tables, columns, indexes, constraints, enum
//! types), each sequence's current value, and each table's row count with an MD5 over its rows in a fixed order,
//! so a changed value anywhere is seen without the rows crossing to the page.
//! Things are compared by name, never by position (Postgres can only add a column at the end), and each difference
//! is one sentence saying what the downgrade left behind, did not restore, or changed.
//! `alembic_version` is Alembic's own bookkeeping, which a downgrade to the start leaves empty rather than dropped,
//! exactly as Alembic does; the introspected schema already keeps it apart from the tables.

use miglab_model::engine::backup::quote_name;
use miglab_model::schema::{Schema, Table};

/// The database as the report compares it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub schema: Schema,
    /// `schema.sequence` and its `last_value` (`None` before its first `nextval`).
    pub sequences: Vec<(String, Option<String>)>,
    /// Each table as `schema.table`, with its row count and the MD5 of its rows.
    pub rows: Vec<TableRows>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRows {
    pub table: String,
    pub count: u64,
    pub md5: String,
}

/// What differs, one sentence each, and what is worth saying but is no difference (column order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub differences: Vec<String>,
    pub notes: Vec<String>,
}

impl Report {
    pub fn clean(&self) -> bool {
        self.differences.is_empty()
    }
}

/// The query that reads every sequence's current value, ordered by name.
pub const SEQUENCES: &str = "SELECT schemaname || '.' || sequencename AS sequence, last_value::text AS value \
FROM pg_catalog.pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1";

/// The query that reads each table's row count and the MD5 of its rows as text, sorted, so equal rows in any
/// physical order hash alike; `None` for a schema without tables.
pub fn rows_query(schema: &Schema) -> Option<String> {
    let parts: Vec<String> = schema
        .tables
        .iter()
        .map(|t| {
            let name = format!("{}.{}", t.schema, t.name);
            format!(
                "SELECT '{}' AS table_name, count(*)::text AS n, md5(coalesce(string_agg(miglab_row::text, ',' ORDER BY miglab_row::text), '')) AS md5 FROM {} AS miglab_row",
                name.replace('\'', "''"),
                quote_name(&name)
            )
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("\nUNION ALL\n"))
}

fn shown(schema: &str, name: &str) -> String {
    if schema == "public" {
        name.to_owned()
    } else {
        format!("{schema}.{name}")
    }
}

fn table_name(t: &Table) -> String {
    shown(&t.schema, &t.name)
}

/// Every difference between `before` the upgrade and `after` the downgrade.
pub fn compare(before: &Snapshot, after: &Snapshot) -> Report {
    let mut report = Report::default();
    let (b, a) = (&before.schema, &after.schema);
    for table in &b.tables {
        match a.tables.iter().find(|t| t.schema == table.schema && t.name == table.name) {
            Some(other) => compare_table(table, other, &mut report),
            None => report
                .differences
                .push(format!("The downgrade did not restore the table `{}`.", table_name(table))),
        }
    }
    let out = &mut report.differences;
    for table in a
        .tables
        .iter()
        .filter(|t| !b.tables.iter().any(|x| x.schema == t.schema && x.name == t.name))
    {
        out.push(format!("The downgrade left the table `{}` behind.", table_name(table)));
    }
    for e in &b.enums {
        match a.enums.iter().find(|x| x.schema == e.schema && x.name == e.name) {
            Some(other) if other.labels != e.labels => out.push(format!(
                "The enum type `{}` has the labels {} after the downgrade; before the upgrade it had {}.",
                shown(&e.schema, &e.name),
                labels(&other.labels),
                labels(&e.labels)
            )),
            Some(_) => {}
            None => out.push(format!(
                "The downgrade did not restore the enum type `{}`.",
                shown(&e.schema, &e.name)
            )),
        }
    }
    for e in
        a.enums.iter().filter(|e| !b.enums.iter().any(|x| x.schema == e.schema && x.name == e.name))
    {
        out.push(format!(
            "The downgrade left the enum type `{}` behind.",
            shown(&e.schema, &e.name)
        ));
    }
    let value =
        |v: &Option<String>| v.clone().unwrap_or_else(|| "its start (never used)".to_owned());
    for (name, v) in &before.sequences {
        match after.sequences.iter().find(|(n, _)| n == name) {
            Some((_, w)) if w != v => out.push(format!(
                "The sequence `{name}` stands at {} after the downgrade; before the upgrade it stood at {}.",
                value(w),
                value(v)
            )),
            Some(_) => {}
            None => out.push(format!("The downgrade did not restore the sequence `{name}`.")),
        }
    }
    for (name, _) in
        after.sequences.iter().filter(|(n, _)| !before.sequences.iter().any(|(m, _)| m == n))
    {
        out.push(format!("The downgrade left the sequence `{name}` behind."));
    }
    for rows in &before.rows {
        let Some(other) = after.rows.iter().find(|r| r.table == rows.table) else { continue };
        let name = rows.table.strip_prefix("public.").unwrap_or(&rows.table);
        if other.count != rows.count {
            out.push(format!(
                "The table `{name}` holds {} after the downgrade; before the upgrade it held {}.",
                count(other.count),
                count(rows.count)
            ));
        } else if other.md5 != rows.md5 {
            out.push(format!(
                "The rows of `{name}` read differently after the downgrade: the same {} hash to `{}` instead of `{}`.",
                count(rows.count),
                short(&other.md5),
                short(&rows.md5)
            ));
        }
    }
    report
}

fn count(n: u64) -> String {
    if n == 1 {
        "1 row".to_owned()
    } else {
        format!("{n} rows")
    }
}

fn short(md5: &str) -> &str {
    md5.get(..8).unwrap_or(md5)
}

fn labels(labels: &[String]) -> String {
    labels.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ")
}

fn compare_table(before: &Table, after: &Table, report: &mut Report) {
    let t = table_name(before);
    let out = &mut report.differences;
    for c in &before.columns {
        let Some(other) = after.column(&c.name) else {
            out.push(format!("The downgrade did not restore the column `{t}.{}`.", c.name));
            continue;
        };
        if other.data_type != c.data_type {
            out.push(format!(
                "The column `{t}.{}` is `{}` after the downgrade; before the upgrade it was `{}`.",
                c.name, other.data_type, c.data_type
            ));
        }
        if other.not_null != c.not_null {
            let word = |not_null: bool| if not_null { "NOT NULL" } else { "nullable" };
            out.push(format!(
                "The column `{t}.{}` is {} after the downgrade; before the upgrade it was {}.",
                c.name,
                word(other.not_null),
                word(c.not_null)
            ));
        }
        if other.default != c.default {
            let word = |d: &Option<String>| {
                d.as_ref().map_or_else(|| "no default".to_owned(), |d| format!("the default `{d}`"))
            };
            out.push(format!(
                "The column `{t}.{}` has {} after the downgrade; before the upgrade it had {}.",
                c.name,
                word(&other.default),
                word(&c.default)
            ));
        }
    }
    for c in after.columns.iter().filter(|c| before.column(&c.name).is_none()) {
        out.push(format!("The downgrade left the column `{t}.{}` behind.", c.name));
    }
    for i in &before.indexes {
        match after.index(&i.name) {
            Some(other) if other.definition != i.definition => out.push(format!(
                "The index `{}` is `{}` after the downgrade; before the upgrade it was `{}`.",
                i.name, other.definition, i.definition
            )),
            Some(_) => {}
            None => {
                out.push(format!("The downgrade did not restore the index `{}` on `{t}`.", i.name))
            }
        }
    }
    for i in after.indexes.iter().filter(|i| before.index(&i.name).is_none()) {
        out.push(format!("The downgrade left the index `{}` on `{t}` behind.", i.name));
    }
    for c in &before.constraints {
        match after.constraints.iter().find(|x| x.name == c.name) {
            Some(other) if other.definition != c.definition || other.kind != c.kind => out.push(format!(
                "The constraint `{}` on `{t}` is `{}` after the downgrade; before the upgrade it was `{}`.",
                c.name, other.definition, c.definition
            )),
            Some(_) => {}
            None => out.push(format!("The downgrade did not restore the constraint `{}` on `{t}`.", c.name)),
        }
    }
    for c in
        after.constraints.iter().filter(|c| !before.constraints.iter().any(|x| x.name == c.name))
    {
        out.push(format!("The downgrade left the constraint `{}` on `{t}` behind.", c.name));
    }
    let order = |table: &Table| {
        table
            .columns
            .iter()
            .filter(|c| before.column(&c.name).is_some() && after.column(&c.name).is_some())
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
    };
    if order(before) != order(after) {
        report.notes.push(format!(
            "`{t}` has its columns in another order after the downgrade ({}), because Postgres adds a column at the end; that is no difference to a query that names its columns, but `SELECT *` and the row hash see it.",
            order(after).join(", ")
        ));
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use miglab_model::schema::{Column, EnumType};

    fn column(name: &str, data_type: &str) -> Column {
        Column { name: name.into(), data_type: data_type.into(), ..Column::default() }
    }

    fn snapshot(
        columns: &[(&str, &str)],
        enums: &[&str],
        seq: Option<&str>,
        md5: &str,
    ) -> Snapshot {
        Snapshot {
            schema: Schema {
                tables: vec![Table {
                    schema: "public".into(),
                    name: "expenses".into(),
                    columns: columns.iter().map(|(n, t)| column(n, t)).collect(),
                    ..Table::default()
                }],
                enums: enums
                    .iter()
                    .map(|n| EnumType {
                        schema: "public".into(),
                        name: (*n).into(),
                        labels: vec!["open".into()],
                    })
                    .collect(),
                alembic_version: None,
            },
            sequences: vec![("public.expenses_id_seq".into(), seq.map(str::to_owned))],
            rows: vec![TableRows { table: "public.expenses".into(), count: 40, md5: md5.into() }],
        }
    }

    /// The report's sentences for a round trip from `before` to `after`.
    fn check(before: &Snapshot, after: &Snapshot, expect: &[&str]) {
        assert_eq!(compare(before, after).differences, expect);
    }

    #[test]
    fn enum_left_behind_err() {
        let before = snapshot(&[("id", "integer")], &[], Some("40"), "aa");
        let after = snapshot(&[("id", "integer")], &["expense_status"], Some("40"), "aa");
        check(&before, &after, &["The downgrade left the enum type `expense_status` behind."]);
    }

    #[test]
    fn round_trip_without_trace_ok() {
        let before = snapshot(&[("id", "integer"), ("note", "text")], &["s"], None, "aa");
        assert!(compare(&before, &before.clone()).clean());
    }

    #[test]
    fn column_rows_and_sequence_err() {
        let before =
            snapshot(&[("id", "integer"), ("note", "text")], &[], Some("40"), "aaaaaaaaaa");
        let after =
            snapshot(&[("id", "integer"), ("flag", "boolean")], &[], Some("42"), "bbbbbbbbbb");
        check(
            &before,
            &after,
            &[
                "The downgrade did not restore the column `expenses.note`.",
                "The downgrade left the column `expenses.flag` behind.",
                "The sequence `public.expenses_id_seq` stands at 42 after the downgrade; before the upgrade it stood at 40.",
                "The rows of `expenses` read differently after the downgrade: the same 40 rows hash to `bbbbbbbb` instead of `aaaaaaaa`.",
            ],
        );
    }

    #[test]
    fn column_order_is_a_note_ok() {
        let before =
            snapshot(&[("id", "integer"), ("note", "text"), ("x", "int")], &[], None, "aa");
        let after = snapshot(&[("id", "integer"), ("x", "int"), ("note", "text")], &[], None, "aa");
        let report = compare(&before, &after);
        assert!(report.clean());
        assert_eq!(report.notes.len(), 1, "{report:?}");
    }

    #[test]
    fn rows_query_quotes_names_ok() {
        let schema = snapshot(&[], &[], None, "").schema;
        assert_eq!(
            rows_query(&schema).as_deref(),
            Some("SELECT 'public.expenses' AS table_name, count(*)::text AS n, md5(coalesce(string_agg(miglab_row::text, ',' ORDER BY miglab_row::text), '')) AS md5 FROM \"public\".\"expenses\" AS miglab_row")
        );
        assert_eq!(rows_query(&Schema::default()), None);
    }
}
