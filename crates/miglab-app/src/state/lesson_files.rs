//! Files the instructor opened (a folder, a zip's entries, a drop) arranged as a lessons folder: paths like
//! `my_lesson/lesson.toml`, the keys the analyzer's lesson loading and its diagnostics use.
//!
//! Everything here is bounded and says what it left out: a file over [`FILE_LIMIT`], one that is not UTF-8 text,
//! more than [`MAX_FILES`] files or more than [`TOTAL_LIMIT`] bytes in all.

use std::collections::BTreeMap;

/// The largest lesson file opened: 1 MiB (a seed with thousands of rows is still far below it).
pub const FILE_LIMIT: usize = 1024 * 1024;
/// The most bytes opened at once: 8 MiB, twice the largest pack.
pub const TOTAL_LIMIT: usize = 8 * 1024 * 1024;
/// The most files opened at once.
pub const MAX_FILES: usize = 500;

/// One file as the browser handed it over: its path inside what was picked, its size, and its bytes when it was
/// small enough to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picked {
    pub path: String,
    pub size: usize,
    pub bytes: Option<Vec<u8>>,
}

/// The files as a lessons folder, and a sentence for each file left out; `Err` when nothing can be opened.
pub fn arrange(
    picked: Vec<Picked>,
    name: &str,
) -> Result<(BTreeMap<String, String>, Vec<String>), String> {
    let mut messages = Vec::new();
    let mut files = BTreeMap::new();
    let mut total = 0usize;
    let wanted: Vec<Picked> = picked.into_iter().filter(|p| !ignored(&p.path)).collect();
    if wanted.len() > MAX_FILES {
        return Err(format!("{name} holds {} files, over the limit of {MAX_FILES}; open one lesson folder, or the lessons folder without other files.", wanted.len()));
    }
    for file in wanted {
        let path = file.path.trim_start_matches('/').replace('\\', "/");
        let Some(bytes) = file.bytes.filter(|_| file.size <= FILE_LIMIT) else {
            messages.push(format!("`{path}` is {} bytes, over the {FILE_LIMIT}-byte limit for a lesson file, so it was not opened.", file.size));
            continue;
        };
        total += bytes.len();
        if total > TOTAL_LIMIT {
            return Err(format!("{name} holds more than {TOTAL_LIMIT} bytes of files, the limit for one opening; open one lesson folder at a time."));
        }
        match String::from_utf8(bytes) {
            Ok(text) => {
                files.insert(path, text);
            }
            Err(_) => messages.push(format!(
                "`{path}` is not UTF-8 text, so it was not opened (a lesson holds only text files)."
            )),
        }
    }
    let files = rooted(files, name);
    if !files.keys().any(|p| p.ends_with("/lesson.toml")) {
        return Err(format!("{name} holds no `lesson.toml`: open a lesson folder (the one with `lesson.toml` in it), a lessons folder with `course.toml`, a .zip of either, or a lesson pack."));
    }
    Ok((files, messages))
}

/// Files no lesson needs and every editor or system leaves behind: hidden files and Python's caches.
fn ignored(path: &str) -> bool {
    path.split(['/', '\\']).any(|part| part.starts_with('.') || part == "__pycache__")
}

/// Paths relative to the lessons folder. A picked lesson folder keeps its name (`t/lesson.toml`); a picked lessons
/// folder, or a zip's wrapping folder, is stripped (`lessons/t/lesson.toml` → `t/lesson.toml`); a `lesson.toml` at
/// the top (a zip of a lesson's contents) goes under the id it declares, or `name`'s stem.
fn rooted(files: BTreeMap<String, String>, name: &str) -> BTreeMap<String, String> {
    let first = |p: &str| p.split_once('/').map(|(first, _)| first.to_owned());
    let common = files.keys().next().and_then(|p| first(p)).filter(|root| {
        files.keys().all(|p| first(p).as_deref() == Some(root.as_str()))
            && !files.contains_key(&format!("{root}/lesson.toml"))
    });
    let mut files: BTreeMap<String, String> = match common {
        Some(root) => {
            files.into_iter().map(|(p, text)| (p[root.len() + 1..].to_owned(), text)).collect()
        }
        None => files,
    };
    if let Some(manifest) = files.get("lesson.toml") {
        let folder = declared_id(manifest).unwrap_or_else(|| folder_name(name));
        files = files.into_iter().map(|(p, text)| (format!("{folder}/{p}"), text)).collect();
    }
    files
}

