//! Lesson files from the instructor's machine: a folder (the directory picker where the browser has one, else a
//! folder input), a `.zip`, a lesson pack, or a drop of any of them; arranged by `state::lesson_files`.
//!
//! The JavaScript below only walks what the browser hands over and inflates a zip entry with the browser's own
//! `DecompressionStream`; what is read, how far, and what it means is decided in Rust (`state::zip`,
//! `state::lesson_files`). Every read is bounded: files over the limit are not read, walks stop past
//! `state::lesson_files::MAX_FILES`, and inflating stops at the size the zip declares.

use crate::state::lesson_files::{self, Picked, FILE_LIMIT, MAX_FILES};
use crate::state::zip::{self, Method};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The largest zip or pack read whole: 16 MiB.
pub const ARCHIVE_LIMIT: usize = 16 * 1024 * 1024;

#[wasm_bindgen(inline_js = r#"
const skip = (name) => name.startsWith('.') || name === '__pycache__' || name === 'node_modules';
async function read(file, path, limit) {
  return { path, size: file.size, bytes: file.size <= limit ? new Uint8Array(await file.arrayBuffer()) : null };
}
export function canPickDirectory() { return typeof window.showDirectoryPicker === 'function'; }
export async function pickDirectory(limit, max) {
  let dir;
  try { dir = await window.showDirectoryPicker({ mode: 'read' }); }
  catch (e) { if (e && e.name === 'AbortError') return null; throw e; }
  const files = [];
  async function walk(handle, prefix) {
    for await (const entry of handle.values()) {
      if (files.length > max || skip(entry.name)) continue;
      const path = `${prefix}/${entry.name}`;
      if (entry.kind === 'directory') await walk(entry, path);
      else files.push(await read(await entry.getFile(), path, limit));
    }
  }
  await walk(dir, dir.name);
  return { name: dir.name, files };
}
export async function readFileList(list, limit, max) {
  const files = [];
  for (const file of Array.from(list).slice(0, max + 1)) files.push(await read(file, file.webkitRelativePath || file.name, limit));
  return files;
}
// The drop's entries must be taken before the drop event returns, so this reads them before its first await.
export function readDrop(transfer, limit, max) {
  const entries = Array.from(transfer.items).map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry()).filter(Boolean);
  // Without entries (a browser without them, or files a script put in the transfer) the plain files still open.
  if (!entries.length) return readFileList(Array.from(transfer.files), limit, max);
  const files = [];
  const file = (entry) => new Promise((resolve, reject) => entry.file(resolve, reject));
  const batch = (reader) => new Promise((resolve, reject) => reader.readEntries(resolve, reject));
  async function walk(entry, prefix) {
    if (files.length > max || skip(entry.name)) return;
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isFile) { files.push(await read(await file(entry), path, limit)); return; }
    const reader = entry.createReader();
    for (let more = await batch(reader); more.length; more = await batch(reader)) {
      for (const child of more) await walk(child, path);
    }
  }
  return (async () => { for (const entry of entries) await walk(entry, ''); return files; })();
}
export async function inflateRaw(bytes, limit) {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) { await reader.cancel(); throw new Error(`it inflates to more than the ${limit} bytes the zip declares`); }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) { out.set(chunk, at); at += chunk.length; }
  return out;
}"#)]
extern "C" {
    #[wasm_bindgen(js_name = canPickDirectory)]
    fn can_pick_directory() -> bool;
    #[wasm_bindgen(js_name = pickDirectory)]
    fn pick_directory(limit: usize, max: usize) -> js_sys::Promise;
    #[wasm_bindgen(js_name = readFileList)]
    fn read_file_list(list: &js_sys::Array, limit: usize, max: usize) -> js_sys::Promise;
    #[wasm_bindgen(js_name = readDrop)]
    fn read_drop(transfer: &web_sys::DataTransfer, limit: usize, max: usize) -> js_sys::Promise;
    #[wasm_bindgen(js_name = inflateRaw)]
    fn inflate_raw(bytes: &[u8], limit: usize) -> js_sys::Promise;
}

/// Whether the browser has a folder picker (`showDirectoryPicker`); otherwise the page offers a folder input.
pub fn has_directory_picker() -> bool {
    can_pick_directory()
}

fn js_message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

/// The files of a JavaScript `[{ path, size, bytes }]`.
fn picked(value: &JsValue) -> Vec<Picked> {
    js_sys::Array::from(value)
        .iter()
        .map(|item| {
            let get = |name: &str| js_sys::Reflect::get(&item, &JsValue::from_str(name)).ok();
            Picked {
                path: get("path").and_then(|v| v.as_string()).unwrap_or_default(),
                size: get("size").and_then(|v| v.as_f64()).map_or(usize::MAX, |n| n as usize),
                bytes: get("bytes")
                    .and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok())
                    .map(|a| a.to_vec()),
            }
        })
        .collect()
}

/// Files opened, keyed by their path in a lessons folder, and sentences about what was left out.
pub type Opened = (BTreeMap<String, String>, Vec<String>);

