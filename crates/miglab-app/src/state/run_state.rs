//! What the engine did on the lesson's branch: the branch point, each run's log and schemas, and failures.
//!
//! Not saved: after a reload the engine starts again from the lesson's seed, and the screen says so.

use miglab_model::locks::Trace;
use miglab_model::schema::Schema;
use std::rc::Rc;
use yew::Reducible;

/// A failure as the student sees it: Postgres's own words, and where in their source it happened.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Failure {
    /// What was being done, e.g. "upgrade ab12cd34 failed".
    pub title: String,
    pub sqlstate: Option<String>,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
    /// The statement Postgres rejected.
    pub statement: Option<String>,
    /// 1-based lines of that statement in the file the student reads.
    pub lines: Option<(u32, u32)>,
    /// Where Postgres put the error, in characters from the start of the SQL sent, for SQL shown as typed (the console).
    pub position: Option<u32>,
    /// The engine was lost mid-statement through no fault of the SQL (its worker died): the same SQL again will run.
    pub retry: bool,
}

impl Failure {
    pub fn plain(title: &str, message: impl Into<String>) -> Failure {
        Failure { title: title.to_owned(), message: message.into(), ..Default::default() }
    }

    /// One line, as a value or an ordering that failed to run is shown: `ERROR 42703: column … does not exist`.
    pub fn line(&self) -> String {
        let sqlstate = self.sqlstate.as_ref().map(|s| format!("ERROR {s}: ")).unwrap_or_default();
        format!("{sqlstate}{}", self.message)
    }
}

/// Rows as text, `None` for NULL, the way psql shows them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    /// The command as typed, e.g. `upgrade head`.
    pub command: String,
    /// Alembic-style log lines.
    pub log: Vec<String>,
    pub failure: Option<Failure>,
    pub before: Schema,
    pub after: Schema,
    /// The engine's lock trace of the run: which locks each statement left its transaction holding.
    pub trace: Option<Box<Trace>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunState {
    /// The visible branch the lesson runs on, once made.
    pub branch: Option<String>,
    /// What is running now, for the busy indicator.
    pub busy: Option<String>,
    /// The schema at the branch point.
    pub base: Option<Schema>,
    pub current: Option<Schema>,
    /// `alembic_version` now, as `alembic current` prints it.
    pub revision: Option<String>,
    pub records: Vec<RunRecord>,
    /// A failure outside a migration run: the engine, a backup, a query.
    pub failure: Option<Failure>,
    /// Output of `alembic current`/`history` or `\d`, shown in the terminal panel.
    pub terminal: Option<(String, String)>,
    /// Commands that succeeded since the branch point, in order.
    pub path: Vec<String>,
    /// The schema after each prefix of `path`, so a question about the state "after `upgrade head`" is graded against it.
    pub snapshots: Vec<(Vec<String>, Schema)>,
    /// The lock traces of the runs along `path`, one per prefix like `snapshots`: every statement of those runs.
    pub traces: Vec<(Vec<String>, Trace)>,
    /// The lesson's first command run again on a grown table (`run.scale`); kept across resets, since the flow ends
    /// back at the branch point.
    pub scaled: Option<RunRecord>,
    /// The last Modify or Make check's runs (upgrade, downgrade, upgrade), kept after the branch is reset so their diffs stay on screen.
    pub practice: Option<(crate::state::lesson_model::Stage, Vec<RunRecord>)>,
}

pub enum RunAction {
    Busy(String),
    /// The work that was busy stopped before it reached the engine (the analyzer refused the file, the drop guard held it).
    Idle,
    Branched {
        branch: String,
        schema: Schema,
    },
    Ran(RunRecord),
    Reset(Schema),
    /// The engine lost its worker and came back at the branch point (`schema`): the runs since then no longer exist.
    /// Their records stay on screen, as does whatever failure the lost worker caused; only the state they built goes.
    Restarted(Schema),
    Failed(Failure),
    Terminal {
        command: String,
        output: String,
    },
    /// A Modify or Make check ran the learner's migration; the branch is reset after it, the records stay.
    /// The run on a grown table finished (the flow then resets the branch).
    Scaled(RunRecord),
    Practiced {
        stage: crate::state::lesson_model::Stage,
        records: Vec<RunRecord>,
    },
}

impl RunState {
    pub fn last(&self) -> Option<&RunRecord> {
        self.records.last()
    }

    /// The schema after exactly `commands` from the branch point, if they were run.
    pub fn snapshot(&self, commands: &[String]) -> Option<&Schema> {
        if commands.is_empty() {
            return self.base.as_ref();
        }
        self.snapshots.iter().find(|(path, _)| path == commands).map(|(_, schema)| schema)
    }

