//! The agent's drafts in Make (and Modify): the learner's brief, the prepared draft with numbered lines to mark,
//! the review locked before it runs, the run on the branch, and the verdict graded against the engine.

use crate::components::confidence::ConfidencePicker;
use crate::components::grade_view::VerdictView;
use crate::state::brief_fields::Brief;
use crate::state::draft_review::{self, Decision, Review, ReviewAction};
use crate::state::gate::{Claim, PRECONDITIONS};
use crate::state::lesson_model::Stage;
use crate::state::lesson_state::{labels_of, LessonAction, LessonState};
use crate::state::run_state::RunState;
use miglab_model::lesson::{Draft, LessonMigration, MigrationSource};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub stage: Stage,
    pub state: UseReducerHandle<LessonState>,
    pub run: UseReducerHandle<RunState>,
    /// Asks the agent for its next draft.
    pub on_hand: Callback<Stage>,
    /// Runs the draft on screen on the branch, with the stage's checks.
    pub on_run: Callback<Stage>,
    pub busy: bool,
}

#[function_component]
pub fn DraftReviewView(props: &Props) -> Html {
    let state = &props.state;
    let stage = props.stage;
    let review = state.review(stage);
    let d = state.dispatcher().to_callback();
    let act = move |action: ReviewAction| LessonAction::Review { stage, action };
    let fields = (stage == Stage::Make)
        .then_some(state.lesson.lesson.manifest.make.fields.as_ref())
        .flatten();
    let next = draft_review::next_draft(state.drafts(stage).0, &review);
    let current = review
        .current()
        .and_then(|(id, r)| state.draft(stage, id).map(|(d, m)| (d.clone(), m.clone(), r.clone())));
    let gate_passed = state.progress.gate.approved && stage == Stage::Make;
    html! {
        <section class="agent" aria-labelledby="agent-heading">
            <h3 id="agent-heading">{ "Work with the agent" }</h3>
            <p class="muted">{ "The agent writes the migration; you read it before it runs. Its drafts here are prepared by the lesson's author: no model runs, and nothing you type is sent anywhere." }</p>
            if fields.is_some() && !review.brief_sent {
                { brief_form(props, &review.brief, &review.brief_problems, fields) }
            } else if !review.brief.sentence.is_empty() {
                <p><strong>{ "Your brief: " }</strong><q>{ &review.brief.sentence }</q></p>
            }
            if review.brief_sent || fields.is_none() {
                if let Some((draft, migration, r)) = &current {
                    { draft_panel(props, draft, migration, r) }
                }
                if review.may_ask() && !gate_passed {
                    if next.is_some() {
                        <button type="button" class="primary" disabled={props.busy} onclick={props.on_hand.reform(move |_: MouseEvent| stage)}>
                            { if current.is_some() { "Ask the agent for another draft" } else { "Ask the agent for a draft" } }
                        </button>
                    } else if current.is_some() {
                        <p class="muted">{ "The agent has no other draft: write the migration yourself." }</p>
                    }
                }
            }
            if current.is_none() || review.may_ask() {
                if let Some(error) = &state.submit_error { <p class="error" role="alert">{ crate::components::markdown::render_inline(error) }</p> }
            }
            <p><button type="button" onclick={d.reform(move |_: MouseEvent| act(ReviewAction::Own(true)))}>{ "Write it myself" }</button></p>
        </section>
    }
}

