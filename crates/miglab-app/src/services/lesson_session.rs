//! The lesson screen's effects: every engine call a button can start, as callbacks that dispatch results to the reducers.
//!
//! Views only wire these callbacks; the work itself is in `lab.rs` and the judging in `practice.rs`.

use crate::services::engine_link::Lab;
use crate::services::lab::{self, Backend};
use crate::state::describe::describe;
use crate::state::drop_guard::{Backup, Decision, GuardAction, GuardState, Threat};
use crate::state::lesson_model::{LessonView, Stage};
use crate::state::lesson_state::{LessonAction, LessonState};
use crate::state::practice_checks::PracticeRun;
use crate::state::run_state::{Failure, RunAction, RunState};
use miglab_core::lesson::{Experiment, Lesson, LessonMigration, RunCommand, ValueCheck};
use miglab_core::migration::Direction;
use miglab_core::schema::Schema;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// The outcome of a "try it" experiment, shown beside its stated expectation.
#[derive(Clone, Debug, PartialEq)]
pub struct ExperimentOutcome {
    pub id: String,
    /// `None` while a destructive experiment waits for the learner to see what it would destroy.
    pub result: Option<Result<lab::Rows, Failure>>,
    pub values: Vec<ValueSeen>,
    /// What its SQL would destroy, counted on the branch before it ran; empty when nothing.
    pub stakes: Vec<crate::state::drop_guard::Stake>,
    /// The branch just before and just after its SQL, so what it did (rows included) is shown.
    pub diff: Option<(miglab_core::schema::Schema, miglab_core::schema::Schema)>,
}

/// One of an experiment's value checks after its script: `(query, expected, what the engine said)`.
pub type ValueSeen = (String, Option<String>, Result<Option<String>, String>);

/// What each locked question's engine query gave, by question id.
pub type EngineValues = std::collections::BTreeMap<String, Result<Option<String>, String>>;

/// What the engine showed outside the reducers: experiment outcomes and question values, for this visit only.
pub struct Seen {
    pub experiments: UseStateHandle<Vec<ExperimentOutcome>>,
    pub values: UseStateHandle<EngineValues>,
}

/// Shared with every question view through a context, so the stages need not pass it down.
#[derive(Clone, PartialEq)]
pub struct EngineCheck {
    pub values: Rc<EngineValues>,
    /// Runs the question's query (by question id) on the state it asks about.
    pub run: Callback<String>,
    pub busy: bool,
}

#[derive(Clone, PartialEq)]
pub struct LessonActions {
    /// Runs one Alembic command (`upgrade head`, `downgrade -1`) on the branch.
    pub run: Callback<String>,
    pub reset: Callback<()>,
    /// `\d table`.
    pub describe: Callback<String>,
    /// `current` or `history`.
    pub alembic: Callback<&'static str>,
    /// Runs experiment `index`; `true` once the learner has seen what a destructive one would destroy.
    pub experiment: Callback<(usize, bool)>,
    /// Runs the student's Modify or Make migration (the editor's text) and its checks.
    pub practice: Callback<(Stage, String)>,
    /// After the drop guard let it through: runs the lesson's destructive migration on the branch.
    pub guard_proceed: Callback<()>,
    pub guard_arm: Callback<()>,
    pub guard_branch: Callback<()>,
    pub guard_backup: Callback<()>,
    /// A locked question's evidence or value query, on the engine.
    pub question_value: Callback<String>,
}

type Dispatch<T> = UseReducerDispatcher<T>;

fn with_engine(
    lab: &Lab,
    run: &Dispatch<RunState>,
    what: &str,
    job: impl FnOnce(Rc<dyn Backend>) + 'static,
) {
    match lab.backend() {
        Some(backend) => {
            run.dispatch(RunAction::Busy(what.to_owned()));
            job(backend);
        }
        None => run.dispatch(RunAction::Failed(Failure::plain(
            "The engine is not ready",
            "Postgres is still starting or failed to start; see the status at the top of the page.",
        ))),
    }
}

