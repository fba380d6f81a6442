//! Building the static site with Trunk, offline, using the wasm-bindgen on PATH.

use crate::setup;
use crate::sh::{self, cmd, root, Result};
use std::path::{Path, PathBuf};

pub struct Built {
    pub dist: PathBuf,
}

/// Builds the site into `target/site` (`target/site-release` for `release`); call [`prepare`] first.
pub fn build(release: bool) -> Result<Built> {
    let dist = root().join("target").join(if release { "site-release" } else { "site" });
    let dist_arg = dist.to_string_lossy().into_owned();
    let mut args = vec!["build", "--offline", "--dist", &dist_arg];
    if release {
        args.push("--release=true");
    }
    args.push(INDEX);
    sh::run(&mut trunk(&args))?;
    Ok(Built { dist })
}

/// The Trunk entry, relative to the app crate that Trunk runs in.
pub const INDEX: &str = "../../index.html";

/// Trunk 0.21 looks for the root package in its working directory, which a virtual workspace root has not,
/// so it runs in the app crate and is given the entry at the repository root.
pub fn trunk(args: &[&str]) -> std::process::Command {
    let mut command = cmd("trunk", args);
    command.current_dir(root().join("crates/miglab-app"));
    command
}

/// Everything `trunk` needs before it runs.
pub fn prepare() -> Result<()> {
    setup::rust_tools()?;
    setup::npm()?;
    setup::assets()?;
    // `trunk --offline` passes --offline to cargo, so the registry must already hold every crate.
    sh::run(&mut cmd("cargo", &["fetch"]))
}

/// The app's own wasm in a built site.
pub fn app_wasm(dist: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dist).ok()?.flatten().map(|e| e.path()).find(|p| {
        p.extension().is_some_and(|e| e == "wasm")
            && p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("miglab-app"))
    })
}
