//! What other sessions would do against a held lock: the statements a learner thinks of, each with the lock it asks for.

use super::mode::LockMode;
use serde::{Deserialize, Serialize};

/// A statement another session might run on the same table while the migration holds its lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Concurrent {
    /// A plain `SELECT`: ACCESS SHARE.
    Select,
    /// `INSERT`, `UPDATE` or `DELETE`: ROW EXCLUSIVE.
    Write,
    /// `CREATE INDEX`: SHARE.
    CreateIndex,
    /// `CREATE INDEX CONCURRENTLY`: SHARE UPDATE EXCLUSIVE.
    CreateIndexConcurrently,
    /// Another migration's `ALTER TABLE`: ACCESS EXCLUSIVE for most forms.
    AlterTable,
}

/// Whether the concurrent statement gets its lock at once or queues.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Proceeds,
    Waits,
}

impl Concurrent {
    pub const ALL: [Concurrent; 5] = [
        Concurrent::Select,
        Concurrent::Write,
        Concurrent::CreateIndex,
        Concurrent::CreateIndexConcurrently,
        Concurrent::AlterTable,
    ];

    /// The lock this statement asks for on the table, as the manual lists it.
    pub fn mode(self) -> LockMode {
        match self {
            Concurrent::Select => LockMode::AccessShare,
            Concurrent::Write => LockMode::RowExclusive,
            Concurrent::CreateIndex => LockMode::Share,
            Concurrent::CreateIndexConcurrently => LockMode::ShareUpdateExclusive,
            Concurrent::AlterTable => LockMode::AccessExclusive,
        }
    }

    /// How a learner would name it.
    pub fn label(self) -> &'static str {
        match self {
            Concurrent::Select => "SELECT",
            Concurrent::Write => "INSERT/UPDATE/DELETE",
            Concurrent::CreateIndex => "CREATE INDEX",
            Concurrent::CreateIndexConcurrently => "CREATE INDEX CONCURRENTLY",
            Concurrent::AlterTable => "another migration's ALTER TABLE",
        }
    }

    /// What this statement does while another transaction holds `held` on the same table.
    pub fn against(self, held: LockMode) -> Verdict {
        if self.mode().conflicts_with(held) {
            Verdict::Waits
        } else {
            Verdict::Proceeds
        }
    }
}

/// Every concurrent statement with its verdict against `held`, in [`Concurrent::ALL`] order.
pub fn verdicts(held: LockMode) -> Vec<(Concurrent, Verdict)> {
    Concurrent::ALL.into_iter().map(|c| (c, c.against(held))).collect()
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn verdicts_ok() {
        let rows: Vec<String> = LockMode::ALL
            .into_iter()
            .map(|held| {
                let waits: Vec<&str> = verdicts(held)
                    .into_iter()
                    .filter(|(_, v)| *v == Verdict::Waits)
                    .map(|(c, _)| c.label())
                    .collect();
                format!(
                    "{held}: {}",
                    if waits.is_empty() {
                        "all proceed".to_owned()
                    } else {
                        format!("{} wait", waits.join(", "))
                    }
                )
            })
            .collect();
        insta::assert_snapshot!(rows.join("\n"), @r"
        ACCESS SHARE: another migration's ALTER TABLE wait
        ROW SHARE: another migration's ALTER TABLE wait
        ROW EXCLUSIVE: CREATE INDEX, another migration's ALTER TABLE wait
        SHARE UPDATE EXCLUSIVE: CREATE INDEX, CREATE INDEX CONCURRENTLY, another migration's ALTER TABLE wait
        SHARE: INSERT/UPDATE/DELETE, CREATE INDEX CONCURRENTLY, another migration's ALTER TABLE wait
        SHARE ROW EXCLUSIVE: INSERT/UPDATE/DELETE, CREATE INDEX, CREATE INDEX CONCURRENTLY, another migration's ALTER TABLE wait
        EXCLUSIVE: INSERT/UPDATE/DELETE, CREATE INDEX, CREATE INDEX CONCURRENTLY, another migration's ALTER TABLE wait
        ACCESS EXCLUSIVE: SELECT, INSERT/UPDATE/DELETE, CREATE INDEX, CREATE INDEX CONCURRENTLY, another migration's ALTER TABLE wait
        ");
    }

    #[test]
    fn share_lets_reads_through_err() {
        assert_eq!(Concurrent::Select.against(LockMode::Share), Verdict::Proceeds);
        assert_eq!(Concurrent::Write.against(LockMode::Share), Verdict::Waits);
    }
}
