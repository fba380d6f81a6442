//! The 1–5 confidence picker every answer carries, as a keyboard-friendly radio group.

use miglab_core::grade::Confidence;
use yew::prelude::*;

const WORDS: [&str; 5] = ["a guess", "unsure", "fairly sure", "sure", "certain"];

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Unique per question, so each group's radios belong together.
    pub name: AttrValue,
    pub value: Option<Confidence>,
    #[prop_or_default]
    pub disabled: bool,
    pub on_change: Callback<Confidence>,
}

#[function_component]
pub fn ConfidencePicker(props: &Props) -> Html {
    html! {
        <fieldset class="confidence" disabled={props.disabled}>
            <legend>{ "How sure are you?" }</legend>
            { for Confidence::ALL.iter().zip(WORDS).map(|(&level, word)| {
                let on_change = props.on_change.reform(move |_: Event| level);
                let id = format!("{}-c{}", props.name, level.get());
                html! {
                    <label for={id.clone()} class="confidence-level">
                        <input type="radio" id={id} name={props.name.clone()} checked={props.value == Some(level)} onchange={on_change} />
                        <span class="level">{ level.get() }</span>
                        <span class="word">{ word }</span>
                    </label>
                }
            }) }
        </fieldset>
    }
}