#[hook]
pub fn use_lesson_actions(
    lab: Lab,
    lesson: Rc<LessonView>,
    state: UseReducerHandle<LessonState>,
    run: UseReducerHandle<RunState>,
    guard: UseReducerHandle<GuardState>,
    seen: Seen,
) -> LessonActions {
    let Seen { experiments, values } = seen;
    let (state_d, run_d, guard_d) = (state.dispatcher(), run.dispatcher(), guard.dispatcher());
    let branch = run.branch.clone().unwrap_or_else(|| lesson.lesson.manifest.run.branch.clone());

    let run_cb = {
        let (lab, lesson, run_d) = (lab.clone(), lesson.clone(), run_d.clone());
        Callback::from(move |command: String| {
            let (lesson, run_d2) = (lesson.clone(), run_d.clone());
            with_engine(&lab, &run_d, &command.clone(), move |engine| {
                spawn_local(async move {
                    let commands: Vec<RunCommand> = match command.parse() {
                        Ok(c) => vec![c],
                        Err(e) => {
                            return run_d2.dispatch(RunAction::Failed(Failure::plain(
                                "Not an Alembic command",
                                e.to_string(),
                            )))
                        }
                    };
                    let mut record = lab::run(&*engine, &lesson.lesson, &commands).await;
                    record.command = command;
                    run_d2.dispatch(RunAction::Ran(record));
                })
            });
        })
    };
    let reset = {
        let (lab, run_d, branch) = (lab.clone(), run_d.clone(), branch.clone());
        Callback::from(move |_| {
            let (run_d2, branch) = (run_d.clone(), branch.clone());
            with_engine(&lab, &run_d, "reset", move |engine| {
                spawn_local(async move {
                    run_d2.dispatch(back_at(back(&*engine, &branch).await));
                })
            });
        })
    };
    let describe_cb = {
        let run = run.clone();
        Callback::from(move |table: String| {
            let output = run.current.as_ref().and_then(|s| s.table(&table)).map_or_else(
                || format!("Did not find any relation named \"{table}\".\n"),
                describe,
            );
            run.dispatch(RunAction::Terminal { command: format!("\\d {table}"), output });
        })
    };
    let alembic = {
        let (run, lesson) = (run.clone(), lesson.clone());
        Callback::from(move |what: &'static str| {
            let chain = &lesson.lesson.chain;
            let output = match what {
                "current" => crate::state::alembic_cli::current(chain, run.revision.as_deref()),
                _ => crate::state::alembic_cli::history(chain, run.revision.as_deref()),
            };
            run.dispatch(RunAction::Terminal { command: format!("alembic {what}"), output });
        })
    };
    let experiment = {
        let (lab, lesson, run_d, experiments, branch) =
            (lab.clone(), lesson.clone(), run_d.clone(), experiments.clone(), branch.clone());
        Callback::from(move |(index, confirmed): (usize, bool)| {
            let Some(exp) = lesson.lesson.manifest.investigate.experiments.get(index).cloned()
            else {
                return;
            };
            let (lesson, run_d2, experiments, branch) =
                (lesson.clone(), run_d.clone(), experiments.clone(), branch.clone());
            with_engine(&lab, &run_d, &exp.title.clone(), move |engine| {
                spawn_local(async move {
                    let seen = experiments
                        .iter()
                        .find(|o| o.id == exp.id)
                        .map(|o| o.stakes.clone())
                        .unwrap_or_default();
                    let (outcome, back) =
                        experiment_flow(&*engine, &lesson.lesson, &branch, &exp, confirmed, seen)
                            .await;
                    let mut all = (*experiments).clone();
                    all.retain(|o| o.id != outcome.id);
                    all.push(outcome);
                    experiments.set(all);
                    run_d2.dispatch(back_at(back));
                })
            });
        })
    };
    let question_value = {
        let (lab, lesson, run_d, branch) =
            (lab.clone(), lesson.clone(), run_d.clone(), branch.clone());
        Callback::from(move |id: String| {
            let Some(question) = lesson.questions().find(|q| q.id == id).cloned() else { return };
            let Some(query) = question.engine_query().map(|(query, _)| query.to_owned()) else {
                return;
            };
            let (lesson, run_d2, values, branch) =
                (lesson.clone(), run_d.clone(), values.clone(), branch.clone());
            with_engine(&lab, &run_d, &format!("the query of question {id}"), move |engine| {
                spawn_local(async move {
                    let (got, back) =
                        question_flow(&*engine, &lesson.lesson, &branch, &question.after, &query)
                            .await;
                    let mut all = (*values).clone();
                    all.insert(
                        id,
                        got.map_err(|f| {
                            format!(
                                "{}{}",
                                f.sqlstate.map(|s| format!("ERROR {s}: ")).unwrap_or_default(),
                                f.message
                            )
                        }),
                    );
                    values.set(all);
                    run_d2.dispatch(back_at(back));
                })
            });
        })
    };
    let practice_cb = {
        let (lab, lesson, run_d, state_d, state, branch, guard_d) = (
            lab.clone(),
            lesson.clone(),
            run_d.clone(),
            state_d.clone(),
            state.clone(),
            branch.clone(),
            guard_d.clone(),
        );
        let (guard, run) = (guard.clone(), run.clone());
        Callback::from(move |(stage, text): (Stage, String)| {
            let m = &lesson.lesson.manifest;
            let (solution, start, checks) = match stage {
                Stage::Modify => {
                    (&lesson.lesson.modify, m.modify.start.clone(), m.modify.checks.clone())
                }
                _ => (&lesson.lesson.make, m.make.start.clone(), m.make.checks.clone()),
            };
            state_d.dispatch(LessonAction::Draft { stage, text: text.clone() });
            if run.busy.is_some() {
                return;
            }
            if lab.backend().is_none() {
                return with_engine(&lab, &run_d, "", |_| {});
            }
            // Translating the file and reading its threats happen in the analyzer module, so the check is a task;
            // busy from the click on, so a second click cannot start a second check beside it.
            run_d.dispatch(RunAction::Busy("reading your migration".to_owned()));
            let (file, reference, before) =
                (solution.file().to_owned(), solution.reference.clone(), state.start.clone());
            let (lab, lesson, run_d, state_d, branch, guard_d, guard) = (
                lab.clone(),
                lesson.clone(),
                run_d.clone(),
                state_d.clone(),
                branch.clone(),
                guard_d.clone(),
                guard.clone(),
            );
            spawn_local(async move {
                let checked = |results| {
                    run_d.dispatch(RunAction::Idle);
                    state_d.dispatch(LessonAction::Checked { stage, results });
                };
                let student =
                    match crate::services::student_migration::parse(&text, &file, &reference).await
                    {
                        Ok(student) => student,
                        Err(diagnostics) => {
                            let results = diagnostics
                                .iter()
                                .map(|d| crate::state::progress::CheckResult {
                                    name: if d.code == "analyzer" {
                                        "the analyzer answers"
                                    } else {
                                        "the file translates"
                                    }
                                    .into(),
                                    passed: false,
                                    lines: d.at.map(|a| (a.line, a.line)),
                                    detail: format!(
                                        "{}{}{}",
                                        d.at.map(|a| format!("line {}:{}: ", a.line, a.column))
                                            .unwrap_or_default(),
                                        d.message,
                                        d.help
                                            .as_ref()
                                            .map(|h| format!(" {h}"))
                                            .unwrap_or_default()
                                    ),
                                })
                                .collect();
                            return checked(results);
                        }
                    };
                // The drop guard: a destructive step stops the run until the student proceeds with all three preconditions.
                let threats = match crate::services::student_migration::threats(
                    &student.migration.upgrade,
                    before.as_ref(),
                )
                .await
                {
                    Ok(threats) => threats,
                    Err(message) => {
                        return checked(vec![crate::state::progress::CheckResult {
                            name: "drop guard".into(),
                            passed: false,
                            detail: message,
                            lines: None,
                        }])
                    }
                };
                let cleared = !guard.lesson
                    && guard.threats == threats
                    && guard.decision == Some(Decision::Proceeded);
                if !checks.allow_destructive && !threats.is_empty() && !cleared {
                    if guard.lesson || guard.threats != threats {
                        guard_d.dispatch(GuardAction::Armed {
                            threats: threats.clone(),
                            lesson: false,
                        });
                        count_at_stake(&lab, &threats, &guard_d);
                    }
                    let detail = if !guard.lesson
                        && guard.decision == Some(Decision::Refused)
                        && guard.threats == threats
                    {
                        "You refused this migration: change upgrade() so it keeps the data, then run it again."
                    } else {
                        "The drop guard stopped the run before anything ran: decide below."
                    };
                    return checked(vec![crate::state::progress::CheckResult {
                        name: "drop guard".into(),
                        passed: false,
                        detail: detail.into(),
                        lines: None,
                    }]);
                }
                let run_d2 = run_d.clone();
                with_engine(&lab, &run_d, "your migration", move |engine| {
                    spawn_local(async move {
                        let (outcome, back) = practice_flow(
                            &*engine,
                            &lesson.lesson,
                            &branch,
                            &start,
                            &student,
                            &checks.values,
                        )
                        .await;
                        match outcome {
                            Ok(run) => {
                                // The run's diffs stay on screen, and a Make run is what the approval is checked against.
                                run_d2.dispatch(RunAction::Practiced {
                                    stage,
                                    records: run.runs.clone(),
                                });
                                if stage == Stage::Make {
                                    state_d.dispatch(LessonAction::RunClaims(run.claims()));
                                }
                                state_d.dispatch(LessonAction::Checked {
                                    stage,
                                    results: crate::services::student_migration::judge(
                                        &checks, &run, &threats,
                                    )
                                    .await,
                                })
                            }
                            Err(f) => run_d2.dispatch(RunAction::Failed(f)),
                        }
                        run_d2.dispatch(back_at(back));
                    })
                });
            });
        })
    };
    let guard_arm = {
        let (lab, lesson, guard_d, state, run_d, run) = (
            lab.clone(),
            lesson.clone(),
            guard_d.clone(),
            state.clone(),
            run_d.clone(),
            run.clone(),
        );
        Callback::from(move |_| {
            let Some(refuse) = lesson.lesson.refuse.clone() else { return };
            if run.busy.is_some() {
                return;
            }
            run_d.dispatch(RunAction::Busy("reading the migration".to_owned()));
            let (lab, guard_d, before, run_d) =
                (lab.clone(), guard_d.clone(), state.start.clone(), run_d.clone());
            spawn_local(async move {
                let threats = crate::services::student_migration::threats(
                    &refuse.migration.upgrade,
                    before.as_ref(),
                )
                .await;
                run_d.dispatch(RunAction::Idle);
                match threats {
                    Ok(threats) => {
                        guard_d.dispatch(GuardAction::Armed {
                            threats: threats.clone(),
                            lesson: true,
                        });
                        count_at_stake(&lab, &threats, &guard_d);
                    }
                    Err(message) => guard_d.dispatch(GuardAction::Failed(message)),
                }
            });
        })
    };
    let guard_proceed = {
        let (lab, lesson, run_d) = (lab.clone(), lesson.clone(), run_d.clone());
        Callback::from(move |_| {
            let Some(refuse) = lesson.lesson.refuse.clone() else { return };
            let run_d2 = run_d.clone();
            with_engine(&lab, &run_d, "the destructive migration", move |engine| {
                spawn_local(async move {
                    let record = lab::run_one(&*engine, &refuse, Direction::Upgrade).await;
                    run_d2.dispatch(RunAction::Ran(record));
                })
            });
        })
    };
    let guard_branch = {
        let (lab, guard_d, guard) = (lab.clone(), guard_d.clone(), guard.clone());
        Callback::from(move |_| {
            let Some(backend) = lab.backend() else {
                return guard_d.dispatch(GuardAction::Failed("The engine is not ready.".into()));
            };
            let name = format!(
                "before-{}",
                guard.threats.first().map(Threat::target).unwrap_or_default().replace('.', "-")
            );
            let guard_d = guard_d.clone();
            spawn_local(async move {
                match backend.branch(&name).await {
                    Ok(()) => guard_d.dispatch(GuardAction::Branched(name)),
                    Err(f) => guard_d.dispatch(GuardAction::Failed(f.message)),
                }
            });
        })
    };
    let guard_backup = {
        let (lab, guard_d, guard) = (lab.clone(), guard_d.clone(), guard.clone());
        Callback::from(move |_| {
            let Some(backend) = lab.backend() else {
                return guard_d.dispatch(GuardAction::Failed("The engine is not ready.".into()));
            };
            let Some(table) = guard.threats.first().map(|t| t.table.clone()) else { return };
            let guard_d = guard_d.clone();
            spawn_local(async move {
                match backend.dump_table(&table).await {
                    Ok(script) => {
                        let file_name = format!("{table}-backup.sql");
                        let _ = crate::services::download::download(
                            &file_name,
                            "application/sql",
                            &script,
                        );
                        guard_d.dispatch(GuardAction::BackedUp(Backup {
                            file_name,
                            bytes: script.len(),
                            content: script.into(),
                        }));
                    }
                    Err(f) => guard_d.dispatch(GuardAction::Failed(f.message)),
                }
            });
        })
    };
    LessonActions {
        run: run_cb,
        reset,
        describe: describe_cb,
        alembic,
        experiment,
        practice: practice_cb,
        guard_proceed,
        guard_arm,
        guard_branch,
        guard_backup,
        question_value,
    }
}

