//! `cargo xtask analyzer`: the analyzer module (`crates/miglab-analyzer`) and the author module
//! (`crates/miglab-author`) built into `web/analyzer/dist`, which the site serves under `analyzer/`.
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

/// The two modules built here, by crate and by the name wasm-bindgen gives their files (the model's
/// `protocol::Module` names the same files): the lessons' analyzer, which every visit fetches, and the author module.
pub const MODULES: [(&str, &str); 2] =
    [("miglab-analyzer", "miglab_analyzer"), ("miglab-author", "miglab_author")];

/// Builds both modules for wasm32 in one cargo run (they share the analysis crate's build) and runs the
/// wasm-bindgen on PATH (the version Cargo.lock pins) over each.
pub fn build(release: bool) -> Result<()> {
    setup::path_with_cargo_bin();
    let mut args = vec!["build", "--offline"];
    for (krate, _) in MODULES {
        args.extend(["-p", krate]);
    }
    args.extend(["--lib", "--target", "wasm32-unknown-unknown"]);
    if release {
        args.push("--release");
    }
    sh::run(&mut cmd("cargo", &args))?;
    let out = dist().to_string_lossy().into_owned();
    let mut files = Vec::new();
    for (_, name) in MODULES {
        let wasm = target_dir()
            .join("wasm32-unknown-unknown")
            .join(if release { "release" } else { "debug" })
            .join(format!("{name}.wasm"));
        let wasm = wasm.to_string_lossy().into_owned();
        sh::run(&mut cmd(
            "wasm-bindgen",
            &["--target", "web", "--no-typescript", "--out-dir", &out, "--out-name", name, &wasm],
        ))?;
        files.extend([format!("{name}.js"), format!("{name}_bg.wasm")]);
    }
    stamp(&dist(), &files)
}

/// Writes `stamp` beside `files`: a hash of their bytes, which the app's build puts into their URLs
/// (crates/miglab-app/build.rs), so a cached copy from another build is never used.
fn stamp(dir: &Path, files: &[String]) -> Result<()> {
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
    stamp(&dir, &["course.json".to_owned()])?;
    Ok(true)
}
