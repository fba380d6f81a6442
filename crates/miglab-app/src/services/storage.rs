//! Progress in the browser's localStorage, safe with two tabs open and a full disk.
//!
//! Each save re-reads what is stored and replaces only the lesson that changed, so two tabs on two lessons keep both;
//! a `storage` event from another tab brings its lessons into this one. Data that does not read is copied to its own
//! key before the main key is written, and while that copy cannot be written (storage full), nothing is saved, and
//! the student is told: the main key is never overwritten after a failed set-aside.

use crate::state::progress::{self, LessonProgress, Progress};
use std::cell::RefCell;
use yew::prelude::*;

const KEY: &str = "miglab.progress";

/// The few calls progress needs from a key-value store: localStorage in the browser, a map in the tests.
pub trait Store {
    fn get(&self, key: &str) -> Option<String>;
    /// `Err` when the browser refused the write (quota, storage blocked).
    fn set(&self, key: &str, value: &str) -> Result<(), ()>;
}

/// What [`load`] and [`save`] found for the student, and what they left undone.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// The progress as stored after this call (this tab's change merged into the other tabs').
    pub progress: Progress,
    pub notice: Option<String>,
}

/// Data that must be set aside before the main key may be written again; kept across saves until a write succeeds.
#[derive(Debug, Default)]
pub struct Pending {
    /// The main key's text when the set-aside failed, and what had to be set aside from it.
    aside: Option<(Option<String>, String)>,
}

const BLOCKED: &str = "Your saved progress needs a copy set aside before miglab writes over it, and the browser's storage is too full to keep that copy. So that nothing is overwritten, your progress is not being saved until there is room; export a report to keep this visit's work.";

/// Copies `text` to a key of its own; the key, or `None` when the store refused.
fn set_aside(store: &dyn Store, text: &str, now: u64) -> Option<String> {
    // Two set-asides in one millisecond (two tabs) must not overwrite each other.
    let key = (0..)
        .map(|n| {
            if n == 0 {
                format!("{KEY}.set-aside.{now}")
            } else {
                format!("{KEY}.set-aside.{now}-{n}")
            }
        })
        .find(|k| store.get(k).is_none())?;
    store.set(&key, text).ok().map(|()| key)
}

/// Reads what is stored; damaged data is set aside, and only then is the main key rewritten.
pub fn load_from(store: &dyn Store, pending: &mut Pending, now: u64) -> Outcome {
    let raw = store.get(KEY);
    let loaded = progress::load(raw.as_deref());
    let mut notice = loaded.notice;
    if let Some(aside) = loaded.set_aside {
        match set_aside(store, &aside, now) {
            Some(key) => {
                // Only once it is kept elsewhere is the main key replaced, so it is set aside exactly once.
                let _ = store.set(KEY, &loaded.progress.to_json());
                if let Some(notice) = &mut notice {
                    notice.push_str(&format!(" The data is kept in localStorage under `{key}`."));
                }
            }
            None => {
                pending.aside = Some((raw, aside));
                notice = Some(BLOCKED.to_owned());
            }
        }
    }
    Outcome { progress: loaded.progress, notice }
}

/// Saves one lesson: re-reads the stored progress, replaces that lesson only, and writes it back.
/// Returns the merged progress; its notice says why nothing was saved, when nothing was.
pub fn save_to(
    store: &dyn Store,
    pending: &mut Pending,
    now: u64,
    id: &str,
    lesson: &LessonProgress,
) -> Outcome {
    let mut notices = Vec::new();
    // The main key's text whose damage is already kept elsewhere, so it is not set aside twice.
    let mut kept = None;
    // A set-aside that failed before is tried again first; until it is written the main key stays as it is.
    if let Some((raw, aside)) = pending.aside.take() {
        match set_aside(store, &aside, now) {
            Some(key) => {
                notices.push(format!("The saved progress that could not be read is now kept in localStorage under `{key}`, and saving has resumed."));
                kept = Some(raw);
            }
            None => {
                pending.aside = Some((raw, aside));
                let mut progress = progress::load(store.get(KEY).as_deref()).progress;
                progress.lessons.insert(id.to_owned(), lesson.clone());
                return Outcome { progress, notice: Some(BLOCKED.to_owned()) };
            }
        }
    }
    let raw = store.get(KEY);
    let mut stored = match kept {
        Some(kept) if kept == raw => {
            Outcome { progress: progress::load(raw.as_deref()).progress, notice: None }
        }
        _ => load_from(store, pending, now),
    };
    if pending.aside.is_some() {
        stored.progress.lessons.insert(id.to_owned(), lesson.clone());
        return stored;
    }
    notices.extend(stored.notice.take());
    stored.progress.lessons.insert(id.to_owned(), lesson.clone());
    if store.set(KEY, &stored.progress.to_json()).is_err() {
        notices.push("Your progress could not be saved: the browser's storage is full or blocked. Export a report to keep it.".to_owned());
    }
    Outcome { progress: stored.progress, notice: (!notices.is_empty()).then(|| notices.join(" ")) }
}