/// The brief: one sentence, then the fields the lesson asks for, sent only when they agree with the lesson.
/// `problems` say why the brief last sent did not go to the agent.
fn brief_form(
    props: &Props,
    brief: &Brief,
    problems: &[String],
    fields: Option<&miglab_model::lesson::BriefFields>,
) -> Html {
    let stage = props.stage;
    let d = props.state.dispatcher().to_callback();
    let edit = |change: fn(&mut Brief, String)| {
        let (d, brief) = (d.clone(), brief.clone());
        Callback::from(move |e: InputEvent| {
            let mut next = brief.clone();
            change(&mut next, e.target_unchecked_into::<HtmlInputElement>().value());
            d.emit(LessonAction::Review { stage, action: ReviewAction::Brief(next) });
        })
    };
    let sentence = {
        let (d, brief) = (d.clone(), brief.clone());
        Callback::from(move |e: InputEvent| {
            let sentence = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            d.emit(LessonAction::Review {
                stage,
                action: ReviewAction::Brief(Brief { sentence, ..brief.clone() }),
            });
        })
    };
    let yes_no = |id: &'static str,
                  legend: &'static str,
                  value: Option<bool>,
                  set: fn(&mut Brief, bool)| {
        html! {
            <fieldset class="yes-no">
                <legend>{ legend }</legend>
                { for [(true, "Yes"), (false, "No")].into_iter().map(|(on, text)| {
                    let (d, brief) = (d.clone(), brief.clone());
                    let onchange = Callback::from(move |_: Event| {
                        let mut next = brief.clone();
                        set(&mut next, on);
                        d.emit(LessonAction::Review { stage, action: ReviewAction::Brief(next) });
                    });
                    let input_id = format!("{id}-{text}");
                    html! { <span class="check"><input type="radio" name={id} id={input_id.clone()} checked={value == Some(on)} {onchange} /><label for={input_id}>{ text }</label></span> }
                }) }
            </fieldset>
        }
    };
    let send = d.reform(move |_: MouseEvent| LessonAction::Review {
        stage,
        action: ReviewAction::SendBrief,
    });
    let f = fields.cloned().unwrap_or_default();
    html! {
        <form class="brief-form" aria-label="Your brief for the agent" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <label for="brief-sentence">{ "Your brief, one sentence in business English: what the change is for" }</label>
            <textarea id="brief-sentence" rows="2" value={brief.sentence.clone()} oninput={sentence} />
            <fieldset class="brief-fields">
                <legend>{ "What the change is, field by field" }</legend>
                <label for="brief-table">{ "Table" }</label>
                <input id="brief-table" value={brief.table.clone()} oninput={edit(|b, v| b.table = v)} />
                if f.column.is_some() {
                    <label for="brief-column">{ "Column" }</label>
                    <input id="brief-column" value={brief.column.clone()} oninput={edit(|b, v| b.column = v)} />
                }
                if f.data_type.is_some() {
                    <label for="brief-type">{ "Type (as you would write it in SQL)" }</label>
                    <input id="brief-type" value={brief.data_type.clone()} oninput={edit(|b, v| b.data_type = v)} />
                }
                if f.nullable.is_some() { { yes_no("brief-nullable", "May it hold NULL?", brief.nullable, |b, v| b.nullable = Some(v)) } }
                if f.index.is_some() { { yes_no("brief-index", "Does it get an index of its own?", brief.index, |b, v| b.index = Some(v)) } }
            </fieldset>
            <button type="button" class="primary" onclick={send}>{ "Send the brief to the agent" }</button>
            if !problems.is_empty() {
                <div class="error" role="alert">
                    <p>{ "The brief does not match the lesson yet." }</p>
                    <ul>{ for problems.iter().map(|m| html! { <li>{ crate::components::markdown::render_inline(m) }</li> }) }</ul>
                </div>
            }
        </form>
    }
}

/// The source the learner reads, line by line: the Alembic file, or the up file of a SQL pair (then the down file).
fn source_lines(migration: &LessonMigration) -> Vec<String> {
    match &migration.source {
        MigrationSource::Alembic { text, .. } => text.lines().map(str::to_owned).collect(),
        MigrationSource::Sql { up, .. } => up.lines().map(str::to_owned).collect(),
    }
}

