//! Modify and Make: the brief, the student's migration in an editor, a pass/fail line per check, and for Make the gate.

use crate::components::code_editor::CodeEditor;
use crate::components::confidence::ConfidencePicker;
use crate::components::grade_view::VerdictView;
use crate::components::guard_view::GuardView;
use crate::components::migration_view::MigrationView;
use crate::components::questions_view::QuestionsView;
use crate::components::schema_diff_view::SchemaDiffView;
use crate::state::drop_guard::{Decision, GuardState};
use crate::state::gate::{Claim, PRECONDITIONS};
use crate::state::lesson_model::Stage;
use crate::state::lesson_state::{LessonAction, LessonState, REFUSAL};
use crate::state::practice_checks;
use crate::state::progress::CheckResult;
use crate::state::run_state::RunState;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub stage: Stage,
    pub state: UseReducerHandle<LessonState>,
    pub guard: UseReducerHandle<GuardState>,
    pub run: UseReducerHandle<RunState>,
    /// Runs the student's migration (the editor's text) and its checks.
    pub on_check: Callback<(Stage, String)>,
    /// Arms the drop guard on the lesson's own destructive migration.
    pub on_guard_arm: Callback<()>,
    /// After the guard let it through: runs the lesson's destructive migration on the branch.
    pub on_guard_proceed: Callback<()>,
    pub on_guard_branch: Callback<()>,
    pub on_guard_backup: Callback<()>,
    /// Asks the agent for its next draft.
    pub on_hand: Callback<Stage>,
    /// Runs the agent's draft on screen on the branch.
    pub on_run_draft: Callback<Stage>,
    pub busy: bool,
}

#[function_component]
pub fn PracticeView(props: &Props) -> Html {
    let state = &props.state;
    let stage = props.stage;
    let lesson = &state.lesson.lesson;
    let m = &lesson.manifest;
    let (brief, solution, start) = match stage {
        Stage::Modify => (&m.modify.brief, &lesson.modify, &m.modify.start),
        _ => (&m.make.brief, &lesson.make, &m.make.start),
    };
    let parent = lesson.plan(start).ok().and_then(|p| p.end);
    let text = state.progress.drafts.get(&stage).cloned().unwrap_or_else(|| {
        practice_checks::starter(
            solution.id(),
            parent.as_deref(),
            brief.lines().next().unwrap_or("").trim_end_matches('.'),
        )
    });
    let d = state.dispatcher().to_callback();
    let on_change = d.reform(move |text| LessonAction::Draft { stage, text });
    let checks = state.progress.checks.get(&stage).cloned().unwrap_or_default();
    let passed = !checks.is_empty() && checks.iter().all(|c| c.passed);
    let run_checks = props.on_check.reform({
        let text = text.clone();
        move |_: MouseEvent| (stage, text.clone())
    });
    let questions_locked = state.questions(stage).is_empty() || state.locked(stage);
    // Make with the agent's drafts (Modify keeps the learner's own migration for now); "write it myself" keeps the editor.
    let has_drafts = stage == Stage::Make && !state.drafts(stage).0.is_empty();
    let with_agent = has_drafts && !state.review(stage).own;
    if questions_locked && with_agent {
        return html! {
            <section class="practice">
                <div class="brief"><h3>{ "The brief (mastery gate)" }</h3>{ crate::components::markdown::render(brief) }</div>
                <QuestionsView {stage} state={state.clone()} />
                <crate::components::draft_review_view::DraftReviewView {stage} state={state.clone()} run={props.run.clone()} on_hand={props.on_hand.clone()} on_run={props.on_run_draft.clone()} busy={props.busy} />
                if !props.guard.lesson {
                    <GuardView guard={props.guard.clone()} on_branch={props.on_guard_branch.clone()} on_backup={props.on_guard_backup.clone()} on_decided={Callback::noop()} />
                }
                { refuse_section(props) }
            </section>
        };
    }
    html! {
        <section class="practice">
            <div class="brief"><h3>{ if stage == Stage::Make { "The brief (mastery gate)" } else { "The change" } }</h3>{ crate::components::markdown::render(brief) }</div>
            <QuestionsView {stage} state={state.clone()} />
            if questions_locked {
                <h3>{ "Your migration" }</h3>
                if has_drafts {
                    <p><button type="button" onclick={d.reform(move |_: MouseEvent| LessonAction::Review { stage, action: crate::state::draft_review::ReviewAction::Own(false) })}>{ "Back to the agent's drafts" }</button></p>
                }
                <p class="muted">{ format!("It revises {} and runs on the branch from there. Escape leaves the editor.", parent.as_deref().unwrap_or("the starting database")) }</p>
                <CodeEditor key={stage.label()} value={text} language="python" label={format!("Your {} migration", stage.label())} {on_change} mark={checks.iter().find_map(|c| c.lines)} />
                <div class="toolbar">
                    <button type="button" class="primary" disabled={props.busy} onclick={run_checks}>{ "Run upgrade, downgrade, upgrade and check" }</button>
                </div>
                { run_results(stage, &checks, &props.run, "Your migration") }
                if passed && stage == Stage::Modify { <p class="right" role="status">{ "Every check passes." }</p> }
                // The student's own destructive draft meets the same guard; that decision is theirs to act on, not graded.
                if !props.guard.lesson {
                    <GuardView guard={props.guard.clone()} on_branch={props.on_guard_branch.clone()} on_backup={props.on_guard_backup.clone()} on_decided={Callback::noop()} />
                }
                if stage == Stage::Modify && passed {
                    <button type="button" onclick={d.reform(|_: MouseEvent| LessonAction::Complete(Stage::Modify))}>{ "Done: go to Make" }</button>
                }
                if stage == Stage::Make { { gate(props, passed) } }
            }
        </section>
    }
}

