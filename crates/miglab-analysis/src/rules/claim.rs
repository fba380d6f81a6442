//! Lock claims: a rule that says which lock Postgres takes names a pattern that shows it, so the claim can be checked.
//!
//! The core checks that the rule fires on the pattern and that its message names the mode; the CLI's tests run the
//! pattern on the engine and compare with the traced lock, so a claim the engine contradicts fails the build.

use crate::locks::LockMode;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockClaim {
    /// The rule's code.
    pub code: &'static str,
    /// Statements run on [`CLAIM_SETUP`] in one transaction; the rule fires on them, and the claim is about the
    /// locks held after the last one.
    pub sql: &'static str,
    pub relation: &'static str,
    /// The strongest mode held on `relation`.
    pub mode: LockMode,
    /// Whether `relation` is rewritten, when the message says so.
    pub rewrites: Option<bool>,
}

/// The database every claim runs on: `expenses` with rows, `users` with one row.
pub const CLAIM_SETUP: &str = "CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);
CREATE TABLE expenses (id serial PRIMARY KEY, user_id int, amount numeric(10, 2) NOT NULL, note text, status text);
CREATE INDEX ix_expenses_status ON expenses (status);
INSERT INTO users (email) VALUES ('ada@example.com');
INSERT INTO expenses (user_id, amount) VALUES (1, 12.50), (1, 3.00)";

#[cfg(test)]
mod test {
    use crate::rules::{check_sql_all, LOCK_CLAIMS};

    #[test]
    fn every_claim_fires_and_names_its_mode_ok() {
        for claim in LOCK_CLAIMS {
            let output = check_sql_all(super::CLAIM_SETUP, claim.sql);
            let finding = output
                .split("\n")
                .skip_while(|line| !line.starts_with(claim.code))
                .nth(1)
                .unwrap_or_default();
            assert!(
                finding.contains(claim.mode.name()),
                "{} on `{}` should name {}:\n{output}",
                claim.code,
                claim.sql,
                claim.mode
            );
            assert!(
                finding.contains(&format!("`{}`", claim.relation)),
                "{} should name `{}`:\n{output}",
                claim.code,
                claim.relation
            );
        }
    }
}
