//! Offers text or bytes as a file download (reports, backups, a lesson's zip) through a Blob URL.

use wasm_bindgen::JsCast;

pub fn download(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    offer(file_name, mime, &text.into())
}

/// Offers `bytes` as the file `file_name`.
pub fn download_bytes(file_name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    offer(file_name, mime, &js_sys::Uint8Array::from(bytes).into())
}

fn offer(file_name: &str, mime: &str, part: &wasm_bindgen::JsValue) -> Result<(), String> {
    let fail = |what: &str| format!("the download could not start: {what}");
    let parts = js_sys::Array::of1(part);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| fail("blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("url"))?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| fail("document"))?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|_| fail("anchor"))?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
