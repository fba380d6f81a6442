//! The `alembic_version` bookkeeping SQL Alembic emits on PostgreSQL, so a run plan records revisions the way Alembic does.
//!
//! Every function returns one statement without the trailing `;`.
//! Revision ids come from files instructors and learners write, so they are always quoted as SQL string literals.

/// The table Alembic creates on first upgrade.
pub fn create_table() -> String {
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
        .to_owned()
}

/// Records the first revision applied to an empty database (or a new branch head).
/// SQLAlchemy 2.0 adds the `RETURNING` clause because Alembic's insert asks for the primary key back.
pub fn insert(rev: &str) -> String {
    format!("INSERT INTO alembic_version (version_num) VALUES ({}) RETURNING alembic_version.version_num", literal(rev))
}

/// Moves the head from one revision to the next.
pub fn update(from: &str, to: &str) -> String {
    format!(
        "UPDATE alembic_version SET version_num={} WHERE alembic_version.version_num = {}",
        literal(to),
        literal(from)
    )
}

/// Removes a revision, as the downgrade of the first revision does.
pub fn delete(rev: &str) -> String {
    format!("DELETE FROM alembic_version WHERE alembic_version.version_num = {}", literal(rev))
}

/// A PostgreSQL string literal: single quotes doubled, as SQLAlchemy renders literal binds.
pub(crate) fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn bookkeeping_ok() {
        insta::assert_snapshot!(
            [create_table(), insert("1975ea83b712"), update("1975ea83b712", "ae1027a6acf"), delete("ae1027a6acf")].join(";\n"),
            @r"
        CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
        INSERT INTO alembic_version (version_num) VALUES ('1975ea83b712') RETURNING alembic_version.version_num;
        UPDATE alembic_version SET version_num='ae1027a6acf' WHERE alembic_version.version_num = '1975ea83b712';
        DELETE FROM alembic_version WHERE alembic_version.version_num = 'ae1027a6acf'
        "
        );
    }

    #[test]
    fn quotes_revision_ok() {
        insta::assert_snapshot!(insert("it's"), @"INSERT INTO alembic_version (version_num) VALUES ('it''s') RETURNING alembic_version.version_num");
    }
}
