//! The app's layers as ARCHITECTURE.md states them, checked on the source: its codemap names every file,
//! `state/` needs nothing above it, `services/` no view, only the components that wire services name them,
//! and only the engine's two files name the bridge.

use std::path::{Path, PathBuf};

/// Components that wire services, each for a reason; every other component takes data and callbacks only.
const WIRING: [&str; 6] = [
    // Loads the course and progress, boots the engine, saves.
    "components/app.rs",
    // The author view: the analyzer, the instructor's files, the draft, the engine check, downloads.
    "components/author_page.rs",
    // Binds its reducers to the lesson session.
    "components/lesson_page.rs",
    // Runs the learner's SQL on the engine, in any stage and on its own page.
    "components/console.rs",
    // Mounts the CodeMirror bundle that `services::editor` loads.
    "components/code_editor.rs",
    // Builds the sandbox's database, runs its round trip and writes its share link.
    "components/sandbox_page.rs",
];

/// The only files that name the PGlite bridge: one boots it, one adapts it to `Backend`.
const BRIDGE: [&str; 2] = ["services/engine_boot.rs", "services/engine_link.rs"];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every source file but this one as `(path from src, text)`.
fn files() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    sources(&src, &mut paths);
    paths
        .into_iter()
        .map(|p| {
            let name =
                p.strip_prefix(&src).expect("under src").to_string_lossy().replace('\\', "/");
            (name, std::fs::read_to_string(&p).expect("readable"))
        })
        .filter(|(name, _)| name != "layers.rs")
        .collect()
}

/// The files whose code (comments aside) names `what`.
fn naming(what: &str) -> Vec<String> {
    files()
        .into_iter()
        .filter(|(_, text)| {
            text.lines().any(|l| !l.trim_start().starts_with("//") && l.contains(what))
        })
        .map(|(name, _)| name)
        .collect()
}

#[test]
fn only_the_engine_names_the_bridge_ok() {
    let mut found = naming("miglab_pglite");
    found.sort();
    assert_eq!(found, BRIDGE, "the console and every flow go through `Backend`");
}

#[test]
fn state_needs_nothing_above_it_ok() {
    let above: Vec<_> = ["crate::services", "crate::components", "web_sys", "wasm_bindgen", "gloo"]
        .into_iter()
        .flat_map(naming)
        .filter(|name| name.starts_with("state/"))
        .collect();
    assert!(above.is_empty(), "{above:?}");
    let yew: Vec<_> = naming("yew::")
        .into_iter()
        .filter(|name| name.starts_with("state/"))
        .filter(|name| naming_in(name, "yew::").iter().any(|l| l.trim() != "use yew::Reducible;"))
        .collect();
    assert!(yew.is_empty(), "state uses Yew only for `Reducible`: {yew:?}");
}

#[test]
fn views_take_data_and_callbacks_ok() {
    let services: Vec<_> = naming("crate::services")
        .into_iter()
        .filter(|name| name.starts_with("components/") && !WIRING.contains(&name.as_str()))
        .collect();
    assert!(services.is_empty(), "views that call services: {services:?}");
    let down: Vec<_> =
        naming("crate::components").into_iter().filter(|n| n.starts_with("services/")).collect();
    assert!(down.is_empty(), "services that name a view: {down:?}");
}

/// The code lines of file `name` that contain `what`.
fn naming_in(name: &str, what: &str) -> Vec<String> {
    files()
        .into_iter()
        .filter(|(n, _)| n == name)
        .flat_map(|(_, text)| {
            text.lines()
                .filter(|l| !l.trim_start().starts_with("//") && l.contains(what))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn codemap_names_every_file_ok() {
    let map = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ARCHITECTURE.md"),
    )
    .expect("ARCHITECTURE.md");
    let start = map.find("### `crates/miglab-app`").expect("the app's section");
    let section = &map[start..];
    let section = &section[..section[4..].find("\n### ").map_or(section.len(), |end| end + 4)];
    let missing: Vec<_> = files()
        .into_iter()
        .filter_map(|(name, _)| {
            let (layer, file) = name.split_once('/')?;
            let (stem, line) = (file.trim_end_matches(".rs"), format!("- `{layer}/`"));
            let listed = section.lines().skip_while(|l| !l.starts_with(&line)).take(2);
            (!listed.into_iter().any(|l| l.contains(&format!("`{stem}`")))).then_some(name)
        })
        .collect();
    assert!(missing.is_empty(), "ARCHITECTURE.md's codemap does not name {missing:?}");
}
