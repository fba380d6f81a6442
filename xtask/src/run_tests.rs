//! `cargo xtask test`: every runner, then each runner's summary and one `N passed, N failed, N skipped` line totalling them.
//!
//! A check that needs something this machine lacks (a PostgreSQL server) is counted as skipped, never as passed.

use crate::sh::{self, cmd, root, Result};
use crate::{setup, site, static_server};
use std::path::{Path, PathBuf};

struct Tally {
    runner: &'static str,
    passed: u64,
    failed: u64,
    skipped: u64,
}

/// Counts a runner reports: passed, failed, skipped.
type Counts = (u64, u64, u64);

/// The runners `cargo xtask test NAME…` can pick; with no name, all of them run.
const RUNNERS: [&str; 8] =
    ["format", "clippy", "native", "wasm", "lessons", "alembic-compat", "browser", "server"];

pub fn run(args: &[String]) -> Result<bool> {
    if let Some(unknown) = args.iter().find(|a| !RUNNERS.contains(&a.as_str())) {
        return Err(format!(
            "no runner called {unknown:?}; the runners are {}",
            RUNNERS.join(", ")
        ));
    }
    let picked = |name: &str| args.is_empty() || args.iter().any(|a| a == name);
    let started = std::time::Instant::now();
    if ["native", "wasm", "lessons", "browser"].iter().any(|r| picked(r)) {
        site::prepare()?;
    }
    let server =
        if picked("native") || picked("server") { Some(setup::postgres_server()) } else { None };
    if let Some(Err(why)) = &server {
        eprintln!("xtask: the tests that need a PostgreSQL server are skipped: {why}");
    }
    let server = server.and_then(Result::ok);
    let mut tallies = Vec::new();
    if picked("format") {
        tallies.push(format());
    }
    if picked("clippy") {
        tallies.push(clippy());
    }
    if picked("native") {
        tallies.push(native(server.as_deref()));
    }
    if picked("wasm") {
        tallies.push(wasm());
    }
    if root().join("lessons/course.toml").is_file() {
        if picked("lessons") {
            tallies.push(lessons());
        }
        if picked("lessons") || picked("server") {
            tallies.push(lessons_on_server(server.as_deref()));
        }
    }
    if picked("alembic-compat") {
        tallies.push(alembic_compat());
    }
    if picked("browser") {
        setup::apt("chromium", "/usr/bin/chromium")?;
        let built = site::build(false);
        tallies.push(app_graph());
        tallies.push(browser(built));
    }

    println!();
    println!("Summary ({:.0} s):", started.elapsed().as_secs_f64());
    for t in &tallies {
        println!(
            "  {:<40} {} passed, {} failed, {} skipped",
            t.runner, t.passed, t.failed, t.skipped
        );
    }
    let (passed, failed, skipped) =
        tallies.iter().fold((0, 0, 0), |(p, f, s), t| (p + t.passed, f + t.failed, s + t.skipped));
    println!("{passed} passed, {failed} failed, {skipped} skipped");
    Ok(failed == 0)
}

/// A runner that could not run at all counts as one failure, so the total can never look clean.
fn tally(
    runner: &'static str,
    outcome: Result<(bool, String)>,
    parse: fn(&str) -> Counts,
) -> Tally {
    let (passed, failed, skipped) = match &outcome {
        Ok((ok, text)) => {
            let (passed, failed, skipped) = parse(text);
            (passed, if !ok && failed == 0 { 1 } else { failed }, skipped)
        }
        Err(error) => {
            eprintln!("{runner}: {error}");
            (0, 1, 0)
        }
    };
    Tally { runner, passed, failed, skipped }
}

/// A command that is one check: it passes when it exits 0.
fn one_check(runner: &'static str, outcome: Result<(bool, String)>) -> Tally {
    let mut tally = tally(runner, outcome, |_| (0, 0, 0));
    tally.passed = u64::from(tally.failed == 0);
    tally
}

impl Tally {
    fn skipped(runner: &'static str, count: u64) -> Tally {
        Tally { runner, passed: 0, failed: 0, skipped: count }
    }
}

/// `rustfmt.toml`'s layout over the whole workspace, checked, never applied.
fn format() -> Tally {
    one_check(
        "format (cargo fmt --check)",
        sh::tee(&mut cmd("cargo", &["fmt", "--all", "--check"])),
    )
}

/// Clippy with warnings denied; the lints are `[workspace.lints]`, which every crate takes with `lints.workspace`.
fn clippy() -> Tally {
    let outcome = sh::tee(&mut cmd(
        "cargo",
        &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"],
    ));
    one_check("clippy (-D warnings)", outcome)
}

/// The tests that need a server are `#[ignore]`d; with a server they run too, without one cargo counts them as ignored.
fn native(server: Option<&str>) -> Tally {
    let mut command = cmd("cargo", &["test", "--workspace", "--no-fail-fast"]);
    if let Some(url) = server {
        command.args(["--", "--include-ignored"]).env("MIGLAB_TEST_DATABASE_URL", url);
    }
    tally("native (cargo test)", sh::tee(&mut command), cargo_counts)
}

fn wasm() -> Tally {
    let outcome = sh::tee(&mut cmd(
        "cargo",
        &["test", "-p", "miglab-pglite", "--target", "wasm32-unknown-unknown", "--no-fail-fast"],
    ));
    tally("wasm in Node (PGlite)", outcome, cargo_counts)
}

