//! The lesson session: everything a lesson page asks of the engine and the analyzer, as intent methods
//! (`run`, `reset`, `experiment`, `practice`, `guard_*`, …) that start the work and tell the reducers what it gave.
//!
//! The engine sequences are `lesson_flows.rs` and the decisions (the drop guard's, which ordering to try,
//! which answers are ready) are pure functions in `state/`; this file only binds them to one page's reducers.
//! A session is made afresh on every render by [`use_lesson_session`], so each method sees that render's state;
//! the hook also starts what falls due without a click: building the lesson's database, trying orderings, grading.

use crate::services::engine_link::Lab;
use crate::services::lab::{self, Backend};
use crate::services::lesson_flows::{self, Back};
use crate::services::{
    analyzer_link, consequences, download, grader, lesson_check, student_migration,
};
use crate::state::alembic_cli;
use crate::state::describe::describe;
use crate::state::draft_review::{self, DraftRun, ReviewAction};
use crate::state::drop_guard::{self, Backup, GuardAction, GuardState, Screening, Threat};
use crate::state::gradable;
use crate::state::lesson_model::{LessonView, Question, Stage};
use crate::state::lesson_state::{LessonAction, LessonState};
use crate::state::order_tries::{self, OrderRuns, OrderTry};
use crate::state::practice_checks;
use crate::state::progress::CheckResult;
use crate::state::run_state::{Failure, RunAction, RunState};
use crate::state::seen::{EngineValues, ExperimentOutcome};
use miglab_model::lesson::{LessonMigration, RunCommand};
use miglab_model::migration::Direction;
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// One lesson page's session: its reducers, what the engine showed it, and its engine (bound to the page).
#[derive(Clone)]
pub struct LessonSession {
    lab: Lab,
    lesson: Rc<LessonView>,
    state: UseReducerHandle<LessonState>,
    run: UseReducerHandle<RunState>,
    guard: UseReducerHandle<GuardState>,
    experiments: UseStateHandle<Vec<ExperimentOutcome>>,
    values: UseStateHandle<EngineValues>,
    order_runs: UseStateHandle<OrderRuns>,
}

/// The session of the page that calls it; `lab` is already bound to that page (`page_lab`).
#[hook]
pub fn use_lesson_session(
    lab: Lab,
    lesson: Rc<LessonView>,
    state: UseReducerHandle<LessonState>,
    run: UseReducerHandle<RunState>,
    guard: UseReducerHandle<GuardState>,
) -> LessonSession {
    let experiments = use_state(Vec::<ExperimentOutcome>::new);
    let values = use_state(EngineValues::new);
    let order_runs = use_state(OrderRuns::new);
    let session = LessonSession { lab, lesson, state, run, guard, experiments, values, order_runs };

    // A lesson grades schema predictions and checks migrations in the analyzer module: fetch it while the student reads.
    use_effect_with((), |_| analyzer_link::prefetch(analyzer_link::Module::Analyzer));
    // Build the lesson's database and branch once the engine is ready.
    {
        let s = session.clone();
        use_effect_with(session.lab.clone(), move |_| s.start());
    }
    // Orderings whose steps carry SQL are tried on the engine before they are graded, one at a time, never while busy.
    {
        let s = session.clone();
        use_effect_with(session.next_order(), move |next| {
            if let Some(order) = next.clone() {
                s.try_order(order);
            }
        });
    }
    // "Grade again" tries the orders that could not be tried once more.
    {
        let s = session.clone();
        use_effect_with(session.state.grading_attempt, move |_| s.retry_orders());
    }
    // Each locked prediction is graded as soon as its own commands have run on the branch, and later stages' answers
    // as soon as they are locked (`state::gradable` says which).
    let tried = session.tried_orders();
    {
        let ready =
            gradable::predictions_ready(&session.state, &session.run, &tried, &session.commands());
        let s = session.clone();
        use_effect_with((ready, session.state.grading_attempt), move |(ready, _)| {
            if !ready.is_empty() {
                let questions = s
                    .state
                    .lesson
                    .predict
                    .iter()
                    .filter(|q| ready.contains(&q.id))
                    .cloned()
                    .collect();
                s.grade(questions, true);
            }
        });
    }
    {
        let state = &session.state;
        let locked = (
            state.locked(Stage::Investigate),
            state.locked(Stage::Modify),
            state.grading_attempt,
            tried.len(),
            // A Modify lock question waits for the learner's practice run to be traced.
            session.run.practice_trace(Stage::Modify).is_some(),
        );
        let s = session.clone();
        use_effect_with(locked, move |_| {
            for questions in gradable::later_ready(&s.state, &s.run, &tried) {
                s.grade(questions, false);
            }
        });
    }
    session
}

