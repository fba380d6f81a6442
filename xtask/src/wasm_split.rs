//! The invariant that keeps the app's own wasm small: it links none of the core's parsers.
//!
//! sqlparser's parser, ruff's Python parser and toml belong to the analyzer module; one stray call from
//! the app (a `grade::grade`, an `alembic::parse`) would pull them back in without any test failing.
//! The debug build keeps its name section (demangled names), so the names show what was linked.
//! The tokenizer stays in the app (it splits console scripts), and with it a few `Parser` helpers that
//! the dialect's trait object reaches; the parse functions themselves must not appear.

use std::path::Path;

/// Name fragments of code that only the analyzer module may contain.
const PARSERS: [(&str, &str); 3] = [
    ("sqlparser::parser::Parser::parse_", "sqlparser's parser"),
    ("ruff_python_parser::parser", "ruff's Python parser"),
    ("toml::de::", "toml"),
];

/// What the app's wasm in `dist` links that it must not, or why it could not be read.
pub fn forbidden_in(dist: &Path) -> Result<Vec<&'static str>, String> {
    let wasm = crate::site::app_wasm(dist)
        .ok_or_else(|| format!("no miglab-app wasm in {}", dist.display()))?;
    let bytes = std::fs::read(&wasm).map_err(|e| format!("cannot read {}: {e}", wasm.display()))?;
    let contains = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    if !contains("miglab_app::") {
        return Err(format!(
            "{} has no name section to check (is it a debug build?)",
            wasm.display()
        ));
    }
    Ok(PARSERS.iter().filter(|(needle, _)| contains(needle)).map(|(_, what)| *what).collect())
}
