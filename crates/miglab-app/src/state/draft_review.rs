//! The agent's drafts: which prepared draft the agent hands over, the learner's review before it runs, and the verdict
//! (approve or refuse) graded against what the engine did with it.
//!
//! No model runs: the drafts are the lesson's own files, handed over in the lesson's order, each one once. The review
//! is structure, never keywords: the lines the learner marks, the statements they pick about `upgrade()` and
//! `downgrade()` (drawn from the brief's change and its inverses, so the list gives nothing away), a yes/no on the
//! round trip and a confidence. It locks before the draft runs, and is graded with the verdict once the engine has run it.

use crate::state::brief_fields::Brief;
use crate::state::gate::{Claim, Confirmation, RunClaims};
use crate::state::progress::CheckResult;
use miglab_model::grade::{Confidence, Element, Graded, Verdict};
use miglab_model::lesson::{Draft, DraftCheck};
use miglab_model::schema::{Schema, Table};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The statement id that says a direction stopped with an error.
pub const FAILS: &str = "fails";

/// One stage's work with the agent, saved with the lesson's progress.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StageReview {
    pub brief: Brief,
    /// The brief agreed with the lesson's fields and went to the agent.
    pub brief_sent: bool,
    /// Why the last brief sent did not reach the agent, one sentence per field. Kept here rather than in the
    /// reducer's `submit_error`, which any later action (the engine becoming ready) clears before it is read.
    #[serde(skip)]
    pub brief_problems: Vec<String>,
    /// "Write it myself": the learner's own migration in the editor, as before drafts existed.
    pub own: bool,
    /// The ids of the drafts handed over, in order; the last is the one on screen.
    pub handed: Vec<String>,
    pub reviews: BTreeMap<String, Review>,
}

/// The learner's review of one draft, and what the engine did with it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Review {
    /// The statements to pick from: the brief's change from the stage's start and each one's inverse, plus "stops with
    /// an error". Their `happened` is never used: the truth is the run's.
    pub statements: RunClaims,
    /// The 1-based lines the learner marked as wrong.
    pub marked: BTreeSet<u32>,
    /// The learner says they find no flaw.
    pub no_flaw: bool,
    /// The statements ticked for each direction, and the yes/no on the round trip.
    pub said: Confirmation,
    pub confidence: Option<Confidence>,
    /// Locked before the draft runs; a locked review never changes.
    pub locked: bool,
    pub ran: Option<DraftRun>,
    pub decision: Option<Decision>,
    /// What the learner demands before a destructive step may run (`gate::PRECONDITIONS` ids).
    pub preconditions: BTreeSet<String>,
}

/// What the engine did with a draft: the stage's checks, and the claims of its run on the branch.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DraftRun {
    pub checks: Vec<CheckResult>,
    /// `None` when the upgrade did not finish (or never started: the drop guard stopped it).
    pub claims: Option<RunClaims>,
    pub upgrade_failed: bool,
    pub downgrade_failed: bool,
}

impl DraftRun {
    /// The checks the engine failed; empty for a right draft.
    pub fn failed(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(|c| !c.passed)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Refuse,
}

/// What the learner does with the agent, for the lesson reducer (`LessonAction::Review`).
pub enum ReviewAction {
    /// The brief as typed, whole; ignored once it went to the agent.
    Brief(Brief),
    /// Sends the brief: checked against the lesson's fields, it goes to the agent only when they agree.
    SendBrief,
    /// "Write it myself" (`true`), or back to the agent's drafts.
    Own(bool),
    /// The agent handed over draft `id`; `statements` are what the review picks from.
    Handed {
        id: String,
        statements: RunClaims,
    },
    Mark {
        line: u32,
        on: bool,
    },
    NoFlaw(bool),
    /// Ticks or unticks a statement about what `upgrade()` (`downgrade: false`) or `downgrade()` does.
    Say {
        downgrade: bool,
        claim: String,
        ticked: bool,
    },
    SayRestores(bool),
    Confidence(Confidence),
    Lock,
    /// What the engine did with draft `id`.
    Ran {
        id: String,
        run: DraftRun,
    },
    Precondition {
        id: String,
        picked: bool,
    },
    Decide(Decision),
}

/// The draft the agent hands over next, each one once: a flawed draft first; after a refusal the right one (the agent
/// fixes what was refused), after an approval the next flawed one (the agent goes on as it did). The lesson's order
/// breaks ties, so the same answers always meet the same drafts.
pub fn next_draft<'a>(drafts: &'a [Draft], review: &StageReview) -> Option<&'a Draft> {
    let fresh = || drafts.iter().filter(|d| !review.handed.contains(&d.id));
    let last = review.current().and_then(|(_, r)| r.decision);
    let wanted_flawed = last != Some(Decision::Refuse);
    fresh().find(|d| d.flaw.is_some() == wanted_flawed).or_else(|| fresh().next())
}

