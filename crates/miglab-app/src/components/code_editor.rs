//! A CodeMirror editor (line numbers, Python or SQL highlighting), mounted from the bundle `services::editor` loads.
//!
//! The bundle is imported on first use, so a page whose editor bundle failed to load still works:
//! the editor falls back to a plain text area and says so, and the student's text is kept either way.

use crate::services::editor::{call, module};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub value: AttrValue,
    /// `python`, `sql`, or `toml` and `text` (no highlighting).
    pub language: AttrValue,
    pub label: AttrValue,
    #[prop_or_default]
    pub read_only: bool,
    #[prop_or_default]
    pub on_change: Callback<String>,
    /// 1-based lines to mark as where Postgres failed; `None` clears the mark.
    #[prop_or_default]
    pub mark: Option<(u32, u32)>,
    /// Diagnostics to show at their places, as JSON for the editor bundle's `showDiagnostics`; `None` leaves the
    /// ones shown where the editor has moved them as the text changed (while newer ones are being worked out).
    #[prop_or_default]
    pub diagnostics: Option<AttrValue>,
    /// A 1-based line and column to move the cursor to, and a counter so that the same place can be asked again.
    #[prop_or_default]
    pub jump: Option<(u32, u32, u64)>,
}

struct Mounted {
    module: JsValue,
    view: JsValue,
    _on_change: Closure<dyn FnMut(String)>,
}

#[function_component]
pub fn CodeEditor(props: &Props) -> Html {
    let host = use_node_ref();
    let mounted: Rc<RefCell<Option<Mounted>>> = use_mut_ref(|| None);
    let failed = use_state(|| None::<String>);
    // Set once the editor is mounted, so the diagnostics and the jump given before then are applied afterwards.
    let ready = use_state(|| false);
    let on_change = use_mut_ref(|| props.on_change.clone());
    *on_change.borrow_mut() = props.on_change.clone();

    {
        let (host, mounted, failed, on_change, ready) =
            (host.clone(), mounted.clone(), failed.clone(), on_change.clone(), ready.clone());
        let (value, language, label, read_only) =
            (props.value.clone(), props.language.clone(), props.label.clone(), props.read_only);
        use_effect_with((), move |_| {
            let cleanup = mounted.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let Some(parent) = host.cast::<web_sys::Element>() else { return };
                match module().await {
                    Ok(module) => {
                        let closure = Closure::<dyn FnMut(String)>::new(move |text: String| {
                            on_change.borrow().emit(text)
                        });
                        let args = [
                            &parent.into(),
                            &JsValue::from_str(&value),
                            &JsValue::from_str(&language),
                            &JsValue::from_bool(read_only),
                            &JsValue::from_str(&label),
                            closure.as_ref(),
                        ];
                        match call(&module, "mountEditor", &args) {
                            Ok(view) => {
                                *mounted.borrow_mut() =
                                    Some(Mounted { module, view, _on_change: closure });
                                ready.set(true);
                            }
                            Err(e) => failed.set(Some(format!("{e:?}"))),
                        }
                    }
                    Err(e) => failed.set(Some(e)),
                }
            });
            move || {
                if let Some(m) = cleanup.borrow_mut().take() {
                    let _ = call(&m.module, "destroyEditor", &[&m.view]);
                }
            }
        });
    }
    {
        let mounted = mounted.clone();
        use_effect_with((props.value.clone(), props.mark), move |(value, mark)| {
            if let Some(m) = mounted.borrow().as_ref() {
                let _ = call(&m.module, "setDoc", &[&m.view, &JsValue::from_str(value)]);
                let (from, to) = mark.unwrap_or((0, 0));
                let _ = call(
                    &m.module,
                    "markLines",
                    &[&m.view, &JsValue::from(from), &JsValue::from(to)],
                );
            }
        });
    }

    {
        let mounted = mounted.clone();
        use_effect_with((props.diagnostics.clone(), *ready), move |(diagnostics, _)| {
            if let (Some(m), Some(json)) = (mounted.borrow().as_ref(), diagnostics) {
                let _ = call(&m.module, "showDiagnostics", &[&m.view, &JsValue::from_str(json)]);
            }
        });
    }
    {
        let mounted = mounted.clone();
        use_effect_with((props.jump, *ready), move |(jump, _)| {
            if let (Some(m), Some((line, column, _))) = (mounted.borrow().as_ref(), jump) {
                let _ = call(
                    &m.module,
                    "goTo",
                    &[&m.view, &JsValue::from(*line), &JsValue::from(*column)],
                );
            }
        });
    }

    if let Some(reason) = &*failed {
        let on_input = props
            .on_change
            .reform(|e: InputEvent| e.target_unchecked_into::<HtmlTextAreaElement>().value());
        return html! {
            <div class="editor editor-fallback">
                <p class="notice" role="status">{ "The code editor could not load, so this is a plain text box; your text is kept. " }<small>{ reason.clone() }</small></p>
                <textarea aria-label={props.label.clone()} value={props.value.clone()} readonly={props.read_only} oninput={on_input} rows="14" spellcheck="false" />
            </div>
        };
    }
    html! { <div class="editor" ref={host} data-language={props.language.clone()}></div> }
}
