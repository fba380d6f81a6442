//! Opens the lesson pack the page names with `?pack=<url>`: fetched from any origin that allows it (CORS), refused
//! above the size limit before its body is read when the host says its length, and read by the model's pack reader,
//! which trusts nothing in it.

use crate::state::pack_view::PackView;
use gloo::net::http::Request;
use miglab_model::lesson::pack;

/// The `pack` parameter of the page's query string, when there is one.
pub fn requested() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get("pack").filter(|url| !url.trim().is_empty())
}

/// The pack at `url`, or a full sentence saying why it did not open; the caller names the URL.
pub async fn load(url: &str) -> Result<PackView, String> {
    let response = Request::get(url).send().await.map_err(|e| {
        format!("It could not be fetched ({e}). Check the address, and that its host allows other sites to read it: the response needs the header `Access-Control-Allow-Origin`.")
    })?;
    if !response.ok() {
        return Err(format!(
            "The host answered HTTP {} {}.",
            response.status(),
            response.status_text()
        ));
    }
    let stated =
        response.headers().get("content-length").and_then(|n| n.trim().parse::<usize>().ok());
    if let Some(bytes) = stated.filter(|bytes| *bytes > pack::LIMIT) {
        return Err(pack::PackError::TooBig { bytes }.to_string());
    }
    let bytes =
        response.binary().await.map_err(|e| format!("Its content could not be read ({e})."))?;
    let read = pack::read(&bytes).map_err(|e| e.to_string())?;
    Ok(PackView::new(url, read))
}
