//! The one fixture walker the analysis's tests share: every file of `fixtures/<area>/<verdict>/`
//! whose name ends in a suffix, sorted, so each test reads like data and no folder is silently empty.

use std::path::{Path, PathBuf};

/// One fixture: its name without the suffix, its path and its text.
pub struct Fixture {
    pub name: String,
    pub path: PathBuf,
    pub text: String,
}

/// The fixtures in `fixtures/<area>/<verdict>` ending in `suffix` (`""` for every file); panics on
/// an empty or unreadable folder, because a test over no fixtures would pass without testing anything.
pub fn fixtures(area: &str, verdict: &str, suffix: &str) -> Vec<Fixture> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(area).join(verdict);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("fixture folder {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.to_string_lossy().ends_with(suffix))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no `*{suffix}` fixtures in {}", dir.display());
    paths
        .into_iter()
        .map(|path| {
            let file =
                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let name = file.strip_suffix(suffix).unwrap_or(&file).to_owned();
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
            Fixture { name, path, text }
        })
        .collect()
}