/// Counts what each threat would destroy, for the guard to show before anyone decides.
fn count_at_stake(lab: &Lab, threats: &[Threat], guard_d: &Dispatch<GuardState>) {
    let Some(engine) = lab.backend() else { return };
    let (guard_d, threats) = (guard_d.clone(), threats.to_vec());
    spawn_local(async move {
        match crate::services::consequences::count(&*engine, &threats).await {
            Ok(stakes) => {
                stakes.into_iter().for_each(|stake| guard_d.dispatch(GuardAction::Counted(stake)))
            }
            Err(f) => guard_d.dispatch(GuardAction::Failed(f.message)),
        }
    });
}

/// Back at the branch point, with the schema there.
async fn back(engine: &dyn Backend, branch: &str) -> Result<Schema, Failure> {
    engine.reset(branch).await?;
    engine.introspect().await
}

/// What the run state hears once a flow is back at the branch point, or could not get there.
fn back_at(back: Result<Schema, Failure>) -> RunAction {
    match back {
        Ok(schema) => RunAction::Reset(schema),
        Err(f) => RunAction::Failed(f),
    }
}

/// A "try it" experiment: from the branch point plus its own `after` commands, its SQL, its value checks,
/// then back at the branch point, so it leaves the branch as it found it.
pub(crate) async fn experiment_flow(
    engine: &dyn Backend,
    lesson: &Lesson,
    branch: &str,
    exp: &Experiment,
    confirmed: bool,
    seen: Vec<crate::state::drop_guard::Stake>,
) -> (ExperimentOutcome, Result<Schema, Failure>) {
    let setup = async {
        engine.reset(branch).await?;
        let record = lab::run(engine, lesson, &exp.after).await;
        record.failure.map_or(Ok(()), Err)
    }
    .await;
    // What its SQL would destroy is counted first, and a destructive experiment waits for the learner to see it.
    let stakes = match (&setup, confirmed) {
        (Ok(()), false) => crate::services::consequences::of_sql(engine, &exp.sql)
            .await
            .map(|(_, stakes)| stakes)
            .map_err(|m| {
                Failure::plain(
                    "What this experiment would destroy could not be counted, so it did not run",
                    m,
                )
            }),
        _ => Ok(seen),
    };
    let (result, stakes, diff, values) = match (setup, stakes) {
        (Err(f), _) | (Ok(()), Err(f)) => (Some(Err(f)), Vec::new(), None, Vec::new()),
        (Ok(()), Ok(stakes)) if !confirmed && !stakes.is_empty() => {
            (None, stakes, None, Vec::new())
        }
        (Ok(()), Ok(stakes)) => {
            let before = engine.introspect().await.ok();
            let result = lab::experiment(engine, exp).await;
            let after = engine.introspect().await.ok();
            let mut values = Vec::new();
            for check in &exp.expect.values {
                values.push((
                    check.query.clone(),
                    check.expected.clone(),
                    lab::value(engine, &check.query).await.map_err(|f| f.message),
                ));
            }
            (Some(result), stakes, before.zip(after), values)
        }
    };
    (
        ExperimentOutcome { id: exp.id.clone(), result, values, stakes, diff },
        back(engine, branch).await,
    )
}

