//! The lesson screen's behaviour: which PRIMM stage is open, the student's answers, locking and grading.
//!
//! Everything here is saved progress; what the engine did lives in `run_state.rs`.

use crate::state::draft_review::{self, Decision, ReviewAction, StageReview};
use crate::state::lesson_model::{LessonView, Question, QuestionKind, Stage};
use crate::state::progress::{Answer, CheckResult, LessonProgress};
use crate::state::schema_edit::{self, SchemaEdit};
use miglab_model::grade::{Confidence, Graded, Response, SelfAssessment};
use miglab_model::lesson::{Draft, LessonMigration, MigrationSource};
use miglab_model::schema::Schema;
use std::rc::Rc;
use yew::Reducible;

/// The verdict id of the drop-guard answer.
pub const REFUSAL: &str = "drop-guard";

#[derive(Clone, Debug, PartialEq)]
pub struct LessonState {
    pub lesson: Rc<LessonView>,
    pub progress: LessonProgress,
    /// The schema at the branch point, where every schema prediction starts; `None` until the engine has it.
    pub start: Option<Schema>,
    /// Why the last submit was refused, shown next to the submit button.
    pub submit_error: Option<String>,
    /// Why locked answers are not graded yet (the analyzer module did not answer); kept until grading succeeds.
    pub grading_error: Option<String>,
    /// Bumped by "Grade again", so the grading effects run once more.
    pub grading_attempt: u32,
    /// Questions whose key the engine contradicts (a pack's lesson is checked on first opening), with what the
    /// engine did; they are shown as such and never graded against.
    pub disputed: std::collections::BTreeMap<String, String>,
}

pub enum LessonAction {
    /// The engine has the lesson's database ready at the branch point.
    Started(Schema),
    /// The lesson's keys were checked on the engine: the questions it contradicts (`state::key_check`).
    KeysChecked(std::collections::BTreeMap<String, String>),
    Go(Stage),
    Answer {
        question: String,
        response: Response,
    },
    Confidence {
        question: String,
        level: Confidence,
    },
    EditSchema {
        question: String,
        edit: SchemaEdit,
    },
    /// "No change from the start": the answer to a schema question is the schema it started from (`true`),
    /// or the choice is taken back and the question is unanswered again (`false`).
    NoChange {
        question: String,
        on: bool,
    },
    /// Rating free text against the model answer, which is shown only once the answer is locked.
    SelfAssess {
        question: String,
        assessment: SelfAssessment,
    },
    /// Lock the predictions of one stage; grading follows once the engine has run.
    Submit(Stage),
    Graded(Vec<(String, Graded)>),
    /// Grading could not run (the analyzer module did not load); the answers stay locked and saved.
    GradingFailed(String),
    /// The student asks for another try after a grading failure.
    GradeAgain,
    Explain {
        prompt: usize,
        text: String,
    },
    Draft {
        stage: Stage,
        text: String,
    },
    Checked {
        stage: Stage,
        results: Vec<CheckResult>,
    },
    /// The approval's reflection text: kept, never what opens the gate.
    Approval(String),
    /// What the learner's Make migration did on the branch, from its last checked run.
    RunClaims(Option<crate::state::gate::RunClaims>),
    /// Ticks or unticks a statement about what `upgrade()` (`downgrade: false`) or `downgrade()` did.
    Confirm {
        downgrade: bool,
        claim: String,
        ticked: bool,
    },
    /// The learner's yes/no: `downgrade()` gives back the starting schema and rows.
    ConfirmRestores(bool),
    Approve,
    /// The drop-guard answer: true when the student refused.
    Guarded {
        refused: bool,
    },
    /// The refusal's reflection text: kept, never graded.
    Refusal(String),
    /// Picks or unpicks one of `gate::PRECONDITIONS` for the refusal.
    Precondition {
        id: String,
        picked: bool,
    },
    RefusalConfidence(Confidence),
    Complete(Stage),
    /// The stage's work is done, however the student got there: mark it done without moving on.
    Done(Stage),
    /// The Run stage's results changed; `None` once a reset cleared them.
    LastRun(Option<crate::state::progress::LastRun>),
    /// Work with the agent's drafts in Modify or Make.
    Review {
        stage: Stage,
        action: ReviewAction,
    },
}

impl LessonState {
    pub fn new(lesson: Rc<LessonView>, progress: LessonProgress) -> LessonState {
        LessonState {
            lesson,
            progress,
            start: None,
            submit_error: None,
            grading_error: None,
            grading_attempt: 0,
            disputed: std::collections::BTreeMap::new(),
        }
    }

    pub fn stage(&self) -> Stage {
        self.progress.stage.unwrap_or(Stage::Predict)
    }

    pub fn locked(&self, stage: Stage) -> bool {
        self.progress.locked.contains(&stage)
    }

    /// The questions a stage asks before anything is revealed.
    pub fn questions(&self, stage: Stage) -> &[Question] {
        match stage {
            Stage::Predict => &self.lesson.predict,
            Stage::Investigate => &self.lesson.investigate,
            Stage::Modify => &self.lesson.modify,
            Stage::Run | Stage::Make => &[],
        }
    }

    /// The answer as the editor shows it: a schema question starts from the schema before,
    /// an ordering from the order the lesson first shows.
    pub fn answer(&self, question: &Question) -> Answer {
        let mut answer = self.progress.answers.get(&question.id).cloned().unwrap_or_default();
        if answer.response.is_none() {
            answer.response = match &question.kind {
                QuestionKind::Schema => {
                    self.start_schema(question).map(|schema| Response::Schema { schema })
                }
                QuestionKind::Order { items } => Some(Response::Ordering {
                    order: items.iter().map(|(id, _)| id.clone()).collect(),
                }),
                _ => None,
            };
        }
        answer
    }

