//! Table backups for the drop guard: one query whose single text cell is a script that puts the rows back.
//!
//! `pg_dump` (via `@electric-sql/pglite-tools`) works with PGlite 0.5.16 but refuses to run inside the open
//! branch transaction (SQLSTATE 25P02) and costs ~420 ms, so the backup is plain SQL that any engine runs:
//! the rows as JSON, restored with `json_populate_recordset`, which keeps every column's type.

/// `table` quoted as one SQL identifier, or as `schema.table` when it contains a dot.
pub fn quote_name(table: &str) -> String {
    table
        .split('.')
        .map(|part| format!("\"{}\"", part.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(".")
}

/// A query returning one row with one text column, `backup`: a comment line and one `INSERT` restoring every row.
/// Run the script into an empty table of the same shape to restore it.
pub fn sql(table: &str) -> String {
    let name = quote_name(table);
    let literal = name.replace('\'', "''");
    format!(
        "SELECT format(E'-- backup of %s: %s rows\\nINSERT INTO %s SELECT * FROM json_populate_recordset(NULL::%s, %L);\\n', \
         '{literal}', count(*), '{literal}', '{literal}', COALESCE(json_agg(t), '[]')::text) AS backup FROM {name} AS t"
    )
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn quote_name_ok() {
        assert_eq!(quote_name("public.Weird \"x\""), "\"public\".\"Weird \"\"x\"\"\"");
    }

    #[test]
    fn sql_ok() {
        assert_eq!(
            sql("expenses"),
            "SELECT format(E'-- backup of %s: %s rows\\nINSERT INTO %s SELECT * FROM json_populate_recordset(NULL::%s, %L);\\n', \
             '\"expenses\"', count(*), '\"expenses\"', '\"expenses\"', COALESCE(json_agg(t), '[]')::text) AS backup FROM \"expenses\" AS t"
        );
    }
}
