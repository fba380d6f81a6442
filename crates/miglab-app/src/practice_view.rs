//! Modify and Make: the brief, the student's migration in an editor, a pass/fail line per check, and for Make the gate.

use crate::actions::LessonActions;
use crate::code_editor::CodeEditor;
use crate::confidence::ConfidencePicker;
use crate::drop_guard::{Decision, GuardState};
use crate::run_state::RunState;
use crate::schema_diff_view::SchemaDiffView;
use crate::grade_view::VerdictView;
use crate::guard_view::GuardView;
use crate::lesson_state::{LessonAction, LessonState, REFUSAL};
use crate::lesson_view::Stage;
use crate::migration_view::MigrationView;
use crate::practice;
use crate::questions_view::QuestionsView;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub stage: Stage,
    pub state: UseReducerHandle<LessonState>,
    pub guard: UseReducerHandle<GuardState>,
    pub run: UseReducerHandle<RunState>,
    pub actions: LessonActions,
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
    let text = state.progress.drafts.get(&stage).cloned().unwrap_or_else(|| practice::starter(solution.id(), parent.as_deref(), brief.lines().next().unwrap_or("").trim_end_matches('.')));
    let d = state.dispatcher().to_callback();
    let on_change = d.reform(move |text| LessonAction::Draft { stage, text });
    let checks = state.progress.checks.get(&stage).cloned().unwrap_or_default();
    let passed = !checks.is_empty() && checks.iter().all(|c| c.passed);
    let run_checks = props.actions.practice.reform({
        let text = text.clone();
        move |_: MouseEvent| (stage, text.clone())
    });
    let questions_locked = state.questions(stage).is_empty() || state.locked(stage);
    html! {
        <section class="practice">
            <div class="brief"><h3>{ if stage == Stage::Make { "The brief (mastery gate)" } else { "The change" } }</h3>{ crate::markdown::render(brief) }</div>
            <QuestionsView {stage} state={state.clone()} />
            if questions_locked {
                <h3>{ "Your migration" }</h3>
                <p class="muted">{ format!("It revises {} and runs on the branch from there. Escape leaves the editor.", parent.as_deref().unwrap_or("the starting database")) }</p>
                <CodeEditor key={stage.label()} value={text} language="python" label={format!("Your {} migration", stage.label())} {on_change} mark={checks.iter().find_map(|c| c.lines)} />
                <div class="toolbar">
                    <button type="button" class="primary" disabled={props.busy} onclick={run_checks}>{ "Run upgrade, downgrade, upgrade and check" }</button>
                </div>
                if !checks.is_empty() {
                    <ul class="checks" aria-label="Checks">
                        { for checks.iter().map(|c| html! {
                            <li class={if c.passed { "pass" } else { "fail" }}>
                                <strong>{ if c.passed { "✓ pass: " } else { "✗ fail: " } }{ &c.name }</strong>{ " — " }{ crate::markdown::render_inline(&c.detail) }
                            </li>
                        }) }
                    </ul>
                    if passed && stage == Stage::Modify { <p class="right" role="status">{ "Every check passes." }</p> }
                }
                // The student's own destructive draft meets the same guard; that decision is theirs to act on, not graded.
                if !props.guard.lesson {
                    <GuardView guard={props.guard.clone()} on_branch={props.actions.guard_branch.clone()} on_backup={props.actions.guard_backup.clone()} on_decided={Callback::noop()} />
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
    let on_approval = d.reform(|e: InputEvent| LessonAction::Approval(e.target_unchecked_into::<HtmlTextAreaElement>().value()));
    let approve = d.reform(|_: MouseEvent| LessonAction::Approve);
    let on_decided = {
        let (d, proceed) = (d.clone(), props.actions.guard_proceed.clone());
        Callback::from(move |refused: bool| {
            d.emit(LessonAction::Guarded { refused });
            if !refused {
                proceed.emit(());
            }
        })
    };
    let refuse_blocked = match (gate.refusal.trim().is_empty(), gate.refusal_confidence) {
        (true, _) => Some(AttrValue::from("Write what you need before it may run, then pick a confidence, to refuse.")),
        (false, None) => Some(AttrValue::from("Pick a confidence for your refusal to refuse.")),
        _ => None,
    };
    html! {
        <>
            <section class="approval" aria-labelledby="approval-heading">
                <h3 id="approval-heading">{ "Approve your migration in writing" }</h3>
                <p class="muted">{ "Follow this shape: " }<q>{ &approval.template }</q></p>
                <textarea aria-label="Your written approval" rows="4" value={gate.approval.clone()} oninput={on_approval} disabled={gate.approved} />
                if gate.approved {
                    <p class="right" role="status">{ "Approved. Your migration passed every check and your approval names what it does." }</p>
                } else {
                    <button type="button" class="primary" disabled={!passed} onclick={approve}>{ "Approve" }</button>
                    if !passed { <span class="muted">{ " Pass every check first." }</span> }
                    if let Some(error) = &state.submit_error { <p class="error" role="alert">{ error }</p> }
                }
            </section>
            if let (Some(refuse), Some(migration)) = (&lesson.manifest.make.refuse, &lesson.refuse) {
                <section class="refuse" aria-labelledby="refuse-heading">
                    <h3 id="refuse-heading">{ "A second migration arrives" }</h3>
                    { crate::markdown::render(&refuse.prompt) }
                    <MigrationView migration={migration.clone()} />
                    <label for="refusal-text">{ "What do you need before it may run?" }</label>
                    <textarea id="refusal-text" rows="4" value={gate.refusal.clone()} disabled={gate.refused.is_some()} oninput={d.reform(|e: InputEvent| LessonAction::Refusal(e.target_unchecked_into::<HtmlTextAreaElement>().value()))} />
                    <ConfidencePicker name="refusal-confidence" value={gate.refusal_confidence} disabled={gate.refused.is_some()} on_change={d.reform(LessonAction::RefusalConfidence)} />
                    if gate.refused.is_none() && (!props.guard.lesson || props.guard.threats.is_empty()) {
                        <button type="button" disabled={props.busy} onclick={props.actions.guard_arm.reform(|_: MouseEvent| ())}>{ "Run its upgrade on the branch" }</button>
                    }
                    // With no threats the guard draws nothing, so a failure to read the migration is said here.
                    if props.guard.threats.is_empty() {
                        if let Some(error) = &props.guard.error { <p class="error" role="alert">{ error }</p> }
                    }
                    if props.guard.lesson {
                        <GuardView guard={props.guard.clone()} on_branch={props.actions.guard_branch.clone()} on_backup={props.actions.guard_backup.clone()} on_decided={on_decided} {refuse_blocked} />
                    }
                    if props.guard.decision == Some(Decision::Proceeded) {
                        if let Some(last) = props.run.last() {
                            if let Some(f) = &last.failure { <crate::failure_view::FailureView failure={f.clone()} /> }
                            <SchemaDiffView before={last.before.clone()} after={last.after.clone()} caption="What the destructive migration did on the branch" />
                        }
                    }
                    if let Some(verdict) = state.verdict(REFUSAL) {
                        <VerdictView graded={verdict.clone()} />
                        <details><summary>{ "The model refusal" }</summary>{ crate::markdown::render(&refuse.model_answer) }</details>
                    }
                </section>
            }
        </>
    }
}