fn gate(props: &Props, passed: bool) -> Html {
    let state = &props.state;
    let lesson = &state.lesson.lesson;
    let approval = &lesson.manifest.make.approval;
    let gate = &state.progress.gate;
    let d = state.dispatcher().to_callback();
    let on_reflection = d.reform(|e: InputEvent| {
        LessonAction::Approval(e.target_unchecked_into::<HtmlTextAreaElement>().value())
    });
    let approve = d.reform(|_: MouseEvent| LessonAction::Approve);
    let (up, down) = state.direction_labels();
    html! {
        <>
            <section class="approval" aria-labelledby="approval-heading">
                <h3 id="approval-heading">{ "Approve your migration" }</h3>
                <p>{ format!("Confirm what your migration did on the branch. Tick each statement that is true of the last run of your checks, under {up} and under {down}. The approval passes only when your ticks match what the engine did.") }</p>
                if let Some(run) = &gate.run_claims {
                    { claim_list(state, false, &format!("What {up} did"), &run.upgrade) }
                    if !run.downgrade.is_empty() { { claim_list(state, true, &format!("What {down} did"), &run.downgrade) } }
                    { restores_question(state, down) }
                } else {
                    <p class="muted">{ "Run the checks first: the statements to confirm come from that run on the branch." }</p>
                }
                <label for="approval-reflection">{ "Your reflection, in your own words (kept with your progress, never what passes the gate)" }</label>
                <p class="muted">{ "A shape to follow: " }<q>{ &approval.template }</q></p>
                <textarea id="approval-reflection" rows="3" value={gate.approval.clone()} oninput={on_reflection} disabled={gate.approved} />
                if gate.approved {
                    <p class="right" role="status">{ "Approved. Your migration passed every check, and what you confirmed matches what it did on the branch." }</p>
                } else {
                    <button type="button" class="primary" disabled={!passed} onclick={approve}>{ "Approve" }</button>
                    if !passed { <span class="muted">{ " Pass every check first." }</span> }
                    if let Some(error) = &state.submit_error { <p class="error" role="alert">{ crate::components::markdown::render_inline(error) }</p> }
                }
            </section>
            { refuse_section(props) }
        </>
    }
}

