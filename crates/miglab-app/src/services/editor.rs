//! The CodeMirror bundle (`web/editor`, built by esbuild), imported on first use through a dynamic `import()`,
//! and calls into it; `components::code_editor` mounts it.

use js_sys::{Function, Promise, Reflect};
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(
    inline_js = "export function importEditor(url) { return import(new URL(url, document.baseURI).href); }"
)]
extern "C" {
    #[wasm_bindgen(js_name = importEditor)]
    fn import_editor(url: &str) -> Promise;
}

/// Where `cargo xtask` puts the esbuild bundle, relative to the page.
const BUNDLE: &str = "editor/miglab-editor.js";

thread_local! {
    static MODULE: RefCell<Option<JsValue>> = const { RefCell::new(None) };
    /// Failed imports so far. Chromium keeps a failed dynamic `import()` in the page's module map, so a retry of the
    /// same URL fails without a request; each retry asks for a URL it has not seen fail.
    static FAILURES: Cell<u32> = const { Cell::new(0) };
}

/// The bundle's URL for the next try: plain first, then with a retry counter in the query.
fn bundle_url(failures: u32) -> String {
    match failures {
        0 => BUNDLE.to_owned(),
        n => format!("{BUNDLE}?retry={n}"),
    }
}

/// The bundle's module, imported on the first call and kept for the page's life.
pub async fn module() -> Result<JsValue, String> {
    if let Some(module) = MODULE.with(|m| m.borrow().clone()) {
        return Ok(module);
    }
    let module = JsFuture::from(import_editor(&bundle_url(FAILURES.with(Cell::get))))
        .await
        .map_err(|e| {
            FAILURES.with(|f| f.set(f.get() + 1));
            format!("{e:?}")
        })?;
    MODULE.with(|m| *m.borrow_mut() = Some(module.clone()));
    Ok(module)
}

/// Calls the bundle's export `name` with `args`.
pub fn call(module: &JsValue, name: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(module, &JsValue::from_str(name))?.dyn_into()?;
    let array = args.iter().copied().collect::<js_sys::Array>();
    function.apply(&JsValue::NULL, &array)
}
