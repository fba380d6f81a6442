//! Downgrade analysis: does `downgrade()` undo `upgrade()` exactly, in reverse order?
//!
//! Each upgrade change is paired with the downgrade change that undoes it, explicitly
//! (`DROP INDEX` for `CREATE INDEX`) or implicitly (`DROP COLUMN` takes the column's index with
//! it). Unpaired changes on either side are missing or extra; pairs in the wrong order are
//! reported at the first one, and the simulation says what Postgres does about it.

mod matching;
mod report;
mod stub;

pub use report::{check, check_from, ordering_key, DowngradeReport, OutOfOrder, Step};