fn draft_panel(props: &Props, draft: &Draft, migration: &LessonMigration, review: &Review) -> Html {
    let stage = props.stage;
    let state = &props.state;
    let d = state.dispatcher().to_callback();
    let act = move |action: ReviewAction| LessonAction::Review { stage, action };
    let labels = labels_of(migration);
    let locked = review.locked;
    let lines = source_lines(migration);
    let statement_list = |downgrade: bool, legend: String, statements: &[Claim]| {
        let ticked = if downgrade { &review.said.downgrade } else { &review.said.upgrade };
        html! {
            <fieldset class="claims" disabled={locked}>
                <legend>{ legend }</legend>
                { for statements.iter().enumerate().map(|(i, c)| {
                    let id = format!("said-{}-{i}", if downgrade { "down" } else { "up" });
                    let claim = c.id.clone();
                    let onchange = d.reform(move |e: Event| act(ReviewAction::Say { downgrade, claim: claim.clone(), ticked: e.target_unchecked_into::<HtmlInputElement>().checked() }));
                    html! { <div class="check"><input type="checkbox" id={id.clone()} checked={ticked.contains(&c.id)} {onchange} /><label for={id}>{ crate::components::markdown::render_inline(&c.text) }</label></div> }
                }) }
            </fieldset>
        }
    };
    let graded = state.verdict(&draft_review::verdict_id(stage.label(), &draft.id)).cloned();
    html! {
        <article class="draft" aria-labelledby="draft-heading">
            <h4 id="draft-heading">{ format!("The agent's draft: {}", migration.file()) }</h4>
            <p class="muted">{ "A prepared draft, written for this lesson; the agent hands its drafts over in a fixed order." }</p>
            <blockquote class="agent-message">{ crate::components::markdown::render(&draft.message) }</blockquote>
            <fieldset class="draft-lines" disabled={locked}>
                <legend>{ "Read it, and mark the line or lines you think are wrong" }</legend>
                <ol class="code-lines">
                    { for lines.iter().enumerate().map(|(i, text)| {
                        let n = i as u32 + 1;
                        let id = format!("draft-line-{n}");
                        let onchange = d.reform(move |e: Event| act(ReviewAction::Mark { line: n, on: e.target_unchecked_into::<HtmlInputElement>().checked() }));
                        let marked = review.marked.contains(&n);
                        html! {
                            <li class={classes!("code-line", marked.then_some("marked"))}>
                                <input type="checkbox" id={id.clone()} checked={marked} {onchange} aria-label={format!("Line {n}: {}", text.trim())} />
                                <label for={id} aria-hidden="true"><span class="ln">{ n }</span><code>{ if text.is_empty() { " ".to_owned() } else { text.clone() } }</code></label>
                            </li>
                        }
                    }) }
                </ol>
                <div class="check">
                    <input type="checkbox" id="draft-no-flaw" checked={review.no_flaw} onchange={d.reform(move |e: Event| act(ReviewAction::NoFlaw(e.target_unchecked_into::<HtmlInputElement>().checked())))} />
                    <label for="draft-no-flaw">{ "I find no flaw in this draft" }</label>
                </div>
            </fieldset>
            { statement_list(false, format!("What {} does: tick each true statement", labels.0), &review.statements.upgrade) }
            { statement_list(true, format!("What {} does: tick each true statement", labels.1), &review.statements.downgrade) }
            <fieldset class="restores" disabled={locked}>
                <legend>{ format!("Does {} give back the starting schema and rows?", labels.1) }</legend>
                { for [(true, "Yes"), (false, "No")].into_iter().map(|(value, text)| {
                    let id = format!("said-restores-{text}");
                    html! { <div class="check"><input type="radio" name="said-restores" id={id.clone()} checked={review.said.restores == Some(value)} onchange={d.reform(move |_: Event| act(ReviewAction::SayRestores(value)))} /><label for={id}>{ text }</label></div> }
                }) }
            </fieldset>
            <ConfidencePicker name="review-confidence" value={review.confidence} disabled={locked} on_change={d.reform(move |level| act(ReviewAction::Confidence(level)))} />
            if locked {
                <p class="muted" role="status">{ "Your review is locked: it is graded with your verdict, against what the engine does with the draft." }</p>
            } else {
                <button type="button" class="primary" onclick={d.reform(move |_: MouseEvent| act(ReviewAction::Lock))}>{ "Lock my review" }</button>
                if let Some(error) = &state.submit_error { <p class="error" role="alert">{ crate::components::markdown::render_inline(error) }</p> }
            }
            if locked && review.decision.is_none() {
                <div class="toolbar">
                    <button type="button" class="primary" disabled={props.busy} onclick={props.on_run.reform(move |_: MouseEvent| stage)}>{ "Run the draft: upgrade, downgrade, upgrade and check" }</button>
                </div>
            }
            if let Some(ran) = &review.ran {
                { crate::components::practice_view::run_results(stage, &ran.checks, &props.run, "The draft") }
                if review.decision.is_none() { { verdict_form(props, review, labels) } }
            }
            if let Some(graded) = graded {
                <section class="draft-verdict" aria-label="Your verdict on the draft">
                    <p>{ format!("You {} this draft.", if review.decision == Some(Decision::Approve) { "approved" } else { "refused" }) }</p>
                    <VerdictView {graded} />
                    if let Some(flaw) = &draft.flaw {
                        <div class="flaw-why">
                            <h5>{ format!("What the draft gets wrong ({} {})", if flaw.lines.len() == 1 { "line" } else { "lines" }, flaw.lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", ")) }</h5>
                            { crate::components::markdown::render(&flaw.why) }
                        </div>
                    }
                    if stage == Stage::Make && state.progress.gate.approved {
                        <p class="right" role="status">{ "Approved. The draft passed every check, and what you confirmed matches what it did on the branch." }</p>
                    }
                </section>
            }
        </article>
    }
}

