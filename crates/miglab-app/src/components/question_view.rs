//! One question with its answer input and confidence; after locking, its verdict and explanation.

use crate::components::confidence::ConfidencePicker;
use crate::components::grade_view::VerdictView;
use crate::components::schema_editor::SchemaEditor;
use crate::state::lesson_model::{Question, QuestionKind};
use crate::state::progress::Answer;
use crate::state::schema_edit::SchemaEdit;
use crate::state::seen::EngineValues;
use miglab_model::grade::{AnswerKey, Confidence, Graded, Response, SelfAssessment};
use miglab_model::locks::LockMode;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// What the engine gave for locked questions' queries, shared with every question view through a context,
/// so the stages need not pass it down.
#[derive(Clone, PartialEq)]
pub struct EngineCheck {
    pub values: Rc<EngineValues>,
    /// Runs the question's query (by question id) on the state it asks about.
    pub run: Callback<String>,
    pub busy: bool,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub number: usize,
    pub question: Question,
    pub answer: Answer,
    pub locked: bool,
    #[prop_or_default]
    pub verdict: Option<Graded>,
    pub on_answer: Callback<Response>,
    pub on_confidence: Callback<Confidence>,
    pub on_edit: Callback<SchemaEdit>,
    /// A schema question's answer is the schema it started from ("No change from the start").
    #[prop_or_default]
    pub no_change: bool,
    #[prop_or_default]
    pub on_no_change: Callback<bool>,
    /// Free text is rated against the model answer after locking.
    pub on_self_assess: Callback<SelfAssessment>,
    /// What the engine did where this question's key says otherwise; such a question is never graded.
    #[prop_or_default]
    pub disputed: Option<String>,
}

/// After locking: the query that shows the answer on the engine, a button that runs it there, and what Postgres said.
fn engine_evidence(
    q: &Question,
    query: &str,
    expected: Option<&str>,
    check: Option<&EngineCheck>,
) -> Html {
    let after = if q.after.is_empty() {
        "the starting database".to_owned()
    } else {
        q.after.iter().map(|c| format!("alembic {c}")).collect::<Vec<_>>().join(", ")
    };
    let expected_text = expected.unwrap_or("NULL");
    let seen = check.and_then(|c| c.values.get(&q.id));
    html! {
        <div class="evidence">
            <p>{ "See it on the engine: from " }<code>{ after }</code>{ ", run" }</p>
            <pre class="statement">{ query }</pre>
            <p>{ format!("The lesson's key says it gives {expected_text}.") }</p>
            if let Some(check) = check {
                <button type="button" disabled={check.busy} onclick={check.run.reform({ let id = q.id.clone(); move |_: MouseEvent| id.clone() })}>{ "Run it on the engine" }</button>
            }
            { match seen {
                Some(Ok(value)) => {
                    let shown = value.clone().unwrap_or_else(|| "NULL".into());
                    let agrees = crate::state::seen::agrees(expected, value.as_deref());
                    html! { <p class={classes!("engine-value", if agrees { "right" } else { "wrong" })} role="status">{ format!("Postgres gives {shown}{}", if agrees { ", as the key says." } else { ", not what the key says." }) }</p> }
                }
                Some(Err(error)) => html! { <p class="engine-value wrong" role="status">{ format!("The query failed: {error}") }</p> },
                None => html! {},
            } }
        </div>
    }
}

