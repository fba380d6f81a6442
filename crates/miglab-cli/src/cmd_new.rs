//! `miglab new`.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> ExitCode {
    eprintln!("miglab new: not built yet");
    ExitCode::from(2)
}
