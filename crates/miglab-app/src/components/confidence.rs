//! The 1–5 confidence picker every answer carries, as a keyboard-friendly radio group, and the table of what each level
//! earns, shown before the student answers so the payoff is known when they choose.

use crate::state::marks::mark;
use miglab_model::grade::{marks_table, Confidence, LEVEL_WORDS};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Unique per question, so each group's radios belong together.
    pub name: AttrValue,
    /// `None` until the student picks a level: nothing is ever assumed for them.
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
            { for Confidence::ALL.iter().zip(LEVEL_WORDS).map(|(&level, word)| {
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

#[derive(Properties, PartialEq)]
pub struct MarksProps {
    /// Open before the student answers; a closed disclosure afterwards.
    pub open: bool,
}

/// "How marks work": the mark for a right and a wrong answer at each level, from the model's one marking scheme.
#[function_component]
pub fn HowMarksWork(props: &MarksProps) -> Html {
    html! {
        <details class="how-marks" open={props.open} aria-label="How marks work">
            <summary>{ "How marks work" }</summary>
            <p>{ "Every answer carries your confidence. A right answer earns more the surer you were, and a wrong one costs more: pick the level that matches your chance of being right." }</p>
            <table class="marks">
                <caption>{ "Marks for each confidence level" }</caption>
                <thead><tr><th scope="col">{ "Confidence" }</th><th scope="col">{ "Your chance of being right" }</th><th scope="col">{ "Mark if right" }</th><th scope="col">{ "Mark if wrong" }</th></tr></thead>
                <tbody>
                { for marks_table().into_iter().map(|(level, words, right, wrong)| {
                    let l = u32::from(level.get());
                    html! {
                        <tr>
                            <th scope="row">{ format!("{l} — {words}") }</th>
                            <td>{ format!("{}–{}%", (l - 1) * 20, l * 20) }</td>
                            <td>{ mark(right) }</td>
                            <td>{ mark(wrong) }</td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            <p class="muted">{ "Partial credit earns the same share of the two marks. Each level pays best exactly inside its range, so saying how sure you really are is the best strategy." }</p>
        </details>
    }
}
