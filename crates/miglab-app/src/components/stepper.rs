//! The PRIMM stepper: five stages as a navigation list, showing which are done and which is open.

use crate::state::lesson_model::Stage;
use std::collections::BTreeSet;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub current: Stage,
    pub completed: BTreeSet<Stage>,
    pub on_go: Callback<Stage>,
}

#[function_component]
pub fn Stepper(props: &Props) -> Html {
    html! {
        <nav class="stepper" aria-label="PRIMM stages">
            <ol>
            { for Stage::ALL.iter().enumerate().map(|(i, &stage)| {
                let current = stage == props.current;
                let done = props.completed.contains(&stage);
                let onclick = props.on_go.reform(move |_: MouseEvent| stage);
                html! {
                    <li class={classes!(current.then_some("current"), done.then_some("done"))}>
                        <button type="button" {onclick} aria-current={current.then_some("step")}>
                            <span class="step-number" aria-hidden="true">{ if done { "✓".to_owned() } else { (i + 1).to_string() } }</span>
                            <span class="step-label">{ stage.label() }</span>
                            if done { <span class="visually-hidden">{ " (done)" }</span> }
                        </button>
                    </li>
                }
            }) }
            </ol>
        </nav>
    }
}