/// The lesson's destructive migration to refuse, with the drop guard: the same whether the learner approved their own
/// migration or the agent's draft.
fn refuse_section(props: &Props) -> Html {
    let state = &props.state;
    let lesson = &state.lesson.lesson;
    let gate = &state.progress.gate;
    let d = state.dispatcher().to_callback();
    let on_decided = {
        let (d, proceed) = (d.clone(), props.on_guard_proceed.clone());
        Callback::from(move |refused: bool| {
            d.emit(LessonAction::Guarded { refused });
            if !refused {
                proceed.emit(());
            }
        })
    };
    let decide_blocked = gate.refusal_confidence.is_none().then(|| {
        AttrValue::from(
            "Pick a confidence for your answer first: neither answer is recorded without one.",
        )
    });
    let decided = gate.refused.is_some();
    html! {
        <>
            if let (Some(refuse), Some(migration)) = (&lesson.manifest.make.refuse, &lesson.refuse) {
                <section class="refuse" aria-labelledby="refuse-heading">
                    <h3 id="refuse-heading">{ "A second migration arrives" }</h3>
                    { crate::components::markdown::render(&refuse.prompt) }
                    <MigrationView migration={migration.clone()} />
                    if !decided && (!props.guard.lesson || props.guard.threats.is_empty()) {
                        <button type="button" disabled={props.busy} onclick={props.on_guard_arm.reform(|_: MouseEvent| ())}>{ "Run its upgrade on the branch" }</button>
                    }
                    // With no threats the guard draws nothing, so a failure to read the migration is said here.
                    if props.guard.threats.is_empty() {
                        if let Some(error) = &props.guard.error { <p class="error" role="alert">{ crate::components::markdown::render_inline(error) }</p> }
                    }
                    <fieldset class="preconditions-picked" disabled={decided}>
                        <legend>{ "What do you need before it may run? Pick each precondition you would demand." }</legend>
                        { for PRECONDITIONS.iter().map(|p| {
                            let (id, key) = (format!("precondition-{}", p.id), p.id.to_owned());
                            let onchange = d.reform(move |e: Event| LessonAction::Precondition { id: key.clone(), picked: e.target_unchecked_into::<HtmlInputElement>().checked() });
                            html! {
                                <div class="check">
                                    <input type="checkbox" id={id.clone()} checked={gate.preconditions.contains(p.id)} {onchange} />
                                    <label for={id}>{ crate::components::markdown::render_inline(p.text) }</label>
                                </div>
                            }
                        }) }
                    </fieldset>
                    <label for="refusal-text">{ "Your reasons, in your own words (a reflection, not graded)" }</label>
                    <textarea id="refusal-text" rows="3" value={gate.refusal.clone()} disabled={decided} oninput={d.reform(|e: InputEvent| LessonAction::Refusal(e.target_unchecked_into::<HtmlTextAreaElement>().value()))} />
                    <ConfidencePicker name="refusal-confidence" value={gate.refusal_confidence} disabled={decided} on_change={d.reform(LessonAction::RefusalConfidence)} />
                    if props.guard.lesson {
                        <GuardView guard={props.guard.clone()} on_branch={props.on_guard_branch.clone()} on_backup={props.on_guard_backup.clone()} on_decided={on_decided} {decide_blocked} />
                    }
                    if props.guard.decision == Some(Decision::Proceeded) {
                        if let Some(last) = props.run.last() {
                            if let Some(f) = &last.failure { <crate::components::failure_view::FailureView failure={f.clone()} /> }
                            <SchemaDiffView before={last.before.clone()} after={last.after.clone()} caption="What the destructive migration did on the branch" />
                        }
                    }
                    if let Some(verdict) = state.verdict(REFUSAL) {
                        <VerdictView graded={verdict.clone()} />
                        <details aria-label="The model refusal"><summary>{ "The model refusal" }</summary>{ crate::components::markdown::render(&refuse.model_answer) }</details>
                    }
                </section>
            }
        </>
    }
}

