//! `miglab new ID`: the files of a new lesson that passes `miglab check` as generated.

use std::collections::BTreeMap;

/// The new lesson's files, keyed by path relative to the lessons folder (`<id>/lesson.toml`, …).
pub fn scaffold(id: &str) -> BTreeMap<String, String> {
    let _ = id;
    BTreeMap::new()
}