/// localStorage, when the browser allows it.
struct Local(web_sys::Storage);

impl Store for Local {
    fn get(&self, key: &str) -> Option<String> {
        self.0.get_item(key).ok().flatten()
    }
    fn set(&self, key: &str, value: &str) -> Result<(), ()> {
        self.0.set_item(key, value).map_err(drop)
    }
}

fn local() -> Option<Local> {
    web_sys::window()?.local_storage().ok().flatten().map(Local)
}

thread_local! {
    /// The page's one pending set-aside, shared by every save of this tab.
    static PENDING: RefCell<Pending> = RefCell::default();
}

fn now() -> u64 {
    js_sys::Date::now() as u64
}

/// Loads saved progress; anything unreadable is copied to its own key before the student starts fresh.
pub fn load() -> Outcome {
    let Some(store) = local() else {
        return Outcome { progress: Progress::default(), notice: Some("This browser does not allow saving, so progress lasts only until you close the tab.".into()) };
    };
    PENDING.with(|p| load_from(&store, &mut p.borrow_mut(), now()))
}

/// Saves one lesson's progress, merged into what other tabs saved.
pub fn save(id: &str, lesson: &LessonProgress) -> Outcome {
    let Some(store) = local() else { return Outcome::default() };
    PENDING.with(|p| save_to(&store, &mut p.borrow_mut(), now(), id, lesson))
}

/// The app's saved progress: the state, the notice to show, and the callback a lesson page reports changes to.
pub struct Saved {
    pub progress: UseStateHandle<Progress>,
    pub notice: UseStateHandle<Option<String>>,
    pub on_progress: Callback<(String, LessonProgress)>,
}

