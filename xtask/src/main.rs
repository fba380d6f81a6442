//! Project automation: `cargo xtask serve`, `cargo xtask test`, `cargo xtask bench`.
//!
//! Each command first installs what is missing (the wasm32 target, Trunk, wasm-bindgen-cli, npm packages,
//! Debian's chromium and binaryen), building tools from source with `cargo install` and never downloading a binary.

mod analyzer;
mod app_graph;
mod bench;
mod bench_lessons;
mod codemap;
mod run_tests;
mod serve;
mod setup;
mod sh;
mod site;
mod static_server;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <serve|test|bench|analyzer|course>
  serve   install what is missing, build the playground and serve it at http://127.0.0.1:8080, rebuilding on change
  test    install what is missing and run every check: format, clippy, native, wasm in Node against PGlite, lessons,
          alembic-compat, headless Chromium, and the PostgreSQL server checks; `test NAME…` runs only those runners
  bench   print medians of boot, branch + reset and the upgrade/downgrade cycle next to Alembic on PostgreSQL
          and the lesson tools (in-page check, opening a pack, `miglab check lessons`); `bench lessons` times only those
  analyzer  build the analyzer wasm module into web/analyzer/dist (Trunk runs this before every build)
  course    load the lessons into web/course/dist/course.json, the file the app reads (Trunk runs this too)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("serve") => serve::run(),
        Some("test") => run_tests::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("analyzer") => analyzer::run(&args[1..]),
        Some("course") => analyzer::course(),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("xtask: {error}");
            ExitCode::FAILURE
        }
    }
}
