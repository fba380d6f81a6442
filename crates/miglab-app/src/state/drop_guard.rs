//! The drop guard: a destructive step stops the run until a branch, a real backup and an explicit approval all exist.
//!
//! What is at stake comes from the engine: the rules name the objects, and each is counted on the branch before anyone decides.
//! The approval is a tick per object at stake, beside its count, never a sentence searched for words.
//! Refusing is an answer in its own right, recorded and graded like any other (`gate::grade_refusal`).

use std::collections::BTreeSet;
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
    pub fn target(&self) -> String {
        match &self.column {
            Some(column) => format!("{}.{column}", self.table),
            None => self.table.clone(),
        }
    }
}

/// What one threat would destroy, counted on the engine: rows of a table, or non-null values of a column.
#[derive(Clone, Debug, PartialEq)]
pub struct Stake {
    pub target: String,
    pub whole_table: bool,
    pub count: u64,
    pub sample: Vec<String>,
}

impl Stake {
    /// "40 rows of `expenses`" or "16 non-null values of `expenses.legacy_notes`".
    pub fn sentence(&self) -> String {
        let unit = match (self.whole_table, self.count) {
            (true, 1) => "1 row",
            (true, _) => "rows",
            (false, 1) => "1 non-null value",
            (false, _) => "non-null values",
        };
        match self.count {
            1 => format!("{unit} of `{}`", self.target),
            n => format!("{n} {unit} of `{}`", self.target),
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
    /// What each threat would destroy, once counted, in the order of `threats`.
    pub stakes: Vec<Stake>,
    pub branch: Option<String>,
    pub backup: Option<Backup>,
    /// The targets (`Threat::target`) the student approved losing, each seen beside its count.
    pub approved: BTreeSet<String>,
    pub decision: Option<Decision>,
    pub error: Option<String>,
}

pub enum GuardAction {
    Armed { threats: Vec<Threat>, lesson: bool },
    Counted(Stake),
    Branched(String),
    BackedUp(Backup),
    Approve { target: String, approved: bool },
    Proceed,
    Refuse,
    Failed(String),
}

impl GuardState {
    /// Every target at stake, once each, in the order the rules reported them.
    pub fn targets(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for t in &self.threats {
            if !out.contains(&t.target()) {
                out.push(t.target());
            }
        }
        out
    }

    pub fn stake(&self, target: &str) -> Option<&Stake> {
        self.stakes.iter().find(|s| s.target == target)
    }

    /// The preconditions not yet met, as sentences for the student; empty means the run may go on.
    pub fn missing(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.branch.is_none() {
            out.push("Create a branch you can fail back to.".to_owned());
        }
        if self.backup.is_none() {
            out.push("Take a backup of the affected table.".to_owned());
        }
        let targets = self.targets();
        if targets.iter().any(|t| self.stake(t).is_none()) {
            out.push("Wait until what is at stake has been counted.".to_owned());
        }
        let unapproved: Vec<String> = targets
            .iter()
            .filter(|t| !self.approved.contains(*t))
            .map(|t| format!("`{t}`"))
            .collect();
        if !unapproved.is_empty() {
            out.push(format!(
                "Approve the loss of {}, beside its count.",
                unapproved.join(" and ")
            ));
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
            GuardAction::Armed { threats, lesson } => {
                next = GuardState { threats, lesson, ..Default::default() }
            }
            GuardAction::Counted(stake) => {
                next.stakes.retain(|s| s.target != stake.target);
                next.stakes.push(stake);
            }
            GuardAction::Branched(name) => next.branch = Some(name),
            GuardAction::BackedUp(backup) => next.backup = Some(backup),
            GuardAction::Approve { target, approved: true } => {
                next.approved.insert(target);
            }
            GuardAction::Approve { target, approved: false } => {
                next.approved.remove(&target);
            }
            GuardAction::Proceed if next.missing().is_empty() => {
                next.decision = Some(Decision::Proceeded)
            }
            GuardAction::Proceed => next.error = Some(next.missing().join(" ")),
            GuardAction::Refuse => next.decision = Some(Decision::Refused),
            GuardAction::Failed(message) => next.error = Some(message),
        }
        next.into()
    }
}

/// What the guard does with the student's own run, whose upgrade has `threats`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Screening {
    /// Nothing destructive, a lesson that allows it, or a proceed the student gave for exactly these threats.
    Run,
    /// Stopped before anything ran; `arm` when the guard must (re)arm on these threats and count them.
    Stop { arm: bool, detail: &'static str },
}

/// The guard's decision on a Modify or Make run: a destructive step stops it until the student has proceeded,
/// with all three preconditions, on exactly these threats (a proceed given for the lesson's migration does not count).
pub fn screen(guard: &GuardState, threats: &[Threat], allow_destructive: bool) -> Screening {
    let same = !guard.lesson && guard.threats == threats;
    if allow_destructive
        || threats.is_empty()
        || (same && guard.decision == Some(Decision::Proceeded))
    {
        return Screening::Run;
    }
    let detail = if same && guard.decision == Some(Decision::Refused) {
        "You refused this migration: change upgrade() so it keeps the data, then run it again."
    } else {
        "The drop guard stopped the run before anything ran: decide below."
    };
    Screening::Stop { arm: !same, detail }
}

impl GuardState {
    /// The branch the guard offers to take before a destructive step, named after the first target.
    pub fn branch_name(&self) -> String {
        format!(
            "before-{}",
            self.threats.first().map(Threat::target).unwrap_or_default().replace('.', "-")
        )
    }
}

/// The stakes as one sentence, e.g. "This would destroy 40 rows of `expenses`."
pub fn sentence(stakes: &[Stake]) -> String {
    format!(
        "This would destroy {}.",
        stakes.iter().map(Stake::sentence).collect::<Vec<_>>().join(" and ")
    )
}

#[cfg(test)]
mod test {
    use super::*;

    fn armed() -> Rc<GuardState> {
        let threat = Threat {
            code: "ban-drop-column".into(),
            message: String::new(),
            table: "expenses".into(),
            column: Some("legacy_notes".into()),
        };
        Rc::new(GuardState::default())
            .reduce(GuardAction::Armed { threats: vec![threat], lesson: true })
    }

    fn counted() -> Rc<GuardState> {
        armed().reduce(GuardAction::Counted(Stake {
            target: "expenses.legacy_notes".into(),
            whole_table: false,
            count: 16,
            sample: vec![],
        }))
    }

    fn backup() -> Backup {
        Backup { file_name: "expenses.sql".into(), bytes: 10, content: "COPY".into() }
    }

    fn approve() -> GuardAction {
        GuardAction::Approve { target: "expenses.legacy_notes".into(), approved: true }
    }

    #[test]
    fn proceed_with_all_three_ok() {
        let state = counted()
            .reduce(GuardAction::Branched("guard".into()))
            .reduce(GuardAction::BackedUp(backup()))
            .reduce(approve())
            .reduce(GuardAction::Proceed);
        assert_eq!(state.decision, Some(Decision::Proceeded));
    }

    #[test]
    fn proceed_without_approval_err() {
        let state = counted()
            .reduce(GuardAction::Branched("guard".into()))
            .reduce(GuardAction::BackedUp(backup()))
            .reduce(GuardAction::Proceed);
        assert_eq!(state.decision, None);
        assert_eq!(
            state.error.as_deref(),
            Some("Approve the loss of `expenses.legacy_notes`, beside its count.")
        );
    }

    #[test]
    fn approval_withdrawn_err() {
        let state = counted()
            .reduce(GuardAction::Branched("guard".into()))
            .reduce(GuardAction::BackedUp(backup()))
            .reduce(approve());
        let state = state
            .reduce(GuardAction::Approve {
                target: "expenses.legacy_notes".into(),
                approved: false,
            })
            .reduce(GuardAction::Proceed);
        assert_eq!(state.decision, None);
    }

    #[test]
    fn proceed_before_counting_err() {
        let state = armed()
            .reduce(GuardAction::Branched("guard".into()))
            .reduce(GuardAction::BackedUp(backup()))
            .reduce(approve())
            .reduce(GuardAction::Proceed);
        assert_eq!(state.error.as_deref(), Some("Wait until what is at stake has been counted."));
    }

    #[test]
    fn proceed_without_backup_err() {
        let state = counted()
            .reduce(GuardAction::Branched("guard".into()))
            .reduce(approve())
            .reduce(GuardAction::Proceed);
        assert_eq!(state.error.as_deref(), Some("Take a backup of the affected table."));
    }

    #[test]
    fn stake_sentence_ok() {
        assert_eq!(
            Stake { target: "expenses".into(), whole_table: true, count: 40, sample: vec![] }
                .sentence(),
            "40 rows of `expenses`"
        );
        assert_eq!(
            Stake { target: "expenses.memo".into(), whole_table: false, count: 1, sample: vec![] }
                .sentence(),
            "1 non-null value of `expenses.memo`"
        );
    }

    #[test]
    fn refuse_ok() {
        let state = armed().reduce(GuardAction::Refuse);
        assert_eq!(state.decision, Some(Decision::Refused));
    }

    fn draft_threat() -> Threat {
        Threat {
            code: "ban-drop-column".into(),
            message: String::new(),
            table: "expenses".into(),
            column: Some("legacy_notes".into()),
        }
    }

    fn draft_guard() -> Rc<GuardState> {
        Rc::new(GuardState::default())
            .reduce(GuardAction::Armed { threats: vec![draft_threat()], lesson: false })
    }

    #[test]
    fn screen_stops_and_arms_once_err() {
        let threats = [draft_threat()];
        let stopped = Screening::Stop {
            arm: true,
            detail: "The drop guard stopped the run before anything ran: decide below.",
        };
        assert_eq!(screen(&GuardState::default(), &threats, false), stopped);
        // Armed on the lesson's own migration: the student's draft arms the guard again.
        assert_eq!(screen(&armed(), &threats, false), stopped);
        // Armed on this draft already: stopped again, without counting again.
        assert_eq!(
            screen(&draft_guard(), &threats, false),
            Screening::Stop {
                arm: false,
                detail: "The drop guard stopped the run before anything ran: decide below."
            }
        );
    }

    #[test]
    fn screen_runs_ok() {
        let threats = [draft_threat()];
        assert_eq!(screen(&GuardState::default(), &[], false), Screening::Run);
        assert_eq!(
            screen(&GuardState::default(), &threats, true),
            Screening::Run,
            "the lesson allows it"
        );
        let mut proceeded = (*draft_guard()).clone();
        proceeded.decision = Some(Decision::Proceeded);
        assert_eq!(screen(&proceeded, &threats, false), Screening::Run);
        let mut other = draft_threat();
        other.column = Some("amount".into());
        assert!(
            matches!(screen(&proceeded, &[other], false), Screening::Stop { arm: true, .. }),
            "a proceed covers only its own threats"
        );
    }

    #[test]
    fn screen_after_refusal_says_so_err() {
        let mut refused = (*draft_guard()).clone();
        refused.decision = Some(Decision::Refused);
        assert_eq!(
            screen(&refused, &[draft_threat()], false),
            Screening::Stop { arm: false, detail: "You refused this migration: change upgrade() so it keeps the data, then run it again." }
        );
    }

    #[test]
    fn branch_name_ok() {
        assert_eq!(draft_guard().branch_name(), "before-expenses-legacy_notes");
        assert_eq!(GuardState::default().branch_name(), "before-");
    }
}
