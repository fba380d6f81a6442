//! The application shell: routes between the catalog, a lesson and the SQL console.

use yew::prelude::*;

#[function_component]
pub fn App() -> Html {
    html! {
        <main>
            <h1>{ "miglab" }</h1>
            <crate::console::SqlConsole />
        </main>
    }
}