    /// Where a schema question's editor starts: the schema at the branch point, only the tables the question grades
    /// (so the editor shows what matters), and no row counts, which are never part of a schema answer.
    /// The grader scores the answer on its change from this same schema.
    pub fn start_schema(&self, question: &Question) -> Option<Schema> {
        let mut schema = self.start.clone()?;
        if let miglab_model::grade::AnswerKey::Schema(key) = &question.key {
            if !key.scope.tables.is_empty() {
                schema.tables.retain(|t| key.scope.tables.contains(&t.name));
            }
        }
        for table in &mut schema.tables {
            table.row_count = None;
        }
        Some(schema)
    }

    /// True when the student's schema answer is "no change from the start": chosen, or edited back to it.
    pub fn no_change(&self, question: &Question) -> bool {
        match self.progress.answers.get(&question.id).and_then(|a| a.response.as_ref()) {
            Some(Response::Schema { schema }) => {
                self.start_schema(question).as_ref() == Some(schema)
            }
            _ => false,
        }
    }

    pub fn verdict(&self, question: &str) -> Option<&Graded> {
        self.progress.verdicts.get(question)
    }

    /// How the Make migration's two directions are called: `upgrade()`/`downgrade()`, or the up and down files of a SQL pair.
    pub fn direction_labels(&self) -> (&'static str, &'static str) {
        match self.lesson.lesson.make.source {
            miglab_model::lesson::MigrationSource::Sql { .. } => ("the up file", "the down file"),
            _ => ("upgrade()", "downgrade()"),
        }
    }

    /// A stage's drafts from the agent, with their translated files, in the lesson's order.
    pub fn drafts(&self, stage: Stage) -> (&[Draft], &[LessonMigration]) {
        let lesson = &self.lesson.lesson;
        match stage {
            Stage::Modify => (&lesson.manifest.modify.drafts, &lesson.modify_drafts),
            Stage::Make => (&lesson.manifest.make.drafts, &lesson.make_drafts),
            _ => (&[], &[]),
        }
    }

    /// The learner's work with a stage's drafts (empty until they start).
    pub fn review(&self, stage: Stage) -> StageReview {
        self.progress.reviews.get(&stage).cloned().unwrap_or_default()
    }

    /// The draft `id` of `stage` with its translated file.
    pub fn draft(&self, stage: Stage, id: &str) -> Option<(&Draft, &LessonMigration)> {
        let (drafts, files) = self.drafts(stage);
        drafts.iter().zip(files).find(|(d, _)| d.id == id)
    }

    /// Why the approval cannot pass yet, as sentences; empty when the learner's confirmation matches the run on the branch.
    /// The reflection text plays no part: a gate is passed by what the engine did, never by words.
    pub fn approval_missing(&self) -> Vec<String> {
        let checks = self.progress.checks.get(&Stage::Make);
        if !checks.is_some_and(|c| !c.is_empty() && c.iter().all(|c| c.passed)) {
            return vec!["Pass every check on your migration first.".to_owned()];
        }
        let Some(run) = &self.progress.gate.run_claims else {
            return vec!["Run the checks again, so your confirmation can be compared with a run on the branch.".to_owned()];
        };
        crate::state::gate::mismatches(
            run,
            &self.progress.gate.confirmation,
            self.direction_labels(),
        )
    }

    fn unanswered(&self, stage: Stage) -> Vec<String> {
        self.questions(stage)
            .iter()
            .enumerate()
            .filter_map(|(i, q)| {
                let answer = self.answer(q);
                // An untouched schema editor is not an answer: the student edits it or says nothing changes.
                let untouched = matches!(q.kind, QuestionKind::Schema)
                    && self.progress.answers.get(&q.id).is_none_or(|a| a.response.is_none());
                // A lock answer has two parts, and both must be chosen: a part left blank is not a prediction.
                let half = matches!(
                    answer.response,
                    Some(Response::Lock { mode: None, .. } | Response::Lock { rewritten: None, .. })
                );
                if half {
                    return Some(format!(
                        "answer both parts of question {}: the lock mode and whether the table is rewritten",
                        i + 1
                    ));
                }
                match (answer.response.is_some() && !untouched, answer.confidence.is_some()) {
                    (true, true) => None,
                    (false, _) if untouched => Some(format!(
                        "answer question {}: edit the schema or choose No change from the start",
                        i + 1
                    )),
                    (false, _) => Some(format!("answer question {}", i + 1)),
                    (true, false) => Some(format!("pick a confidence for question {}", i + 1)),
                }
            })
            .collect()
    }
}

/// How a migration's two directions are called: `upgrade()`/`downgrade()`, or the up and down files of a SQL pair.
pub fn labels_of(migration: &LessonMigration) -> (&'static str, &'static str) {
    match migration.source {
        MigrationSource::Sql { .. } => ("the up file", "the down file"),
        _ => ("upgrade()", "downgrade()"),
    }
}

