//! A stand-in for `unicode_names2`, wired in with `[patch.crates-io]`.
//!
//! ruff's Python parser only calls `character(name)`, to decode `\N{…}` escapes in string literals.
//! The real crate carries a table of every Unicode character name, about 840 KB of wasm, which the
//! browser would download for an escape no migration uses. Without it, a `\N{…}` escape is reported
//! as a Python syntax error at its position, like any other construct outside miglab's subset.

/// Always `None`: miglab does not decode Unicode character names.
pub fn character(_name: &str) -> Option<char> {
    None
}