impl StageReview {
    /// The draft on screen and its review.
    pub fn current(&self) -> Option<(&str, &Review)> {
        let id = self.handed.last()?;
        Some((id.as_str(), self.reviews.get(id)?))
    }

    /// True while the learner may ask for another draft: none handed yet, or the last one judged.
    pub fn may_ask(&self) -> bool {
        self.current().is_none_or(|(_, r)| r.decision.is_some())
    }
}

/// The verdict id under which a draft's graded review is saved beside the questions' verdicts.
pub fn verdict_id(stage: &str, draft: &str) -> String {
    format!("{}-draft:{draft}", stage.to_lowercase())
}

/// The statements to pick from for a draft, before it runs: what the brief's change does from `before` (the branch at
/// the stage's start), with each one's inverse, for `upgrade()` and for `downgrade()`, and "stops with an error".
pub fn statements(before: &Schema, briefed: &[Table]) -> RunClaims {
    let expected = apply_brief(before, briefed);
    let mut claims = RunClaims::from_run(before, &expected, Some(before));
    for list in [&mut claims.upgrade, &mut claims.downgrade] {
        for claim in list.iter_mut() {
            claim.happened = false;
        }
        list.push(Claim {
            id: FAILS.into(),
            text: "stops with an error on the branch, so none of it stays".into(),
            happened: false,
        });
    }
    claims.restores = false;
    claims
}

/// `before` changed as the brief's tables say: their columns (type, nullability, default) and indexes by name.
/// A table's list that the brief leaves empty is not compared, as in the lesson's checks, so it stays as it was.
fn apply_brief(before: &Schema, briefed: &[Table]) -> Schema {
    let mut after = before.clone();
    for wanted in briefed {
        let Some(table) = after.tables.iter_mut().find(|t| t.name == wanted.name) else {
            after.tables.push(Table { row_count: None, ..wanted.clone() });
            continue;
        };
        if !wanted.columns.is_empty() {
            table.columns = wanted
                .columns
                .iter()
                .map(|w| match table.columns.iter().find(|c| c.name == w.name) {
                    Some(c) => miglab_model::schema::Column {
                        data_type: w.data_type.clone(),
                        not_null: w.not_null,
                        default: w.default.clone().or_else(|| c.default.clone()),
                        ..c.clone()
                    },
                    None => w.clone(),
                })
                .collect();
        }
        if !wanted.indexes.is_empty() {
            table.indexes = wanted
                .indexes
                .iter()
                .map(|w| table.indexes.iter().find(|i| i.name == w.name).unwrap_or(w).clone())
                .collect();
        }
    }
    after
}

/// What is still missing before a review can lock, as phrases for "Before you lock your review, …".
pub fn unanswered(review: &Review, labels: (&str, &str)) -> Vec<String> {
    let mut out = Vec::new();
    if review.marked.is_empty() && !review.no_flaw {
        out.push("mark the line you think is wrong, or say you find no flaw".to_owned());
    }
    // A lesson whose checks list no tables offers only "stops with an error", which may rightly stay unticked.
    let offers_changes = review.statements.upgrade.iter().any(|c| c.id != FAILS);
    if review.said.upgrade.is_empty() && offers_changes {
        out.push(format!("tick what {} does", labels.0));
    }
    if review.said.restores.is_none() {
        out.push(format!("say whether {} gives back the starting schema and rows", labels.1));
    }
    if review.confidence.is_none() {
        out.push("pick a confidence".to_owned());
    }
    out
}