/// Every lesson's answer key against the real engine; the CLI ends with `9 lessons: 9 passed, 0 failed`.
fn lessons() -> Tally {
    let outcome =
        sh::tee(&mut cmd("cargo", &["run", "-q", "-p", "miglab-cli", "--", "check", "lessons"]));
    tally("lessons (miglab check)", outcome, summary_counts)
}

/// The same lessons on Debian's PostgreSQL, as a CREATEDB-only role, the way the README asks instructors to run it.
fn lessons_on_server(server: Option<&str>) -> Tally {
    const RUNNER: &str = "lessons on PostgreSQL (--database-url)";
    let Some(url) = server else { return Tally::skipped(RUNNER, 1) };
    let outcome = sh::tee(&mut cmd(
        "cargo",
        &["run", "-q", "-p", "miglab-cli", "--", "check", "lessons", "--database-url", url],
    ));
    tally(RUNNER, outcome, summary_counts)
}

/// `tests/alembic-compat`: `miglab sql` against real `alembic … --sql`, in a venv with the pinned versions.
fn alembic_compat() -> Tally {
    let outcome = setup::alembic_venv()
        .and_then(|_| sh::tee(&mut cmd("bash", &["tests/alembic-compat/run.sh"])));
    tally("alembic-compat (real Alembic)", outcome, summary_counts)
}

/// The app's crate graph holds no parser (`app_graph`); one check, counted as one test.
fn app_graph() -> Tally {
    let outcome = crate::app_graph::parsers_in_app();
    let failed = match &outcome {
        Ok(found) if found.is_empty() => false,
        Ok(found) => {
            eprintln!(
                "app graph: depends on {}, which belong in the analyzer module",
                found.join(", ")
            );
            true
        }
        Err(error) => {
            eprintln!("app graph: {error}");
            true
        }
    };
    if !failed {
        println!("app graph: no parser among the app's dependencies");
    }
    Tally {
        runner: "app without parsers",
        passed: u64::from(!failed),
        failed: u64::from(failed),
        skipped: 0,
    }
}

fn browser(built: Result<site::Built>) -> Tally {
    let outcome = (|| {
        let built = built?;
        let url = static_server::start(&built.dist)
            .map_err(|e| format!("cannot serve {}: {e}", built.dist.display()))?;
        let files = test_files(&root().join("web/tests"));
        // A Chromium that hangs on close must not hold the run open until CI's limit: every test has a
        // time limit, and the runner exits once the last test is done even if a browser is still there.
        let mut args: Vec<String> = [
            "--test",
            "--test-reporter=spec",
            "--test-concurrency=1",
            "--test-timeout=300000",
            "--test-force-exit",
        ]
        .map(String::from)
        .to_vec();
        args.extend(files.iter().map(|f| f.to_string_lossy().into_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut command = cmd("node", &args);
        command.current_dir(root().join("web")).env("MIGLAB_URL", &url);
        sh::tee(&mut command)
    })();
    tally("browser (headless Chromium)", outcome, node_counts)
}

/// `web/tests/**/*.test.mjs`, sorted.
fn test_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return found };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(test_files(&path));
        } else if path.to_string_lossy().ends_with(".test.mjs") {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// Sums cargo's `test result: ok. 12 passed; 0 failed; 1 ignored; …` lines; an ignored test is a skipped one.
fn cargo_counts(text: &str) -> Counts {
    text.lines().filter(|l| l.starts_with("test result:")).fold((0, 0, 0), |(p, f, s), line| {
        (
            p + number_before(line, " passed"),
            f + number_before(line, " failed"),
            s + number_before(line, " ignored"),
        )
    })
}

/// Node's spec reporter ends with `ℹ pass 3`, `ℹ fail 0` and `ℹ skipped 0`.
fn node_counts(text: &str) -> Counts {
    let field = |name: &str| {
        text.lines()
            .rev()
            .find_map(|l| {
                l.trim_start_matches(['ℹ', '#', ' ']).strip_prefix(name)?.trim().parse().ok()
            })
            .unwrap_or(0)
    };
    (field("pass "), field("fail "), field("skipped "))
}

/// The last `… N passed, M failed` line.
fn summary_counts(text: &str) -> Counts {
    let line = text
        .lines()
        .rev()
        .find(|l| l.contains(" passed, ") && l.contains(" failed"))
        .unwrap_or_default();
    (
        number_before(line, " passed"),
        number_before(line, " failed"),
        number_before(line, " skipped"),
    )
}

fn number_before(line: &str, word: &str) -> u64 {
    let Some(end) = line.find(word) else { return 0 };
    line[..end]
        .rsplit(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn cargo_counts_ok() {
        let text = "test result: ok. 12 passed; 0 failed; 1 ignored\nnoise\ntest result: FAILED. 3 passed; 2 failed; 0 ignored";
        assert_eq!(cargo_counts(text), (15, 2, 1));
    }

    #[test]
    fn node_counts_ok() {
        assert_eq!(node_counts("ℹ tests 4\nℹ pass 3\nℹ fail 1\nℹ skipped 2\n"), (3, 1, 2));
        assert_eq!(node_counts("# pass 2\n# fail 0\n"), (2, 0, 0));
    }

    #[test]
    fn summary_counts_ok() {
        assert_eq!(summary_counts("ok   a\n9 lessons: 8 passed, 1 failed\n"), (8, 1, 0));
        assert_eq!(
            summary_counts("ok   upgrade x\n100 passed, 0 failed, 2 skipped\n"),
            (100, 0, 2)
        );
    }

    #[test]
    fn node_counts_missing_err() {
        assert_eq!(node_counts("node: bad option"), (0, 0, 0));
    }
}
