//! ARCHITECTURE.md's codemap matches the folders: every module of every crate is named in its crate's section.
//!
//! A module that moves or appears without a line in the map fails this test, so the map cannot drift from the tree.
//! It runs with the native tests (`cargo test -p xtask`).

#[cfg(test)]
mod test {
    use std::path::Path;

    /// The text of the section under `### \`heading\``, up to the next heading.
    fn section<'a>(map: &'a str, heading: &str) -> &'a str {
        let start = map
            .find(&format!("### `{heading}`"))
            .unwrap_or_else(|| panic!("no section for {heading}"));
        let rest = &map[start + 4..];
        &rest[..rest.find("\n### ").or_else(|| rest.find("\n## ")).unwrap_or(rest.len())]
    }

    /// Modules in `dir`: `.rs` files and folders, without `lib`, `main` and `mod`, sorted.
    fn modules(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.is_dir() && p.file_name().is_some_and(|n| n != "snapshots")
                    || p.extension().is_some_and(|e| e == "rs")
            })
            .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .filter(|n| !matches!(n.as_str(), "lib" | "main" | "mod"))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// `name` appears in backticks as a module, a folder or a file: `` `name` ``, `` `name/` ``, `` `name.rs` ``.
    fn named(text: &str, name: &str) -> bool {
        ["`", "/", ".rs", "::", ".sql"].iter().any(|end| text.contains(&format!("`{name}{end}")))
            || text.contains(&format!("/{name}.rs`"))
            || text.contains(&format!("/{name}`"))
    }

    #[test]
    fn every_module_is_on_the_map_ok() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
        let mut missing = Vec::new();
        for krate in [
            "miglab-model",
            "miglab-analysis",
            "miglab-analyzer",
            "miglab-pglite",
            "miglab-app",
            "miglab-cli",
        ] {
            let text = section(&map, &format!("crates/{krate}"));
            let src = root.join("crates").join(krate).join("src");
            // The files inside the app's three layer folders are checked by the app's own `src/layers.rs`.
            let names = modules(&src);
            missing.extend(
                names.into_iter().filter(|n| !named(text, n)).map(|n| format!("{krate}: {n}")),
            );
        }
        assert!(
            missing.is_empty(),
            "modules ARCHITECTURE.md's codemap does not name:\n{}",
            missing.join("\n")
        );
    }
}
