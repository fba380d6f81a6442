//! What the SQL console shows: rows, a Postgres error placed in the learner's own text, or a refusal;
//! and the one rule of its read-only mode, which the engine cannot enforce itself.
//!
//! Read-only (Predict, on the starting database): every run is [`READ_ONLY`] and then the learner's SQL, sent as
//! one script inside the branch's open transaction, and the branch is reset to its branch point after it, whatever
//! happened. Postgres itself refuses any write (25006), so nothing here guesses from keywords what writes; the reset
//! undoes anything a read-only transaction still allows. Only transaction control is refused before it is sent,
//! since `COMMIT` would end that read-only transaction and let the next statement write.

use crate::state::drop_guard::Stake;
use crate::state::run_state::{Failure, Rows};
use miglab_model::diagnostic::Diagnostic;
use miglab_model::engine::PgError;
use miglab_model::migration::Step;

/// Sent before the learner's SQL in read-only mode; the reset to the branch point undoes it with everything else.
pub const READ_ONLY: &str = "SET LOCAL transaction_read_only = on";

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Rows {
        result: Rows,
        ms: f64,
    },
    Failed(ConsoleError),
    /// Not sent: the read-only console refuses transaction control.
    Refused(String),
}

/// An engine failure as the console shows it, with where Postgres put it in the learner's text (line, column).
#[derive(Clone, Debug, PartialEq)]
pub struct ConsoleError {
    pub failure: Failure,
    pub at: Option<(u32, u32)>,
}

impl ConsoleError {
    /// `failure` from running `text`, sent with the read-only prefix before it when `read_only`.
    pub fn of(failure: Failure, text: &str, read_only: bool) -> ConsoleError {
        let at = located(failure.position, text, read_only);
        ConsoleError { failure, at }
    }
}

/// A destructive statement held back until the learner has seen what it would destroy.
#[derive(Clone, Debug, PartialEq)]
pub struct Held {
    pub sql: String,
    /// What it would destroy, or why that could not be counted.
    pub stakes: Result<Vec<Stake>, String>,
}

/// A Postgres error's position counts from the start of what was sent; the learner's text starts after the prefix.
fn located(position: Option<u32>, text: &str, read_only: bool) -> Option<(u32, u32)> {
    let prefix = match read_only {
        true => u32::try_from(READ_ONLY.chars().count() + 2).unwrap_or(u32::MAX),
        false => 0,
    };
    let position = position.and_then(|p| p.checked_sub(prefix)).filter(|p| *p > 0);
    let pg = PgError { position, ..Default::default() }.located_in(text);
    pg.at.map(|at| (at.line, at.column))
}

/// Why the read-only console will not send SQL the analyzer split into `steps` with `diagnostics`, or `None` when
/// it may. Transaction control is the one thing a read-only transaction does not stop, because it ends that
/// transaction.
pub fn refused_in_read_only(steps: &[Step], diagnostics: &[Diagnostic]) -> Option<String> {
    if let Some(d) = diagnostics.iter().find(|d| d.is_error()) {
        return Some(d.message.clone());
    }
    const CONTROL: [&str; 9] =
        ["BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "PREPARE"];
    steps.iter().find_map(|step| {
        let mut words = step.sql.split_whitespace().map(|w| w.trim_end_matches(';').to_ascii_uppercase());
        let first = words.next()?;
        let second = words.next().unwrap_or_default();
        let control = CONTROL.contains(&first.as_str()) && (first != "PREPARE" || second == "TRANSACTION");
        control.then(|| format!("`{}` controls the transaction, and this console runs every statement in one read-only transaction that is always rolled back, so it does not send it.", step.sql.split_whitespace().next().unwrap_or_default()))
    })
}

#[cfg(test)]
mod test {
    use super::*;

    /// The check on SQL split as the analyzer splits it.
    fn refused(sql: &str) -> Option<String> {
        let (steps, diagnostics) = miglab_analysis::analysis::steps_from_sql(sql);
        refused_in_read_only(&steps, &diagnostics)
    }

    #[test]
    fn reads_pass_ok() {
        assert_eq!(
            refused("SELECT count(*) FROM expenses; DELETE FROM expenses; PREPARE q AS SELECT 1"),
            None,
            "a write is Postgres's to refuse"
        );
    }

    #[test]
    fn transaction_control_refused_err() {
        for sql in [
            "COMMIT",
            "select 1; commit; delete from expenses",
            "ROLLBACK",
            "begin",
            "END",
            "savepoint x",
            "PREPARE TRANSACTION 'x'",
        ] {
            assert!(refused(sql).is_some(), "{sql}");
        }
        assert_eq!(refused("select 1;\ncommit").as_deref(), Some("`commit` controls the transaction, and this console runs every statement in one read-only transaction that is always rolled back, so it does not send it."));
    }

    #[test]
    fn position_counts_from_the_learner_text_ok() {
        let text = "SELECT 1;\nSELEC 2";
        let sent = format!("{READ_ONLY}; {text}");
        let at = u32::try_from(sent.find("SELEC 2").expect("sent") + 1).expect("small");
        let failure = Failure {
            sqlstate: Some("42601".into()),
            message: "syntax error".into(),
            position: Some(at),
            ..Default::default()
        };
        assert_eq!(ConsoleError::of(failure.clone(), text, true).at, Some((2, 1)));
        // On a branch the learner's text is sent as it is.
        let failure = Failure { position: Some(11), ..failure };
        assert_eq!(ConsoleError::of(failure, text, false).at, Some((2, 1)));
    }

    #[test]
    fn strings_do_not_count_ok() {
        assert_eq!(refused("SELECT 'COMMIT'; SELECT $$ROLLBACK$$"), None);
    }
}
