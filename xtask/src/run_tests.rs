//! `cargo xtask test`: every runner, then each runner's summary and one `N passed, N failed` line totalling them.

use crate::sh::{self, cmd, root, Result};
use crate::{setup, site, static_server};
use std::path::{Path, PathBuf};

struct Tally {
    runner: &'static str,
    passed: u64,
    failed: u64,
}

pub fn run(_args: &[String]) -> Result<bool> {
    let started = std::time::Instant::now();
    site::prepare()?;
    setup::apt("chromium", "/usr/bin/chromium")?;
    let mut tallies = vec![
        native(),
        wasm(),
    ];
    if root().join("lessons/course.toml").is_file() {
        tallies.push(lessons());
    }
    let built = site::build(false);
    tallies.push(app_wasm(built.as_ref().map(|b| b.dist.as_path())));
    tallies.push(browser(built));

    println!();
    println!("Summary ({:.0} s):", started.elapsed().as_secs_f64());
    for t in &tallies {
        println!("  {:<28} {} passed, {} failed", t.runner, t.passed, t.failed);
    }
    let (passed, failed) = tallies.iter().fold((0, 0), |(p, f), t| (p + t.passed, f + t.failed));
    println!("{passed} passed, {failed} failed");
    Ok(failed == 0)
}

/// A runner that could not run at all counts as one failure, so the total can never look clean.
fn tally(runner: &'static str, outcome: Result<(bool, String)>, parse: fn(&str) -> (u64, u64)) -> Tally {
    let (passed, failed) = match &outcome {
        Ok((ok, text)) => {
            let (passed, failed) = parse(text);
            (passed, if !ok && failed == 0 { 1 } else { failed })
        }
        Err(error) => {
            eprintln!("{runner}: {error}");
            (0, 1)
        }
    };
    Tally { runner, passed, failed }
}

fn native() -> Tally {
    let outcome = sh::tee(&mut cmd("cargo", &["test", "--workspace", "--no-fail-fast"]));
    tally("native (cargo test)", outcome, cargo_counts)
}

fn wasm() -> Tally {
    let outcome = sh::tee(&mut cmd("cargo", &["test", "-p", "miglab-pglite", "--target", "wasm32-unknown-unknown", "--no-fail-fast"]));
    tally("wasm in Node (PGlite)", outcome, cargo_counts)
}

/// Every lesson's answer key against the real engine; the CLI ends with `9 lessons: 9 passed, 0 failed`.
fn lessons() -> Tally {
    let outcome = sh::tee(&mut cmd("cargo", &["run", "-q", "-p", "miglab-cli", "--", "check", "lessons"]));
    tally("lessons (miglab check)", outcome, summary_counts)
}

/// The app's wasm links no parser (`wasm_split`); one check, counted as one test.
fn app_wasm(dist: std::result::Result<&Path, &String>) -> Tally {
    let outcome = dist.map_err(Clone::clone).and_then(crate::wasm_split::forbidden_in);
    let failed = match &outcome {
        Ok(found) if found.is_empty() => false,
        Ok(found) => {
            eprintln!("app wasm: links {}, which belong in the analyzer module", found.join(", "));
            true
        }
        Err(error) => {
            eprintln!("app wasm: {error}");
            true
        }
    };
    if !failed {
        println!("app wasm: links none of the parsers");
    }
    Tally { runner: "app wasm without parsers", passed: u64::from(!failed), failed: u64::from(failed) }
}

fn browser(built: Result<site::Built>) -> Tally {
    let outcome = (|| {
        let built = built?;
        let url = static_server::start(&built.dist).map_err(|e| format!("cannot serve {}: {e}", built.dist.display()))?;
        let files = test_files(&root().join("web/tests"));
        // A Chromium that hangs on close must not hold the run open until CI's limit: every test has a
        // time limit, and the runner exits once the last test is done even if a browser is still there.
        let mut args: Vec<String> =
            ["--test", "--test-reporter=spec", "--test-concurrency=1", "--test-timeout=300000", "--test-force-exit"].map(String::from).to_vec();
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

/// Sums cargo's `test result: ok. 12 passed; 0 failed; …` lines.
fn cargo_counts(text: &str) -> (u64, u64) {
    text.lines().filter(|l| l.starts_with("test result:")).fold((0, 0), |(p, f), line| {
        (p + number_before(line, " passed"), f + number_before(line, " failed"))
    })
}

/// Node's spec reporter ends with `ℹ pass 3` and `ℹ fail 0`.
fn node_counts(text: &str) -> (u64, u64) {
    let field = |name: &str| {
        text.lines().rev().find_map(|l| l.trim_start_matches(['ℹ', '#', ' ']).strip_prefix(name)?.trim().parse().ok()).unwrap_or(0)
    };
    (field("pass "), field("fail "))
}

/// The last `… N passed, M failed` line.
fn summary_counts(text: &str) -> (u64, u64) {
    let line = text.lines().rev().find(|l| l.contains(" passed, ") && l.contains(" failed")).unwrap_or_default();
    (number_before(line, " passed"), number_before(line, " failed"))
}

fn number_before(line: &str, word: &str) -> u64 {
    let Some(end) = line.find(word) else { return 0 };
    line[..end].rsplit(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse().ok()).unwrap_or(0)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn cargo_counts_ok() {
        let text = "test result: ok. 12 passed; 0 failed; 1 ignored\nnoise\ntest result: FAILED. 3 passed; 2 failed; 0 ignored";
        assert_eq!(cargo_counts(text), (15, 2));
    }

    #[test]
    fn node_counts_ok() {
        assert_eq!(node_counts("ℹ tests 4\nℹ pass 3\nℹ fail 1\n"), (3, 1));
        assert_eq!(node_counts("# pass 2\n# fail 0\n"), (2, 0));
    }

    #[test]
    fn summary_counts_ok() {
        assert_eq!(summary_counts("ok   a\n9 lessons: 8 passed, 1 failed\n"), (8, 1));
    }

    #[test]
    fn node_counts_missing_err() {
        assert_eq!(node_counts("node: bad option"), (0, 0));
    }
}