/// The checks, one line each, and what the checked runs did on the branch (schema diff, rows, lock timeline);
/// `who` names the migration in the captions ("Your migration", "The draft").
pub(crate) fn run_results(stage: Stage, checks: &[CheckResult], run: &RunState, who: &str) -> Html {
    html! {
        <>
            if !checks.is_empty() {
                <ul class="checks" aria-label="Checks">
                    { for checks.iter().map(|c| html! {
                        <li class={if c.passed { "pass" } else { "fail" }}>
                            <strong><span aria-hidden="true">{ if c.passed { "✓ " } else { "✗ " } }</span>{ if c.passed { "pass: " } else { "fail: " } }{ crate::components::markdown::render_inline(&c.name) }</strong>{ " — " }{ crate::components::markdown::render_inline(&c.detail) }
                        </li>
                    }) }
                </ul>
            }
            // What the check's runs did on the branch, rows included, whether they passed or not.
            if let Some((ran, records)) = &run.practice {
                if *ran == stage {
                    { for records.iter().take(2).map(|r| html! {
                        <>
                            <SchemaDiffView before={r.before.clone()} after={r.after.clone()} caption={format!("{who} on the branch: `{}`{}", r.command, if r.failure.is_some() { " (failed and rolled back)" } else { "" })} />
                            if let Some(trace) = &r.trace {
                                <crate::components::lock_timeline_view::LockTimeline trace={(**trace).clone()} command={format!("{}'s `{}`", who.to_lowercase(), r.command)} />
                            }
                        </>
                    }) }
                }
            }
        </>
    }
}

/// The round-trip question of the approval: does `downgrade()` give back the start.
pub(crate) fn restores_question(state: &UseReducerHandle<LessonState>, down: &str) -> Html {
    let gate = &state.progress.gate;
    let d = state.dispatcher().to_callback();
    html! {
        <fieldset class="restores" disabled={gate.approved}>
            <legend>{ format!("Does {down} give back the starting schema and rows?") }</legend>
            { for [(true, "Yes"), (false, "No")].into_iter().map(|(value, text)| {
                let id = format!("restores-{text}");
                html! {
                    <div class="check">
                        <input type="radio" name="restores" id={id.clone()} checked={gate.confirmation.restores == Some(value)} onchange={d.reform(move |_: Event| LessonAction::ConfirmRestores(value))} />
                        <label for={id}>{ text }</label>
                    </div>
                }
            }) }
        </fieldset>
    }
}

/// One direction's statements as checkboxes, in the fixed order `gate::claims` gives.
pub(crate) fn claim_list(
    state: &UseReducerHandle<LessonState>,
    downgrade: bool,
    legend: &str,
    claims: &[Claim],
) -> Html {
    let gate = &state.progress.gate;
    let ticked = if downgrade { &gate.confirmation.downgrade } else { &gate.confirmation.upgrade };
    let d = state.dispatcher().to_callback();
    html! {
        <fieldset class="claims" disabled={gate.approved}>
            <legend>{ legend }</legend>
            { for claims.iter().enumerate().map(|(i, c)| {
                let id = format!("claim-{}-{i}", if downgrade { "down" } else { "up" });
                let claim = c.id.clone();
                let onchange = d.reform(move |e: Event| LessonAction::Confirm { downgrade, claim: claim.clone(), ticked: e.target_unchecked_into::<HtmlInputElement>().checked() });
                html! {
                    <div class="check">
                        <input type="checkbox" id={id.clone()} checked={ticked.contains(&c.id)} {onchange} />
                        <label for={id}>{ crate::components::markdown::render_inline(&c.text) }</label>
                    </div>
                }
            }) }
        </fieldset>
    }
}
