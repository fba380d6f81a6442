//! The author view's draft in localStorage, so open lesson files survive a reload.
//!
//! A draft this build cannot read is copied to a key of its own before anything is written over it; while that copy
//! cannot be made, nothing is saved, and the instructor is told, as with progress (`services::storage`).

use crate::state::author::AuthorState;
use std::cell::Cell;

const KEY: &str = "miglab.author.draft";

thread_local! {
    /// Set when a damaged draft could not be set aside, so the next save must not write over it.
    static BLOCKED: Cell<bool> = const { Cell::new(false) };
}

fn store() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The stored draft, or an empty view, and a sentence when the draft could not be used.
pub fn load() -> (AuthorState, Option<String>) {
    let Some(store) = store() else {
        return (AuthorState::default(), Some("This browser does not let the page keep a draft, so your edits last only until you leave; export them as a zip to keep them.".to_owned()));
    };
    let Some(text) = store.get_item(KEY).ok().flatten() else {
        return (AuthorState::default(), None);
    };
    match AuthorState::from_draft(&text) {
        Ok(state) => (state, None),
        Err(message) => {
            let aside = format!("{KEY}.set-aside.{}", js_sys::Date::now() as u64);
            if store.set_item(&aside, &text).is_ok() {
                (
                    AuthorState::default(),
                    Some(format!("{message} It is kept under the key `{aside}`.")),
                )
            } else {
                BLOCKED.with(|b| b.set(true));
                (AuthorState::default(), Some(format!("{message} The browser's storage is too full to keep a copy of it, so new edits are not saved until there is room; export them as a zip to keep them.")))
            }
        }
    }
}

/// Saves the open files; `Err` with a sentence when the browser refused (storage full or blocked).
pub fn save(state: &AuthorState) -> Result<(), String> {
    if BLOCKED.with(Cell::get) {
        return Err("The draft is not being saved, so that the unreadable one stored before is not written over; export your files as a zip to keep them.".to_owned());
    }
    let store = store().ok_or_else(|| "This browser does not let the page keep a draft; export your files as a zip to keep them.".to_owned())?;
    store.set_item(KEY, &state.draft()).map_err(|_| {
        "Your latest edits could not be saved in this browser: its storage for this page is full. Export the files as a zip to keep them, or close a lesson you no longer need.".to_owned()
    })
}
