//! The lesson screen: story, PRIMM stepper and the open stage, wired to the lesson, run and guard reducers.
//!
//! Its engine and analyzer work is the lesson session's (`services::lesson_session`), which also starts what falls
//! due without a click; the views get its intents as callbacks, and the effects here only save progress and the
//! last run, mark Run done and move the focus.

use crate::components::grade_view::GradeSummary;
use crate::components::investigate_view::InvestigateView;
use crate::components::migration_view::MigrationView;
use crate::components::practice_view::PracticeView;
use crate::components::question_view::EngineCheck;
use crate::components::questions_view::QuestionsView;
use crate::components::run_view::RunView;
use crate::components::stepper::Stepper;
use crate::services::engine_link::Lab;
use crate::services::lesson_session::{use_lesson_session, LessonSession};
use crate::state::drop_guard::GuardState;
use crate::state::lesson_model::{LessonView, Stage};
use crate::state::lesson_state::{LessonAction, LessonState};
use crate::state::progress::LessonProgress;
use crate::state::run_state::RunState;
use miglab_model::grade::{Calibration, Graded};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lesson: Rc<LessonView>,
    pub progress: LessonProgress,
    pub lab: Lab,
    /// Every graded answer in the course except this lesson's, for the course calibration chart.
    pub other_graded: Vec<Graded>,
    pub on_progress: Callback<(String, LessonProgress)>,
}

