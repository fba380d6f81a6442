//! Installs what is missing, at pinned versions, building from source: nothing downloads a prebuilt binary.

use crate::sh::{self, cmd, has, root, version, Result};
use std::path::PathBuf;

/// Trunk 0.21.14 is the newest that builds with rustc 1.95 (0.22 needs 1.96).
const TRUNK: &str = "0.21.14";

/// `~/.cargo/bin`, where `cargo install` puts Trunk and wasm-bindgen; put first on PATH for every child.
fn cargo_bin() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME").map(PathBuf::from);
    home.unwrap_or_else(|| {
        PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo")
    })
    .join("bin")
}

pub fn path_with_cargo_bin() {
    let bin = cargo_bin();
    let path = std::env::var_os("PATH").unwrap_or_default();
    if !std::env::split_paths(&path).any(|p| p == bin) {
        let joined = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&path)))
            .unwrap_or(path);
        std::env::set_var("PATH", joined);
    }
}

/// The wasm-bindgen version `Cargo.lock` pins; the CLI must match it exactly.
fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_owned());
            }
        }
    }
    Err("Cargo.lock does not pin wasm-bindgen".to_owned())
}

/// Everything the Rust side needs: the wasm32 target, Trunk and wasm-bindgen-cli.
pub fn rust_tools() -> Result<()> {
    path_with_cargo_bin();
    let installed = sh::output(&mut cmd("rustup", &["target", "list", "--installed"]))?;
    if !String::from_utf8_lossy(&installed.stdout).contains("wasm32-unknown-unknown") {
        sh::run(&mut cmd("rustup", &["target", "add", "wasm32-unknown-unknown"]))?;
    }
    if !version("trunk").contains(TRUNK) {
        sh::run(&mut cmd("cargo", &["install", "trunk", "--version", TRUNK, "--locked"]))?;
    }
    let bindgen = locked_wasm_bindgen()?;
    if !version("wasm-bindgen").contains(&bindgen) {
        // Without --locked: with it, the registry here lacks one crate wasm-bindgen-cli's own lock file pins.
        sh::run(&mut cmd("cargo", &["install", "wasm-bindgen-cli", "--version", &bindgen]))?;
    }
    Ok(())
}

/// The npm packages, installed from `web/package-lock.json` when missing or older than it.
pub fn npm() -> Result<()> {
    let web = root().join("web");
    let stamp = web.join("node_modules/.package-lock.json");
    let modified = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if modified(&stamp).is_none() || modified(&stamp) < modified(&web.join("package-lock.json")) {
        sh::run(cmd("npm", &["ci", "--no-audit", "--no-fund"]).current_dir(&web))?;
    }
    Ok(())
}

/// A Debian package, installed with apt when `probe` is missing.
pub fn apt(package: &str, probe: &str) -> Result<()> {
    if std::path::Path::new(probe).exists() || (!probe.starts_with('/') && has(probe)) {
        return Ok(());
    }
    let root_user =
        sh::output(&mut cmd("id", &["-u"])).map(|o| o.stdout.starts_with(b"0")).unwrap_or(false);
    let prefix: &[&str] = if root_user { &[] } else { &["sudo"] };
    let apt = |args: &[&str]| {
        let all: Vec<&str> =
            prefix.iter().copied().chain(["apt-get"]).chain(args.iter().copied()).collect();
        let mut command = cmd(all[0], &all[1..]);
        command.env("DEBIAN_FRONTEND", "noninteractive");
        sh::status(&mut command)
    };
    if !apt(&["install", "-y", "--no-install-recommends", package])? {
        apt(&["update"])?;
        if !apt(&["install", "-y", "--no-install-recommends", package])? {
            return Err(format!("cannot install Debian's {package}"));
        }
    }
    Ok(())
}

/// The assets the page serves besides the app: the prebuilt data directory and the editor bundle.
pub fn assets() -> Result<()> {
    sh::run(&mut cmd("node", &["web/engine/build-datadir.mjs"]))?;
    editor_bundle()
}

