//! The `alembic_version` bookkeeping SQL Alembic emits on PostgreSQL, so a run plan records revisions the way Alembic does.
//!
//! Every function returns one statement without the trailing `;`.
//! Revision ids come from files instructors and learners write, so they are always quoted as SQL string literals.

use crate::migration::Revision;
use crate::sql_text::literal;

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

/// The bookkeeping `alembic upgrade --sql` prints after a revision's own statements:
/// a first revision creates the table and inserts itself; a later one moves the head from its parent;
/// a merge deletes all parents but the last, then moves the head from the last (Alembic's `merge_branch_idents`).
pub fn after_upgrade(revision: &Revision) -> Vec<String> {
    let rev = revision.revision.as_str();
    match revision.down_revision.split_last() {
        None => vec![create_table(), insert(rev)],
        Some((last, others)) => {
            let mut out: Vec<String> = others.iter().map(|other| delete(other)).collect();
            out.push(update(last, rev));
            out
        }
    }
}

/// The bookkeeping `alembic downgrade --sql` prints after a revision's downgrade statements.
/// Undoing a merge inserts all parents but one and moves the head to that one; Alembic picks it from a
/// Python set, so its choice varies between runs, and miglab picks the last parent, mirroring the upgrade.
pub fn after_downgrade(revision: &Revision) -> Vec<String> {
    let rev = revision.revision.as_str();
    match revision.down_revision.split_last() {
        None => vec![delete(rev)],
        Some((last, others)) => {
            let mut out: Vec<String> = others.iter().map(|other| insert(other)).collect();
            out.push(update(rev, last));
            out
        }
    }
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
    fn merge_ok() {
        let revision = Revision {
            revision: "m".into(),
            down_revision: vec!["a".into(), "b".into()],
            ..Revision::default()
        };
        insta::assert_snapshot!([after_upgrade(&revision), after_downgrade(&revision)].concat().join(";\n"), @r#"
            DELETE FROM alembic_version WHERE alembic_version.version_num = 'a';
            UPDATE alembic_version SET version_num='m' WHERE alembic_version.version_num = 'b';
            INSERT INTO alembic_version (version_num) VALUES ('a') RETURNING alembic_version.version_num;
            UPDATE alembic_version SET version_num='b' WHERE alembic_version.version_num = 'm'
            "#);
    }

    #[test]
    fn quotes_revision_ok() {
        insta::assert_snapshot!(insert("it's"), @"INSERT INTO alembic_version (version_num) VALUES ('it''s') RETURNING alembic_version.version_num");
    }
}