impl LessonState {
    /// One step of the work with the agent's drafts; what cannot happen yet says why in `submit_error`.
    fn review_action(&mut self, stage: Stage, action: ReviewAction) {
        let mut review = self.review(stage);
        let current = review.handed.last().cloned();
        let labels = current
            .as_deref()
            .and_then(|id| self.draft(stage, id))
            .map_or(("upgrade()", "downgrade()"), |(_, m)| labels_of(m));
        let open = |r: &StageReview| {
            current.as_ref().and_then(|id| r.reviews.get(id)).is_some_and(|r| !r.locked)
        };
        let mut error = None;
        match action {
            ReviewAction::Brief(brief) if !review.brief_sent => review.brief = brief,
            ReviewAction::Brief(_) => {}
            ReviewAction::SendBrief => {
                let fields = (stage == Stage::Make)
                    .then_some(self.lesson.lesson.manifest.make.fields.as_ref())
                    .flatten();
                let problems = fields
                    .map(|f| crate::state::brief_fields::check(&review.brief, f))
                    .unwrap_or_default();
                review.brief_sent = problems.is_empty();
                review.brief_problems = problems.into_iter().map(|(_, m)| m).collect();
            }
            ReviewAction::Own(own) => review.own = own,
            ReviewAction::Handed { id, statements } => {
                if review.may_ask() && !review.handed.contains(&id) {
                    review.handed.push(id.clone());
                    review
                        .reviews
                        .insert(id, draft_review::Review { statements, ..Default::default() });
                }
            }
            ReviewAction::Mark { .. }
            | ReviewAction::NoFlaw(_)
            | ReviewAction::Say { .. }
            | ReviewAction::SayRestores(_)
            | ReviewAction::Confidence(_)
                if !open(&review) => {}
            ReviewAction::Mark { line, on } => {
                if let Some(r) = current.as_ref().and_then(|id| review.reviews.get_mut(id)) {
                    if on {
                        r.marked.insert(line);
                        r.no_flaw = false;
                    } else {
                        r.marked.remove(&line);
                    }
                }
            }
            ReviewAction::NoFlaw(on) => {
                if let Some(r) = current.as_ref().and_then(|id| review.reviews.get_mut(id)) {
                    r.no_flaw = on;
                    if on {
                        r.marked.clear();
                    }
                }
            }
            ReviewAction::Say { downgrade, claim, ticked } => {
                if let Some(r) = current.as_ref().and_then(|id| review.reviews.get_mut(id)) {
                    let set = if downgrade { &mut r.said.downgrade } else { &mut r.said.upgrade };
                    if ticked {
                        set.insert(claim);
                    } else {
                        set.remove(&claim);
                    }
                }
            }
            ReviewAction::SayRestores(said) => {
                if let Some(r) = current.as_ref().and_then(|id| review.reviews.get_mut(id)) {
                    r.said.restores = Some(said);
                }
            }
            ReviewAction::Confidence(level) => {
                if let Some(r) = current.as_ref().and_then(|id| review.reviews.get_mut(id)) {
                    r.confidence = Some(level);
                }
            }
            ReviewAction::Lock => {
                if let Some(r) = current.as_ref().and_then(|id| review.reviews.get_mut(id)) {
                    let missing = draft_review::unanswered(r, labels);
                    if missing.is_empty() {
                        r.locked = true;
                    } else {
                        error =
                            Some(format!("Before you lock your review, {}.", missing.join("; ")));
                    }
                }
            }
            ReviewAction::Ran { id, run } => {
                if let Some(r) =
                    review.reviews.get_mut(&id).filter(|r| r.locked && r.decision.is_none())
                {
                    // What the approval is checked against, as for the learner's own migration.
                    if stage == Stage::Make && !self.progress.gate.approved {
                        if self.progress.gate.run_claims != run.claims {
                            self.progress.gate.confirmation = Default::default();
                        }
                        self.progress.gate.run_claims = run.claims.clone();
                    }
                    r.ran = Some(run);
                }
            }
            ReviewAction::Precondition { id, picked } => {
                if let Some(r) = current
                    .as_ref()
                    .and_then(|c| review.reviews.get_mut(c))
                    .filter(|r| r.decision.is_none())
                {
                    if picked {
                        r.preconditions.insert(id);
                    } else {
                        r.preconditions.remove(&id);
                    }
                }
            }
            ReviewAction::Decide(decision) => {
                error = self.decide(stage, &mut review, decision, labels).err();
            }
        }
        self.submit_error = error;
        self.progress.reviews.insert(stage, review);
    }

    /// The verdict on the draft on screen: graded against its run, saved with the questions' verdicts; approving the
    /// right draft passes the approval, as approving one's own migration does.
    fn decide(
        &mut self,
        stage: Stage,
        review: &mut StageReview,
        decision: Decision,
        labels: (&str, &str),
    ) -> Result<(), String> {
        let Some(id) = review.handed.last().cloned() else { return Ok(()) };
        let Some(draft) = self.draft(stage, &id).map(|(d, _)| d.clone()) else { return Ok(()) };
        let Some(r) = review.reviews.get_mut(&id).filter(|r| r.decision.is_none()) else {
            return Ok(());
        };
        if !r.locked {
            return Err(
                "Lock your review first: the verdict is graded on what you read before it ran."
                    .into(),
            );
        }
        let Some(run) = r.ran.clone() else {
            return Err("Run the draft on the branch first: the verdict is graded against what the engine did.".into());
        };
        if decision == Decision::Approve && stage == Stage::Make {
            if let Some(claims) = &self.progress.gate.run_claims {
                let missing = crate::state::gate::mismatches(
                    claims,
                    &self.progress.gate.confirmation,
                    labels,
                );
                if !missing.is_empty() {
                    return Err(format!("Not approved yet. {}", missing.join(" ")));
                }
            }
        }
        let graded = draft_review::grade(&draft, r, &run, decision, labels);
        r.decision = Some(decision);
        self.progress.verdicts.insert(draft_review::verdict_id(stage.label(), &id), graded);
        if decision == Decision::Approve && run.failed().next().is_none() && !run.checks.is_empty()
        {
            match stage {
                Stage::Make => self.progress.gate.approved = true,
                _ => {
                    self.progress.completed.insert(stage);
                }
            }
        }
        Ok(())
    }
}

