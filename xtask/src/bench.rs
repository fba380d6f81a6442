//! `cargo xtask bench`: written next.

use crate::sh::Result;

pub fn run(_args: &[String]) -> Result<bool> {
    Err("bench is not built yet".to_owned())
}
