//! Lesson setup, the same in the browser and in `miglab check`: the untouched database, the seed, the lesson's branch.
//!
//! The seed is the lesson's production dump, and a production database that Alembic manages carries its
//! `alembic_version` row, so the seed must stamp the revision `database.revision` names (`lessons/datasets/reconciler.sql`
//! does). Setup checks the stamp rather than writing one: a lesson whose seed disagrees fails `miglab check` with
//! `lesson-stamp-mismatch`, and the browser refuses to start it, instead of each side papering over it differently.

use super::action::{Action, Answer, Limit, Outcome};
use super::branching::{Branch, ResetTo};
use super::guard::Guard;
use crate::engine::branch::Branches;
use crate::engine::EngineError;
use crate::lesson::Lesson;
use crate::schema::Schema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The branch point of the untouched database, so every lesson starts from nothing.
pub const PRISTINE: &str = "miglab-pristine";

/// What setting a lesson up needs from it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonSetup {
    /// The seed SQL, run as one script.
    pub seed: String,
    /// The revision the seed stands for (`database.revision`).
    pub revision: Option<String>,
    /// The branch the learner works on, made right after the seed.
    pub branch: String,
}

impl LessonSetup {
    pub fn of(lesson: &Lesson) -> LessonSetup {
        LessonSetup {
            seed: lesson.seed.clone(),
            revision: lesson.manifest.database.revision.clone(),
            branch: lesson.manifest.run.branch.clone(),
        }
    }

    /// Where the revision chain stands, as a lesson's commands are planned from it: `None` while the database is at
    /// the seed's own revision (the chain's start), otherwise the revision `alembic_version` names.
    pub fn chain_position(&self, alembic_version: Option<&[String]>) -> Option<String> {
        alembic_version
            .and_then(|versions| versions.first())
            .filter(|revision| Some(*revision) != self.revision.as_ref())
            .cloned()
    }

    /// The stamp check on the schema the seed left.
    fn stamp(&self, schema: &Schema) -> Option<StampMismatch> {
        let stamped = schema.alembic_version.clone().unwrap_or_default();
        let expected: Vec<String> = self.revision.iter().cloned().collect();
        (stamped != expected).then(|| StampMismatch { stamped, expected: self.revision.clone() })
    }
}

/// A lesson set up on the engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Prepared {
    /// The learner's branch, made right after the seed.
    pub branch: String,
    /// The schema at that branch point, row counts included.
    pub schema: Schema,
    /// Set when the seed's `alembic_version` does not name `database.revision`.
    pub stamp: Option<StampMismatch>,
}

/// The seed's `alembic_version` rows against the revision the lesson says the seed is at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StampMismatch {
    pub stamped: Vec<String>,
    pub expected: Option<String>,
}

impl fmt::Display for StampMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "The seed stamps `alembic_version` with {:?}, but `database.revision` says {:?}.",
            self.stamped, self.expected
        )
    }
}

pub(super) struct Setup {
    setup: LessonSetup,
    stage: Stage,
}

enum Stage {
    /// Back to the untouched database: a reset to [`PRISTINE`], or its branch on an engine that has none yet.
    ResetPristine(ResetTo),
    BranchPristine(Branch),
    Seed(Guard),
    Branch(Branch),
    Introspect,
}

impl Setup {
    pub(super) fn new(setup: &LessonSetup) -> Setup {
        Setup { setup: setup.clone(), stage: Stage::Introspect }
    }

    pub(super) fn start<H: Clone>(&mut self, branches: &mut Branches<H>) -> Action<H> {
        if branches.contains(PRISTINE) {
            let mut reset = ResetTo::new(PRISTINE);
            let action = reset.start(branches);
            self.stage = Stage::ResetPristine(reset);
            return self.follow(branches, action);
        }
        let mut branch = Branch::new(PRISTINE);
        let action = branch.start(branches);
        self.stage = Stage::BranchPristine(branch);
        self.follow(branches, action)
    }

    pub(super) fn next<H: Clone>(
        &mut self,
        branches: &mut Branches<H>,
        answer: Answer<H>,
    ) -> Action<H> {
        let action = match &mut self.stage {
            Stage::ResetPristine(reset) => reset.next(branches, answer),
            Stage::BranchPristine(branch) | Stage::Branch(branch) => branch.next(branches, answer),
            Stage::Seed(guard) => guard.next(branches, answer),
            Stage::Introspect => {
                return match answer {
                    Answer::Introspected(schema) => Action::Done(Ok(Outcome::Prepared(Prepared {
                        branch: self.setup.branch.clone(),
                        stamp: self.setup.stamp(&schema),
                        schema,
                    }))),
                    Answer::Failed(error) => Action::Done(Err(error)),
                    other => {
                        Action::Done(Err(super::action::unexpected(&other, "an introspection")))
                    }
                }
            }
        };
        self.follow(branches, action)
    }

