//! The invariant that keeps the app's own wasm small: its crate graph holds no parser.
//!
//! The app depends on the model crate and the bridge only, so it cannot link sqlparser, ruff's Python parser or
//! toml; those belong to the analyzer module. A dependency added by mistake would bring them back without any test
//! failing, so `cargo xtask test` reads the app's normal dependencies for wasm32 as `cargo tree` prints them.

use crate::sh::{self, cmd};

/// Crates that only the analyzer module may link, with what they are.
const PARSERS: [(&str, &str); 4] = [
    ("sqlparser", "sqlparser"),
    ("ruff_python_parser", "ruff's Python parser"),
    ("toml", "toml"),
    ("miglab-analysis", "the analysis crate"),
];

/// The parser crates in the app's wasm32 dependency graph, or why the graph could not be read.
pub fn parsers_in_app() -> Result<Vec<&'static str>, String> {
    let output = sh::output(&mut cmd(
        "cargo",
        &[
            "tree",
            "--offline",
            "-p",
            "miglab-app",
            "--target",
            "wasm32-unknown-unknown",
            "-e",
            "normal",
            "--prefix",
            "none",
        ],
    ))?;
    let tree = String::from_utf8_lossy(&output.stdout);
    let crates: Vec<&str> =
        tree.lines().filter_map(|line| line.split_whitespace().next()).collect();
    if !crates.contains(&"miglab-model") {
        return Err(format!("`cargo tree -p miglab-app` did not list miglab-model:\n{tree}"));
    }
    Ok(PARSERS.iter().filter(|(name, _)| crates.contains(name)).map(|(_, what)| *what).collect())
}