/// Loads progress once, saves each lesson change, and follows the other tabs' saves through the `storage` event.
#[hook]
pub fn use_saved_progress() -> Saved {
    let loaded = use_memo((), |_| load());
    let progress = use_state(|| loaded.progress.clone());
    let notice = use_state(|| loaded.notice.clone());
    {
        let progress = progress.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo::events::EventListener::new(&w, "storage", move |event| {
                    let Some(event) = wasm_bindgen::JsCast::dyn_ref::<web_sys::StorageEvent>(event)
                    else {
                        return;
                    };
                    // `key` is null when another tab cleared all storage.
                    if event.key().is_none_or(|k| k == KEY) {
                        // Only read: anything damaged is set aside by this tab's next save, before it writes.
                        let raw = local().and_then(|s| s.get(KEY));
                        progress.set(progress::load(raw.as_deref()).progress);
                    }
                })
            });
            move || drop(listener)
        });
    }
    let on_progress = {
        let (progress, notice) = (progress.clone(), notice.clone());
        Callback::from(move |(id, lesson): (String, LessonProgress)| {
            if progress.lessons.get(&id) == Some(&lesson) {
                return;
            }
            let saved = save(&id, &lesson);
            if let Some(problem) = saved.notice {
                notice.set(Some(problem));
            }
            progress.set(saved.progress);
        })
    };
    Saved { progress, notice, on_progress }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::state::lesson_model::Stage;
    use std::collections::BTreeMap;

    /// A store whose writes fail for keys starting with `full_for` (the quota, as the browser reports it).
    #[derive(Default)]
    struct Map {
        items: RefCell<BTreeMap<String, String>>,
        full_for: RefCell<Option<&'static str>>,
    }

    impl Store for Map {
        fn get(&self, key: &str) -> Option<String> {
            self.items.borrow().get(key).cloned()
        }
        fn set(&self, key: &str, value: &str) -> Result<(), ()> {
            if self.full_for.borrow().is_some_and(|prefix| key.starts_with(prefix)) {
                return Err(());
            }
            self.items.borrow_mut().insert(key.to_owned(), value.to_owned());
            Ok(())
        }
    }

    fn at(stage: Stage) -> LessonProgress {
        LessonProgress { stage: Some(stage), ..Default::default() }
    }

    fn stored(store: &Map) -> Progress {
        progress::load(store.get(KEY).as_deref()).progress
    }

    fn set_asides(store: &Map) -> Vec<String> {
        store
            .items
            .borrow()
            .iter()
            .filter(|(k, _)| k.starts_with("miglab.progress.set-aside."))
            .map(|(_, v)| v.clone())
            .collect()
    }

    #[test]
    fn two_tabs_keep_both_lessons_ok() {
        let store = Map::default();
        let (mut tab_a, mut tab_b) = (Pending::default(), Pending::default());
        // Both tabs loaded nothing; each then saves its own lesson.
        assert_eq!(load_from(&store, &mut tab_a, 1).progress, Progress::default());
        save_to(&store, &mut tab_a, 2, "a", &at(Stage::Run));
        let saved = save_to(&store, &mut tab_b, 3, "b", &at(Stage::Make));
        assert_eq!(saved.notice, None);
        assert_eq!(stored(&store).lessons.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(saved.progress, stored(&store), "tab B's state now holds tab A's lesson too");
        // The same lesson in both tabs: the later save wins for that lesson only.
        save_to(&store, &mut tab_a, 4, "b", &at(Stage::Investigate));
        assert_eq!(stored(&store).lesson("b").stage, Some(Stage::Investigate));
        assert_eq!(stored(&store).lesson("a").stage, Some(Stage::Run));
    }

    #[test]
    fn damaged_data_set_aside_before_save_ok() {
        let store = Map::default();
        store.set(KEY, "{\"version\":1,\"less").expect("room");
        let loaded = load_from(&store, &mut Pending::default(), 7);
        assert!(
            loaded.notice.as_deref().is_some_and(|n| n.contains("`miglab.progress.set-aside.7`")),
            "{:?}",
            loaded.notice
        );
        assert_eq!(set_asides(&store), ["{\"version\":1,\"less"]);
        assert_eq!(store.get(KEY).as_deref(), Some(Progress::default().to_json().as_str()));
    }

    #[test]
    fn another_tab_damages_then_save_sets_aside_ok() {
        let store = Map::default();
        let mut tab = Pending::default();
        save_to(&store, &mut tab, 1, "a", &at(Stage::Run));
        store.set(KEY, "[1,2]").expect("room");
        let saved = save_to(&store, &mut tab, 2, "b", &at(Stage::Run));
        assert_eq!(set_asides(&store), ["[1,2]"]);
        assert!(saved.notice.is_some_and(|n| n.contains("a list")));
        assert_eq!(stored(&store).lessons.keys().collect::<Vec<_>>(), ["b"]);
    }

    #[test]
    fn full_disk_never_overwrites_main_key_err() {
        let store = Map::default();
        let damaged = r#"{"version":1,"lessons":{"a":{"stage":"run"},"b":{"stage":42}}}"#;
        store.set(KEY, damaged).expect("room");
        *store.full_for.borrow_mut() = Some("miglab.progress.set-aside");
        let mut tab = Pending::default();
        let loaded = load_from(&store, &mut tab, 1);
        assert_eq!(loaded.notice.as_deref(), Some(BLOCKED));
        assert_eq!(
            loaded.progress.lessons.keys().collect::<Vec<_>>(),
            ["a"],
            "what reads is still shown"
        );
        // Every save while the copy cannot be written leaves the main key alone, and says so.
        for now in 2..4 {
            let saved = save_to(&store, &mut tab, now, "c", &at(Stage::Make));
            assert_eq!(saved.notice.as_deref(), Some(BLOCKED));
            assert!(saved.progress.lessons.contains_key("c"), "the tab keeps the change in memory");
            assert_eq!(store.get(KEY).as_deref(), Some(damaged));
            assert!(set_asides(&store).is_empty());
        }
        // Room again: the copy is written first, then the save goes through.
        *store.full_for.borrow_mut() = None;
        let saved = save_to(&store, &mut tab, 5, "c", &at(Stage::Make));
        assert!(
            saved.notice.as_deref().is_some_and(|n| n.contains("saving has resumed")),
            "{:?}",
            saved.notice
        );
        assert_eq!(set_asides(&store), [r#"{"b":{"stage":42}}"#]);
        assert_eq!(stored(&store).lessons.keys().collect::<Vec<_>>(), ["a", "c"]);
    }

    #[test]
    fn full_main_key_says_so_err() {
        let store = Map::default();
        *store.full_for.borrow_mut() = Some(KEY);
        let saved = save_to(&store, &mut Pending::default(), 1, "a", &at(Stage::Run));
        assert!(saved.notice.is_some_and(|n| n.contains("could not be saved")));
        assert_eq!(store.get(KEY), None);
    }

    #[test]
    fn set_aside_keys_never_collide_ok() {
        let store = Map::default();
        assert_eq!(set_aside(&store, "x", 9).as_deref(), Some("miglab.progress.set-aside.9"));
        assert_eq!(set_aside(&store, "y", 9).as_deref(), Some("miglab.progress.set-aside.9-1"));
        assert_eq!(set_asides(&store), ["x", "y"]);
    }
}
