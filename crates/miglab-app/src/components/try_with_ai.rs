//! "Try With AI": prompts for the learner's own assistant, with a copy button. Shown only once the Predict answers
//! are locked, apart from the AI-free questions; the page copies to the clipboard and sends nothing anywhere.

use miglab_model::lesson::AiPrompt;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub prompts: Vec<AiPrompt>,
}

/// Whether the last copy of a prompt worked, by its index.
#[derive(Clone, Copy, PartialEq)]
enum Copied {
    Yes(usize),
    Failed(usize),
}

#[function_component]
pub fn TryWithAi(props: &Props) -> Html {
    let copied = use_state(|| None::<Copied>);
    html! {
        <section class="try-with-ai" aria-labelledby="try-with-ai-heading">
            <h2 id="try-with-ai-heading">{ "Try with AI" }</h2>
            <p class="muted">{ "Prompts for your own assistant, to use after you have answered on your own. Copy one into the assistant you use; the lab sends nothing anywhere." }</p>
            { for props.prompts.iter().enumerate().map(|(index, prompt)| {
                let onclick = {
                    let (copied, text) = (copied.clone(), prompt.prompt.clone());
                    Callback::from(move |_: MouseEvent| copy(&text, index, copied.clone()))
                };
                let status = match *copied {
                    Some(Copied::Yes(i)) if i == index => "Copied.",
                    Some(Copied::Failed(i)) if i == index => "The browser did not allow copying: select the text and copy it yourself.",
                    _ => "",
                };
                html! {
                    <article class="ai-prompt" aria-label={prompt.title.clone()}>
                        <h3>{ &prompt.title }</h3>
                        <pre tabindex="0">{ &prompt.prompt }</pre>
                        <p>
                            <button type="button" {onclick}>{ format!("Copy “{}”", prompt.title) }</button>
                            <span role="status" class="muted">{ " " }{ status }</span>
                        </p>
                        if !prompt.learning.is_empty() {
                            <p><strong>{ "What you are practising: " }</strong>{ crate::components::markdown::render_inline(&prompt.learning) }</p>
                        }
                    </article>
                }
            }) }
        </section>
    }
}

fn copy(text: &str, index: usize, copied: UseStateHandle<Option<Copied>>) {
    let Some(window) = web_sys::window() else { return copied.set(Some(Copied::Failed(index))) };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = wasm_bindgen_futures::JsFuture::from(promise).await;
        copied.set(Some(if outcome.is_ok() { Copied::Yes(index) } else { Copied::Failed(index) }));
    });
}