/// Approve (confirming what the engine did, as the approval always asks) or refuse (the marked line is the flaw named,
/// and a destructive step needs the preconditions).
fn verdict_form(props: &Props, review: &Review, (up, down): (&str, &str)) -> Html {
    let stage = props.stage;
    let state = &props.state;
    let d = state.dispatcher().to_callback();
    let act = move |action: ReviewAction| LessonAction::Review { stage, action };
    html! {
        <section class="draft-decision" aria-labelledby="decision-heading">
            <h4 id="decision-heading">{ "Approve it, or refuse it" }</h4>
            if stage == Stage::Make {
                if let Some(run) = &state.progress.gate.run_claims {
                    <p>{ format!("To approve, confirm what the draft did on the branch: tick each statement that is true of this run, under {up} and under {down}.") }</p>
                    { crate::components::practice_view::claim_list(state, false, &format!("What {up} did"), &run.upgrade) }
                    if !run.downgrade.is_empty() { { crate::components::practice_view::claim_list(state, true, &format!("What {down} did"), &run.downgrade) } }
                    { crate::components::practice_view::restores_question(state, down) }
                }
            }
            <p>{ if review.marked.is_empty() { "To refuse, name the flaw: you marked no line in your review.".to_owned() } else { format!("To refuse, the flaw you name is what you marked: line {}.", review.marked.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", ")) } }</p>
            <fieldset class="preconditions-picked">
                <legend>{ "If it has a destructive step: what do you need before it may run?" }</legend>
                { for PRECONDITIONS.iter().map(|p| {
                    let (id, key) = (format!("draft-precondition-{}", p.id), p.id.to_owned());
                    let onchange = d.reform(move |e: Event| act(ReviewAction::Precondition { id: key.clone(), picked: e.target_unchecked_into::<HtmlInputElement>().checked() }));
                    html! { <div class="check"><input type="checkbox" id={id.clone()} checked={review.preconditions.contains(p.id)} {onchange} /><label for={id}>{ crate::components::markdown::render_inline(p.text) }</label></div> }
                }) }
            </fieldset>
            <div class="toolbar">
                <button type="button" class="primary" onclick={d.reform(move |_: MouseEvent| act(ReviewAction::Decide(Decision::Approve)))}>{ "Approve this draft" }</button>
                <button type="button" onclick={d.reform(move |_: MouseEvent| act(ReviewAction::Decide(Decision::Refuse)))}>{ "Refuse this draft" }</button>
            </div>
            if let Some(error) = &state.submit_error { <p class="error" role="alert">{ crate::components::markdown::render_inline(error) }</p> }
        </section>
    }
}
