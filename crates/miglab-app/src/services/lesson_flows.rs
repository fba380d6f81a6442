//! A lesson page's engine flows: each is several engine calls from the branch point that end back there,
//! so an experiment, a question's query, a practice run or an ordering's try leaves the branch as it found it.
//!
//! They take a [`Backend`] and return plain values, so they are tested natively against a fake;
//! `lesson_session.rs` starts them and tells the reducers what they gave.

use crate::services::lab::{self, Backend};
use crate::state::order_tries::{OrderMode, OrderTry};
use crate::state::practice_checks::PracticeRun;
use crate::state::run_state::Failure;
use crate::state::run_state::RunRecord;
use crate::state::seen::ExperimentOutcome;
use miglab_model::grade::OrderRun;
use miglab_model::lesson::{Experiment, Lesson, LessonMigration, RunCommand, Scale, ValueCheck};
use miglab_model::migration::Direction;
use miglab_model::schema::Schema;
use std::future::Future;

/// Where a flow leaves the branch: back at the branch point with the schema there, or why it could not get there.
pub type Back = Result<Schema, Failure>;

/// Back at the branch point, with the schema there.
pub(crate) async fn back(engine: &dyn Backend, branch: &str) -> Back {
    engine.reset(branch).await?;
    engine.introspect().await
}

/// `work`, then back at the branch point whatever it gave: the one way every flow ends.
async fn then_back<T>(
    engine: &dyn Backend,
    branch: &str,
    work: impl Future<Output = T>,
) -> (T, Back) {
    let got = work.await;
    (got, back(engine, branch).await)
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
) -> (ExperimentOutcome, Back) {
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
) -> (Result<Option<String>, Failure>, Back) {
    then_back(engine, branch, lab::question_value(engine, lesson, branch, after, query)).await
}

/// The student's Modify or Make migration on the branch ([`practice_run`]), then back at the branch point.
pub(crate) async fn practice_flow(
    engine: &dyn Backend,
    lesson: &Lesson,
    branch: &str,
    start: &[RunCommand],
    student: &LessonMigration,
    values: &[ValueCheck],
) -> (Result<PracticeRun, Failure>, Back) {
    then_back(engine, branch, practice_run(engine, lesson, branch, start, student, values)).await
}

/// The schema at a stage's start (the branch point plus its `start` commands), then back at the branch point:
/// what the statements of a draft's review are drawn from, before the draft itself runs.
pub(crate) async fn start_flow(
    engine: &dyn Backend,
    lesson: &Lesson,
    branch: &str,
    start: &[RunCommand],
) -> (Result<Schema, Failure>, Back) {
    let work = async {
        engine.reset(branch).await?;
        let setup = lab::run(engine, lesson, start).await;
        setup.failure.map_or(Ok(setup.after), Err)
    };
    then_back(engine, branch, work).await
}

/// The lesson's first command again on a grown table (`run.scale`), from the branch point, then back there: its
/// record shows how long the locks were held on many rows.
pub(crate) async fn scale_flow(
    engine: &dyn Backend,
    lesson: &Lesson,
    branch: &str,
    scale: &Scale,
    command: &RunCommand,
) -> (Result<RunRecord, Failure>, Back) {
    let work = async {
        back(engine, branch).await?;
        engine.exec_script(&scale.sql).await.map_err(|f| Failure {
            title: format!("Growing `{}` failed", scale.table),
            statement: Some(scale.sql.clone()),
            ..f
        })?;
        let mut record = lab::run(engine, lesson, std::slice::from_ref(command)).await;
        record.command = format!("{command} with {} rows in {}", scale.rows, scale.table);
        Ok(record)
    };
    then_back(engine, branch, work).await
}

/// A student's ordering tried on the engine. Where the branch already stands at the question's state, the try rolls
/// itself back and the run stays (no way back is needed: `None`); otherwise the state is rebuilt from the branch
/// point, as an experiment does, and the flow ends back there.
pub(crate) async fn order_flow(
    engine: &dyn Backend,
    lesson: &Lesson,
    branch: &str,
    order: &OrderTry,
) -> (Result<OrderRun, Failure>, Option<Back>) {
    match &order.mode {
        OrderMode::Here => (lab::run_order(engine, &order.steps).await, None),
        OrderMode::From(after) => {
            let work = lab::run_order_from(engine, lesson, branch, after, &order.steps);
            let (tried, back) = then_back(engine, branch, work).await;
            (tried, Some(back))
        }
    }
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
