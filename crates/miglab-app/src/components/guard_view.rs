//! The drop guard on screen: what would be lost (counted on the engine), the three preconditions, and the two answers.

use crate::state::drop_guard::{Decision, GuardAction, GuardState};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub guard: UseReducerHandle<GuardState>,
    pub on_branch: Callback<()>,
    pub on_backup: Callback<()>,
    /// Called with `true` when the student refused, `false` when they proceeded with all three preconditions.
    pub on_decided: Callback<bool>,
    /// A graded decision needs its confidence first; this says what is missing, and both answers wait for it.
    #[prop_or_default]
    pub decide_blocked: Option<AttrValue>,
}

#[function_component]
pub fn GuardView(props: &Props) -> Html {
    let g = &props.guard;
    if g.threats.is_empty() {
        return html! {};
    }
    let d = g.dispatcher().to_callback();
    let proceed = {
        let (d, decided, missing) = (d.clone(), props.on_decided.clone(), g.missing());
        Callback::from(move |_: MouseEvent| {
            d.emit(GuardAction::Proceed);
            if missing.is_empty() {
                decided.emit(false);
            }
        })
    };
    let refuse = {
        let (d, decided) = (d.clone(), props.on_decided.clone());
        Callback::from(move |_: MouseEvent| {
            d.emit(GuardAction::Refuse);
            decided.emit(true);
        })
    };
    let blocked = props.decide_blocked.is_some();
    let targets = g.targets();
    html! {
        <section class="guard" aria-labelledby="guard-heading">
            <h3 id="guard-heading">{ match g.decision {
                None => "Drop guard: this run is stopped",
                Some(Decision::Refused) => "Drop guard: refused",
                Some(Decision::Proceeded) => "Drop guard: preconditions met",
            } }</h3>
            { for g.threats.iter().map(|t| html! { <p class="threat"><span class="tag">{ crate::components::markdown::render_inline(&miglab_model::finding::titled(&t.code)) }</span>{ " " }{ crate::components::markdown::render_inline(&t.message) }</p> }) }
            <ul class="at-stake" aria-label="At stake, counted on the branch">
                { for targets.iter().map(|target| match g.stake(target) {
                    Some(stake) => html! {
                        <li>
                            <strong>{ crate::components::markdown::render_inline(&stake.sentence()) }</strong>{ " would be lost." }
                            if !stake.sample.is_empty() {
                                { " A sample: " }{ for stake.sample.iter().map(|v| html! { <code class="sample">{ v }</code> }) }
                            }
                        </li>
                    },
                    None => html! { <li class="muted">{ format!("Counting what {target} holds…") }</li> },
                }) }
            </ul>
            if let Some(decision) = g.decision {
                <p class={classes!("decision", if decision == Decision::Refused { "right" } else { "partly" })} role="status">
                    { match decision {
                        Decision::Refused => "You refused the migration. It did not run.",
                        Decision::Proceeded => "You proceeded with a branch, a backup and an approval of each loss in place.",
                    } }
                </p>
            } else {
                <ol class="preconditions">
                    <li>
                        { " A branch you can fail back to: " }
                        if let Some(b) = &g.branch { <code>{ b }</code> } else { <button type="button" onclick={props.on_branch.reform(|_: MouseEvent| ())}>{ "Create a branch" }</button> }
                    </li>
                    <li>
                        { " A backup of the table: " }
                        if let Some(b) = &g.backup { <span>{ format!("{} ({} bytes, downloaded)", b.file_name, b.bytes) }</span> } else { <button type="button" onclick={props.on_backup.reform(|_: MouseEvent| ())}>{ "Back up and download" }</button> }
                    </li>
                    <li>
                        <fieldset class="approvals">
                            <legend>{ "An explicit approval of each loss" }</legend>
                            { for targets.iter().map(|target| {
                                let id = format!("guard-approve-{}", target.replace('.', "-"));
                                let counted = g.stake(target);
                                let onchange = {
                                    let (d, target) = (d.clone(), target.clone());
                                    Callback::from(move |e: Event| d.emit(GuardAction::Approve { target: target.clone(), approved: e.target_unchecked_into::<HtmlInputElement>().checked() }))
                                };
                                html! {
                                    <div class="check">
                                        <input type="checkbox" id={id.clone()} checked={g.approved.contains(target)} disabled={counted.is_none()} {onchange} />
                                        <label for={id}>{ "I approve losing " }{ crate::components::markdown::render_inline(&counted.map_or_else(|| format!("`{target}`"), |s| s.sentence())) }{ "." }</label>
                                    </div>
                                }
                            }) }
                        </fieldset>
                    </li>
                </ol>
                <div class="toolbar">
                    <button type="button" class="primary" disabled={blocked} onclick={refuse}>{ "Refuse this migration" }</button>
                    <button type="button" disabled={blocked} onclick={proceed}>{ "Proceed anyway" }</button>
                </div>
            }
            if let (Some(why), None) = (&props.decide_blocked, g.decision) { <p class="muted">{ why }</p> }
            if let Some(error) = &g.error { <p class="error" role="alert">{ crate::components::markdown::render_inline(error) }</p> }
        </section>
    }
}