/// The `id = "…"` line of a manifest, when it is that simple; the analyzer checks the manifest itself.
fn declared_id(manifest: &str) -> Option<String> {
    manifest.lines().map_while(|l| (!l.trim_start().starts_with('[')).then_some(l)).find_map(|l| {
        let value = l.trim().strip_prefix("id")?.trim_start().strip_prefix('=')?.trim();
        let id = value.strip_prefix('"')?.strip_suffix('"')?;
        miglab_model::lesson::checks::is_valid_id(id).then(|| id.to_owned())
    })
}

/// A folder name from a file name: `My Lesson (2).zip` → `my_lesson_2`.
pub fn folder_name(name: &str) -> String {
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem).to_lowercase();
    let mut out = String::new();
    for c in stem.chars() {
        match c {
            'a'..='z' | '0'..='9' | '-' => out.push(c),
            _ if !out.ends_with('_') => out.push('_'),
            _ => {}
        }
    }
    let out = out.trim_matches('_').to_owned();
    if out.starts_with(|c: char| c.is_ascii_lowercase()) {
        out
    } else {
        format!("lesson_{out}").trim_end_matches('_').to_owned()
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn picked(files: &[(&str, &str)]) -> Vec<Picked> {
        files
            .iter()
            .map(|(path, text)| Picked {
                path: (*path).to_owned(),
                size: text.len(),
                bytes: Some(text.as_bytes().to_vec()),
            })
            .collect()
    }

    fn paths(files: &[(&str, &str)], name: &str) -> Vec<String> {
        arrange(picked(files), name).expect("opens").0.into_keys().collect()
    }

    #[test]
    fn lesson_folder_keeps_its_name_ok() {
        let files = [("t/lesson.toml", ""), ("t/seed.sql", ""), ("t/.DS_Store", "")];
        assert_eq!(paths(&files, "t"), ["t/lesson.toml", "t/seed.sql"]);
    }

    #[test]
    fn lessons_folder_is_stripped_ok() {
        let files = [("lessons/course.toml", ""), ("lessons/t/lesson.toml", "")];
        assert_eq!(paths(&files, "lessons"), ["course.toml", "t/lesson.toml"]);
    }

    #[test]
    fn top_level_manifest_goes_under_its_id_ok() {
        let files = [("lesson.toml", "format = 1\nid = \"unique_email\"\n"), ("seed.sql", "")];
        assert_eq!(paths(&files, "x.zip"), ["unique_email/lesson.toml", "unique_email/seed.sql"]);
        let files = [("lesson.toml", "format = 1\n")];
        assert_eq!(paths(&files, "My Lesson (2).zip"), ["my_lesson_2/lesson.toml"]);
    }

    #[test]
    fn binary_and_big_files_named_err() {
        let mut files = picked(&[("t/lesson.toml", "")]);
        files.push(Picked { path: "t/logo.png".into(), size: 2, bytes: Some(vec![0xff, 0xfe]) });
        files.push(Picked { path: "t/dump.sql".into(), size: FILE_LIMIT + 1, bytes: None });
        let (opened, messages) = arrange(files, "t").expect("opens");
        assert_eq!(opened.len(), 1);
        assert!(messages[0].contains("`t/logo.png` is not UTF-8"), "{messages:?}");
        assert!(
            messages[1].contains("`t/dump.sql` is") && messages[1].contains("limit"),
            "{messages:?}"
        );
    }

    #[test]
    fn no_manifest_err() {
        let error = arrange(picked(&[("notes/readme.md", "")]), "notes").expect_err("refused");
        assert!(error.starts_with("notes holds no `lesson.toml`"), "{error}");
    }

    #[test]
    fn too_many_files_err() {
        let many: Vec<Picked> = (0..=MAX_FILES)
            .map(|i| Picked { path: format!("t/{i}.sql"), size: 0, bytes: Some(Vec::new()) })
            .collect();
        assert!(arrange(many, "t").expect_err("refused").contains("over the limit of 500"));
    }
}