    /// Passes a stage's action on; when the stage is done, starts the next one.
    fn follow<H: Clone>(&mut self, branches: &mut Branches<H>, action: Action<H>) -> Action<H> {
        let Action::Done(outcome) = action else { return action };
        if let Err(error) = outcome {
            return Action::Done(Err(error));
        }
        let action = match self.stage {
            Stage::ResetPristine(_) | Stage::BranchPristine(_) => {
                // The seed runs as the browser always ran it: guarded in the untouched database's branch transaction.
                let mut seed = Guard::new(&self.setup.seed, false, Limit::Script);
                let action = seed.start(branches);
                self.stage = Stage::Seed(seed);
                action
            }
            Stage::Seed(_) => {
                let mut branch = Branch::new(&self.setup.branch);
                let action = branch.start(branches);
                self.stage = Stage::Branch(branch);
                action
            }
            Stage::Branch(_) => {
                self.stage = Stage::Introspect;
                return Action::Introspect;
            }
            Stage::Introspect => {
                return Action::Done(Err(EngineError::Protocol(
                    "setup went past its end".to_owned(),
                )))
            }
        };
        self.follow(branches, action)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn setup(revision: Option<&str>) -> LessonSetup {
        LessonSetup { revision: revision.map(str::to_owned), ..LessonSetup::default() }
    }

    #[test]
    fn stamp_matches_ok() {
        let schema = Schema { alembic_version: Some(vec!["9f0e".into()]), ..Schema::default() };
        assert_eq!(setup(Some("9f0e")).stamp(&schema), None);
        assert_eq!(setup(None).stamp(&Schema::default()), None);
    }

    #[test]
    fn stamp_missing_err() {
        let mismatch = setup(Some("9f0e")).stamp(&Schema::default()).expect("a mismatch");
        assert_eq!(
            mismatch.to_string(),
            "The seed stamps `alembic_version` with [], but `database.revision` says Some(\"9f0e\")."
        );
    }

    #[test]
    fn chain_position_ok() {
        let setup = setup(Some("9f0e"));
        assert_eq!(setup.chain_position(None), None);
        assert_eq!(setup.chain_position(Some(&["9f0e".to_owned()])), None);
        assert_eq!(setup.chain_position(Some(&["ab12".to_owned()])).as_deref(), Some("ab12"));
    }
}

#[cfg(test)]
mod session_test {
    use super::super::fake::{Fake, Kind};
    use super::super::Session;
    use super::*;

    fn lesson() -> LessonSetup {
        LessonSetup {
            seed: "CREATE TABLE t (a int)".into(),
            revision: Some("9f0e".into()),
            branch: "main".into(),
        }
    }

    #[test]
    fn fresh_engine_ok() {
        let mut fake = Fake::new(Kind::Batched);
        fake.alembic_version = Some(vec!["9f0e".into()]);
        let mut session = Session::default();
        let action = session.setup(&lesson());
        let prepared =
            fake.drive(&mut session, action).expect("set up").prepared().expect("prepared");
        assert_eq!((prepared.branch.as_str(), prepared.stamp), ("main", None));
        assert_eq!(
            fake.log,
            [
                "dump miglab-pristine as 1",
                "BEGIN",
                "SAVEPOINT miglab_branch",
                "SAVEPOINT miglab_stmt",
                "CREATE TABLE t (a int)",
                "RELEASE SAVEPOINT miglab_stmt",
                "COMMIT",
                "dump main as 2",
                "BEGIN",
                "SAVEPOINT miglab_branch",
                "introspect"
            ]
        );
        fake.log.clear();
        let action = session.setup(&lesson());
        fake.drive(&mut session, action).expect("again");
        assert_eq!(
            fake.log[..3],
            ["load 1", "BEGIN", "SAVEPOINT miglab_branch"],
            "back to the untouched database"
        );
    }

    #[test]
    fn unstamped_seed_err() {
        let mut fake = Fake::new(Kind::Batched);
        let mut session = Session::default();
        let action = session.setup(&lesson());
        let prepared =
            fake.drive(&mut session, action).expect("set up").prepared().expect("prepared");
        assert_eq!(
            prepared.stamp,
            Some(StampMismatch { stamped: Vec::new(), expected: Some("9f0e".into()) })
        );
        assert!(
            !fake.log.iter().any(|sql| sql.contains("INSERT INTO alembic_version")),
            "setup never stamps"
        );
    }
}
