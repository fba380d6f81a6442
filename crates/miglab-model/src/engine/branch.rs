//! Branch bookkeeping: which restore points exist and the cheapest correct way back to each.
//!
//! A branch point is a dump of the data directory taken after committing, followed by `BEGIN; SAVEPOINT`.
//! While that transaction is intact, a reset is a `ROLLBACK TO SAVEPOINT` (well under a millisecond).
//! Once something commits (an autocommit step such as `CREATE INDEX CONCURRENTLY`, a newer branch, the learner's `COMMIT`),
//! the savepoint is gone and a reset reloads the dump.
//! `H` is the engine's handle to a dump (a `Blob` in the browser, a dump file the CLI owns under Node), opaque here.

/// The savepoint that marks the newest branch point.
pub const BRANCH_SAVEPOINT: &str = "miglab_branch";
/// The savepoint around each console statement, so one failed statement does not abort the branch transaction.
pub const STATEMENT_SAVEPOINT: &str = "miglab_stmt";

/// The SQL that opens a branch transaction after a dump or a reload.
pub const OPEN: [&str; 2] = ["BEGIN", "SAVEPOINT miglab_branch"];

#[derive(Debug)]
pub struct Branches<H> {
    points: Vec<(String, H)>,
    /// The point the database descends from.
    current: Option<usize>,
    /// True while the branch transaction opened at `current` is intact, so its savepoint can be rolled back to.
    live: bool,
}

impl<H> Default for Branches<H> {
    fn default() -> Self {
        Branches { points: Vec::new(), current: None, live: false }
    }
}

/// How to get back to a branch point.
#[derive(Debug, PartialEq, Eq)]
pub enum Reset<'a, H> {
    /// Send these statements; the transaction is intact.
    Rollback(&'static str),
    /// Boot a fresh instance from this dump, then send [`OPEN`].
    Reload(&'a H),
}

impl<H> Branches<H> {
    /// True while a branch transaction is open, so statements must be guarded by a savepoint.
    pub fn in_transaction(&self) -> bool {
        self.current.is_some()
    }

    /// True when a branch point called `name` exists.
    pub fn contains(&self, name: &str) -> bool {
        self.points.iter().any(|(n, _)| n == name)
    }

    /// True while a reset to the current point is a rollback rather than a reload.
    pub fn is_live(&self) -> bool {
        self.live
    }

    /// What to send before dumping for a new branch: the open branch transaction must commit first,
    /// so the dump holds what the learner sees.
    pub fn before_branch(&self) -> Option<&'static str> {
        self.in_transaction().then_some("COMMIT")
    }

    /// Records a branch point made from `dump`; the engine then sends [`OPEN`].
    /// A name used again moves to the new point.
    pub fn branched(&mut self, name: &str, dump: H) {
        self.points.retain(|(n, _)| n != name);
        self.points.push((name.to_owned(), dump));
        self.current = Some(self.points.len() - 1);
        self.live = true;
    }

    /// The way back to `name`, or `None` for a name never branched.
    /// After a `Reload` the engine calls [`Branches::reloaded`].
    pub fn reset(&self, name: &str) -> Option<Reset<'_, H>> {
        let index = self.points.iter().position(|(n, _)| n == name)?;
        if self.live && self.current == Some(index) {
            return Some(Reset::Rollback("ROLLBACK TO SAVEPOINT miglab_branch"));
        }
        Some(Reset::Reload(&self.points[index].1))
    }

    /// Records that the database was rebuilt from `name`'s dump and [`OPEN`] was sent.
    pub fn reloaded(&mut self, name: &str) {
        self.current = self.points.iter().position(|(n, _)| n == name);
        self.live = self.current.is_some();
    }

    /// Records that the branch transaction committed, so its savepoint is gone.
    /// The engine then sends `BEGIN` so later statements are still guarded.
    pub fn committed(&mut self) {
        self.live = false;
    }

    /// The point to come back to after the worker died: the current branch point, or `None` for the boot image.
    pub fn recovery(&self) -> Option<(&str, &H)> {
        let (name, dump) = self.points.get(self.current?)?;
        Some((name, dump))
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn reset_is_rollback_while_live_ok() {
        let mut branches = Branches::default();
        assert_eq!(branches.before_branch(), None);
        branches.branched("start", 1);
        assert!(branches.in_transaction());
        assert_eq!(
            branches.reset("start"),
            Some(Reset::Rollback("ROLLBACK TO SAVEPOINT miglab_branch"))
        );
        assert_eq!(branches.before_branch(), Some("COMMIT"));
    }

    #[test]
    fn reset_reloads_after_commit_ok() {
        let mut branches = Branches::default();
        branches.branched("start", 1);
        branches.committed();
        assert_eq!(branches.reset("start"), Some(Reset::Reload(&1)));
        branches.reloaded("start");
        assert!(branches.is_live());
    }

    #[test]
    fn older_point_reloads_ok() {
        let mut branches = Branches::default();
        branches.branched("start", 1);
        branches.branched("after", 2);
        assert_eq!(branches.reset("start"), Some(Reset::Reload(&1)));
        assert_eq!(
            branches.reset("after"),
            Some(Reset::Rollback("ROLLBACK TO SAVEPOINT miglab_branch"))
        );
        assert_eq!(branches.recovery(), Some(("after", &2)));
    }

    #[test]
    fn unknown_branch_err() {
        let branches: Branches<u8> = Branches::default();
        assert_eq!(branches.reset("nope"), None);
        assert_eq!(branches.recovery(), None);
    }
}