/// A question's query on the state it asks about (from the branch point plus its `after` commands), then back.
pub(crate) async fn question_flow(
    engine: &dyn Backend,
    lesson: &Lesson,
    branch: &str,
    after: &[RunCommand],
    query: &str,
) -> (Result<Option<String>, Failure>, Result<Schema, Failure>) {
    let got = lab::question_value(engine, lesson, branch, after, query).await;
    (got, back(engine, branch).await)
}

/// The student's Modify or Make migration on the branch ([`practice_run`]), then back at the branch point.
pub(crate) async fn practice_flow(
    engine: &dyn Backend,
    lesson: &Lesson,
    branch: &str,
    start: &[RunCommand],
    student: &LessonMigration,
    values: &[ValueCheck],
) -> (Result<PracticeRun, Failure>, Result<Schema, Failure>) {
    let outcome = practice_run(engine, lesson, branch, start, student, values).await;
    (outcome, back(engine, branch).await)
}

/// From the branch point: the phase's start commands, then the student's upgrade, downgrade and upgrade again.
async fn practice_run(
    engine: &dyn Backend,
    lesson: &Lesson,
    branch: &str,
    start: &[RunCommand],
    student: &LessonMigration,
    values: &[ValueCheck],
) -> Result<PracticeRun, Failure> {
    engine.reset(branch).await?;
    let setup = lab::run(engine, lesson, start).await;
    if let Some(f) = setup.failure {
        return Err(f);
    }
    let mut run = PracticeRun { before: setup.after, ..Default::default() };
    for direction in [Direction::Upgrade, Direction::Downgrade, Direction::Upgrade] {
        let record = lab::run_one(engine, student, direction).await;
        let failed = record.failure.is_some();
        run.runs.push(record);
        if run.runs.len() == 1 && !failed {
            for check in values {
                run.values.push((
                    check.query.clone(),
                    lab::value(engine, &check.query).await.map_err(|f| f.message),
                ));
            }
        }
        if failed {
            break;
        }
    }
    Ok(run)
}
