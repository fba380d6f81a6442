//! `\d table` as psql prints it, rendered from the introspected schema.
//!
//! psql-describe would need a second query path from JavaScript into the engine worker;
//! the introspected schema already holds what `\d` shows for the tables lessons use.

use miglab_model::schema::{ConstraintKind, Table};

pub fn describe(table: &Table) -> String {
    let headers = ["Column", "Type", "Collation", "Nullable", "Default"];
    let rows: Vec<[String; 5]> = table
        .columns
        .iter()
        .map(|c| {
            [
                c.name.clone(),
                c.data_type.clone(),
                String::new(),
                if c.not_null { "not null".into() } else { String::new() },
                c.default.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..5)
        .map(|i| {
            rows.iter().map(|r| r[i].chars().count()).chain([headers[i].len()]).max().unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| format!(" {}", cells.join(" | "));
    let header = line(headers.iter().zip(&widths).map(|(h, w)| center(h, *w)).collect());
    let rule = widths.iter().map(|w| "-".repeat(w + 2)).collect::<Vec<_>>().join("+");
    let title = format!("Table \"{}.{}\"", table.schema, table.name);
    let mut out = vec![center(&title, rule.chars().count()).trim_end().to_owned(), header, rule];
    for row in &rows {
        let cells = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| if i == 4 { c.clone() } else { format!("{c:<w$}") })
            .collect();
        out.push(line(cells));
    }
    if !table.indexes.is_empty() {
        out.push("Indexes:".into());
        for index in &table.indexes {
            let kind = table.constraints.iter().find(|c| c.name == index.name).map(|c| c.kind);
            let label = match kind {
                Some(ConstraintKind::PrimaryKey) => "PRIMARY KEY, ",
                Some(ConstraintKind::Unique) => "UNIQUE CONSTRAINT, ",
                _ if index.unique => "UNIQUE, ",
                _ => "",
            };
            let method = index
                .definition
                .split_once(" USING ")
                .map_or(index.definition.as_str(), |(_, m)| m);
            out.push(format!("    \"{}\" {label}{method}", index.name));
        }
    }
    for (title, kind) in [
        ("Check constraints:", ConstraintKind::Check),
        ("Foreign-key constraints:", ConstraintKind::ForeignKey),
    ] {
        let matching: Vec<_> = table.constraints.iter().filter(|c| c.kind == kind).collect();
        if !matching.is_empty() {
            out.push(title.into());
            out.extend(matching.iter().map(|c| format!("    \"{}\" {}", c.name, c.definition)));
        }
    }
    out.join("\n") + "\n"
}

fn center(text: &str, width: usize) -> String {
    let pad = width.saturating_sub(text.chars().count());
    format!("{}{text}{}", " ".repeat(pad / 2), " ".repeat(pad - pad / 2))
}

#[cfg(test)]
mod test {
    use super::*;
    use miglab_model::schema::{Column, Constraint, Index};

    #[test]
    fn describe_ok() {
        let table = Table {
            schema: "public".into(),
            name: "expenses".into(),
            columns: vec![
                Column {
                    name: "id".into(),
                    data_type: "integer".into(),
                    not_null: true,
                    default: Some("nextval('expenses_id_seq'::regclass)".into()),
                },
                Column {
                    name: "confidence_score".into(),
                    data_type: "numeric(4,3)".into(),
                    not_null: false,
                    default: None,
                },
            ],
            indexes: vec![
                Index {
                    name: "expenses_pkey".into(),
                    definition:
                        "CREATE UNIQUE INDEX expenses_pkey ON public.expenses USING btree (id)"
                            .into(),
                    unique: true,
                    columns: vec!["id".into()],
                },
                Index {
                    name: "ix_score".into(),
                    definition:
                        "CREATE INDEX ix_score ON public.expenses USING btree (confidence_score)"
                            .into(),
                    unique: false,
                    columns: vec![],
                },
            ],
            constraints: vec![Constraint {
                name: "expenses_pkey".into(),
                kind: ConstraintKind::PrimaryKey,
                definition: "PRIMARY KEY (id)".into(),
            }],
            row_count: Some(3),
        };
        let expect = r#"                                    Table "public.expenses"
      Column      |     Type     | Collation | Nullable |               Default
------------------+--------------+-----------+----------+--------------------------------------
 id               | integer      |           | not null | nextval('expenses_id_seq'::regclass)
 confidence_score | numeric(4,3) |           |          | 
Indexes:
    "expenses_pkey" PRIMARY KEY, btree (id)
    "ix_score" btree (confidence_score)
"#;
        assert_eq!(
            describe(&table).lines().map(str::trim_end).collect::<Vec<_>>(),
            expect.lines().map(str::trim_end).collect::<Vec<_>>()
        );
    }
}
