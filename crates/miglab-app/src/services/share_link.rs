//! The sandbox as a link: its JSON compressed by the browser's own `CompressionStream` (raw DEFLATE) into the URL
//! fragment (`state::sandbox_share` is the format), and read back with `DecompressionStream`, never past
//! `sandbox_share::MAX_JSON` bytes, so a small link cannot unpack to fill the tab's memory.
//!
//! web-sys marks the two stream constructors unstable (behind `--cfg=web_sys_unstable_apis`, which would change how
//! the whole app builds), so the two are bound here; the streams they return are web-sys's stable types.

use crate::state::sandbox::Doc;
use crate::state::sandbox_share;

#[cfg(target_arch = "wasm32")]
mod streams {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_name = CompressionStream)]
        type Compression;
        #[wasm_bindgen(constructor, js_class = "CompressionStream", catch)]
        fn new(format: &str) -> Result<Compression, JsValue>;
        #[wasm_bindgen(method, getter, js_class = "CompressionStream")]
        fn readable(this: &Compression) -> web_sys::ReadableStream;
        #[wasm_bindgen(method, getter, js_class = "CompressionStream")]
        fn writable(this: &Compression) -> web_sys::WritableStream;

        #[wasm_bindgen(js_name = DecompressionStream)]
        type Decompression;
        #[wasm_bindgen(constructor, js_class = "DecompressionStream", catch)]
        fn new(format: &str) -> Result<Decompression, JsValue>;
        #[wasm_bindgen(method, getter, js_class = "DecompressionStream")]
        fn readable(this: &Decompression) -> web_sys::ReadableStream;
        #[wasm_bindgen(method, getter, js_class = "DecompressionStream")]
        fn writable(this: &Decompression) -> web_sys::WritableStream;
    }

    fn message(e: &JsValue) -> String {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| "the browser gave no reason".to_owned())
    }

    /// `bytes` through the transform, read to the end or until more than `limit` bytes came out (`Ok(None)`).
    async fn through(
        bytes: &[u8],
        pair: &web_sys::ReadableWritablePair,
        limit: usize,
    ) -> Result<Option<Vec<u8>>, String> {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(|e| message(&e))?;
        let reader: web_sys::ReadableStreamDefaultReader =
            blob.stream().pipe_through(pair).get_reader().unchecked_into();
        let mut out = Vec::new();
        loop {
            let chunk = JsFuture::from(reader.read()).await.map_err(|e| message(&e))?;
            let chunk: web_sys::ReadableStreamReadResult = chunk.unchecked_into();
            if chunk.get_done().unwrap_or(true) {
                return Ok(Some(out));
            }
            out.extend(js_sys::Uint8Array::new(&chunk.get_value()).to_vec());
            if out.len() > limit {
                let _ = reader.cancel();
                return Ok(None);
            }
        }
    }

    pub async fn deflate(bytes: &[u8]) -> Result<Vec<u8>, String> {
        let c = Compression::new("deflate-raw").map_err(|e| message(&e))?;
        let pair = web_sys::ReadableWritablePair::new(&c.readable(), &c.writable());
        through(bytes, &pair, usize::MAX).await.map(Option::unwrap_or_default)
    }

    pub async fn inflate(bytes: &[u8], limit: usize) -> Result<Option<Vec<u8>>, String> {
        let d = Decompression::new("deflate-raw").map_err(|e| message(&e))?;
        let pair = web_sys::ReadableWritablePair::new(&d.readable(), &d.writable());
        through(bytes, &pair, limit).await
    }
}

/// Natively there is no browser stream: the app's tests stop at the format (`state::sandbox_share`).
#[cfg(not(target_arch = "wasm32"))]
mod streams {
    #[allow(clippy::unused_async)]
    pub async fn deflate(_: &[u8]) -> Result<Vec<u8>, String> {
        Err("compression needs a browser".to_owned())
    }

    #[allow(clippy::unused_async)]
    pub async fn inflate(_: &[u8], _: usize) -> Result<Option<Vec<u8>>, String> {
        Err("decompression needs a browser".to_owned())
    }
}

/// The fragment that opens this sandbox: `#/sandbox/v1.…`.
pub async fn fragment(doc: &Doc) -> Result<String, String> {
    let compressed = streams::deflate(&sandbox_share::to_json(doc))
        .await
        .map_err(|why| format!("The sandbox could not be compressed into a link ({why})."))?;
    Ok(sandbox_share::fragment(&compressed))
}

/// The sandbox a link's payload (what follows `#/sandbox/`) carries, or a sentence saying how the link is broken.
pub async fn read(payload: &str) -> Result<Doc, String> {
    let compressed = sandbox_share::payload(payload)?;
    match streams::inflate(&compressed, sandbox_share::MAX_JSON).await {
        Ok(Some(json)) => sandbox_share::from_json(&json),
        Ok(None) => Err(sandbox_share::too_big()),
        // The browser's reason is a sentence of its own ("Compressed input was truncated."); one full stop is enough.
        Err(why) => Err(format!(
            "The link's data does not unpack ({}); it was probably cut off when it was copied.",
            why.trim_end_matches('.')
        )),
    }
}

/// Puts `fragment` in the address bar without a new history entry or a `hashchange`, so the page keeps its state
/// and the address is the link to copy.
pub fn show_in_address_bar(fragment: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(fragment));
    }
}

/// Copies `text` to the clipboard; a browser that refuses is not an error, since the link is also on screen.
pub fn copy(text: &str) {
    if let Some(window) = web_sys::window() {
        // Awaited so that a refusal is handled here rather than left as an unhandled rejection.
        let promise = window.navigator().clipboard().write_text(text);
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        });
    }
}

/// The page's address with `fragment` in place of its own.
pub fn link(fragment: &str) -> String {
    let base = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or_default().to_owned())
        .unwrap_or_default();
    format!("{base}{fragment}")
}
