//! The eight table-level lock modes and Postgres's conflict table (Table 13.2 of the manual), kept as data.

use serde::{Deserialize, Serialize};

/// A table-level lock mode, weakest first, in the manual's order (Postgres numbers them 1 to 8 the same way).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum LockMode {
    #[serde(rename = "ACCESS SHARE")]
    AccessShare,
    #[serde(rename = "ROW SHARE")]
    RowShare,
    #[serde(rename = "ROW EXCLUSIVE")]
    RowExclusive,
    #[serde(rename = "SHARE UPDATE EXCLUSIVE")]
    ShareUpdateExclusive,
    #[serde(rename = "SHARE")]
    Share,
    #[serde(rename = "SHARE ROW EXCLUSIVE")]
    ShareRowExclusive,
    #[serde(rename = "EXCLUSIVE")]
    Exclusive,
    #[serde(rename = "ACCESS EXCLUSIVE")]
    AccessExclusive,
}

/// Table 13.2, "Conflicting Lock Modes": row = the requested mode, column = a mode another transaction holds,
/// both in [`LockMode::ALL`] order; `X` marks a conflict, so the requester waits.
const CONFLICTS: [&str; 8] = [
    "       X", // ACCESS SHARE
    "      XX", // ROW SHARE
    "    XXXX", // ROW EXCLUSIVE
    "   XXXXX", // SHARE UPDATE EXCLUSIVE
    "  XX XXX", // SHARE
    "  XXXXXX", // SHARE ROW EXCLUSIVE
    " XXXXXXX", // EXCLUSIVE
    "XXXXXXXX", // ACCESS EXCLUSIVE
];

impl LockMode {
    pub const ALL: [LockMode; 8] = [
        LockMode::AccessShare,
        LockMode::RowShare,
        LockMode::RowExclusive,
        LockMode::ShareUpdateExclusive,
        LockMode::Share,
        LockMode::ShareRowExclusive,
        LockMode::Exclusive,
        LockMode::AccessExclusive,
    ];

    /// The name the manual uses, e.g. `ACCESS EXCLUSIVE`.
    pub fn name(self) -> &'static str {
        match self {
            LockMode::AccessShare => "ACCESS SHARE",
            LockMode::RowShare => "ROW SHARE",
            LockMode::RowExclusive => "ROW EXCLUSIVE",
            LockMode::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            LockMode::Share => "SHARE",
            LockMode::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            LockMode::Exclusive => "EXCLUSIVE",
            LockMode::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }

    /// "an ACCESS EXCLUSIVE lock", "a SHARE lock": the mode as a sentence names it.
    pub fn a_lock(self) -> String {
        let article = if matches!(
            self,
            LockMode::AccessShare | LockMode::AccessExclusive | LockMode::Exclusive
        ) {
            "an"
        } else {
            "a"
        };
        format!("{article} {} lock", self.name())
    }

    /// The name `pg_locks.mode` reports, e.g. `AccessExclusiveLock`.
    pub fn pg_name(self) -> &'static str {
        match self {
            LockMode::AccessShare => "AccessShareLock",
            LockMode::RowShare => "RowShareLock",
            LockMode::RowExclusive => "RowExclusiveLock",
            LockMode::ShareUpdateExclusive => "ShareUpdateExclusiveLock",
            LockMode::Share => "ShareLock",
            LockMode::ShareRowExclusive => "ShareRowExclusiveLock",
            LockMode::Exclusive => "ExclusiveLock",
            LockMode::AccessExclusive => "AccessExclusiveLock",
        }
    }

    /// Reads either spelling, in any case: `ACCESS EXCLUSIVE`, `access exclusive` or `AccessExclusiveLock`.
    pub fn parse(text: &str) -> Option<LockMode> {
        let squashed: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '_')
            .collect::<String>()
            .to_ascii_lowercase();
        let squashed = squashed.strip_suffix("lock").unwrap_or(&squashed);
        LockMode::ALL
            .into_iter()
            .find(|mode| mode.name().replace(' ', "").eq_ignore_ascii_case(squashed))
    }

    fn index(self) -> usize {
        self as usize
    }

    /// True when a transaction asking for `self` must wait for another that holds `held`.
    pub fn conflicts_with(self, held: LockMode) -> bool {
        CONFLICTS[self.index()].as_bytes()[held.index()] == b'X'
    }

    /// Whether plain reads (`SELECT`) wait behind this lock: only ACCESS EXCLUSIVE blocks them.
    pub fn blocks_reads(self) -> bool {
        LockMode::AccessShare.conflicts_with(self)
    }

    /// Whether `INSERT`, `UPDATE` and `DELETE` wait behind this lock.
    pub fn blocks_writes(self) -> bool {
        LockMode::RowExclusive.conflicts_with(self)
    }
}

