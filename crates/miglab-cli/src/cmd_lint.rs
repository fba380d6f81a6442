//! `miglab lint`.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> ExitCode {
    eprintln!("miglab lint: not built yet");
    ExitCode::from(2)
}