/// A folder through the browser's picker; `Ok(None)` when the instructor cancelled it.
pub async fn pick_folder() -> Result<Option<(String, Opened)>, String> {
    let value = JsFuture::from(pick_directory(ARCHIVE_LIMIT, MAX_FILES))
        .await
        .map_err(|e| format!("The folder could not be read: {}.", js_message(&e)))?;
    if value.is_null() {
        return Ok(None);
    }
    let get = |name: &str| js_sys::Reflect::get(&value, &JsValue::from_str(name)).ok();
    let name = get("name").and_then(|v| v.as_string()).unwrap_or_else(|| "the folder".to_owned());
    let files = picked(&get("files").unwrap_or(JsValue::UNDEFINED));
    let source = format!("the folder `{name}`");
    Ok(Some((source.clone(), open(files, &source, &name).await?)))
}

/// Starts reading a file input's files: a folder's (`webkitdirectory`), or one zip or pack. The list is copied
/// first, so the input can be cleared at once (and the same file chosen again).
pub fn from_input(
    list: &web_sys::FileList,
) -> impl std::future::Future<Output = Result<(String, Opened), String>> {
    let files = js_sys::Array::from(list);
    async move { read_input(files).await }
}

async fn read_input(files: js_sys::Array) -> Result<(String, Opened), String> {
    let value = JsFuture::from(read_file_list(&files, ARCHIVE_LIMIT, MAX_FILES))
        .await
        .map_err(|e| format!("The files could not be read: {}.", js_message(&e)))?;
    opened(picked(&value)).await
}

/// Starts reading a drop; call it inside the drop handler, since the browser empties the transfer afterwards.
pub fn from_drop(
    transfer: &web_sys::DataTransfer,
) -> impl std::future::Future<Output = Result<(String, Opened), String>> {
    let promise = read_drop(transfer, ARCHIVE_LIMIT, MAX_FILES);
    async move {
        let value = JsFuture::from(promise)
            .await
            .map_err(|e| format!("The dropped files could not be read: {}.", js_message(&e)))?;
        opened(picked(&value)).await
    }
}

/// Picked files with the name the page uses for them in messages.
async fn opened(files: Vec<Picked>) -> Result<(String, Opened), String> {
    let root = files.first().map(|f| f.path.split('/').next().unwrap_or_default().to_owned());
    let root = root.unwrap_or_default();
    let source = match files.len() {
        0 => return Err("Nothing was opened: no files came with it.".to_owned()),
        1 => format!("`{}`", files[0].path),
        _ => format!("the folder `{root}`"),
    };
    let opened = open(files, &source, &root).await?;
    Ok((source, opened))
}

/// One zip, one pack, or a folder's files, as a lessons folder.
async fn open(files: Vec<Picked>, source: &str, name: &str) -> Result<Opened, String> {
    if let [file] = files.as_slice() {
        let lower = file.path.to_lowercase();
        let whole = || {
            file.bytes.clone().ok_or_else(|| {
                format!("{source} is {} bytes, over the {ARCHIVE_LIMIT}-byte limit for a zip or a pack.", file.size)
            })
        };
        if lower.ends_with(".zip") {
            return lesson_files::arrange(unzip(&whole()?, source).await?, &file.path);
        }
        if lower.ends_with(".json") {
            let text = String::from_utf8(whole()?)
                .map_err(|_| format!("{source} is not UTF-8 text, so it is not a lesson pack."))?;
            let (files, mut messages) = crate::services::analyzer_link::unpack(text).await?;
            if files.is_empty() {
                return Err(format!(
                    "{source} could not be opened as a lesson pack: {}",
                    messages.join(" ")
                ));
            }
            // A pack holds each lesson loaded, not its original `lesson.toml`.
            messages.push("Each `lesson.toml` was written back from the pack's loaded lesson, so its comments and layout are not the original's; the migration files and seeds are as they were.".to_owned());
            return Ok((files, messages));
        }
    }
    lesson_files::arrange(files, name)
}

/// A zip's files, each inflated (by the browser) no further than it declares and checked against its CRC-32.
async fn unzip(bytes: &[u8], source: &str) -> Result<Vec<Picked>, String> {
    let entries = zip::entries(bytes, FILE_LIMIT).map_err(|e| format!("{source}: {e}"))?;
    let mut out = Vec::new();
    for entry in entries {
        let raw = &bytes[entry.data.clone()];
        let data = match entry.method {
            Method::Stored => raw.to_vec(),
            Method::Deflated => JsFuture::from(inflate_raw(raw, entry.size))
                .await
                .map(|v| js_sys::Uint8Array::new(&v).to_vec())
                .map_err(|e| {
                    format!("{source}: `{}` could not be inflated: {}.", entry.name, js_message(&e))
                })?,
        };
        if data.len() != entry.size || zip::crc32(&data) != entry.crc32 {
            return Err(format!(
                "{source}: `{}` does not match its checksum; the zip is damaged.",
                entry.name
            ));
        }
        out.push(Picked { path: entry.name, size: data.len(), bytes: Some(data) });
    }
    Ok(out)
}
