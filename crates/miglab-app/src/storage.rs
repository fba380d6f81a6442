//! Progress in the browser's localStorage: read once at start, written after every change.

use crate::progress::{self, Loaded, Progress};

const KEY: &str = "miglab.progress";

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Loads saved progress; anything unreadable is copied to its own key before the student starts fresh.
pub fn load() -> Loaded {
    let Some(storage) = local() else {
        return Loaded { progress: Progress::default(), notice: Some("This browser does not allow saving, so progress lasts only until you close the tab.".into()), set_aside: None };
    };
    let raw = storage.get_item(KEY).ok().flatten();
    let mut loaded = progress::load(raw.as_deref());
    if let Some(aside) = &loaded.set_aside {
        let key = format!("{KEY}.set-aside.{}", js_sys::Date::now() as u64);
        if storage.set_item(&key, aside).is_ok() {
            // Only once it is kept elsewhere is the main key replaced, so it is set aside exactly once.
            let _ = storage.set_item(KEY, &loaded.progress.to_json());
            if let Some(notice) = &mut loaded.notice {
                notice.push_str(&format!(" The unreadable data is kept in localStorage under `{key}`."));
            }
        }
    }
    loaded
}

/// Saves progress; returns a sentence for the student when the browser refused.
pub fn save(progress: &Progress) -> Option<String> {
    let storage = local()?;
    storage.set_item(KEY, &progress.to_json()).err().map(|_| "Your progress could not be saved: the browser's storage is full or blocked. Export a report to keep it.".to_owned())
}
