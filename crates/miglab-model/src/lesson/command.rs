//! Run commands written the way Alembic's CLI takes them: `upgrade head`, `downgrade -1`, `upgrade ab12cd34`.

use crate::migration::Direction;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a command moves the database to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// The last revision of the lesson's migration chain.
    Head,
    /// Before the first revision of the chain: the starting database.
    Base,
    /// `+2` or `-1`: that many revisions up or down from the current one.
    Relative(i32),
    /// A revision id (or a unique prefix of one, as Alembic allows).
    Revision(String),
}

/// One command of a run: a direction and a target, e.g. `downgrade -1`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RunCommand {
    pub direction: Direction,
    pub target: Target,
}

impl RunCommand {
    pub fn upgrade(target: Target) -> RunCommand {
        RunCommand { direction: Direction::Upgrade, target }
    }

    pub fn downgrade(target: Target) -> RunCommand {
        RunCommand { direction: Direction::Downgrade, target }
    }
}

impl TryFrom<String> for RunCommand {
    type Error = String;

    fn try_from(text: String) -> Result<RunCommand, String> {
        text.parse()
    }
}

impl std::str::FromStr for RunCommand {
    type Err = String;

    fn from_str(text: &str) -> Result<RunCommand, String> {
        let mut words = text.split_whitespace();
        let (Some(verb), Some(target), None) = (words.next(), words.next(), words.next()) else {
            return Err(format!("`{text}` is not a run command; write `upgrade head`, `downgrade -1` or `upgrade <revision>`"));
        };
        let direction = match verb {
            "upgrade" => Direction::Upgrade,
            "downgrade" => Direction::Downgrade,
            _ => return Err(format!("`{verb}` is not `upgrade` or `downgrade`")),
        };
        let target = match target {
            "head" => Target::Head,
            "base" => Target::Base,
            _ if target.starts_with(['+', '-']) => match target.parse::<i32>() {
                Ok(steps) if steps != 0 => Target::Relative(steps),
                _ => return Err(format!("`{target}` is not a step count like `+1` or `-1`")),
            },
            _ if target.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                Target::Revision(target.to_owned())
            }
            _ => {
                return Err(format!(
                    "`{target}` is not `head`, `base`, a step count or a revision id"
                ))
            }
        };
        if matches!((direction, &target), (Direction::Upgrade, Target::Relative(n)) if *n < 0)
            || matches!((direction, &target), (Direction::Downgrade, Target::Relative(n)) if *n > 0)
        {
            return Err(format!(
                "`{text}` points the wrong way; upgrade takes `+N` and downgrade takes `-N`"
            ));
        }
        Ok(RunCommand { direction, target })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Head => f.write_str("head"),
            Target::Base => f.write_str("base"),
            Target::Relative(n) => write!(f, "{n:+}"),
            Target::Revision(rev) => f.write_str(rev),
        }
    }
}

impl fmt::Display for RunCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = match self.direction {
            Direction::Upgrade => "upgrade",
            Direction::Downgrade => "downgrade",
        };
        write!(f, "{verb} {}", self.target)
    }
}

impl From<RunCommand> for String {
    fn from(command: RunCommand) -> String {
        command.to_string()
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn check(text: &str) -> String {
        match text.parse::<RunCommand>() {
            Ok(command) => format!("{command:?} = {command}"),
            Err(error) => error,
        }
    }

    #[test]
    fn parse_ok() {
        insta::assert_snapshot!(check("upgrade head"), @"RunCommand { direction: Upgrade, target: Head } = upgrade head");
        insta::assert_snapshot!(check("downgrade  -1"), @"RunCommand { direction: Downgrade, target: Relative(-1) } = downgrade -1");
        insta::assert_snapshot!(check("upgrade ab12cd34"), @r#"RunCommand { direction: Upgrade, target: Revision("ab12cd34") } = upgrade ab12cd34"#);
    }

    #[test]
    fn parse_err() {
        insta::assert_snapshot!(check("upgrade"), @"`upgrade` is not a run command; write `upgrade head`, `downgrade -1` or `upgrade <revision>`");
        insta::assert_snapshot!(check("migrate head"), @"`migrate` is not `upgrade` or `downgrade`");
        insta::assert_snapshot!(check("upgrade -1"), @"`upgrade -1` points the wrong way; upgrade takes `+N` and downgrade takes `-N`");
        insta::assert_snapshot!(check("upgrade +0"), @"`+0` is not a step count like `+1` or `-1`");
    }
}