/// The CodeMirror bundle from `web/editor/` (the app's), rebuilt when its source is newer.
fn editor_bundle() -> Result<()> {
    let web = root().join("web");
    let script = web.join("editor/build.mjs");
    if script.is_file() {
        return sh::run(cmd("node", &["editor/build.mjs"]).current_dir(&web));
    }
    let (source, out) = (web.join("editor/editor.js"), web.join("editor/dist/miglab-editor.js"));
    let modified = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if !source.is_file() || (modified(&out).is_some() && modified(&out) >= modified(&source)) {
        return Ok(());
    }
    let esbuild = web.join("node_modules/.bin/esbuild");
    let esbuild = esbuild.to_string_lossy();
    sh::run(
        cmd(
            &esbuild,
            &[
                "editor/editor.js",
                "--bundle",
                "--format=esm",
                "--minify",
                "--outfile=editor/dist/miglab-editor.js",
            ],
        )
        .current_dir(&web),
    )
}

/// The pins `tests/alembic-compat` compares against; ARCHITECTURE.md quotes them.
const ALEMBIC_PINS: [&str; 2] = ["alembic==1.20.1", "SQLAlchemy==2.0.58"];

/// A venv under `target/` with Alembic and SQLAlchemy at [`ALEMBIC_PINS`] from PyPI, for `tests/alembic-compat`;
/// made once and made again only when the pins change.
pub fn alembic_venv() -> Result<PathBuf> {
    let venv = root().join("target/alembic-venv");
    let stamp = venv.join("miglab-pins.txt");
    let pins = ALEMBIC_PINS.join("\n");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(pins.as_str()) {
        return Ok(venv);
    }
    let _ = std::fs::remove_dir_all(&venv);
    let venv_text = venv.to_string_lossy().into_owned();
    sh::run(&mut cmd("python3", &["-m", "venv", &venv_text]))
        .map_err(|e| format!("{e} (Debian: install python3-venv)"))?;
    let pip = venv.join("bin/pip");
    let args: Vec<&str> = ["install", "--quiet", "--disable-pip-version-check"]
        .into_iter()
        .chain(ALEMBIC_PINS)
        .collect();
    sh::run(&mut cmd(&pip.to_string_lossy(), &args))?;
    std::fs::write(&stamp, pins).map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    Ok(venv)
}

/// The role the server tests and `check --database-url` use: only `CREATEDB`, as the README asks of a teaching server.
const CHECK_ROLE: &str = "miglab_check";

/// A PostgreSQL server for the tests that need one, as a URL: `MIGLAB_TEST_DATABASE_URL` when set (an empty value
/// means none, so those tests are skipped), otherwise Debian's `postgresql`, installed when missing and started,
/// with a password login for [`CHECK_ROLE`].
pub fn postgres_server() -> Result<String> {
    match std::env::var("MIGLAB_TEST_DATABASE_URL") {
        Ok(url) if url.is_empty() => return Err("MIGLAB_TEST_DATABASE_URL is empty".to_owned()),
        Ok(url) => return Ok(url),
        Err(_) => {}
    }
    apt("postgresql", "/usr/bin/pg_ctlcluster")?;
    let clusters = sh::output(&mut cmd("pg_lsclusters", &["-h"]))?;
    let text = String::from_utf8_lossy(&clusters.stdout).into_owned();
    let cluster: Vec<&str> =
        text.lines().next().map(|l| l.split_whitespace().collect()).unwrap_or_default();
    let [version, name, port, status, ..] = cluster[..] else {
        return Err(
            "Debian's postgresql has no cluster; run `pg_createcluster --start <version> main`"
                .to_owned(),
        );
    };
    if status != "online" {
        sh::run(&mut cmd("pg_ctlcluster", &[version, name, "start"]))?;
    }
    let root_user =
        sh::output(&mut cmd("id", &["-u"])).map(|o| o.stdout.starts_with(b"0")).unwrap_or(false);
    let as_postgres: &[&str] =
        if root_user { &["runuser", "-u", "postgres", "--"] } else { &["sudo", "-u", "postgres"] };
    // NOSUPERUSER NOCREATEROLE: the role can make and drop its own databases and nothing else on the cluster.
    let sql = format!(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{CHECK_ROLE}') THEN CREATE ROLE {CHECK_ROLE}; END IF; END $$;
         ALTER ROLE {CHECK_ROLE} LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION PASSWORD 'miglab-check'"
    );
    let args: Vec<&str> =
        as_postgres.iter().copied().chain(["psql", "-p", port, "-qAtc", &sql]).collect();
    sh::run(&mut cmd(args[0], &args[1..]))?;
    Ok(format!("postgres://{CHECK_ROLE}:miglab-check@127.0.0.1:{port}/postgres"))
}
