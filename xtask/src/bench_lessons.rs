//! The lesson tools' figures for `cargo xtask bench`: `miglab check lessons` on the release CLI, and, in headless
//! Chromium on the release site (`web/bench/lessons.mjs`), the in-page check of confidence_score and the opening of a
//! pack that `miglab pack` wrote.

use crate::bench::{median, numbers};
use crate::sh::{self, cmd, root, Result};
use std::path::PathBuf;
use std::time::Instant;

/// `miglab check lessons` takes seconds a run, so it runs fewer times than the page figures.
pub const CLI_RUNS: usize = 3;

pub struct Lessons {
    /// Every click on "Check on the engine", in ms; the first is the first check after the engine became ready.
    pub check: Vec<f64>,
    /// Navigation with `?pack=` to the pack's lessons listed, in ms.
    pub pack: Vec<f64>,
    /// How many lessons the pack holds.
    pub pack_lessons: usize,
    /// `miglab check lessons`, wall clock, in ms.
    pub cli: Vec<f64>,
}

impl Lessons {
    /// The table rows: figure, median ms, target.
    pub fn rows(&self) -> Vec<(String, f64, &'static str)> {
        let first = self.check.first().copied().unwrap_or(f64::NAN);
        let n = self.pack_lessons;
        vec![
            (format!("in-page check of confidence_score on a warm engine (`#/author`, the lessons folder open): click on \"Check on the engine\" to its result shown (the first click: {first:.0} ms)"), median(&self.check), "≤ 3000"),
            (format!("opening a pack of the {n} lessons (`miglab pack lessons`, from a second origin): navigation with `?pack=` to its {n} lessons listed, engine aside (site cached by the service worker)"), median(&self.pack), "≤ 1000"),
            (format!("`miglab check lessons` on the release build, the {n} lessons (median of {CLI_RUNS} runs)"), median(&self.cli), "≤ 20000"),
        ]
    }
}

/// Builds the release CLI, times its `check lessons`, packs the lessons with it, and times the page's lesson tools on
/// the site served at `url`.
pub fn figures(url: &str, runs: usize) -> Result<Lessons> {
    let miglab = release_cli()?;
    let cli = cli_check(&miglab)?;
    let pack = target_dir().join("bench/course.miglab.json");
    let _ = std::fs::create_dir_all(target_dir().join("bench"));
    let (pack_arg, lessons) = (pack.to_string_lossy(), root().join("lessons"));
    let lessons = lessons.to_string_lossy();
    sh::run(&mut cmd(&miglab, &["pack", &lessons, "-o", &pack_arg, "--id", "reconciler"]))?;
    let out = sh::output(
        cmd("node", &["bench/lessons.mjs", url, &runs.to_string(), &lessons, &pack_arg])
            .current_dir(root().join("web")),
    )?;
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    let json = String::from_utf8_lossy(&out.stdout);
    let line = json.lines().last().unwrap_or_default();
    if !out.status.success() || !line.starts_with('{') {
        return Err(format!("the lesson tools bench failed: {json}"));
    }
    Ok(Lessons {
        check: numbers(line, "check"),
        pack: numbers(line, "pack"),
        pack_lessons: numbers(line, "pack_lessons").first().map_or(0, |n| *n as usize),
        cli,
    })
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// The release `miglab` binary, built if it is missing or stale (cargo decides).
fn release_cli() -> Result<String> {
    sh::run(&mut cmd("cargo", &["build", "--release", "--offline", "-p", "miglab-cli"]))?;
    Ok(target_dir().join("release/miglab").to_string_lossy().into_owned())
}

/// Wall-clock ms of `miglab check lessons`, [`CLI_RUNS`] times; a check that fails is an error, not a figure.
fn cli_check(miglab: &str) -> Result<Vec<f64>> {
    let mut times = Vec::new();
    for _ in 0..CLI_RUNS {
        let started = Instant::now();
        let out = sh::output(&mut cmd(miglab, &["check", "lessons"]))?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if !out.status.success() {
            return Err(format!(
                "`miglab check lessons` failed:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        times.push(ms);
    }
    Ok(times)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn rows_ok() {
        let lessons = Lessons {
            check: vec![900.0, 300.0, 500.0],
            pack: vec![120.0, 80.0],
            pack_lessons: 11,
            cli: vec![7000.0],
        };
        let rows = lessons.rows();
        assert_eq!(rows.iter().map(|r| r.1).collect::<Vec<_>>(), [500.0, 100.0, 7000.0]);
        assert!(rows[0].0.contains("the first click: 900 ms"), "{}", rows[0].0);
        assert!(rows[1].0.starts_with("opening a pack of the 11 lessons"), "{}", rows[1].0);
    }
}