    /// The lock trace of the learner's last practice upgrade in `stage`, which that stage's lock questions ask about.
    pub fn practice_trace(&self, stage: crate::state::lesson_model::Stage) -> Option<&Trace> {
        let (ran, records) = self.practice.as_ref()?;
        (*ran == stage).then(|| records.first()?.trace.as_deref()).flatten()
    }

    /// Every statement the runs of exactly `commands` from the branch point sent, with its locks, if they were run.
    pub fn trace(&self, commands: &[String]) -> Option<&Trace> {
        self.traces.iter().find(|(path, _)| path == commands).map(|(_, trace)| trace)
    }

    /// What a reload would lose, to save with the progress: the log of every run since the branch point and the last diff.
    pub fn last_run(&self) -> Option<crate::state::progress::LastRun> {
        let last = self.records.last()?;
        Some(crate::state::progress::LastRun {
            log: self
                .records
                .iter()
                .flat_map(|r| {
                    std::iter::once(format!("$ alembic {}", r.command)).chain(r.log.iter().cloned())
                })
                .collect(),
            command: last.command.clone(),
            before: last.before.clone(),
            after: last.after.clone(),
        })
    }

    /// True once the lesson's run commands have all been run in order since the branch point.
    pub fn ran_all(&self, commands: &[String]) -> bool {
        self.path.len() >= commands.len() && self.path[..commands.len()] == *commands
    }
}

impl Reducible for RunState {
    type Action = RunAction;

    fn reduce(self: Rc<Self>, action: RunAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            RunAction::Busy(what) => next.busy = Some(what),
            RunAction::Idle => next.busy = None,
            RunAction::Branched { branch, schema } => {
                next = RunState {
                    branch: Some(branch),
                    revision: schema.alembic_version.as_ref().and_then(|v| v.first().cloned()),
                    base: Some(schema.clone()),
                    current: Some(schema),
                    ..Default::default()
                };
            }
            RunAction::Ran(record) => {
                next.busy = None;
                next.failure = None;
                next.revision =
                    record.after.alembic_version.as_ref().and_then(|v| v.first().cloned());
                next.current = Some(record.after.clone());
                if record.failure.is_none() {
                    let mut trace = next.traces.last().map(|(_, t)| t.clone()).unwrap_or_default();
                    if let Some(run) = &record.trace {
                        trace.statements.extend(run.statements.iter().cloned());
                    }
                    next.path.push(record.command.clone());
                    next.snapshots.push((next.path.clone(), record.after.clone()));
                    next.traces.push((next.path.clone(), trace));
                }
                next.records.push(record);
            }
            RunAction::Reset(schema) => {
                next.busy = None;
                next.failure = None;
                next.revision = schema.alembic_version.as_ref().and_then(|v| v.first().cloned());
                next.current = Some(schema);
                next.records.clear();
                next.terminal = None;
                next.path.clear();
                next.snapshots.clear();
                next.traces.clear();
            }
            RunAction::Restarted(schema) => {
                next.revision = schema.alembic_version.as_ref().and_then(|v| v.first().cloned());
                next.current = Some(schema);
                let undone = !next.path.is_empty();
                next.path.clear();
                next.snapshots.clear();
                next.traces.clear();
                // Said only when runs were undone, and not over the failure that says why the worker was lost.
                if undone && next.failure.is_none() {
                    next.failure = Some(Failure::plain(
                        "The database engine restarted",
                        "The engine's worker stopped, so the database came back at the branch point: the runs since then are undone. Run them again to continue.",
                    ));
                }
            }
            RunAction::Failed(failure) => {
                next.busy = None;
                next.failure = Some(failure);
            }
            RunAction::Terminal { command, output } => {
                next.busy = None;
                next.terminal = Some((command, output));
            }
            RunAction::Practiced { stage, records } => next.practice = Some((stage, records)),
            RunAction::Scaled(record) => next.scaled = Some(record),
        }
        next.into()
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn at(revision: &str) -> Schema {
        Schema { alembic_version: Some(vec![revision.into()]), ..Default::default() }
    }

