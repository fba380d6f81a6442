//! The drop guard: a destructive step stops the run until a branch, a real backup and a named approval all exist.
//!
//! Refusing is an answer in its own right, recorded and graded like any other.

use miglab_core::grade::{Confidence, Element, Graded, Verdict};
use std::rc::Rc;
use yew::Reducible;

/// A destructive finding as the guard needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct Threat {
    pub code: String,
    pub message: String,
    pub table: String,
    /// `None` when the whole table is at stake.
    pub column: Option<String>,
}

impl Threat {
    /// The names an approval must mention, e.g. `expenses` and `legacy_notes`.
    pub fn objects(&self) -> Vec<&str> {
        std::iter::once(self.table.as_str()).chain(self.column.as_deref()).collect()
    }

    pub fn target(&self) -> String {
        match &self.column {
            Some(column) => format!("{}.{column}", self.table),
            None => self.table.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Backup {
    pub file_name: String,
    pub bytes: usize,
    /// The backup text itself, offered for download.
    pub content: Rc<str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Refused,
    Proceeded,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct GuardState {
    pub threats: Vec<Threat>,
    /// True when the threats come from the lesson's destructive migration (graded), false for the student's own draft.
    pub lesson: bool,
    /// Non-null values at stake and a few of them, once counted.
    pub at_stake: Option<(u64, Vec<String>)>,
    pub branch: Option<String>,
    pub backup: Option<Backup>,
    pub approval: String,
    pub decision: Option<Decision>,
    pub error: Option<String>,
}

pub enum GuardAction {
    Armed { threats: Vec<Threat>, lesson: bool },
    Counted { non_null: u64, sample: Vec<String> },
    Branched(String),
    BackedUp(Backup),
    Approval(String),
    Proceed,
    Refuse,
    Failed(String),
}

impl GuardState {
    /// The preconditions not yet met, as sentences for the student; empty means the run may go on.
    pub fn missing(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.branch.is_none() {
            out.push("Create a branch you can fail back to.".to_owned());
        }
        if self.backup.is_none() {
            out.push("Take a backup of the affected table.".to_owned());
        }
        let text = self.approval.to_lowercase();
        let unnamed: Vec<&str> = self.threats.iter().flat_map(Threat::objects).filter(|o| !text.contains(&o.to_lowercase())).collect();
        if !unnamed.is_empty() {
            out.push(format!("Type an approval that names {}.", unnamed.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(" and ")));
        }
        out
    }
}

impl Reducible for GuardState {
    type Action = GuardAction;

    fn reduce(self: Rc<Self>, action: GuardAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.error = None;
        match action {
            GuardAction::Armed { threats, lesson } => next = GuardState { threats, lesson, ..Default::default() },
            GuardAction::Counted { non_null, sample } => next.at_stake = Some((non_null, sample)),
            GuardAction::Branched(name) => next.branch = Some(name),
            GuardAction::BackedUp(backup) => next.backup = Some(backup),
            GuardAction::Approval(text) => next.approval = text,
            GuardAction::Proceed if next.missing().is_empty() => next.decision = Some(Decision::Proceeded),
            GuardAction::Proceed => next.error = Some(next.missing().join(" ")),
            GuardAction::Refuse => next.decision = Some(Decision::Refused),
            GuardAction::Failed(message) => next.error = Some(message),
        }
        next.into()
    }
}

/// Grades the drop-guard answer: refusing is the lesson's answer, and a refusal must name all three preconditions.
pub fn grade_refusal(refused: bool, statement: &str, confidence: Confidence) -> Graded {
    let text = statement.to_lowercase();
    let decision = if refused {
        Element::correct("decision", Some("refuse".into()))
    } else {
        Element::miss("decision", Verdict::Wrong, Some("refuse".into()), Some("proceed".into()), "You let a migration that destroys data run; the lesson asks you to refuse it until its preconditions are met.".into())
    };
    let named = [("branch", "branch", "a branch to fail back to"), ("backup", "backup", "a backup you can read"), ("approval", "approv", "an explicit written approval")];
    let mut elements = vec![decision];
    elements.extend(named.iter().map(|(element, stem, what)| {
        if text.contains(stem) {
            Element::correct(*element, None)
        } else {
            Element::miss(*element, Verdict::Missing, Some((*what).into()), None, format!("Your statement does not ask for {what}."))
        }
    }));
    Graded::by_elements(elements, confidence)
}

#[cfg(test)]
mod test {
    use super::*;

    fn armed() -> Rc<GuardState> {
        let threat = Threat { code: "drop-column-loses-data".into(), message: String::new(), table: "expenses".into(), column: Some("legacy_notes".into()) };
        Rc::new(GuardState::default()).reduce(GuardAction::Armed { threats: vec![threat], lesson: true })
    }

    fn backup() -> Backup {
        Backup { file_name: "expenses.sql".into(), bytes: 10, content: "COPY".into() }
    }

    #[test]
    fn proceed_with_all_three_ok() {
        let state = armed()
            .reduce(GuardAction::Branched("guard".into()))
            .reduce(GuardAction::BackedUp(backup()))
            .reduce(GuardAction::Approval("I approve dropping Expenses.legacy_notes".into()))
            .reduce(GuardAction::Proceed);
        assert_eq!(state.decision, Some(Decision::Proceeded));
    }

    #[test]
    fn proceed_without_naming_err() {
        let state = armed().reduce(GuardAction::Branched("guard".into())).reduce(GuardAction::BackedUp(backup())).reduce(GuardAction::Approval("ok".into())).reduce(GuardAction::Proceed);
        assert_eq!(state.decision, None);
        assert_eq!(state.error.as_deref(), Some("Type an approval that names `expenses` and `legacy_notes`."));
    }

    #[test]
    fn proceed_without_backup_err() {
        let state = armed().reduce(GuardAction::Branched("guard".into())).reduce(GuardAction::Approval("expenses legacy_notes".into())).reduce(GuardAction::Proceed);
        assert_eq!(state.error.as_deref(), Some("Take a backup of the affected table."));
    }

    #[test]
    fn grade_refusal_ok() {
        let graded = grade_refusal(true, "Refused: I need a branch, a backup of legacy_notes and my written approval.", Confidence::MAX);
        assert!(graded.correct);
    }

    #[test]
    fn grade_refusal_missing_backup_err() {
        let graded = grade_refusal(true, "No. Make a branch first and get approval.", Confidence::MAX);
        assert_eq!(graded.explanations().collect::<Vec<_>>(), ["Your statement does not ask for a backup you can read."]);
    }

    #[test]
    fn refuse_ok() {
        let state = armed().reduce(GuardAction::Refuse);
        assert_eq!(state.decision, Some(Decision::Refused));
    }
}
