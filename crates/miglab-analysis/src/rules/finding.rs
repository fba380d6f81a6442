//! The one way a rule builds its finding from the fact it read, so spans and steps are filled alike.

use crate::analysis::Fact;
pub use miglab_model::finding::{Affected, Category, Finding};

/// Builds a finding for `fact`; every rule goes through here so spans and steps are filled alike.
pub fn finding(
    fact: &Fact,
    code: &str,
    category: Category,
    message: String,
    help: &str,
    affected: Vec<Affected>,
) -> Finding {
    Finding {
        code: code.to_owned(),
        category,
        message,
        help: help.to_owned(),
        step: fact.step,
        span: fact.span,
        affected,
    }
}