impl std::fmt::Display for LockMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn conflict_table_is_symmetric_ok() {
        for a in LockMode::ALL {
            for b in LockMode::ALL {
                assert_eq!(a.conflicts_with(b), b.conflicts_with(a), "{a} against {b}");
            }
        }
    }

    #[test]
    fn documented_conflicts_ok() {
        // The sentences of section 13.3.1, mode by mode.
        let names = |mode: LockMode| {
            LockMode::ALL
                .into_iter()
                .filter(|other| mode.conflicts_with(*other))
                .map(LockMode::name)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let table: Vec<String> =
            LockMode::ALL.into_iter().map(|mode| format!("{mode}: {}", names(mode))).collect();
        insta::assert_snapshot!(table.join("\n"), @r"
        ACCESS SHARE: ACCESS EXCLUSIVE
        ROW SHARE: EXCLUSIVE, ACCESS EXCLUSIVE
        ROW EXCLUSIVE: SHARE, SHARE ROW EXCLUSIVE, EXCLUSIVE, ACCESS EXCLUSIVE
        SHARE UPDATE EXCLUSIVE: SHARE UPDATE EXCLUSIVE, SHARE, SHARE ROW EXCLUSIVE, EXCLUSIVE, ACCESS EXCLUSIVE
        SHARE: ROW EXCLUSIVE, SHARE UPDATE EXCLUSIVE, SHARE ROW EXCLUSIVE, EXCLUSIVE, ACCESS EXCLUSIVE
        SHARE ROW EXCLUSIVE: ROW EXCLUSIVE, SHARE UPDATE EXCLUSIVE, SHARE, SHARE ROW EXCLUSIVE, EXCLUSIVE, ACCESS EXCLUSIVE
        EXCLUSIVE: ROW SHARE, ROW EXCLUSIVE, SHARE UPDATE EXCLUSIVE, SHARE, SHARE ROW EXCLUSIVE, EXCLUSIVE, ACCESS EXCLUSIVE
        ACCESS EXCLUSIVE: ACCESS SHARE, ROW SHARE, ROW EXCLUSIVE, SHARE UPDATE EXCLUSIVE, SHARE, SHARE ROW EXCLUSIVE, EXCLUSIVE, ACCESS EXCLUSIVE
        ");
    }

    #[test]
    fn parse_both_spellings_ok() {
        for mode in LockMode::ALL {
            assert_eq!(LockMode::parse(mode.name()), Some(mode));
            assert_eq!(LockMode::parse(mode.pg_name()), Some(mode));
            assert_eq!(LockMode::parse(&mode.name().to_lowercase()), Some(mode));
        }
        assert_eq!(
            serde_json::to_string(&LockMode::ShareRowExclusive).ok().as_deref(),
            Some("\"SHARE ROW EXCLUSIVE\"")
        );
    }

    #[test]
    fn parse_unknown_err() {
        assert_eq!(LockMode::parse("SIReadLock"), None);
        assert_eq!(LockMode::parse(""), None);
    }

    #[test]
    fn only_access_exclusive_blocks_reads_ok() {
        let blocking: Vec<LockMode> =
            LockMode::ALL.into_iter().filter(|m| m.blocks_reads()).collect();
        assert_eq!(blocking, [LockMode::AccessExclusive]);
        assert!(LockMode::Share.blocks_writes() && !LockMode::ShareUpdateExclusive.blocks_writes());
    }
}
