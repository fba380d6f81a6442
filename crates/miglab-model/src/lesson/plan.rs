//! Resolving run commands (`upgrade head`, `downgrade -1`, `upgrade <rev>`) into the ordered migrations they apply.
//!
//! This is Alembic's walk over `down_revision` links, restricted to what lessons use:
//! one linear chain plus solutions and refusals that each revise a revision of it.

use super::command::{RunCommand, Target};
use super::lesson_migration::LessonMigration;
use super::loaded::Lesson;
use crate::migration::Direction;

/// One migration to run in one direction.
#[derive(Clone, Copy, Debug)]
pub struct Application<'a> {
    pub migration: &'a LessonMigration,
    pub direction: Direction,
}

/// The applications a list of commands runs from a revision (`None` is the starting database),
/// and the revision it ends at.
#[derive(Debug)]
pub struct Plan<'a> {
    pub applications: Vec<Application<'a>>,
    pub end: Option<String>,
}

impl Lesson {
    /// Every revision the lesson holds: the chain, then the Modify and Make solutions and the refusal.
    pub fn revisions(&self) -> impl Iterator<Item = &LessonMigration> {
        self.chain.iter().chain([&self.modify, &self.make]).chain(self.refuse.as_ref())
    }

    pub fn revision(&self, id: &str) -> Option<&LessonMigration> {
        self.revisions().find(|m| m.id() == id)
    }

    /// Resolves `commands` run one after another from the starting database.
    pub fn plan(&self, commands: &[RunCommand]) -> Result<Plan<'_>, String> {
        self.plan_from(None, commands)
    }

    pub fn plan_from(
        &self,
        start: Option<&str>,
        commands: &[RunCommand],
    ) -> Result<Plan<'_>, String> {
        let mut current = start.map(str::to_owned);
        let mut applications = Vec::new();
        for command in commands {
            let (more, end) = self.resolve(current.as_deref(), command)?;
            applications.extend(more);
            current = end;
        }
        Ok(Plan { applications, end: current })
    }

    fn resolve(
        &self,
        current: Option<&str>,
        command: &RunCommand,
    ) -> Result<(Vec<Application<'_>>, Option<String>), String> {
        let target = match &command.target {
            Target::Head => self.chain.last().map(|m| m.id().to_owned()),
            Target::Base => None,
            Target::Relative(steps) if *steps > 0 => {
                let index = current
                    .and_then(|rev| self.chain.iter().position(|m| m.id() == rev))
                    .map_or(-1, |i| i as i64);
                let wanted = index + i64::from(*steps);
                let found = usize::try_from(wanted).ok().and_then(|i| self.chain.get(i));
                Some(
                    found
                        .ok_or_else(|| format!("`{command}` goes past the head of the chain"))?
                        .id()
                        .to_owned(),
                )
            }
            Target::Relative(steps) => {
                let lineage = self.lineage(current)?;
                let back = steps.unsigned_abs() as usize;
                if back > lineage.len() {
                    return Err(format!("`{command}` goes below the starting database"));
                }
                lineage.get(back).map(|m| m.id().to_owned())
            }
            Target::Revision(prefix) => Some(self.find(prefix)?.id().to_owned()),
        };
        let applications = match command.direction {
            Direction::Upgrade => {
                let lineage = self.lineage(target.as_deref())?;
                let below = lineage.iter().position(|m| Some(m.id()) == current);
                if current.is_some() && below.is_none() {
                    return Err(format!(
                        "`{command}` cannot run from {}: the target does not revise it",
                        shown(current)
                    ));
                }
                let path = &lineage[..below.unwrap_or(lineage.len())];
                path.iter()
                    .rev()
                    .map(|&migration| Application { migration, direction: Direction::Upgrade })
                    .collect()
            }
            Direction::Downgrade => {
                let lineage = self.lineage(current)?;
                let stop = lineage.iter().position(|m| Some(m.id()) == target.as_deref());
                if target.is_some() && stop.is_none() {
                    return Err(format!(
                        "`{command}` cannot run from {}: the target is not below it",
                        shown(current)
                    ));
                }
                lineage[..stop.unwrap_or(lineage.len())]
                    .iter()
                    .map(|&migration| Application { migration, direction: Direction::Downgrade })
                    .collect()
            }
        };
        Ok((applications, target))
    }

    /// `rev` and its ancestors, newest first, down to the starting database.
    fn lineage(&self, rev: Option<&str>) -> Result<Vec<&LessonMigration>, String> {
        let mut out = Vec::new();
        let mut next = rev.map(str::to_owned);
        while let Some(id) = next {
            let migration =
                self.revision(&id).ok_or_else(|| format!("no revision `{id}` in this lesson"))?;
            if out.len() > 64 || out.iter().any(|m: &&LessonMigration| m.id() == id) {
                return Err(format!("the revisions loop back to `{id}`"));
            }
            out.push(migration);
            next = migration
                .parent()
                .filter(|parent| self.revision(parent).is_some())
                .map(str::to_owned);
        }
        Ok(out)
    }

    fn find(&self, prefix: &str) -> Result<&LessonMigration, String> {
        let mut matches = self.revisions().filter(|m| m.id().starts_with(prefix));
        match (matches.next(), matches.next()) {
            (Some(found), None) => Ok(found),
            (None, _) => Err(format!("no revision `{prefix}` in this lesson")),
            (Some(_), Some(_)) => Err(format!("`{prefix}` matches more than one revision")),
        }
    }
}

fn shown(rev: Option<&str>) -> String {
    rev.map_or_else(|| "the starting database".to_owned(), |rev| format!("`{rev}`"))
}