#[function_component]
pub fn LessonPage(props: &Props) -> Html {
    let state = use_reducer({
        let (lesson, progress) = (props.lesson.clone(), props.progress.clone());
        move || LessonState::new(lesson, progress)
    });
    let run = use_reducer(RunState::default);
    // Every engine call this page makes is bound to it: once the learner leaves, its unfinished work stops.
    let lab = crate::services::page_lab::use_page_lab(props.lab.clone(), run.clone());
    let guard = use_reducer(GuardState::default);
    // The session builds the lesson's database, tries orderings and grades answers as they become due.
    let session = use_lesson_session(
        lab.clone(),
        props.lesson.clone(),
        state.clone(),
        run.clone(),
        guard.clone(),
    );

    // Save as the student works: every change of progress goes up to the app, which writes it to storage.
    {
        let (on_progress, id) = (props.on_progress.clone(), props.lesson.progress_key.clone());
        use_effect_with(state.progress.clone(), move |progress| {
            on_progress.emit((id, progress.clone()))
        });
    }
    // The Run stage's results go into the saved progress as they change, so the next visit can show what this one ran;
    // `restored` is what the previous visit left, shown until this visit runs something itself.
    let restored = use_state({
        let last = props.progress.last_run.clone();
        move || last
    });
    {
        let (state_d, restored) = (state.dispatcher(), restored.clone());
        let first = use_mut_ref(|| true);
        use_effect_with(run.last_run(), move |last| {
            // The first call is the empty run state of a fresh page, which must not erase the saved results.
            if std::mem::replace(&mut *first.borrow_mut(), false) {
                return;
            }
            if last.is_some() {
                restored.set(None);
            }
            state_d.dispatch(LessonAction::LastRun(last.clone()));
        });
    }
    let commands: Vec<String> =
        props.lesson.lesson.manifest.run.commands.iter().map(ToString::to_string).collect();
    // Running the lesson's commands is the Run stage's work: done, however the student reached the stage.
    {
        let done = state.locked(Stage::Predict)
            && !commands.is_empty()
            && run.ran_all(&commands)
            && !state.progress.completed.contains(&Stage::Run);
        let state_d = state.dispatcher();
        use_effect_with(done, move |done| {
            if *done {
                state_d.dispatch(LessonAction::Done(Stage::Run));
            }
        });
    }

    // A new stage takes the focus to its heading, so keyboard and screen-reader users land where the content changed.
    let stage_heading = use_node_ref();
    let first_render = use_mut_ref(|| true);
    {
        let (heading, first_render) = (stage_heading.clone(), first_render.clone());
        use_effect_with(state.stage(), move |_| {
            if std::mem::replace(&mut *first_render.borrow_mut(), false) {
                return;
            }
            if let Some(heading) = heading.cast::<web_sys::HtmlElement>() {
                let _ = heading.focus();
                heading.scroll_into_view();
            }
        });
    }

    let lesson = &props.lesson;
    let m = &lesson.lesson.manifest;
    let stage = state.stage();
    let go = state.dispatcher().to_callback().reform(LessonAction::Go);
    let busy = run.busy.is_some();
    let failing_lines = run.last().and_then(|r| r.failure.as_ref()).and_then(|f| f.lines);
    let lesson_verdicts: Vec<(String, String, Graded)> = lesson
        .questions()
        .filter_map(|q| state.verdict(&q.id).map(|g| (q.id.clone(), q.prompt.clone(), g.clone())))
        .collect();
    let course = Calibration::of(props.other_graded.iter().chain(state.progress.verdicts.values()));
    let complete = |s: Stage, label: &'static str| {
        let onclick =
            state.dispatcher().to_callback().reform(move |_: MouseEvent| LessonAction::Complete(s));
        html! { <button type="button" class="primary next" {onclick}>{ label }</button> }
    };
    let body = match stage {
        Stage::Predict => html! {
            <>
                { crate::components::markdown::render(&m.predict.intro) }
                <crate::components::confidence::HowMarksWork open={!state.locked(Stage::Predict)} />
                // Read-only, and only before locking: it resets the branch after every statement, which must not undo a run.
                if !state.locked(Stage::Predict) { <crate::components::console::StartConsole branch={run.branch.clone().map(AttrValue::from)} /> }
                <QuestionsView stage={Stage::Predict} state={state.clone()} />
                if state.locked(Stage::Predict) { { complete(Stage::Predict, "Go to Run") } }
            </>
        },
        Stage::Run if !state.locked(Stage::Predict) => html! {
            <p class="notice">{ "Lock your predictions first: running the migration would give the answers away. " }
                <button type="button" onclick={go.reform(|_: MouseEvent| Stage::Predict)}>{ "Back to Predict" }</button></p>
        },
        Stage::Run => html! {
            <>
                <RunView run={run.clone()} restored={(*restored).clone()} on_run={session.callback(LessonSession::run)} on_reset={session.callback(LessonSession::reset)} on_describe={session.callback(LessonSession::describe)} on_alembic={session.callback(LessonSession::alembic)} commands={m.run.commands.iter().map(ToString::to_string).collect::<Vec<_>>()} intro={m.run.intro.clone()} scale={m.run.scale.clone()} on_scale={session.callback(LessonSession::scale)} />
                if !lesson_verdicts.is_empty() {
                    <GradeSummary verdicts={lesson_verdicts.iter().filter(|(id, _, _)| lesson.predict.iter().any(|q| &q.id == id)).cloned().collect::<Vec<_>>()} course={course.clone()} />
                }
                if run.ran_all(&commands) || state.progress.completed.contains(&Stage::Run) {
                    { complete(Stage::Run, "Go to Investigate") }
                }
            </>
        },
        Stage::Investigate => html! {
            <>
                <InvestigateView state={state.clone()} on_experiment={session.callback(LessonSession::experiment)} outcomes={session.experiments().to_vec()} {busy} />
                if let Some(f) = &run.failure { <crate::components::failure_view::FailureView failure={f.clone()} /> }
                if state.locked(Stage::Investigate) || lesson.investigate.is_empty() { { complete(Stage::Investigate, "Go to Modify") } }
            </>
        },
        Stage::Modify | Stage::Make => html! {
            <>
                <PracticeView {stage} state={state.clone()} guard={guard.clone()} run={run.clone()} on_check={session.callback(LessonSession::practice)} on_guard_arm={session.callback(LessonSession::guard_arm)} on_guard_proceed={session.callback(LessonSession::guard_proceed)} on_guard_branch={session.callback(LessonSession::guard_branch)} on_guard_backup={session.callback(LessonSession::guard_backup)} on_hand={session.callback(LessonSession::hand_draft)} on_run_draft={session.callback(LessonSession::run_draft)} {busy} />
                if let Some(f) = &run.failure { <crate::components::failure_view::FailureView failure={f.clone()} /> }
                if stage == Stage::Make && state.progress.completed.contains(&Stage::Make) {
                    <p class="gate-passed" role="status">{ "Mastery gate passed. " }<a href="#/">{ "Back to the course" }</a></p>
                    <GradeSummary verdicts={with_refusal(lesson_verdicts.clone(), &state)} course={course.clone()} />
                }
            </>
        },
    };
    let engine_check = EngineCheck {
        values: Rc::new(session.engine_values().clone()),
        run: session.callback(LessonSession::question_value),
        busy: busy || lab.backend().is_none(),
    };
    html! {
        <ContextProvider<EngineCheck> context={engine_check}>
        <article class="lesson" aria-labelledby="lesson-title">
            <p class="crumbs"><a href="#/">{ "← Course" }</a></p>
            <h1 id="lesson-title">{ &m.title }</h1>
            <p class="summary">{ crate::components::markdown::render_inline(&m.summary) }<span class="muted">{ format!(" · about {} minutes", m.minutes) }</span></p>
            <Stepper current={stage} completed={state.progress.completed.clone()} on_go={go.clone()} />
            if let (None, Some(f)) = (&run.branch, &run.failure) {
                // The lesson's own database could not be built: nothing can run, and the student should know why.
                <crate::components::failure_view::FailureView failure={f.clone()} />
            }
            if let (None, Some(what), Lab::Ready(_)) = (&run.branch, &run.busy, &lab) {
                <p class="busy" role="status">{ format!("Postgres is {what}…") }</p>
            }
            if let Lab::Failed(reason) = &lab {
                <div class="failure" role="alert">
                    <p><strong>{ "Postgres could not start, so nothing can run yet." }</strong>{ " Your answers are saved as you type; reload the page to try again." }</p>
                    <p class="muted">{ reason.clone() }</p>
                </div>
            }
            <details class="story" aria-label="The story" open={stage == Stage::Predict}>
                <summary>{ "The story" }</summary>
                { crate::components::markdown::render(&m.story) }
            </details>
            if matches!(stage, Stage::Predict | Stage::Run | Stage::Investigate) {
                { for lesson.lesson.chain.iter().map(|migration| html! { <MigrationView migration={migration.clone()} mark={failing_lines} /> }) }
            }
            <section class="stage" aria-labelledby="stage-heading">
                <h2 id="stage-heading" tabindex="-1" ref={stage_heading}>{ stage.label() }</h2>
                { body }
            </section>
            // Only once the learner's own predictions are locked, apart from every AI-free question.
            if state.locked(Stage::Predict) && !m.try_with_ai.is_empty() {
                <crate::components::try_with_ai::TryWithAi prompts={m.try_with_ai.clone()} />
            }
        </article>
        </ContextProvider<EngineCheck>>
    }
}

/// The lesson's verdicts plus the drop-guard answer, which is graded like a question.
fn with_refusal(
    mut verdicts: Vec<(String, String, Graded)>,
    state: &LessonState,
) -> Vec<(String, String, Graded)> {
    if let Some(g) = state.verdict(crate::state::lesson_state::REFUSAL) {
        verdicts.push((
            crate::state::lesson_state::REFUSAL.to_owned(),
            "Refuse the destructive migration, naming what you need".to_owned(),
            g.clone(),
        ));
    }
    // The verdicts on the agent's drafts, in the order they were handed over.
    for stage in [Stage::Modify, Stage::Make] {
        for id in &state.review(stage).handed {
            let key = crate::state::draft_review::verdict_id(stage.label(), id);
            if let Some(g) = state.verdict(&key) {
                verdicts.push((
                    key,
                    format!("Your verdict on the agent's draft `{id}`"),
                    g.clone(),
                ));
            }
        }
    }
    verdicts
}