    #[test]
    fn run_then_reset_ok() {
        let state = Rc::new(RunState::default())
            .reduce(RunAction::Branched { branch: "b".into(), schema: at("9f0e1d2c") });
        let record = RunRecord {
            command: "upgrade head".into(),
            log: vec![],
            failure: None,
            before: at("9f0e1d2c"),
            after: at("ab12cd34"),
            trace: None,
        };
        let state =
            state.reduce(RunAction::Busy("upgrade head".into())).reduce(RunAction::Ran(record));
        assert_eq!(
            (state.revision.as_deref(), state.busy.is_none(), state.records.len()),
            (Some("ab12cd34"), true, 1)
        );
        assert!(
            state.snapshot(&["upgrade head".to_owned()]).is_some()
                && state.ran_all(&["upgrade head".to_owned()])
        );
        let state = state.reduce(RunAction::Reset(at("9f0e1d2c")));
        assert_eq!(
            (state.revision.as_deref(), state.records.len(), state.branch.as_deref()),
            (Some("9f0e1d2c"), 0, Some("b"))
        );
    }

    #[test]
    fn last_run_ok() {
        let state = Rc::new(RunState::default())
            .reduce(RunAction::Branched { branch: "b".into(), schema: at("9f0e1d2c") });
        assert_eq!(state.last_run(), None);
        let up = RunRecord {
            command: "upgrade head".into(),
            log: vec!["up".into()],
            failure: None,
            before: at("9f0e1d2c"),
            after: at("ab12cd34"),
            trace: None,
        };
        let down = RunRecord {
            command: "downgrade -1".into(),
            log: vec!["down".into()],
            failure: None,
            before: at("ab12cd34"),
            after: at("9f0e1d2c"),
            trace: None,
        };
        let state = state.reduce(RunAction::Ran(up)).reduce(RunAction::Ran(down));
        let last = state.last_run().expect("runs to keep");
        assert_eq!(last.log, ["$ alembic upgrade head", "up", "$ alembic downgrade -1", "down"]);
        assert_eq!(
            (last.command.as_str(), &last.before, &last.after),
            ("downgrade -1", &at("ab12cd34"), &at("9f0e1d2c"))
        );
        assert_eq!(
            state.reduce(RunAction::Reset(at("9f0e1d2c"))).last_run(),
            None,
            "a reset leaves nothing to keep"
        );
    }

    #[test]
    fn restarted_back_at_branch_point_err() {
        let state = Rc::new(RunState::default())
            .reduce(RunAction::Branched { branch: "b".into(), schema: at("9f0e1d2c") });
        let record = RunRecord {
            command: "upgrade head".into(),
            log: vec![],
            failure: None,
            before: at("9f0e1d2c"),
            after: at("ab12cd34"),
            trace: None,
        };
        let state = state
            .reduce(RunAction::Ran(record))
            .reduce(RunAction::Busy("downgrade -1".into()))
            .reduce(RunAction::Restarted(at("9f0e1d2c")));
        assert_eq!(
            (state.revision.as_deref(), state.path.len(), state.snapshots.len()),
            (Some("9f0e1d2c"), 0, 0)
        );
        assert!(!state.ran_all(&["upgrade head".to_owned()]), "a question about the state after `upgrade head` is not graded against a database that is gone");
        assert_eq!(state.snapshot(&["upgrade head".to_owned()]), None);
        assert_eq!(
            (state.records.len(), state.busy.as_deref(), state.branch.as_deref()),
            (1, Some("downgrade -1"), Some("b")),
            "the flow that was running still ends itself"
        );
        assert!(state.failure.as_ref().is_some_and(|f| f.message.contains("branch point")));
        let quiet = Rc::new(RunState::default())
            .reduce(RunAction::Branched { branch: "b".into(), schema: at("9f0e1d2c") })
            .reduce(RunAction::Restarted(at("9f0e1d2c")));
        assert_eq!(quiet.failure, None, "nothing was undone, so there is nothing to say");
    }

    #[test]
    fn practice_survives_reset_ok() {
        let record = RunRecord {
            command: "upgrade b93d".into(),
            log: vec![],
            failure: None,
            before: at("9f0e1d2c"),
            after: at("b93d"),
            trace: None,
        };
        let state = Rc::new(RunState::default()).reduce(RunAction::Practiced {
            stage: crate::state::lesson_model::Stage::Modify,
            records: vec![record],
        });
        let state = state.reduce(RunAction::Reset(at("9f0e1d2c")));
        assert_eq!(state.practice.as_ref().map(|(_, r)| r.len()), Some(1));
    }

    #[test]
    fn failure_clears_busy_err() {
        let state = Rc::new(RunState::default())
            .reduce(RunAction::Busy("x".into()))
            .reduce(RunAction::Failed(Failure::plain("x failed", "boom")));
        assert!(state.busy.is_none() && state.failure.is_some());
    }
}
