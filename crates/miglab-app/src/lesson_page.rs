//! The lesson screen: story, PRIMM stepper and the open stage, wired to the lesson, run and guard reducers.

use crate::actions::{use_lesson_actions, EngineCheck, EngineValues, ExperimentOutcome, Seen};
use crate::drop_guard::GuardState;
use crate::engine_link::Lab;
use crate::grade_view::GradeSummary;
use crate::grading;
use crate::investigate_view::InvestigateView;
use crate::lab;
use crate::lesson_state::{LessonAction, LessonState};
use crate::lesson_view::{LessonView, Stage};
use crate::migration_view::MigrationView;
use wasm_bindgen_futures::spawn_local;
use crate::practice_view::PracticeView;
use crate::progress::LessonProgress;
use crate::questions_view::QuestionsView;
use crate::run_state::{Failure, RunAction, RunState};
use crate::run_view::RunView;
use crate::stepper::Stepper;
use miglab_core::grade::{Calibration, Graded};
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
    let guard = use_reducer(GuardState::default);
    let experiments = use_state(Vec::<ExperimentOutcome>::new);
    let engine_values = use_state(EngineValues::new);
    let actions = use_lesson_actions(props.lab.clone(), props.lesson.clone(), state.clone(), run.clone(), guard.clone(), Seen { experiments: experiments.clone(), values: engine_values.clone() });

    // A lesson grades schema predictions and checks migrations in the analyzer module: fetch it while the student reads.
    use_effect_with((), |_| crate::analyzer_link::prefetch());
    // Save as the student works: every change of progress goes up to the app, which writes it to storage.
    {
        let (on_progress, id) = (props.on_progress.clone(), props.lesson.id().to_owned());
        use_effect_with(state.progress.clone(), move |progress| on_progress.emit((id, progress.clone())));
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
    // Build the lesson's database and branch once the engine is ready.
    {
        let (lesson, run_d, state_d) = (props.lesson.clone(), run.dispatcher(), state.dispatcher());
        use_effect_with(props.lab.clone(), move |lab| {
            if let Some(engine) = lab.backend() {
                run_d.dispatch(RunAction::Busy("building the lesson's database".into()));
                wasm_bindgen_futures::spawn_local(async move {
                    match lab::start(&*engine, &lesson.lesson).await {
                        Ok((branch, schema)) => {
                            state_d.dispatch(LessonAction::Started(schema.clone()));
                            run_d.dispatch(RunAction::Branched { branch, schema });
                        }
                        Err(f) => run_d.dispatch(RunAction::Failed(f)),
                    }
                });
            }
        });
    }
    // Grade the locked predictions once the lesson's run commands have all run: against the engine, never before.
    {
        let state = state.clone();
        let commands: Vec<String> = props.lesson.lesson.manifest.run.commands.iter().map(ToString::to_string).collect();
        let ready = state.locked(Stage::Predict) && run.ran_all(&commands) && state.lesson.predict.iter().any(|q| state.verdict(&q.id).is_none());
        let run = run.clone();
        use_effect_with((ready, state.grading_attempt), move |(ready, _)| {
            if *ready {
                spawn_local(async move {
                    let graded = grading::grade_all(&state.lesson.predict, &state.progress.answers, |after| run.snapshot(after)).await;
                    state.dispatch(graded.map_or_else(LessonAction::GradingFailed, LessonAction::Graded));
                });
            }
        });
    }
    // Investigate and Modify questions have no run of their own: they are graded as soon as they are locked.
    {
        let state = state.clone();
        let locked = (state.locked(Stage::Investigate), state.locked(Stage::Modify), state.grading_attempt);
        use_effect_with(locked, move |_| {
            for stage in [Stage::Investigate, Stage::Modify] {
                if state.locked(stage) && state.questions(stage).iter().any(|q| state.verdict(&q.id).is_none()) {
                    let state = state.clone();
                    spawn_local(async move {
                        let graded = grading::grade_all(state.questions(stage), &state.progress.answers, |_| None).await;
                        state.dispatch(graded.map_or_else(LessonAction::GradingFailed, LessonAction::Graded));
                    });
                }
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
    let lesson_verdicts: Vec<(String, String, Graded)> = lesson.questions().filter_map(|q| state.verdict(&q.id).map(|g| (q.id.clone(), q.prompt.clone(), g.clone()))).collect();
    let course = Calibration::of(props.other_graded.iter().chain(state.progress.verdicts.values()));
    let complete = |s: Stage, label: &'static str| {
        let onclick = state.dispatcher().to_callback().reform(move |_: MouseEvent| LessonAction::Complete(s));
        html! { <button type="button" class="primary next" {onclick}>{ label }</button> }
    };
    let body = match stage {
        Stage::Predict => html! {
            <>
                { crate::markdown::render(&m.predict.intro) }
                // Read-only, and only before locking: it resets the branch after every statement, which must not undo a run.
                if !state.locked(Stage::Predict) { <crate::console::StartConsole branch={run.branch.clone().map(AttrValue::from)} /> }
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
                <RunView run={run.clone()} restored={(*restored).clone()} actions={actions.clone()} commands={m.run.commands.iter().map(ToString::to_string).collect::<Vec<_>>()} intro={m.run.intro.clone()} />
                if !lesson_verdicts.is_empty() {
                    <GradeSummary verdicts={lesson_verdicts.iter().filter(|(id, _, _)| lesson.predict.iter().any(|q| &q.id == id)).cloned().collect::<Vec<_>>()} course={course.clone()} downgrade={downgrade_verdict(&state, &run)} />
                    { complete(Stage::Run, "Go to Investigate") }
                }
            </>
        },
        Stage::Investigate => html! {
            <>
                <InvestigateView state={state.clone()} actions={actions.clone()} outcomes={(*experiments).clone()} {busy} />
                if let Some(f) = &run.failure { <crate::failure_view::FailureView failure={f.clone()} /> }
                if state.locked(Stage::Investigate) || lesson.investigate.is_empty() { { complete(Stage::Investigate, "Go to Modify") } }
            </>
        },
        Stage::Modify | Stage::Make => html! {
            <>
                <PracticeView {stage} state={state.clone()} guard={guard.clone()} run={run.clone()} actions={actions.clone()} {busy} />
                if let Some(f) = &run.failure { <crate::failure_view::FailureView failure={f.clone()} /> }
                if stage == Stage::Make && state.progress.completed.contains(&Stage::Make) {
                    <p class="gate-passed" role="status">{ "Mastery gate passed. " }<a href="#/">{ "Back to the course" }</a></p>
                    <GradeSummary verdicts={with_refusal(lesson_verdicts.clone(), &state)} course={course.clone()} />
                }
            </>
        },
    };
    let engine_check = EngineCheck { values: Rc::new((*engine_values).clone()), run: actions.question_value.clone(), busy: busy || props.lab.backend().is_none() };
    html! {
        <ContextProvider<EngineCheck> context={engine_check}>
        <article class="lesson" aria-labelledby="lesson-title">
            <p class="crumbs"><a href="#/">{ "← Course" }</a></p>
            <h1 id="lesson-title">{ &m.title }</h1>
            <p class="summary">{ crate::markdown::render_inline(&m.summary) }<span class="muted">{ format!(" · about {} minutes", m.minutes) }</span></p>
            <Stepper current={stage} completed={state.progress.completed.clone()} on_go={go.clone()} />
            if let (None, Some(f)) = (&run.branch, &run.failure) {
                // The lesson's own database could not be built: nothing can run, and the student should know why.
                <crate::failure_view::FailureView failure={f.clone()} />
            }
            if let (None, Some(what), Lab::Ready(_)) = (&run.branch, &run.busy, &props.lab) {
                <p class="busy" role="status">{ format!("Postgres is {what}…") }</p>
            }
            if let Lab::Failed(reason) = &props.lab {
                <div class="failure" role="alert">
                    <p><strong>{ "Postgres could not start, so nothing can run yet." }</strong>{ " Your answers are saved as you type; reload the page to try again." }</p>
                    <p class="muted">{ reason.clone() }</p>
                </div>
            }
            <details class="story" open={stage == Stage::Predict}>
                <summary>{ "The story" }</summary>
                { crate::markdown::render(&m.story) }
            </details>
            if matches!(stage, Stage::Predict | Stage::Run | Stage::Investigate) {
                { for lesson.lesson.chain.iter().map(|migration| html! { <MigrationView migration={migration.clone()} mark={failing_lines} /> }) }
            }
            <section class="stage" aria-labelledby="stage-heading">
                <h2 id="stage-heading" tabindex="-1" ref={stage_heading}>{ stage.label() }</h2>
                { body }
            </section>
        </article>
        </ContextProvider<EngineCheck>>
    }
}

/// The lesson's verdicts plus the drop-guard answer, which is graded like a question.
fn with_refusal(mut verdicts: Vec<(String, String, Graded)>, state: &LessonState) -> Vec<(String, String, Graded)> {
    if let Some(g) = state.verdict(crate::lesson_state::REFUSAL) {
        verdicts.push((crate::lesson_state::REFUSAL.to_owned(), "Refuse the destructive migration, naming what you need".to_owned(), g.clone()));
    }
    verdicts
}

/// The downgrade-order verdict of the Run stage, from what the engine did when the downgrade ran.
fn downgrade_verdict(_state: &LessonState, run: &RunState) -> Option<(bool, String)> {
    let down = run.records.iter().find(|r| r.command.starts_with("downgrade"))?;
    Some(match &down.failure {
        None => (true, "`downgrade()` undid `upgrade()` in reverse order, and Postgres accepted every step.".to_owned()),
        Some(Failure { sqlstate: Some(state), message, .. }) if state == "42704" => (false, format!("Postgres stopped the downgrade: {message} (42704). A dropped column takes its indexes with it, so drop the index first.")),
        Some(f) => (false, format!("Postgres stopped the downgrade: {}.", f.message)),
    })
}
