//! Investigate: explain in your own words first, then targeted questions, then "try it" experiments on the branch.

use crate::components::code_editor::CodeEditor;
use crate::components::failure_view::FailureView;
use crate::components::questions_view::QuestionsView;
use crate::components::schema_diff_view::SchemaDiffView;
use crate::state::lesson_model::Stage;
use crate::state::lesson_state::{LessonAction, LessonState};
use crate::state::seen::ExperimentOutcome;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<LessonState>,
    /// Runs experiment `index`; `true` once the learner has seen what a destructive one would destroy.
    pub on_experiment: Callback<(usize, bool)>,
    pub outcomes: Vec<ExperimentOutcome>,
    pub busy: bool,
}

#[function_component]
pub fn InvestigateView(props: &Props) -> Html {
    let state = &props.state;
    let inv = &state.lesson.lesson.manifest.investigate;
    let explained =
        inv.explain.iter().enumerate().all(|(i, _)| {
            state.progress.explanations.get(&i).is_some_and(|t| t.trim().len() >= 10)
        });
    html! {
        <section class="investigate">
            { crate::components::markdown::render(&inv.intro) }
            <h3>{ "In your own words" }</h3>
            { for inv.explain.iter().enumerate().map(|(i, prompt)| {
                let text = state.progress.explanations.get(&i).cloned().unwrap_or_default();
                let oninput = state.dispatcher().to_callback().reform(move |e: InputEvent| LessonAction::Explain { prompt: i, text: e.target_unchecked_into::<HtmlTextAreaElement>().value() });
                let id = format!("explain-{}", prompt.id);
                html! {
                    <div class="explain">
                        <label for={id.clone()}>{ crate::components::markdown::render_inline(&prompt.prompt) }if prompt.ai_free { <span class="badge">{ "AI-free" }</span> }</label>
                        <textarea id={id} rows="3" value={text.clone()} {oninput} />
                        if explained {
                            <details aria-label={format!("Model answer: {}", crate::state::plain_text::plain(&prompt.prompt))}><summary>{ "Compare with the model answer" }</summary>{ crate::components::markdown::render(&prompt.model_answer) }</details>
                        }
                    </div>
                }
            }) }
            if !explained { <p class="muted">{ "Write each explanation (a sentence or two) to unlock the model answers and the questions." }</p> }
            if explained {
                <h3>{ "Targeted questions" }</h3>
                <QuestionsView stage={Stage::Investigate} state={state.clone()} />
                <h3>{ "Try it on the branch" }</h3>
                { for inv.experiments.iter().enumerate().map(|(i, exp)| {
                    let outcome = props.outcomes.iter().find(|o| o.id == exp.id);
                    let onclick = props.on_experiment.reform(move |_: MouseEvent| (i, false));
                    let confirm = props.on_experiment.reform(move |_: MouseEvent| (i, true));
                    let waiting = outcome.is_some_and(|o| o.result.is_none());
                    html! {
                        <article class="experiment" aria-label={crate::state::plain_text::plain(&exp.title)}>
                            <h4>{ crate::components::markdown::render_inline(&exp.title) }</h4>
                            { crate::components::markdown::render(&exp.prompt) }
                            if !exp.after.is_empty() { <p class="muted">{ format!("Starts from the branch point after: {}", exp.after.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")) }</p> }
                            if exp.in_transaction { <p class="muted">{ "Runs inside one migration transaction, the way Alembic runs a migration without autocommit_block()." }</p> }
                            <CodeEditor value={exp.sql.clone()} language="sql" label={format!("SQL of experiment {}", crate::state::plain_text::plain(&exp.title))} read_only=true />
                            if let Some(o) = outcome.filter(|o| !o.stakes.is_empty()) {
                                <div class="at-stake" role={if waiting { "alert" } else { "note" }}>
                                    <p><strong>{ crate::components::markdown::render_inline(&crate::state::drop_guard::sentence(&o.stakes)) }</strong>{ " Counted on the branch before it runs; the branch is reset afterwards." }</p>
                                </div>
                            }
                            if waiting {
                                <button type="button" class="primary" disabled={props.busy} onclick={confirm}>{ "Run it on the branch anyway" }</button>
                            } else {
                                <button type="button" disabled={props.busy} {onclick}>{ "Run it on the branch" }</button>
                            }
                            if let Some(outcome) = outcome.filter(|o| o.result.is_some()) { { experiment_result(exp, outcome) } }
                        </article>
                    }
                }) }
            }
        </section>
    }
}

fn experiment_result(exp: &miglab_model::lesson::Experiment, outcome: &ExperimentOutcome) -> Html {
    let Some(result) = &outcome.result else { return html! {} };
    let expected_error = exp.expect.error.as_ref();
    let (matched, line) = match (result, expected_error) {
        (Err(f), Some(e)) => (
            f.sqlstate.as_deref() == Some(e.sqlstate.as_str()),
            format!("The lesson says Postgres fails with {} ({}).", e.sqlstate, e.message),
        ),
        (Ok(_), Some(e)) => (
            false,
            format!("The lesson says this should fail with {}, but it succeeded.", e.sqlstate),
        ),
        (Err(_), None) => (false, "The lesson says this should succeed.".to_owned()),
        (Ok(_), None) => (true, "It succeeded, as the lesson says.".to_owned()),
    };
    let values_ok = outcome.values.iter().all(|(_, expected, got)| matches!(got, Ok(v) if crate::state::seen::agrees(expected.as_deref(), v.as_deref())));
    html! {
        <div class={classes!("outcome", if matched && values_ok { "right" } else { "wrong" })} role="status">
            { match result {
                Err(f) => html! { <FailureView failure={f.clone()} /> },
                Ok(rows) => html! {
                    <table class="rows">
                        <thead><tr>{ for rows.columns.iter().map(|c| html! { <th scope="col">{ c }</th> }) }</tr></thead>
                        <tbody>{ for rows.rows.iter().take(20).map(|r| html! { <tr>{ for r.iter().map(|v| html! { <td>{ v.clone().unwrap_or_default() }</td> }) }</tr> }) }</tbody>
                    </table>
                },
            } }
            <p><span aria-hidden="true">{ if matched { "✓ " } else { "✗ " } }</span>{ crate::components::markdown::render_inline(&line) }</p>
            { for outcome.values.iter().map(|(query, expected, got)| html! {
                <p><code>{ query }</code>{ format!(" → {} (expected {})", match got { Ok(v) => v.clone().unwrap_or_else(|| "NULL".into()), Err(e) => format!("error: {e}") }, expected.clone().unwrap_or_else(|| "NULL".into())) }</p>
            }) }
            if let Some((before, after)) = &outcome.diff {
                <SchemaDiffView before={before.clone()} after={after.clone()} caption={format!("What {} did on the branch", crate::state::plain_text::plain(&exp.title))} />
            }
        </div>
    }
}
