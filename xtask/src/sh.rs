//! Running commands: echoed before they run, so a CI log shows exactly what happened.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub type Result<T> = std::result::Result<T, String>;

/// The repository root (xtask lives one folder below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_owned).unwrap_or_default()
}

pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command.args(args).current_dir(root());
    command
}

fn show(command: &Command) -> String {
    let args: Vec<String> = command.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
    format!("{} {}", command.get_program().to_string_lossy(), args.join(" "))
}

/// Runs with inherited output; `Err` when it cannot start or exits non-zero.
pub fn run(command: &mut Command) -> Result<()> {
    if status(command)? {
        Ok(())
    } else {
        Err(format!("`{}` failed", show(command)))
    }
}

/// Runs with inherited output and reports whether it succeeded.
pub fn status(command: &mut Command) -> Result<bool> {
    eprintln!("$ {}", show(command));
    command
        .status()
        .map(|s| s.success())
        .map_err(|e| format!("cannot run `{}`: {e}", show(command)))
}

/// Runs and captures stdout and stderr (nothing echoed), for probes such as `--version`.
pub fn output(command: &mut Command) -> Result<Output> {
    command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `{}`: {e}", show(command)))
}

/// Runs, echoing every line of stdout and stderr as it arrives, and returns the whole text for summary parsing.
pub fn tee(command: &mut Command) -> Result<(bool, String)> {
    eprintln!("$ {}", show(command));
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run `{}`: {e}", show(command)))?;
    let streams = [
        child.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        child.stderr.take().map(|s| Box::new(s) as _),
    ];
    let readers: Vec<_> = streams
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(index, stream)| {
            std::thread::spawn(move || {
                use std::io::BufRead;
                let mut text = String::new();
                for line in
                    std::io::BufReader::new(stream).lines().map_while(std::result::Result::ok)
                {
                    if index == 0 {
                        println!("{line}");
                    } else {
                        eprintln!("{line}");
                    }
                    text.push_str(&line);
                    text.push('\n');
                }
                text
            })
        })
        .collect();
    let text: String = readers.into_iter().map(|r| r.join().unwrap_or_default()).collect();
    let ok = child.wait().map(|s| s.success()).map_err(|e| e.to_string())?;
    Ok((ok, text))
}

/// True when `program` runs with `--version`.
pub fn has(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The first line `program --version` prints, or an empty string.
pub fn version(program: &str) -> String {
    let out = Command::new(program)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    out.unwrap_or_default().lines().next().unwrap_or_default().to_owned()
}
