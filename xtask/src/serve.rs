//! `cargo xtask serve`: the playground at http://127.0.0.1:8080, rebuilt on change.

use crate::sh::{self, root, Result};
use crate::site;

pub fn run() -> Result<bool> {
    site::prepare()?;
    // Watch only sources: target/ and node_modules change during every build.
    let watch = ["crates", "index.html", "lessons", "web/engine/worker.js", "web/editor/dist"];
    let watch: Vec<String> =
        watch.iter().map(|p| root().join(p).to_string_lossy().into_owned()).collect();
    let dist = root().join("target/site").to_string_lossy().into_owned();
    let mut args =
        vec!["serve", "--offline", "--address", "127.0.0.1", "--port", "8080", "--dist", &dist];
    for path in &watch {
        args.extend(["--watch", path.as_str()]);
    }
    args.push(site::INDEX);
    sh::status(&mut site::trunk(&args))
}