/// A statement's truth in the run: a change the run made with the same words, or for [`FAILS`] the direction's error.
fn happened(statement: &Claim, done: &[Claim], failed: bool) -> bool {
    if statement.id == FAILS {
        return failed;
    }
    done.iter().any(|c| c.happened && c.id == statement.id && c.text == statement.text)
}

/// One direction's statements graded: correct when every tick matches the run, else one sentence with the counts.
fn direction(
    element: &str,
    label: &str,
    statements: &[Claim],
    ticked: &BTreeSet<String>,
    done: &[Claim],
    failed: bool,
) -> Element {
    let plural =
        |n: usize| if n == 1 { "1 statement".to_owned() } else { format!("{n} statements") };
    let (mut wrongly, mut left_out) = (0, 0);
    for s in statements {
        match (ticked.contains(&s.id), happened(s, done, failed)) {
            (true, false) => wrongly += 1,
            (false, true) => left_out += 1,
            _ => {}
        }
    }
    let sentence = match (wrongly, left_out) {
        (0, 0) => return Element::correct(element, None),
        (w, 0) => {
            format!("Under {label}, you said {} that the run on the branch did not do.", plural(w))
        }
        (0, l) => {
            format!("Under {label}, you left out {} that the run on the branch did.", plural(l))
        }
        (w, l) => format!(
            "Under {label}, you said {} that the run did not do, and left out {} that it did.",
            plural(w),
            plural(l)
        ),
    };
    Element::miss(element, Verdict::Wrong, None, None, sentence)
}

fn lines(lines: impl IntoIterator<Item = u32>) -> String {
    let lines: Vec<String> = lines.into_iter().map(|l| l.to_string()).collect();
    match lines.as_slice() {
        [one] => format!("line {one}"),
        _ => format!("lines {}", lines.join(", ")),
    }
}

