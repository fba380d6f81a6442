//! The drop guard on screen: what would be lost, the three preconditions, and the two answers, proceed or refuse.

use crate::drop_guard::{Decision, GuardAction, GuardState};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub guard: UseReducerHandle<GuardState>,
    pub on_branch: Callback<()>,
    pub on_backup: Callback<()>,
    /// Called with `true` when the student refused, `false` when they proceeded with all three preconditions.
    pub on_decided: Callback<bool>,
    /// Refusing needs the written refusal and its confidence first; this says what is missing.
    #[prop_or_default]
    pub refuse_blocked: Option<AttrValue>,
}

#[function_component]
pub fn GuardView(props: &Props) -> Html {
    let g = &props.guard;
    if g.threats.is_empty() {
        return html! {};
    }
    let d = g.dispatcher().to_callback();
    let on_approval = d.reform(|e: InputEvent| GuardAction::Approval(e.target_unchecked_into::<HtmlTextAreaElement>().value()));
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
    let mark = |done: bool| if done { "✓" } else { "○" };
    html! {
        <section class="guard" aria-labelledby="guard-heading">
            <h3 id="guard-heading">{ match g.decision {
                None => "Drop guard: this run is stopped",
                Some(Decision::Refused) => "Drop guard: refused",
                Some(Decision::Proceeded) => "Drop guard: preconditions met",
            } }</h3>
            { for g.threats.iter().map(|t| html! { <p class="threat"><span class="tag">{ &t.code }</span>{ " " }{ crate::markdown::render_inline(&t.message) }</p> }) }
            if let Some((count, sample)) = &g.at_stake {
                <p class="at-stake"><strong>{ if g.threats.first().is_some_and(|t| t.column.is_none()) { format!("{count} rows") } else { format!("{count} non-null values") } }</strong>{ " would be lost. A sample: " }
                    { for sample.iter().map(|v| html! { <code class="sample">{ v }</code> }) }
                </p>
            } else {
                <p class="muted">{ "Counting what would be lost…" }</p>
            }
            if let Some(decision) = g.decision {
                <p class={classes!("decision", if decision == Decision::Refused { "right" } else { "partly" })} role="status">
                    { match decision {
                        Decision::Refused => "You refused the migration. It did not run.",
                        Decision::Proceeded => "You proceeded with a branch, a backup and a named approval in place.",
                    } }
                </p>
            } else {
                <ol class="preconditions">
                    <li>
                        { mark(g.branch.is_some()) }{ " A branch you can fail back to " }
                        if let Some(b) = &g.branch { <code>{ b }</code> } else { <button type="button" onclick={props.on_branch.reform(|_: MouseEvent| ())}>{ "Create a branch" }</button> }
                    </li>
                    <li>
                        { mark(g.backup.is_some()) }{ " A backup of the table " }
                        if let Some(b) = &g.backup { <span>{ format!("{} ({} bytes, downloaded)", b.file_name, b.bytes) }</span> } else { <button type="button" onclick={props.on_backup.reform(|_: MouseEvent| ())}>{ "Back up and download" }</button> }
                    </li>
                    <li>
                        <label for="guard-approval">{ format!("{} An approval naming ", mark(g.missing().iter().all(|m| !m.starts_with("Type")))) }
                            { for g.threats.iter().map(|t| html! { <><code>{ t.target() }</code>{ " " }</> }) }</label>
                        <textarea id="guard-approval" rows="2" value={g.approval.clone()} oninput={on_approval} />
                    </li>
                </ol>
                <div class="toolbar">
                    <button type="button" class="primary" disabled={props.refuse_blocked.is_some()} onclick={refuse}>{ "Refuse this migration" }</button>
                    <button type="button" onclick={proceed}>{ "Proceed anyway" }</button>
                </div>
            }
            if let (Some(why), None) = (&props.refuse_blocked, g.decision) { <p class="muted">{ why }</p> }
            if let Some(error) = &g.error { <p class="error" role="alert">{ error }</p> }
        </section>
    }
}