#[function_component]
pub fn QuestionView(props: &Props) -> Html {
    let check = use_context::<EngineCheck>();
    let q = &props.question;
    let id = format!("q-{}", q.id);
    let locked = props.locked;
    let input = match (&q.kind, &props.answer.response) {
        (QuestionKind::Schema, Some(Response::Schema { schema })) => {
            let on_no_change = props
                .on_no_change
                .reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().checked());
            html! {
                <>
                    <p class="no-change">
                        <label><input type="checkbox" checked={props.no_change} disabled={locked} onchange={on_no_change} />{ " No change from the start" }</label>
                        <span class="muted">{ " Tick this if you predict the tables end as they began; otherwise edit them below. Leaving the editor as it is does not count as an answer." }</span>
                    </p>
                    <SchemaEditor id={id.clone()} schema={schema.clone()} {locked} indexes={!matches!(&q.key, AnswerKey::Schema(key) if !key.scope.indexes)} on_edit={props.on_edit.clone()} />
                </>
            }
        }
        (QuestionKind::Value, response) => {
            let value = match response {
                Some(Response::Value { value: Some(v) }) => v.clone(),
                Some(Response::Value { value: None }) => "NULL".to_owned(),
                _ => String::new(),
            };
            let on_input = props.on_answer.reform(|e: InputEvent| {
                let text = e.target_unchecked_into::<HtmlInputElement>().value();
                // psql prints NULL as nothing; students write NULL, which means the same.
                let value =
                    (!text.trim().eq_ignore_ascii_case("null")).then(|| text.trim().to_owned());
                Response::Value { value }
            });
            html! {
                <p><label for={format!("{id}-value")}>{ "Value (write NULL for null): " }</label>
                <input id={format!("{id}-value")} class="value-input" {value} disabled={locked} oninput={on_input} autocomplete="off" /></p>
            }
        }
        (QuestionKind::Choice { options, multiple }, response) => {
            let selected = match response {
                Some(Response::Choice { selected }) => selected.clone(),
                _ => Vec::new(),
            };
            html! {
                <fieldset class="choices" disabled={locked}>
                    <legend class="visually-hidden">{ crate::state::plain_text::plain(&q.prompt) }</legend>
                    { for options.iter().map(|(option, text)| {
                        let checked = selected.contains(option);
                        let (option, multiple, selected) = (option.clone(), *multiple, selected.clone());
                        let onchange = props.on_answer.reform(move |e: Event| {
                            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                            let mut next = if multiple { selected.clone() } else { Vec::new() };
                            next.retain(|o| o != &option);
                            if on { next.push(option.clone()); }
                            Response::Choice { selected: next }
                        });
                        html! {
                            <label class="choice">
                                <input type={if multiple { "checkbox" } else { "radio" }} name={format!("{id}-choice")} {checked} {onchange} />
                                { " " }{ crate::components::markdown::render_inline(text) }
                            </label>
                        }
                    }) }
                </fieldset>
            }
        }
        (QuestionKind::Order { items }, Some(Response::Ordering { order })) => {
            let text_of = |item: &str| {
                items.iter().find(|(i, _)| i == item).map_or(item.to_owned(), |(_, t)| t.clone())
            };
            let last = order.len().saturating_sub(1);
            html! {
                <ol class="ordering">
                    { for order.iter().enumerate().map(|(at, item)| {
                        let mv = |to: usize| {
                            let order = order.clone();
                            props.on_answer.reform(move |_: MouseEvent| {
                                let mut order = order.clone();
                                order.swap(at, to);
                                Response::Ordering { order }
                            })
                        };
                        let label = text_of(item);
                        // Accessible names are plain text: a screen reader would read the backticks out.
                        let name = crate::state::plain_text::plain(&label);
                        html! {
                            <li>
                                <span class="order-text">{ crate::components::markdown::render_inline(&label) }</span>
                                <button type="button" class="icon" aria-label={format!("Move up: {name}")} disabled={locked || at == 0} onclick={mv(at.saturating_sub(1))}><span aria-hidden="true">{ "↑" }</span></button>
                                <button type="button" class="icon" aria-label={format!("Move down: {name}")} disabled={locked || at == last} onclick={mv((at + 1).min(last))}><span aria-hidden="true">{ "↓" }</span></button>
                            </li>
                        }
                    }) }
                </ol>
            }
        }
        (QuestionKind::FreeText, response) => {
            let (text, assessment) = match response {
                Some(Response::FreeText { text, self_assessment }) => {
                    (text.clone(), *self_assessment)
                }
                _ => (String::new(), None),
            };
            let on_input = props.on_answer.reform(|e: InputEvent| Response::FreeText {
                text: e.target_unchecked_into::<HtmlTextAreaElement>().value(),
                self_assessment: None,
            });
            let model = match &q.key {
                AnswerKey::FreeText(key) => key.model_answer.clone(),
                _ => String::new(),
            };
            html! {
                <>
                    <textarea aria-label={format!("Your answer to question {}", props.number)} value={text.clone()} disabled={locked} oninput={on_input} rows="3" />
                    if locked {
                        <section class="model-answer" aria-label={format!("Model answer to question {}", props.number)}><strong>{ "Model answer: " }</strong>{ crate::components::markdown::render_inline(&model) }</section>
                        <fieldset class="self-assess"><legend>{ "How does yours compare?" }</legend>
                        { for [(SelfAssessment::Matches, "It matches"), (SelfAssessment::Partly, "Partly"), (SelfAssessment::Misses, "It misses")].into_iter().map(|(a, word)| {
                            let onchange = props.on_self_assess.reform(move |_: Event| a);
                            html! { <label><input type="radio" name={format!("{id}-self")} checked={assessment == Some(a)} {onchange} />{ " " }{ word }</label> }
                        }) }
                        </fieldset>
                    }
                </>
            }
        }
        (QuestionKind::Lock { table, .. }, response) => {
            let (mode, rewritten) = match response {
                Some(Response::Lock { mode, rewritten }) => (*mode, *rewritten),
                _ => (None, None),
            };
            let on_mode = props.on_answer.reform(move |e: Event| {
                let name = e.target_unchecked_into::<HtmlSelectElement>().value();
                let mode = LockMode::ALL.into_iter().find(|m| m.name() == name);
                Response::Lock { mode, rewritten }
            });
            html! {
                <fieldset class="lock-answer" disabled={locked}>
                    <legend class="visually-hidden">{ crate::state::plain_text::plain(&q.prompt) }</legend>
                    <p>
                        <label for={format!("{id}-mode")}>{ "Strongest lock on " }<code>{ table.clone() }</code>{ ": " }</label>
                        <select id={format!("{id}-mode")} onchange={on_mode}>
                            <option value="" selected={mode.is_none()}>{ "Choose a lock mode" }</option>
                            { for LockMode::ALL.into_iter().map(|m| html! {
                                <option value={m.name()} selected={mode == Some(m)}>{ m.name() }</option>
                            }) }
                        </select>
                    </p>
                    <p class="rewrite-choice">
                        <span id={format!("{id}-rewritten")}>{ "Is " }<code>{ table.clone() }</code>{ " rewritten (a new copy of every row)?" }</span>
                        { for [(true, "Rewritten"), (false, "Not rewritten")].into_iter().map(|(value, word)| {
                            let onchange = props.on_answer.reform(move |_: Event| Response::Lock { mode, rewritten: Some(value) });
                            html! { <label><input type="radio" name={format!("{id}-rewritten")} checked={rewritten == Some(value)} {onchange} />{ " " }{ word }</label> }
                        }) }
                    </p>
                </fieldset>
            }
        }
        _ => html! {},
    };
    html! {
        <article class={classes!("question", locked.then_some("locked"))} id={id.clone()} aria-labelledby={format!("{id}-prompt")}>
            <h3 id={format!("{id}-prompt")}>
                <span class="number">{ format!("{}.", props.number) }</span>{ " " }
                { crate::components::markdown::render_inline(&q.prompt) }
            </h3>
            if let Some(engine) = &props.disputed {
                <p class="notice key-disputed" role="note">
                    { crate::components::markdown::render_inline(&format!("{engine} Your answer to it is not graded.")) }
                </p>
            }
            if q.ai_free { <p class="ai-free-line"><span class="badge">{ "AI-free" }</span>{ " Answer this from your own reading, without an AI assistant." }</p> }
            { input }
            <ConfidencePicker name={format!("{id}-confidence")} value={props.answer.confidence} disabled={locked} on_change={props.on_confidence.clone()} />
            if let Some(verdict) = &props.verdict { <VerdictView graded={verdict.clone()} /> }
            if let (true, Some((query, expected))) = (locked, q.engine_query()) {
                { engine_evidence(q, query, expected, check.as_ref()) }
            }
        </article>
    }
}