impl Reducible for LessonState {
    type Action = LessonAction;

    fn reduce(self: Rc<Self>, action: LessonAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.submit_error = None;
        let progress = &mut next.progress;
        let question_stage = |id: &str| {
            Stage::ALL.into_iter().find(|s| self.questions(*s).iter().any(|q| q.id == id))
        };
        let editable = |id: &str| question_stage(id).is_some_and(|s| !self.locked(s));
        match action {
            LessonAction::Started(schema) => next.start = Some(schema),
            LessonAction::KeysChecked(disputed) => next.disputed = disputed,
            LessonAction::Go(stage) => progress.stage = Some(stage),
            LessonAction::Answer { question, response } if editable(&question) => {
                progress.answers.entry(question).or_default().response = Some(response);
            }
            LessonAction::Confidence { question, level } if editable(&question) => {
                // Only the confidence: a schema editor stays untouched, so it is still not an answer.
                progress.answers.entry(question).or_default().confidence = Some(level);
            }
            LessonAction::EditSchema { question, edit } if editable(&question) => {
                let start = self
                    .lesson
                    .questions()
                    .find(|q| q.id == question)
                    .and_then(|q| self.start_schema(q));
                let answer = progress.answers.entry(question).or_default();
                if answer.response.is_none() {
                    answer.response = start.map(|schema| Response::Schema { schema });
                }
                if let Some(Response::Schema { schema }) = &mut answer.response {
                    schema_edit::apply(schema, edit);
                }
            }
            LessonAction::NoChange { question, on } if editable(&question) => {
                let start = self
                    .lesson
                    .questions()
                    .find(|q| q.id == question)
                    .and_then(|q| self.start_schema(q));
                progress.answers.entry(question).or_default().response =
                    if on { start.map(|schema| Response::Schema { schema }) } else { None };
            }
            LessonAction::SelfAssess { question, assessment } if !editable(&question) => {
                if let Some(Response::FreeText { self_assessment, .. }) =
                    progress.answers.get_mut(&question).and_then(|a| a.response.as_mut())
                {
                    *self_assessment = Some(assessment);
                }
                // Free text is graded by the student's own rating, so the verdict follows it at once.
                if let Some(q) = self.lesson.questions().find(|q| q.id == question) {
                    progress
                        .verdicts
                        .extend(crate::state::gradable::self_assessed(q, &progress.answers));
                }
            }
            LessonAction::Answer { .. }
            | LessonAction::Confidence { .. }
            | LessonAction::EditSchema { .. }
            | LessonAction::NoChange { .. }
            | LessonAction::SelfAssess { .. } => {}
            LessonAction::Submit(stage) => {
                let missing = self.unanswered(stage);
                if missing.is_empty() {
                    // Fix the starting values of untouched editors, so what was locked is what gets graded.
                    for question in self.questions(stage) {
                        progress.answers.insert(question.id.clone(), self.answer(question));
                    }
                    progress.locked.insert(stage);
                    // Locking the predictions is the Predict stage's work, and the Investigate questions the last of
                    // Investigate's (the explanations come first): done, whichever way the student came here.
                    if matches!(stage, Stage::Predict | Stage::Investigate) {
                        progress.completed.insert(stage);
                    }
                } else {
                    next.submit_error = Some(format!("Before you submit, {}.", missing.join("; ")));
                }
            }
            LessonAction::Graded(verdicts) => {
                next.grading_error = None;
                // A key the engine contradicts grades nothing.
                for (id, graded) in
                    verdicts.into_iter().filter(|(id, _)| !self.disputed.contains_key(id))
                {
                    // Grading is a task; a free-text verdict the student set by rating their answer meanwhile is newer.
                    let self_assessed = matches!(
                        progress.answers.get(&id).and_then(|a| a.response.as_ref()),
                        Some(Response::FreeText { self_assessment: Some(_), .. })
                    );
                    if !(self_assessed && progress.verdicts.contains_key(&id)) {
                        progress.verdicts.insert(id, graded);
                    }
                }
            }
            LessonAction::GradingFailed(message) => {
                next.grading_error = Some(format!(
                "Your answers are saved and locked, but they could not be graded yet. {message}"
            ))
            }
            LessonAction::GradeAgain => {
                next.grading_error = None;
                next.grading_attempt += 1;
            }
            LessonAction::Explain { prompt, text } => {
                progress.explanations.insert(prompt, text);
            }
            LessonAction::Draft { stage, text } => {
                progress.drafts.insert(stage, text);
            }
            LessonAction::Checked { stage, results } => {
                // Modify's work is a migration that passes every check; Make needs the gate as well (below).
                if stage == Stage::Modify && !results.is_empty() && results.iter().all(|r| r.passed)
                {
                    progress.completed.insert(stage);
                }
                progress.checks.insert(stage, results);
            }
            LessonAction::Approval(text) => progress.gate.approval = text,
            LessonAction::RunClaims(claims) if !progress.gate.approved => {
                // New statements mean a changed migration: what was ticked was about another run.
                if progress.gate.run_claims != claims {
                    progress.gate.confirmation = crate::state::gate::Confirmation::default();
                }
                progress.gate.run_claims = claims;
            }
            LessonAction::Confirm { downgrade, claim, ticked } if !progress.gate.approved => {
                let set = if downgrade {
                    &mut progress.gate.confirmation.downgrade
                } else {
                    &mut progress.gate.confirmation.upgrade
                };
                if ticked {
                    set.insert(claim);
                } else {
                    set.remove(&claim);
                }
            }
            LessonAction::ConfirmRestores(said) if !progress.gate.approved => {
                progress.gate.confirmation.restores = Some(said)
            }
            LessonAction::RunClaims(_)
            | LessonAction::Confirm { .. }
            | LessonAction::ConfirmRestores(_) => {}
            LessonAction::Approve => {
                let missing = next.approval_missing();
                if missing.is_empty() {
                    next.progress.gate.approved = true;
                } else {
                    next.submit_error = Some(format!("Not approved yet. {}", missing.join(" ")));
                }
            }
            LessonAction::Guarded { refused } if progress.gate.refused.is_none() => {
                match progress.gate.refusal_confidence {
                    Some(confidence) => {
                        progress.gate.refused = Some(refused);
                        let graded = crate::state::gate::grade_refusal(
                            refused,
                            &progress.gate.preconditions,
                            confidence,
                        );
                        progress.verdicts.insert(REFUSAL.to_owned(), graded);
                    }
                    // No grade without a chosen confidence; the guard's buttons wait for it, so this is only a fallback.
                    None => {
                        next.submit_error = Some(
                            "Pick a confidence for your answer to the destructive migration first."
                                .to_owned(),
                        )
                    }
                }
            }
            LessonAction::Guarded { .. } => {}
            LessonAction::Refusal(text) if progress.gate.refused.is_none() => {
                progress.gate.refusal = text
            }
            LessonAction::Precondition { id, picked } if progress.gate.refused.is_none() => {
                if picked {
                    progress.gate.preconditions.insert(id);
                } else {
                    progress.gate.preconditions.remove(&id);
                }
            }
            LessonAction::RefusalConfidence(level) if progress.gate.refused.is_none() => {
                progress.gate.refusal_confidence = Some(level)
            }
            LessonAction::Refusal(_)
            | LessonAction::Precondition { .. }
            | LessonAction::RefusalConfidence(_) => {}
            LessonAction::Complete(stage) => {
                progress.completed.insert(stage);
                progress.stage = stage.next().or(Some(stage));
            }
            LessonAction::Done(stage) => {
                progress.completed.insert(stage);
            }
            LessonAction::LastRun(last) => progress.last_run = last,
            LessonAction::Review { stage, action } => next.review_action(stage, action),
        }
        // The gate passes with a written approval and, where the lesson has one, an answer to the destructive migration.
        let gate = &next.progress.gate;
        if gate.approved && (next.lesson.lesson.refuse.is_none() || gate.refused.is_some()) {
            next.progress.completed.insert(Stage::Make);
        }
        next.into()
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::fixture;

    fn state() -> Rc<LessonState> {
        let state = Rc::new(LessonState::new(
            Rc::new(fixture::confidence_score()),
            LessonProgress::default(),
        ));
        state.reduce(LessonAction::Started(fixture::expenses()))
    }

    fn answer_all(mut state: Rc<LessonState>) -> Rc<LessonState> {
        for question in state.lesson.predict.clone() {
            let response = match &question.kind {
                QuestionKind::Value => Some(Response::Value { value: None }),
                QuestionKind::Choice { .. } => {
                    Some(Response::Choice { selected: vec!["no".into()] })
                }
                _ => None,
            };
            if let Some(response) = response {
                state =
                    state.reduce(LessonAction::Answer { question: question.id.clone(), response });
            }
            if matches!(question.kind, QuestionKind::Schema) {
                state = state
                    .reduce(LessonAction::NoChange { question: question.id.clone(), on: true });
            }
            state = state.reduce(LessonAction::Confidence {
                question: question.id.clone(),
                level: Confidence::MAX,
            });
        }
        state
    }

    #[test]
    fn submit_locks_ok() {
        let state = answer_all(state()).reduce(LessonAction::Submit(Stage::Predict));
        assert!(state.locked(Stage::Predict), "{:?}", state.submit_error);
        let id = state.lesson.predict[0].id.clone();
        let before = state.progress.answers.get(&id).cloned();
        let state =
            state.reduce(LessonAction::Confidence { question: id.clone(), level: Confidence::MIN });
        assert_eq!(
            state.progress.answers.get(&id).cloned(),
            before,
            "a locked answer never changes"
        );
    }

    #[test]
    fn grading_failure_stays_until_graded_ok() {
        let state =
            state().reduce(LessonAction::GradingFailed("The analyzer could not load.".into()));
        let state = state.reduce(LessonAction::Go(Stage::Run));
        assert!(
            state.grading_error.as_deref().is_some_and(|e| e.contains("could not load")),
            "other actions keep the message"
        );
        let state = state.reduce(LessonAction::GradeAgain);
        assert_eq!((state.grading_error.as_ref(), state.grading_attempt), (None, 1));
        let state = state
            .reduce(LessonAction::GradingFailed("again".into()))
            .reduce(LessonAction::Graded(vec![]));
        assert!(state.grading_error.is_none());
    }

    #[test]
    fn late_grades_keep_a_newer_self_assessment_ok() {
        let mut progress = LessonProgress::default();
        let free_text = |assessment| crate::state::progress::Answer {
            response: Some(Response::FreeText {
                text: "it rewrites".into(),
                self_assessment: assessment,
            }),
            confidence: Some(Confidence::MAX),
        };
        progress.answers.insert("why".into(), free_text(Some(SelfAssessment::Matches)));
        let rated = Graded::new(vec![], 1.0, Confidence::MAX);
        progress.verdicts.insert("why".into(), rated.clone());
        let state = Rc::new(LessonState::new(Rc::new(fixture::confidence_score()), progress));
        // A batch that started before the rating arrives with the free-text answer still unrated.
        let stale = Graded::new(vec![], 0.0, Confidence::MAX);
        let state = state.reduce(LessonAction::Graded(vec![
            ("why".into(), stale.clone()),
            ("other".into(), stale.clone()),
        ]));
        assert_eq!(state.progress.verdicts.get("why"), Some(&rated));
        assert_eq!(state.progress.verdicts.get("other"), Some(&stale));
    }

    #[test]
    fn untouched_schema_is_not_an_answer_err() {
        let id = state().lesson.predict[0].id.clone();
        let state = answer_all(state())
            .reduce(LessonAction::NoChange { question: id.clone(), on: false })
            .reduce(LessonAction::Submit(Stage::Predict));
        assert!(!state.locked(Stage::Predict));
        assert_eq!(state.submit_error.as_deref(), Some("Before you submit, answer question 1: edit the schema or choose No change from the start."));
        // A confidence alone does not fill the editor in either.
        let question = state.lesson.predict[0].clone();
        assert!(state.progress.answers[&id].response.is_none() && !state.no_change(&question));
    }

    #[test]
    fn no_change_is_an_answer_ok() {
        let state = answer_all(state());
        let question = state.lesson.predict[0].clone();
        assert!(state.no_change(&question));
        let start = state.start_schema(&question).expect("the engine's schema");
        assert!(
            matches!(&state.progress.answers[&question.id].response, Some(Response::Schema { schema }) if *schema == start)
        );
        assert!(
            start.tables.iter().all(|t| t.row_count.is_none()),
            "row counts are not part of a schema answer"
        );
        let state = state.reduce(LessonAction::Submit(Stage::Predict));
        assert!(state.locked(Stage::Predict), "{:?}", state.submit_error);
        assert!(
            state.progress.completed.contains(&Stage::Predict),
            "locking the predictions completes Predict"
        );
    }

    #[test]
    fn edit_after_confidence_ok() {
        let id = state().lesson.predict[0].id.clone();
        let state = state()
            .reduce(LessonAction::Confidence { question: id.clone(), level: Confidence::MIN })
            .reduce(LessonAction::EditSchema {
                question: id.clone(),
                edit: SchemaEdit::AddColumn { table: 0 },
            });
        let question = state.lesson.predict[0].clone();
        assert!(!state.no_change(&question), "an edited schema is its own answer");
        assert!(
            matches!(&state.progress.answers[&id].response, Some(Response::Schema { schema }) if schema.tables[0].column("new_column").is_some())
        );
    }

    #[test]
    fn modify_checks_passing_complete_modify_ok() {
        let passed = |passed| {
            vec![CheckResult {
                name: "round trip".into(),
                passed,
                detail: String::new(),
                lines: None,
            }]
        };
        let state =
            state().reduce(LessonAction::Checked { stage: Stage::Modify, results: passed(false) });
        assert!(!state.progress.completed.contains(&Stage::Modify));
        let state =
            state.reduce(LessonAction::Checked { stage: Stage::Modify, results: passed(true) });
        assert!(state.progress.completed.contains(&Stage::Modify));
        assert_eq!(state.stage(), Stage::Predict, "done is not a move");
    }

    #[test]
    fn submit_incomplete_err() {
        let state = state().reduce(LessonAction::Submit(Stage::Predict));
        assert!(!state.locked(Stage::Predict));
        assert_eq!(
            state.submit_error.as_deref(),
            Some("Before you submit, answer question 1: edit the schema or choose No change from the start; answer question 2; answer question 3; pick a confidence for question 4.")
        );
    }

    #[test]
    fn schema_edit_starts_from_before_ok() {
        let id = state().lesson.predict[0].id.clone();
        let state = state().reduce(LessonAction::EditSchema {
            question: id.clone(),
            edit: SchemaEdit::AddColumn { table: 0 },
        });
        let schema = match &state.progress.answers[&id].response {
            Some(Response::Schema { schema }) => Some(schema),
            _ => None,
        };
        let table = &schema.expect("a schema answer").tables[0];
        assert!(table.column("amount").is_some() && table.column("new_column").is_some());
    }

    #[test]
    fn approve_without_checks_err() {
        let state = state()
            .reduce(LessonAction::Approval(
                "upgrade() adds; downgrade() drops; tested on a branch".into(),
            ))
            .reduce(LessonAction::Approve);
        assert!(!state.progress.gate.approved);
        assert!(
            state.submit_error.as_deref().is_some_and(|e| e.contains("Pass every check")),
            "{:?}",
            state.submit_error
        );
    }

    fn checked_make() -> Rc<LessonState> {
        let before = fixture::expenses();
        let mut after = before.clone();
        after.tables[0].columns.push(miglab_model::schema::Column {
            name: "reconciler_run_id".into(),
            data_type: "uuid".into(),
            not_null: false,
            default: None,
        });
        let passed = CheckResult {
            name: "upgrade() runs".into(),
            passed: true,
            detail: String::new(),
            lines: None,
        };
        state().reduce(LessonAction::Checked { stage: Stage::Make, results: vec![passed] }).reduce(
            LessonAction::RunClaims(Some(crate::state::gate::RunClaims::from_run(
                &before,
                &after,
                Some(&before),
            ))),
        )
    }

    fn tick(state: Rc<LessonState>, downgrade: bool, which: &str) -> Rc<LessonState> {
        let claims = state.progress.gate.run_claims.clone().expect("claims");
        let list = if downgrade { claims.downgrade } else { claims.upgrade };
        let claim =
            list.iter().find(|c| c.text.starts_with(which)).expect("a statement").id.clone();
        state.reduce(LessonAction::Confirm { downgrade, claim, ticked: true })
    }

    #[test]
    fn approve_with_the_run_ok() {
        let state = tick(tick(checked_make(), false, "adds the column"), true, "drops the column")
            .reduce(LessonAction::ConfirmRestores(true));
        let state =
            state.reduce(LessonAction::Approval(String::new())).reduce(LessonAction::Approve);
        assert!(state.progress.gate.approved, "{:?}", state.submit_error);
    }

    #[test]
    fn approve_with_a_wrong_confirmation_err() {
        // Written words cannot open the gate; only ticks that match the run can.
        let state = tick(tick(checked_make(), false, "drops the column"), true, "drops the column")
            .reduce(LessonAction::ConfirmRestores(true));
        let state = state.reduce(LessonAction::Approval("I read this. upgrade() adds reconciler_run_id; downgrade() drops it; tested on a branch.".into())).reduce(LessonAction::Approve);
        assert!(!state.progress.gate.approved);
        assert_eq!(state.submit_error.as_deref(), Some("Not approved yet. Under upgrade(), you ticked 1 statement that the run did not do, and left out 1 statement that it did."));
    }

    #[test]
    fn new_run_clears_the_confirmation_ok() {
        let state = tick(checked_make(), false, "adds the column");
        let state =
            state.reduce(LessonAction::RunClaims(Some(crate::state::gate::RunClaims::default())));
        assert!(state.progress.gate.confirmation.upgrade.is_empty());
    }

    #[test]
    fn refusal_needs_confidence_err() {
        let state = state()
            .reduce(LessonAction::Refusal("I need no backup".into()))
            .reduce(LessonAction::Guarded { refused: true });
        assert_eq!(state.progress.gate.refused, None, "no grade without a chosen confidence");
        let state = state
            .reduce(LessonAction::RefusalConfidence(Confidence::MAX))
            .reduce(LessonAction::Guarded { refused: true });
        let verdict = state.verdict(REFUSAL).expect("graded");
        assert!(!verdict.correct, "a reflection that names every word still picks no precondition");
    }

    #[test]
    fn refusal_with_all_three_ok() {
        let mut state = state().reduce(LessonAction::RefusalConfidence(Confidence::MAX));
        for id in ["branch", "backup", "approval"] {
            state = state.reduce(LessonAction::Precondition { id: id.into(), picked: true });
        }
        let state = state.reduce(LessonAction::Guarded { refused: true });
        assert!(state.verdict(REFUSAL).is_some_and(|v| v.correct));
        let after = state.reduce(LessonAction::Precondition { id: "branch".into(), picked: false });
        assert!(
            after.progress.gate.preconditions.contains("branch"),
            "a decided refusal never changes"
        );
    }

    fn review(state: Rc<LessonState>, action: ReviewAction) -> Rc<LessonState> {
        state.reduce(LessonAction::Review { stage: Stage::Make, action })
    }

    fn right_brief() -> crate::state::brief_fields::Brief {
        crate::state::brief_fields::Brief {
            sentence: "Link each expense to the reconciler run that matched it.".into(),
            table: "expenses".into(),
            column: "reconciler_run_id".into(),
            data_type: "UUID".into(),
            nullable: Some(true),
            index: Some(false),
        }
    }

    /// The brief sent and the first draft (the empty `downgrade()`) handed over.
    fn handed() -> Rc<LessonState> {
        let state = review(state(), ReviewAction::Brief(right_brief()));
        let state = review(state, ReviewAction::SendBrief);
        assert!(state.review(Stage::Make).brief_sent, "{:?}", state.submit_error);
        let next =
            draft_review::next_draft(state.drafts(Stage::Make).0, &state.review(Stage::Make));
        let id = next.expect("a draft").id.clone();
        assert_eq!(id, "empty-downgrade");
        let statements = draft_review::statements(
            &fixture::expenses(),
            &fixture::expenses_with_column("reconciler_run_id").tables,
        );
        review(state, ReviewAction::Handed { id, statements })
    }

    fn say(state: Rc<LessonState>, downgrade: bool, text: &str) -> Rc<LessonState> {
        let (_, r) = state
            .review(Stage::Make)
            .current()
            .map(|(i, r)| (i.to_owned(), r.clone()))
            .expect("a draft");
        let list = if downgrade { &r.statements.downgrade } else { &r.statements.upgrade };
        let claim = list.iter().find(|c| c.text.starts_with(text)).expect(text).id.clone();
        review(state, ReviewAction::Say { downgrade, claim, ticked: true })
    }

    fn ran(state: Rc<LessonState>, id: &str, restores: bool) -> Rc<LessonState> {
        let before = fixture::expenses();
        let after = fixture::expenses_with_column("reconciler_run_id");
        let back = if restores { before.clone() } else { after.clone() };
        let check = |name: &str, passed| CheckResult {
            name: name.into(),
            passed,
            detail: "said so.".into(),
            lines: None,
        };
        let run = draft_review::DraftRun {
            checks: vec![check("upgrade() runs", true), check("round trip", restores)],
            claims: Some(crate::state::gate::RunClaims::from_run(&before, &after, Some(&back))),
            ..Default::default()
        };
        review(state, ReviewAction::Ran { id: id.into(), run })
    }

    #[test]
    fn wrong_brief_names_each_field_err() {
        let brief = crate::state::brief_fields::Brief {
            data_type: "varchar(40)".into(),
            index: Some(true),
            ..right_brief()
        };
        let state = review(review(state(), ReviewAction::Brief(brief)), ReviewAction::SendBrief);
        assert!(!state.review(Stage::Make).brief_sent);
        let error = state.review(Stage::Make).brief_problems.join(" ");
        assert!(
            error.contains("The type `varchar(40)`") && error.contains("\"does it get an index?\""),
            "{error}"
        );
    }

    #[test]
    fn blank_review_does_not_lock_err() {
        let state = review(handed(), ReviewAction::Lock);
        assert!(
            state
                .submit_error
                .as_deref()
                .is_some_and(|e| e.starts_with("Before you lock your review, mark the line")),
            "{:?}",
            state.submit_error
        );
        let state = review(state, ReviewAction::Decide(Decision::Refuse));
        assert!(state.review(Stage::Make).current().is_some_and(|(_, r)| r.decision.is_none()));
        assert!(state.progress.verdicts.is_empty(), "a blank review earns no verdict");
    }

    #[test]
    fn missed_flaw_then_right_draft_passes_the_gate_ok() {
        // The flaw missed at full confidence: no line, the upgrade read right, approved.
        let state = say(handed(), false, "adds the column");
        let state = review(state, ReviewAction::NoFlaw(true));
        let state = review(state, ReviewAction::SayRestores(false));
        let state = review(state, ReviewAction::Confidence(Confidence::MAX));
        let state = review(state, ReviewAction::Lock);
        assert_eq!(state.submit_error, None);
        let state = review(state, ReviewAction::Decide(Decision::Approve));
        assert!(state.submit_error.as_deref().is_some_and(|e| e.starts_with("Run the draft")));
        let state = ran(state, "empty-downgrade", false);
        // The approval confirms what the engine did, as for the learner's own migration.
        let claim = state
            .progress
            .gate
            .run_claims
            .as_ref()
            .expect("claims")
            .upgrade
            .iter()
            .find(|c| c.happened)
            .expect("a change")
            .id
            .clone();
        let state = state
            .reduce(LessonAction::Confirm { downgrade: false, claim, ticked: true })
            .reduce(LessonAction::ConfirmRestores(false));
        let state = review(state, ReviewAction::Decide(Decision::Approve));
        assert_eq!(state.submit_error, None);
        let verdict = state.verdict("make-draft:empty-downgrade").expect("graded");
        assert!(!verdict.correct && verdict.credit == 0.0 && verdict.cbm < 0.0, "{verdict:?}");
        assert!(!state.progress.gate.approved, "a flawed draft never passes the gate");
        // The agent hands over the right draft next, and approving it passes the approval.
        let next =
            draft_review::next_draft(state.drafts(Stage::Make).0, &state.review(Stage::Make))
                .expect("another")
                .id
                .clone();
        assert_eq!(next, "right");
        let statements = state.review(Stage::Make).reviews["empty-downgrade"].statements.clone();
        let state = review(state, ReviewAction::Handed { id: next, statements });
        let state = say(say(state, false, "adds the column"), true, "drops the column");
        let state = review(state, ReviewAction::NoFlaw(true));
        let state = review(state, ReviewAction::SayRestores(true));
        let state = review(state, ReviewAction::Confidence(Confidence::new(4).expect("4")));
        let state = ran(review(state, ReviewAction::Lock), "right", true);
        let run = state.progress.gate.run_claims.clone().expect("claims");
        let mut state = state;
        for (downgrade, list) in [(false, &run.upgrade), (true, &run.downgrade)] {
            for c in list.iter().filter(|c| c.happened) {
                state = state.reduce(LessonAction::Confirm {
                    downgrade,
                    claim: c.id.clone(),
                    ticked: true,
                });
            }
        }
        let state = review(
            state.reduce(LessonAction::ConfirmRestores(true)),
            ReviewAction::Decide(Decision::Approve),
        );
        assert!(state.verdict("make-draft:right").is_some_and(|v| v.correct));
        assert!(state.progress.gate.approved);
        assert!(
            state.progress.completed.contains(&Stage::Make),
            "the fixture has no migration to refuse"
        );
    }

    #[test]
    fn found_flaw_refused_ok() {
        let state = say(handed(), false, "adds the column");
        let state = review(state, ReviewAction::Mark { line: 17, on: true });
        let state = review(state, ReviewAction::SayRestores(false));
        let state = review(state, ReviewAction::Confidence(Confidence::MAX));
        let state = ran(review(state, ReviewAction::Lock), "empty-downgrade", false);
        // A locked review never changes.
        let state = review(state, ReviewAction::Mark { line: 3, on: true });
        let state = review(state, ReviewAction::Decide(Decision::Refuse));
        let verdict = state.verdict("make-draft:empty-downgrade").expect("graded");
        assert!(verdict.correct, "{verdict:?}");
        assert_eq!(
            state.review(Stage::Make).reviews["empty-downgrade"]
                .marked
                .iter()
                .copied()
                .collect::<Vec<_>>(),
            [17]
        );
        // A decided verdict never changes.
        let again = review(state.clone(), ReviewAction::Decide(Decision::Approve));
        assert_eq!(again.verdict("make-draft:empty-downgrade"), Some(verdict));
    }
}
