//! `cargo xtask analyzer`: the analyzer module (`crates/miglab-analyzer`) built into `web/analyzer/dist`,
//! which the site serves under `analyzer/`.
//!
//! Trunk runs this as a pre-build hook (`crates/miglab-app/Trunk.toml`), so `serve` rebuilds the analyzer
//! with the app and both always come from the same sources. Trunk says which profile it builds in
//! `TRUNK_PROFILE`; run by hand, the build is a debug one unless `--release` is given.

use crate::setup;
use crate::sh::{self, cmd, root, Result};
use std::path::{Path, PathBuf};

/// Where the module is written; index.html copies this folder into the site.
pub fn dist() -> PathBuf {
    root().join("web/analyzer/dist")
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

pub fn run(args: &[String]) -> Result<bool> {
    let release = args.iter().any(|a| a == "--release")
        || std::env::var("TRUNK_PROFILE").is_ok_and(|p| p == "release");
    build(release)?;
    Ok(true)
}

/// Builds the analyzer for wasm32 and runs the wasm-bindgen on PATH (the version Cargo.lock pins) over it.
pub fn build(release: bool) -> Result<()> {
    setup::path_with_cargo_bin();
    let mut args = vec![
        "build",
        "--offline",
        "-p",
        "miglab-analyzer",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
    ];
    if release {
        args.push("--release");
    }
    sh::run(&mut cmd("cargo", &args))?;
    let wasm = target_dir()
        .join("wasm32-unknown-unknown")
        .join(if release { "release" } else { "debug" })
        .join("miglab_analyzer.wasm");
    let (wasm, out) = (wasm.to_string_lossy().into_owned(), dist().to_string_lossy().into_owned());
    sh::run(&mut cmd(
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--no-typescript",
            "--out-dir",
            &out,
            "--out-name",
            "miglab_analyzer",
            &wasm,
        ],
    ))?;
    stamp(&dist(), &["miglab_analyzer.js", "miglab_analyzer_bg.wasm"])
}

/// Writes `stamp` beside `files`: a hash of their bytes, which the app's build puts into their URLs
/// (crates/miglab-app/build.rs), so a cached copy from another build is never used.
fn stamp(dir: &Path, files: &[&str]) -> Result<()> {
    // FNV-1a: not for security, only to change the URL whenever a byte changes.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        let bytes = std::fs::read(dir.join(file))
            .map_err(|e| format!("cannot read {}: {e}", dir.join(file).display()))?;
        for byte in bytes {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let stamp = format!("{hash:016x}");
    // Rewritten only when it changes, so an unchanged stamp does not make cargo rebuild the app.
    if std::fs::read_to_string(dir.join("stamp")).ok().as_deref() != Some(stamp.as_str()) {
        std::fs::write(dir.join("stamp"), stamp)
            .map_err(|e| format!("cannot write the stamp in {}: {e}", dir.display()))?;
    }
    Ok(())
}

/// `cargo xtask course`: the course loaded at build time into `web/course/dist/course.json`
/// (`miglab bundle`, `crates/miglab-cli/src/cmd_bundle.rs`); a second Trunk pre-build hook.
pub fn course() -> Result<bool> {
    let dir = root().join("web/course/dist");
    let out = dir.join("course.json").to_string_lossy().into_owned();
    sh::run(&mut cmd(
        "cargo",
        &[
            "run",
            "--offline",
            "-q",
            "-p",
            "miglab-cli",
            "--bin",
            "miglab",
            "--",
            "bundle",
            "lessons",
            "-o",
            &out,
        ],
    ))?;
    stamp(&dir, &["course.json"])?;
    Ok(true)
}