/// Where the checks of a run go: the learner's own migration's list, or the review of the agent's draft `id`.
enum Checked {
    Own,
    Draft(String),
}

impl Checked {
    /// Checks that ended before anything ran (an unreadable file, the drop guard).
    fn report(&self, session: &LessonSession, stage: Stage, results: Vec<CheckResult>) {
        session.run.dispatch(RunAction::Idle);
        let action = match self {
            Checked::Own => LessonAction::Checked { stage, results },
            Checked::Draft(id) => LessonAction::Review {
                stage,
                action: ReviewAction::Ran {
                    id: id.clone(),
                    run: DraftRun { checks: results, ..Default::default() },
                },
            },
        };
        session.state.dispatch(action);
    }
}

/// What the run state hears once a flow is back at the branch point, or could not get there.
fn back_at(back: Back) -> RunAction {
    match back {
        Ok(schema) => RunAction::Reset(schema),
        Err(f) => RunAction::Failed(f),
    }
}

impl LessonSession {
    /// A callback that calls `intent` on this session, for a view to wire.
    pub fn callback<T: 'static>(&self, intent: fn(&LessonSession, T)) -> Callback<T> {
        let session = self.clone();
        Callback::from(move |arg| intent(&session, arg))
    }

    pub fn experiments(&self) -> &[ExperimentOutcome] {
        &self.experiments
    }

    pub fn engine_values(&self) -> &EngineValues {
        &self.values
    }

    /// The orderings that ran on the engine, for the grader.
    fn tried_orders(&self) -> std::collections::BTreeMap<String, miglab_model::grade::OrderRun> {
        order_tries::tried(&self.order_runs)
    }

    fn branch(&self) -> String {
        self.run.branch.clone().unwrap_or_else(|| self.lesson.lesson.manifest.run.branch.clone())
    }

    /// The engine, with the run state busy on `what`; or `None`, and the run state told the engine is not ready.
    fn engine(&self, what: &str) -> Option<Rc<dyn Backend>> {
        let Some(backend) = self.lab.backend() else {
            self.run.dispatch(RunAction::Failed(Failure::plain(
                "The engine is not ready",
                "Postgres is still starting or failed to start; see the status at the top of the page.",
            )));
            return None;
        };
        self.run.dispatch(RunAction::Busy(what.to_owned()));
        Some(backend)
    }

    /// Runs a flow that ends back at the branch point: `done` hears what it gave, then the run state where it is.
    fn then_back<T: 'static>(
        &self,
        flow: impl Future<Output = (T, Back)> + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        let run = self.run.dispatcher();
        spawn_local(async move {
            let (got, back) = flow.await;
            done(got);
            run.dispatch(back_at(back));
        });
    }

    /// Builds the lesson's database and branch, once the engine is ready.
    fn start(&self) {
        let Some(engine) = self.lab.backend() else { return };
        self.run.dispatch(RunAction::Busy("building the lesson's database".into()));
        let (lesson, run, state) =
            (self.lesson.clone(), self.run.dispatcher(), self.state.dispatcher());
        spawn_local(async move {
            if lesson.progress_key.starts_with("pack:") {
                run.dispatch(RunAction::Busy(
                    "checking this pack lesson's keys on the engine".into(),
                ));
            }
            if let Some(disputed) = lesson_check::pack_keys(&*engine, &lesson).await {
                state.dispatch(LessonAction::KeysChecked(disputed));
                run.dispatch(RunAction::Busy("building the lesson's database".into()));
            }
            match lab::start(&*engine, &lesson.lesson).await {
                Ok((branch, schema)) => {
                    state.dispatch(LessonAction::Started(schema.clone()));
                    run.dispatch(RunAction::Branched { branch, schema });
                }
                Err(f) => run.dispatch(RunAction::Failed(f)),
            }
        });
    }

    /// Runs one Alembic command (`upgrade head`, `downgrade -1`) on the branch.
    pub fn run(&self, command: String) {
        let Some(engine) = self.engine(&command) else { return };
        let (lesson, run) = (self.lesson.clone(), self.run.dispatcher());
        spawn_local(async move {
            let commands: Vec<RunCommand> = match command.parse() {
                Ok(c) => vec![c],
                Err(e) => {
                    return run.dispatch(RunAction::Failed(Failure::plain(
                        "Not an Alembic command",
                        e.to_string(),
                    )))
                }
            };
            let mut record = lab::run(&*engine, &lesson.lesson, &commands).await;
            record.command = command;
            run.dispatch(RunAction::Ran(record));
        });
    }

    /// The lesson's first command again after `run.scale` grew its table, so the lock timeline shows real durations.
    pub fn scale(&self, (): ()) {
        let manifest = &self.lesson.lesson.manifest;
        let (Some(scale), Some(first)) =
            (manifest.run.scale.clone(), manifest.run.commands.first().cloned())
        else {
            return;
        };
        let what = format!("{first} on {} rows", scale.rows);
        let Some(engine) = self.engine(&what) else { return };
        let (lesson, branch, run) = (self.lesson.clone(), self.branch(), self.run.dispatcher());
        self.then_back(
            async move {
                lesson_flows::scale_flow(&*engine, &lesson.lesson, &branch, &scale, &first).await
            },
            move |got| match got {
                Ok(record) => run.dispatch(RunAction::Scaled(record)),
                Err(failure) => run.dispatch(RunAction::Failed(failure)),
            },
        );
    }

    pub fn reset(&self, (): ()) {
        let Some(engine) = self.engine("reset") else { return };
        let branch = self.branch();
        self.then_back(async move { ((), lesson_flows::back(&*engine, &branch).await) }, |()| {});
    }

    /// `\d table`, from the schema the engine last showed.
    pub fn describe(&self, table: String) {
        let output =
            self.run.current.as_ref().and_then(|s| s.table(&table)).map_or_else(
                || format!("Did not find any relation named \"{table}\".\n"),
                describe,
            );
        self.run.dispatch(RunAction::Terminal { command: format!("\\d {table}"), output });
    }

    /// `alembic current` or `alembic history`.
    pub fn alembic(&self, what: &'static str) {
        let chain = &self.lesson.lesson.chain;
        let output = match what {
            "current" => alembic_cli::current(chain, self.run.revision.as_deref()),
            _ => alembic_cli::history(chain, self.run.revision.as_deref()),
        };
        self.run.dispatch(RunAction::Terminal { command: format!("alembic {what}"), output });
    }

    /// Runs experiment `index`; `confirmed` once the learner has seen what a destructive one would destroy.
    pub fn experiment(&self, (index, confirmed): (usize, bool)) {
        let Some(exp) = self.lesson.lesson.manifest.investigate.experiments.get(index).cloned()
        else {
            return;
        };
        let Some(engine) = self.engine(&exp.title) else { return };
        let (lesson, branch, experiments) =
            (self.lesson.clone(), self.branch(), self.experiments.clone());
        let seen = experiments
            .iter()
            .find(|o| o.id == exp.id)
            .map(|o| o.stakes.clone())
            .unwrap_or_default();
        let flow = async move {
            lesson_flows::experiment_flow(&*engine, &lesson.lesson, &branch, &exp, confirmed, seen)
                .await
        };
        self.then_back(flow, move |outcome| {
            let mut all = (*experiments).clone();
            all.retain(|o| o.id != outcome.id);
            all.push(outcome);
            experiments.set(all);
        });
    }

    /// A locked question's evidence or value query, on the state it asks about.
    pub fn question_value(&self, id: String) {
        let Some(question) = self.lesson.questions().find(|q| q.id == id).cloned() else { return };
        let Some(query) = question.engine_query().map(|(query, _)| query.to_owned()) else {
            return;
        };
        let Some(engine) = self.engine(&format!("the query of question {id}")) else { return };
        let (lesson, branch, values) = (self.lesson.clone(), self.branch(), self.values.clone());
        let flow = async move {
            lesson_flows::question_flow(&*engine, &lesson.lesson, &branch, &question.after, &query)
                .await
        };
        self.then_back(flow, move |got| {
            let mut all = (*values).clone();
            all.insert(id, got.map_err(|f| f.line()));
            values.set(all);
        });
    }

    /// Checks the student's Modify or Make migration (the editor's text): read it in the analyzer, let the drop
    /// guard screen it, run it on the branch, and judge the lesson's checks from what the engine did.
    pub fn practice(&self, (stage, text): (Stage, String)) {
        self.state.dispatch(LessonAction::Draft { stage, text: text.clone() });
        if self.run.busy.is_some() {
            return;
        }
        if self.lab.backend().is_none() {
            self.engine("");
            return;
        }
        // Translating the file and reading its threats happen in the analyzer module, so the check is a task;
        // busy from the click on, so a second click cannot start a second check beside it.
        self.run.dispatch(RunAction::Busy("reading your migration".to_owned()));
        let solution = match stage {
            Stage::Modify => &self.lesson.lesson.modify,
            _ => &self.lesson.lesson.make,
        };
        let (file, reference) = (solution.file().to_owned(), solution.reference.clone());
        let session = self.clone();
        spawn_local(async move {
            match student_migration::parse(&text, &file, &reference).await {
                Ok(student) => session.check_migration(stage, student, Checked::Own).await,
                Err(diagnostics) => {
                    Checked::Own.report(&session, stage, practice_checks::unreadable(&diagnostics))
                }
            }
        });
    }

    /// The agent hands over its next draft: the statements of the review are drawn from the schema at the stage's
    /// start, which the engine reads before anything of the draft runs.
    pub fn hand_draft(&self, stage: Stage) {
        let review = self.state.review(stage);
        let Some(id) = draft_review::next_draft(self.state.drafts(stage).0, &review)
            .filter(|_| review.may_ask())
            .map(|d| d.id.clone())
        else {
            return;
        };
        if self.run.busy.is_some() {
            return;
        }
        let m = &self.lesson.lesson.manifest;
        let (start, tables) = match stage {
            Stage::Modify => (m.modify.start.clone(), m.modify.checks.tables.clone()),
            _ => (m.make.start.clone(), m.make.checks.tables.clone()),
        };
        let Some(engine) = self.engine("handing over the agent's draft") else { return };
        let (lesson, branch) = (self.lesson.clone(), self.branch());
        let (state, run) = (self.state.dispatcher(), self.run.dispatcher());
        self.then_back(
            async move { lesson_flows::start_flow(&*engine, &lesson.lesson, &branch, &start).await },
            move |got| match got {
                Ok(before) => state.dispatch(LessonAction::Review {
                    stage,
                    action: ReviewAction::Handed {
                        id,
                        statements: draft_review::statements(&before, &tables),
                    },
                }),
                Err(f) => run.dispatch(RunAction::Failed(f)),
            },
        );
    }

    /// Runs the draft on screen on the branch, as "Run … and check" runs the learner's own migration.
    pub fn run_draft(&self, stage: Stage) {
        let Some((id, review)) =
            self.state.review(stage).current().map(|(id, r)| (id.to_owned(), r.clone()))
        else {
            return;
        };
        let Some((_, migration)) = self.state.draft(stage, &id) else { return };
        if !review.locked || self.run.busy.is_some() {
            return;
        }
        if self.lab.backend().is_none() {
            self.engine("");
            return;
        }
        self.run.dispatch(RunAction::Busy("reading the agent's draft".to_owned()));
        let (session, migration) = (self.clone(), migration.clone());
        spawn_local(
            async move { session.check_migration(stage, migration, Checked::Draft(id)).await },
        );
    }

    /// A read migration screened by the drop guard, run on the branch, and judged by the lesson's checks.
    async fn check_migration(&self, stage: Stage, student: LessonMigration, to: Checked) {
        let m = &self.lesson.lesson.manifest;
        let (start, checks) = match stage {
            Stage::Modify => (m.modify.start.clone(), m.modify.checks.clone()),
            _ => (m.make.start.clone(), m.make.checks.clone()),
        };
        let run = self.run.dispatcher();
        let threats =
            match student_migration::threats(&student.migration.upgrade, self.state.start.as_ref())
                .await
            {
                Ok(threats) => threats,
                Err(message) => {
                    let failed = CheckResult {
                        name: "drop guard".into(),
                        passed: false,
                        detail: message,
                        lines: None,
                    };
                    return to.report(self, stage, vec![failed]);
                }
            };
        if let Screening::Stop { arm, detail } =
            drop_guard::screen(&self.guard, &threats, checks.allow_destructive)
        {
            if arm {
                self.guard.dispatch(GuardAction::Armed { threats: threats.clone(), lesson: false });
                self.count_at_stake(&threats);
            }
            let stopped = CheckResult {
                name: "drop guard".into(),
                passed: false,
                detail: detail.into(),
                lines: None,
            };
            return to.report(self, stage, vec![stopped]);
        }
        let Some(engine) = self.engine("your migration") else { return };
        let (lesson, branch) = (&self.lesson.lesson, self.branch());
        let (outcome, back) = lesson_flows::practice_flow(
            &*engine,
            lesson,
            &branch,
            &start,
            &student,
            &checks.values,
        )
        .await;
        match outcome {
            Ok(practiced) => {
                // The run's diffs stay on screen, and a Make run is what the approval is checked against.
                run.dispatch(RunAction::Practiced { stage, records: practiced.runs.clone() });
                let results = student_migration::judge(&checks, &practiced, &threats).await;
                match &to {
                    Checked::Own => {
                        if stage == Stage::Make {
                            self.state.dispatch(LessonAction::RunClaims(practiced.claims()));
                        }
                        self.state.dispatch(LessonAction::Checked { stage, results });
                    }
                    Checked::Draft(id) => {
                        let failed =
                            |i: usize| practiced.runs.get(i).is_some_and(|r| r.failure.is_some());
                        let ran = DraftRun {
                            checks: results,
                            claims: practiced.claims(),
                            upgrade_failed: practiced
                                .runs
                                .first()
                                .is_none_or(|r| r.failure.is_some()),
                            downgrade_failed: failed(1),
                        };
                        self.state.dispatch(LessonAction::Review {
                            stage,
                            action: ReviewAction::Ran { id: id.clone(), run: ran },
                        });
                    }
                }
            }
            Err(f) => run.dispatch(RunAction::Failed(f)),
        }
        run.dispatch(back_at(back));
    }

    /// Arms the guard on the lesson's own destructive migration, and counts what it would destroy.
    pub fn guard_arm(&self, (): ()) {
        let Some(refuse) = self.lesson.lesson.refuse.clone() else { return };
        if self.run.busy.is_some() {
            return;
        }
        self.run.dispatch(RunAction::Busy("reading the migration".to_owned()));
        let (session, before) = (self.clone(), self.state.start.clone());
        spawn_local(async move {
            let threats =
                student_migration::threats(&refuse.migration.upgrade, before.as_ref()).await;
            session.run.dispatch(RunAction::Idle);
            match threats {
                Ok(threats) => {
                    session
                        .guard
                        .dispatch(GuardAction::Armed { threats: threats.clone(), lesson: true });
                    session.count_at_stake(&threats);
                }
                Err(message) => session.guard.dispatch(GuardAction::Failed(message)),
            }
        });
    }

    /// After the drop guard let it through: runs the lesson's destructive migration on the branch.
    pub fn guard_proceed(&self, (): ()) {
        let Some(refuse) = self.lesson.lesson.refuse.clone() else { return };
        let Some(engine) = self.engine("the destructive migration") else { return };
        let run = self.run.dispatcher();
        spawn_local(async move {
            let record = lab::run_one(&*engine, &refuse, Direction::Upgrade).await;
            run.dispatch(RunAction::Ran(record));
        });
    }

    /// The guard's first precondition: a branch taken before the destructive step.
    pub fn guard_branch(&self, (): ()) {
        let Some(backend) = self.lab.backend() else {
            return self.guard.dispatch(GuardAction::Failed("The engine is not ready.".into()));
        };
        let (name, guard) = (self.guard.branch_name(), self.guard.dispatcher());
        spawn_local(async move {
            match backend.branch(&name).await {
                Ok(()) => guard.dispatch(GuardAction::Branched(name)),
                Err(f) => guard.dispatch(GuardAction::Failed(f.message)),
            }
        });
    }

    /// The guard's second precondition: a real backup of the table at stake, downloaded.
    pub fn guard_backup(&self, (): ()) {
        let Some(backend) = self.lab.backend() else {
            return self.guard.dispatch(GuardAction::Failed("The engine is not ready.".into()));
        };
        let Some(table) = self.guard.threats.first().map(|t| t.table.clone()) else { return };
        let guard = self.guard.dispatcher();
        spawn_local(async move {
            match backend.dump_table(&table).await {
                Ok(script) => {
                    let file_name = format!("{table}-backup.sql");
                    let _ = download::download(&file_name, "application/sql", &script);
                    guard.dispatch(GuardAction::BackedUp(Backup {
                        file_name,
                        bytes: script.len(),
                        content: script.into(),
                    }));
                }
                Err(f) => guard.dispatch(GuardAction::Failed(f.message)),
            }
        });
    }

    /// Counts what each threat would destroy, for the guard to show before anyone decides.
    fn count_at_stake(&self, threats: &[Threat]) {
        let Some(engine) = self.lab.backend() else { return };
        let (guard, threats) = (self.guard.dispatcher(), threats.to_vec());
        spawn_local(async move {
            match consequences::count(&*engine, &threats).await {
                Ok(stakes) => {
                    stakes.into_iter().for_each(|stake| guard.dispatch(GuardAction::Counted(stake)))
                }
                Err(f) => guard.dispatch(GuardAction::Failed(f.message)),
            }
        });
    }

    /// The lesson's Run commands as typed.
    fn commands(&self) -> Vec<String> {
        self.lesson.lesson.manifest.run.commands.iter().map(ToString::to_string).collect()
    }

    /// The next ordering to try ([`order_tries::next_order`]), or `None` when none is due now.
    fn next_order(&self) -> Option<OrderTry> {
        order_tries::next_order(&self.state, &self.run, &self.order_runs, &self.commands())
    }

    /// Tries a student's ordering on the engine; its verdict is what Postgres did with it.
    fn try_order(&self, order: OrderTry) {
        let (Some(engine), Some(branch)) = (self.lab.backend(), self.run.branch.clone()) else {
            return;
        };
        self.run.dispatch(RunAction::Busy("trying your order of the steps".to_owned()));
        let (lesson, run, state, order_runs) = (
            self.lesson.clone(),
            self.run.dispatcher(),
            self.state.dispatcher(),
            self.order_runs.clone(),
        );
        spawn_local(async move {
            let (tried, back) =
                lesson_flows::order_flow(&*engine, &lesson.lesson, &branch, &order).await;
            let mut all = (*order_runs).clone();
            all.insert(order.id, tried.clone().map_err(|f| f.line()));
            order_runs.set(all);
            if let Err(f) = &tried {
                state.dispatch(LessonAction::GradingFailed(format!(
                    "Your order of the steps could not be tried on the engine: {}",
                    f.message
                )));
            }
            run.dispatch(back.map_or(RunAction::Idle, back_at));
        });
    }

    /// "Grade again": the orderings that could not be tried are tried once more.
    fn retry_orders(&self) {
        if let Some(runs) = order_tries::without_failures(&self.order_runs) {
            self.order_runs.set(runs);
        }
    }

    /// Grades `questions` in the grader; `with_runs` when they ask about the branch after their own commands
    /// (predictions), which the run state's snapshots answer.
    fn grade(&self, questions: Vec<Question>, with_runs: bool) {
        let (state, run, tried) = (self.state.clone(), self.run.clone(), self.tried_orders());
        spawn_local(async move {
            let start = |q: &Question| state.start_schema(q);
            let actual = |after: &[String]| if with_runs { run.snapshot(after) } else { None };
            // A prediction's trace is the runs of its `after`; a Modify question's is the learner's own practice
            // upgrade, the run the question asks them to predict.
            let trace = |q: &Question| {
                if with_runs {
                    run.trace(&q.after.iter().map(ToString::to_string).collect::<Vec<_>>())
                } else {
                    run.practice_trace(Stage::Modify)
                }
            };
            let graded = grader::grade_all(
                &questions,
                &state.progress.answers,
                &grader::Seen { start: &start, actual: &actual, order_runs: &tried, trace: &trace },
            )
            .await;
            state.dispatch(graded.map_or_else(LessonAction::GradingFailed, LessonAction::Graded));
        });
    }
}