/// The verdict on a draft, graded against the engine, at the confidence the learner gave in the review.
/// The decision carries the grade: approving a draft the engine fails, or refusing one it passes, earns no credit
/// whatever else is right, so a confident wrong verdict costs the full negative mark.
pub fn grade(
    draft: &Draft,
    review: &Review,
    run: &DraftRun,
    decision: Decision,
    labels: (&str, &str),
) -> Graded {
    let confidence = review.confidence.unwrap_or(Confidence::MIN);
    let failed: Vec<&CheckResult> = run.failed().collect();
    let flawed = if run.checks.is_empty() { draft.flaw.is_some() } else { !failed.is_empty() };
    let mut elements = Vec::new();
    let decision_right = flawed == (decision == Decision::Refuse);
    elements.push(match (decision, flawed) {
        (Decision::Approve, false) => Element::correct("decision", Some("approve".into())),
        (Decision::Refuse, true) => Element::correct("decision", Some("refuse".into())),
        (Decision::Approve, true) => {
            let what = failed
                .iter()
                .map(|c| format!("{} ({})", c.name, c.detail.trim_end_matches('.')))
                .collect::<Vec<_>>()
                .join("; ");
            Element::miss(
                "decision",
                Verdict::Wrong,
                Some("refuse".into()),
                Some("approve".into()),
                format!("You approved a draft that fails on the engine: {what}."),
            )
        }
        (Decision::Refuse, false) => Element::miss(
            "decision",
            Verdict::Wrong,
            Some("approve".into()),
            Some("refuse".into()),
            "You refused a draft that passes every check on the branch; nothing in it is wrong."
                .into(),
        ),
    });
    elements.push(match &draft.flaw {
        Some(flaw) if review.marked.iter().any(|l| flaw.lines.contains(l)) => {
            Element::correct("flaw-line", Some(lines(flaw.lines.iter().copied())))
        }
        Some(flaw) if !review.marked.is_empty() => Element::miss(
            "flaw-line",
            Verdict::Wrong,
            Some(lines(flaw.lines.iter().copied())),
            Some(lines(review.marked.iter().copied())),
            format!(
                "You marked {}; the flaw is on {}.",
                lines(review.marked.iter().copied()),
                lines(flaw.lines.iter().copied())
            ),
        ),
        Some(flaw) => Element::miss(
            "flaw-line",
            Verdict::Missing,
            Some(lines(flaw.lines.iter().copied())),
            None,
            format!("You found no flaw; it is on {}.", lines(flaw.lines.iter().copied())),
        ),
        None if review.marked.is_empty() => Element::correct("flaw-line", None),
        None => Element::miss(
            "flaw-line",
            Verdict::Extra,
            None,
            Some(lines(review.marked.iter().copied())),
            format!(
                "You marked {}, but this draft has no flaw.",
                lines(review.marked.iter().copied())
            ),
        ),
    });
    // A run the drop guard stopped never started: what the directions do is then not the engine's to say.
    let started = run.claims.is_some() || run.upgrade_failed;
    if started {
        let (up, down) = run
            .claims
            .as_ref()
            .map(|c| (c.upgrade.as_slice(), c.downgrade.as_slice()))
            .unwrap_or_default();
        elements.push(direction(
            "upgrade",
            labels.0,
            &review.statements.upgrade,
            &review.said.upgrade,
            up,
            run.upgrade_failed,
        ));
        // With the upgrade stopped, the downgrade never ran: nothing of it is true but "it did nothing".
        elements.push(direction(
            "downgrade",
            labels.1,
            &review.statements.downgrade,
            &review.said.downgrade,
            down,
            run.downgrade_failed,
        ));
    }
    if let Some(claims) = run.claims.as_ref().filter(|_| !run.upgrade_failed) {
        let restores = claims.restores && !run.downgrade_failed;
        elements.push(match review.said.restores {
            Some(said) if said == restores => Element::correct("restores", None),
            said => Element::miss(
                "restores",
                Verdict::Wrong,
                Some(restores.to_string()),
                said.map(|s| s.to_string()),
                format!(
                    "You said {} {} the starting schema and rows; the round trip on the branch shows it {}.",
                    labels.1,
                    if said == Some(true) { "gives back" } else { "does not give back" },
                    if restores { "does" } else { "does not" }
                ),
            ),
        });
    }
    let destructive =
        draft.flaw.as_ref().is_some_and(|f| f.fails.contains(&DraftCheck::Destructive));
    if destructive && decision == Decision::Refuse {
        let refusal = crate::state::gate::grade_refusal(true, &review.preconditions, confidence);
        elements.extend(refusal.elements.into_iter().filter(|e| e.element != "decision"));
    }
    if !decision_right {
        return Graded::new(elements, 0.0, confidence);
    }
    Graded::by_elements(elements, confidence)
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::fixture;
    use miglab_model::lesson::{Flaw, MigrationRef};

    const LABELS: (&str, &str) = ("upgrade()", "downgrade()");

    fn draft(flaw: Option<(Vec<u32>, DraftCheck)>) -> Draft {
        Draft {
            id: "d".into(),
            message: String::new(),
            migration: MigrationRef::default(),
            flaw: flaw.map(|(lines, fails)| Flaw { lines, fails: vec![fails], why: "why".into() }),
        }
    }

    fn check(name: &str, passed: bool) -> CheckResult {
        CheckResult { name: name.into(), passed, detail: format!("{name} said so."), lines: None }
    }

    /// The brief adds a nullable uuid `reconciler_run_id` to `expenses`.
    fn statements() -> RunClaims {
        let before = fixture::expenses();
        super::statements(&before, &fixture::expenses_with_column("reconciler_run_id").tables)
    }

    /// A right draft's run: the column added, dropped by the downgrade, every check passed.
    fn right_run() -> DraftRun {
        let before = fixture::expenses();
        let after = fixture::expenses_with_column("reconciler_run_id");
        DraftRun {
            checks: vec![check("upgrade() runs", true), check("round trip", true)],
            claims: Some(RunClaims::from_run(&before, &after, Some(&before))),
            upgrade_failed: false,
            downgrade_failed: false,
        }
    }

    /// An empty `downgrade()`: the column stays, and the round trip fails.
    fn empty_downgrade_run() -> DraftRun {
        let before = fixture::expenses();
        let after = fixture::expenses_with_column("reconciler_run_id");
        DraftRun {
            checks: vec![check("upgrade() runs", true), check("round trip", false)],
            claims: Some(RunClaims::from_run(&before, &after, Some(&after))),
            upgrade_failed: false,
            downgrade_failed: false,
        }
    }

    fn id_of(claims: &[Claim], text: &str) -> String {
        claims.iter().find(|c| c.text.starts_with(text)).expect(text).id.clone()
    }

    /// A review that ticks `up` and `down` by the start of their words.
    fn review(marked: &[u32], up: &[&str], down: &[&str], restores: bool, level: u8) -> Review {
        let statements = statements();
        let said = Confirmation {
            upgrade: up.iter().map(|t| id_of(&statements.upgrade, t)).collect(),
            downgrade: down.iter().map(|t| id_of(&statements.downgrade, t)).collect(),
            restores: Some(restores),
        };
        Review {
            marked: marked.iter().copied().collect(),
            no_flaw: marked.is_empty(),
            said,
            confidence: Confidence::new(level),
            locked: true,
            statements,
            ..Default::default()
        }
    }

    fn summary(g: &Graded) -> (bool, f64, Vec<(&str, Verdict)>) {
        (g.correct, g.credit, g.elements.iter().map(|e| (e.element.as_str(), e.verdict)).collect())
    }

    #[test]
    fn statements_give_nothing_away_ok() {
        let s = statements();
        let texts: Vec<&str> = s.upgrade.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "adds the column `reconciler_run_id` to `expenses` (uuid null)",
                "drops the column `reconciler_run_id` from `expenses`",
                "stops with an error on the branch, so none of it stays"
            ]
        );
        assert!(s.upgrade.iter().chain(&s.downgrade).all(|c| !c.happened));
    }

    /// Each case: the draft's flaw, the run, the review, the decision, and what it earns.
    #[test]
    fn verdicts_graded_against_the_engine_ok() {
        let flawed = || draft(Some((vec![17], DraftCheck::RoundTrip)));
        let cases: Vec<(&str, Draft, DraftRun, Review, Decision, bool, f64)> = vec![
            // Found the flaw: the line, the empty downgrade read right, refused.
            (
                "found and refused",
                flawed(),
                empty_downgrade_run(),
                review(&[17], &["adds the column"], &[], false, 4),
                Decision::Refuse,
                true,
                1.0,
            ),
            // Missed it at full confidence: approved, though every statement matches the run, earns nothing.
            (
                "missed and approved",
                flawed(),
                empty_downgrade_run(),
                review(&[], &["adds the column"], &[], false, 5),
                Decision::Approve,
                false,
                0.0,
            ),
            // Refused, but for a line that holds no flaw: the decision is right, the reading is not.
            (
                "wrong line",
                flawed(),
                empty_downgrade_run(),
                review(&[12], &["adds the column"], &[], false, 3),
                Decision::Refuse,
                false,
                0.8,
            ),
            // A keyword-stuffed reading: every statement ticked, both directions; refused on the right line still loses those.
            (
                "everything ticked",
                flawed(),
                empty_downgrade_run(),
                review(
                    &[17],
                    &["adds the column", "drops the column", "stops"],
                    &["drops the column", "adds the column"],
                    true,
                    5,
                ),
                Decision::Refuse,
                false,
                0.4,
            ),
            // The right draft approved with a right reading.
            (
                "right approved",
                draft(None),
                right_run(),
                review(&[], &["adds the column"], &["drops the column"], true, 4),
                Decision::Approve,
                true,
                1.0,
            ),
            // The right draft refused at full confidence: no credit.
            (
                "right refused",
                draft(None),
                right_run(),
                review(&[9], &["adds the column"], &["drops the column"], true, 5),
                Decision::Refuse,
                false,
                0.0,
            ),
        ];
        for (name, draft, run, review, decision, correct, credit) in cases {
            let g = grade(&draft, &review, &run, decision, LABELS);
            assert_eq!((g.correct, g.credit), (correct, credit), "{name}: {:?}", summary(&g));
            if !g.correct && credit == 0.0 {
                assert!(g.cbm <= 0.0, "{name}: a wrong verdict earns no positive mark: {}", g.cbm);
            }
        }
    }

    #[test]
    fn approving_a_flaw_names_the_failing_check_err() {
        let g = grade(
            &draft(Some((vec![17], DraftCheck::RoundTrip))),
            &review(&[], &["adds the column"], &[], false, 5),
            &empty_downgrade_run(),
            Decision::Approve,
            LABELS,
        );
        assert_eq!(g.cbm, -10.0);
        assert_eq!(
            g.explanations().next(),
            Some("You approved a draft that fails on the engine: round trip (round trip said so).")
        );
        assert!(g.explanations().any(|e| e == "You found no flaw; it is on line 17."));
    }

    #[test]
    fn failed_upgrade_makes_every_change_false_err() {
        let run = DraftRun {
            checks: vec![check("upgrade() runs", false)],
            claims: None,
            upgrade_failed: true,
            downgrade_failed: false,
        };
        let flawed = draft(Some((vec![20], DraftCheck::Upgrade)));
        let read_right = review(&[20], &["stops"], &[], true, 4);
        assert!(grade(&flawed, &read_right, &run, Decision::Refuse, LABELS).correct);
        let read_wrong = review(&[20], &["adds the column"], &["drops the column"], true, 4);
        let g = grade(&flawed, &read_wrong, &run, Decision::Refuse, LABELS);
        assert_eq!(
            summary(&g).2,
            [
                ("decision", Verdict::Correct),
                ("flaw-line", Verdict::Correct),
                ("upgrade", Verdict::Wrong),
                ("downgrade", Verdict::Wrong)
            ]
        );
    }

    #[test]
    fn destructive_refusal_needs_preconditions_err() {
        let flawed = draft(Some((vec![19], DraftCheck::Destructive)));
        let run = DraftRun { checks: vec![check("drop guard", false)], ..Default::default() };
        let mut r = review(&[19], &["stops"], &[], true, 4);
        let g = grade(&flawed, &r, &run, Decision::Refuse, LABELS);
        assert!(!g.correct);
        assert!(g.elements.iter().any(|e| e.element == "backup" && e.verdict == Verdict::Missing));
        r.preconditions = ["branch", "backup", "approval"].map(String::from).into();
        assert!(grade(&flawed, &r, &run, Decision::Refuse, LABELS).correct);
    }

    #[test]
    fn blank_review_cannot_lock_err() {
        assert_eq!(
            unanswered(&Review { statements: statements(), ..Default::default() }, LABELS),
            [
                "mark the line you think is wrong, or say you find no flaw",
                "tick what upgrade() does",
                "say whether downgrade() gives back the starting schema and rows",
                "pick a confidence"
            ]
        );
        assert!(unanswered(&review(&[3], &["adds"], &[], true, 2), LABELS).is_empty());
        let only_fails = Review {
            statements: super::statements(&fixture::expenses(), &[]),
            no_flaw: true,
            said: Confirmation { restores: Some(true), ..Default::default() },
            confidence: Confidence::new(3),
            ..Default::default()
        };
        assert_eq!(
            unanswered(&only_fails, LABELS),
            Vec::<String>::new(),
            "nothing to tick but an error"
        );
    }

    #[test]
    fn flawed_draft_first_then_the_fix_ok() {
        let flawed =
            |id: &str| Draft { id: id.into(), ..draft(Some((vec![3], DraftCheck::Tables))) };
        let drafts =
            vec![Draft { id: "right".into(), ..draft(None) }, flawed("flawed"), flawed("other")];
        let mut stage = StageReview::default();
        assert_eq!(next_draft(&drafts, &stage).map(|d| d.id.as_str()), Some("flawed"));
        stage.handed.push("flawed".into());
        stage.reviews.insert("flawed".into(), Review::default());
        assert!(!stage.may_ask(), "the draft on screen is not judged yet");
        stage.reviews.get_mut("flawed").expect("review").decision = Some(Decision::Refuse);
        assert!(stage.may_ask());
        assert_eq!(
            next_draft(&drafts, &stage).map(|d| d.id.as_str()),
            Some("right"),
            "after a refusal, the fix"
        );
        stage.reviews.get_mut("flawed").expect("review").decision = Some(Decision::Approve);
        assert_eq!(
            next_draft(&drafts, &stage).map(|d| d.id.as_str()),
            Some("other"),
            "after an approval, more of the same"
        );
        stage.handed.extend(["other".into(), "right".into()]);
        assert_eq!(next_draft(&drafts, &stage), None);
    }
}
