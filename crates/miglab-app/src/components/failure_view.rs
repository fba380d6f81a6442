//! A Postgres error as Postgres gave it: SQLSTATE, message, detail, hint and the statement it stopped at.

use crate::state::run_state::Failure;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub failure: Failure,
}

#[function_component]
pub fn FailureView(props: &Props) -> Html {
    let f = &props.failure;
    html! {
        <div class="failure" role="alert">
            <p class="failure-title"><strong>{ &f.title }</strong></p>
            <pre class="pg-error">
                { "ERROR:  " }{ &f.message }
                if let Some(state) = &f.sqlstate { { format!("\nSQLSTATE: {state}") } }
                if let Some(detail) = &f.detail { { format!("\nDETAIL:  {detail}") } }
                if let Some(hint) = &f.hint { { format!("\nHINT:  {hint}") } }
            </pre>
            if let Some(statement) = &f.statement {
                <p>{ "The statement it stopped at" }{ f.lines.map(|(a, b)| if a == b { format!(" (line {a} of the file, marked above)") } else { format!(" (lines {a}–{b} of the file, marked above)") }).unwrap_or_default() }{ ":" }</p>
                <pre class="statement"><code>{ statement }</code></pre>
            }
        </div>
    }
}
