//! `cargo xtask analyzer`: the analyzer module (`crates/miglab-analyzer`) built into `web/analyzer/dist`,
//! which the site serves under `analyzer/`.
//!
//! Trunk runs this as a pre-build hook (`crates/miglab-app/Trunk.toml`), so `serve` rebuilds the analyzer
//! with the app and both always come from the same sources. Trunk says which profile it builds in
//! `TRUNK_PROFILE`; run by hand, the build is a debug one unless `--release` is given.

use crate::setup;
use crate::sh::{self, cmd, root, Result};
use std::path::PathBuf;

/// Where the module is written; index.html copies this folder into the site.
pub fn dist() -> PathBuf {
    root().join("web/analyzer/dist")
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

pub fn run(args: &[String]) -> Result<bool> {
    let release = args.iter().any(|a| a == "--release") || std::env::var("TRUNK_PROFILE").is_ok_and(|p| p == "release");
    build(release)?;
    Ok(true)
}

/// Builds the analyzer for wasm32 and runs the wasm-bindgen on PATH (the version Cargo.lock pins) over it.
pub fn build(release: bool) -> Result<()> {
    setup::path_with_cargo_bin();
    let mut args = vec!["build", "--offline", "-p", "miglab-analyzer", "--lib", "--target", "wasm32-unknown-unknown"];
    if release {
        args.push("--release");
    }
    sh::run(&mut cmd("cargo", &args))?;
    let wasm = target_dir().join("wasm32-unknown-unknown").join(if release { "release" } else { "debug" }).join("miglab_analyzer.wasm");
    let (wasm, out) = (wasm.to_string_lossy().into_owned(), dist().to_string_lossy().into_owned());
    sh::run(&mut cmd("wasm-bindgen", &["--target", "web", "--no-typescript", "--out-dir", &out, "--out-name", "miglab_analyzer", &wasm]))
}

/// `cargo xtask course`: the course loaded at build time into `web/course/dist/course.json`
/// (`crates/miglab-analyzer/src/bin/course-bundle.rs`); a second Trunk pre-build hook.
pub fn course() -> Result<bool> {
    let out = root().join("web/course/dist/course.json").to_string_lossy().into_owned();
    sh::run(&mut cmd("cargo", &["run", "--offline", "-q", "-p", "miglab-analyzer", "--bin", "course-bundle", "--", "lessons", &out]))?;
    Ok(true)
}
