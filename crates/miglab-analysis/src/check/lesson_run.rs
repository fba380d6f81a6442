//! The engine checks of one lesson: every key, experiment, run and gate is replayed on a real Postgres.

use super::compare;
use super::lab::{Broken, Lab};
use super::safety;
use crate::diagnostic::Diagnostic;
use crate::engine::session::{LessonSetup, StampMismatch};
use crate::engine::{Engine, PgError};
use crate::grade::{
    self, Answer, AnswerKey, Confidence, LockKey, Observed, OrderFailure, OrderRun, Response,
    SchemaKey, SchemaScope, ValueKey,
};
use crate::lesson::{
    Application, Checks, Evidence, FileDiagnostic, Lesson, LessonMigration, Located, LockQueue,
    Outcome, Question, RunCommand,
};
use crate::locks::Trace;
use crate::migration::Direction;
use crate::schema::Schema;
use std::collections::BTreeMap;

/// What the engine checks found, plus the checks they had to skip.
#[derive(Default)]
pub struct Findings {
    pub diagnostics: Vec<FileDiagnostic>,
    pub skipped: Vec<String>,
}

/// A question's lock queue proved with several connections, which only a server has (`miglab check --database-url`).
pub trait QueueProof {
    /// Builds the question's state from `setup` (the seed, then each step) in a database of its own and plays the
    /// queue there: `Ok` with the claims the server contradicted (empty when it proved every one), `Err` when the
    /// proof could not run at all.
    fn prove(&mut self, setup: &[String], queue: &LockQueue) -> Result<Vec<String>, String>;
}

struct Ctx<'a> {
    lesson: &'a Lesson,
    /// Where a question's lock queue can be proved; `None` on PGlite and in the browser, which have one connection.
    queue: Option<&'a mut dyn QueueProof>,
    at: Located<'a>,
    lab: Lab<'a>,
    out: Findings,
    seeded_counts: BTreeMap<String, Option<u64>>,
    /// The schema at the branch point, where a learner's schema answer starts.
    start: Schema,
    /// The setup's stamp check, reported as `lesson-stamp-mismatch`.
    stamp: Option<StampMismatch>,
}

/// Runs every engine check of `lesson` on `engine`, a fresh database; `text` is its lesson.toml, for positions
/// (empty when there is none, as in a pack: the diagnostics then name the field only).
pub fn check_lesson<'a>(
    lesson: &'a Lesson,
    manifest_file: &'a str,
    text: &'a str,
    engine: &'a mut dyn Engine,
    queue: Option<&'a mut dyn QueueProof>,
) -> Findings {
    let at = Located::new(manifest_file, text);
    let (lab, prepared) = match Lab::set_up(engine, &LessonSetup::of(lesson)) {
        Err(broken) => return broken_findings(&at, &broken),
        Ok(Err(error)) => {
            let mut out = Findings::default();
            out.diagnostics.push(at.error(
                "database.seed",
                "lesson-seed-fails",
                format!("The seed fails on the engine: {error}."),
                "Fix the seed SQL; it must run on an empty database.",
            ));
            return out;
        }
        Ok(Ok(set_up)) => set_up,
    };
    let mut ctx = Ctx {
        lesson,
        queue,
        at,
        lab,
        out: Findings::default(),
        seeded_counts: prepared
            .schema
            .tables
            .iter()
            .map(|t| (t.name.clone(), t.row_count))
            .collect(),
        start: prepared.schema,
        stamp: prepared.stamp,
    };
    if let Err(broken) = ctx.all() {
        let mut out = broken_findings(&ctx.at, &broken);
        out.diagnostics.splice(0..0, ctx.out.diagnostics);
        return out;
    }
    ctx.out
}

/// The findings of a lesson whose engine stopped (or never started): one `lesson-engine-failed` on its manifest.
pub fn broken_findings(at: &Located<'_>, broken: &str) -> Findings {
    let mut out = Findings::default();
    let diagnostic = Diagnostic::error(
        "lesson-engine-failed",
        format!("The engine stopped while checking this lesson. {broken}"),
    )
    .with_help("Run `miglab check` again; if it repeats, check the engine setup in the README.");
    out.diagnostics.push(FileDiagnostic::new(at.file, None, diagnostic));
    out
}

impl Ctx<'_> {
    fn all(&mut self) -> Result<(), Broken> {
        self.stamp();
        self.run()?;
        let manifest = &self.lesson.manifest;
        let version = self
            .lab
            .value("SHOW server_version_num")?
            .ok()
            .flatten()
            .and_then(|v| v.parse::<u32>().ok())
            .map(|v| v / 10000);
        // A Modify stage that needs a newer server is skipped whole: its questions, its gate, its drop-guard check.
        let modify_too_new = match (manifest.modify.since, version) {
            (Some(since), Some(version)) if version < since => {
                self.out.skipped.push(format!(
                    "the Modify stage (needs PostgreSQL {since}, the server is {version})"
                ));
                true
            }
            _ => false,
        };
        for (field, question) in crate::lesson::questions(manifest) {
            if modify_too_new && field.starts_with("modify.") {
                continue;
            }
            self.question(&field, question)?;
        }
        for (i, experiment) in manifest.investigate.experiments.iter().enumerate() {
            let field = format!("investigate.experiments[{i}]");
            if let (Some(since), Some(version)) = (experiment.since, version) {
                if version < since {
                    self.out.skipped.push(format!(
                        "experiment `{}` (needs PostgreSQL {since}, the server is {version})",
                        experiment.id
                    ));
                    continue;
                }
            }
            if self.goto(&experiment.after, &format!("{field}.after"))? {
                let error = if experiment.in_transaction {
                    self.lab.exec_in_transaction(experiment)?
                } else {
                    self.lab.exec(&experiment.sql)?
                };
                self.outcome(&format!("{field}.expect"), &experiment.expect, error)?;
            }
        }
        if !modify_too_new {
            let modify = &manifest.modify;
            self.gate("modify", &modify.start, &self.lesson.modify, &modify.checks)?;
        }
        self.gate("make", &manifest.make.start, &self.lesson.make, &manifest.make.checks)?;
        self.refuse()?;
        let drafts = super::drafts::check(
            &mut self.lab,
            self.lesson,
            &self.at,
            modify_too_new,
            &mut self.out.skipped,
        )?;
        self.out.diagnostics.extend(drafts);
        self.simulation_and_guard(modify_too_new)?;
        Ok(())
    }

    fn fail(&mut self, field: &str, code: &str, message: String, help: &str) {
        self.out.diagnostics.push(self.at.error(field, code, message, help));
    }

    /// Restores the seed and runs `commands`; false (with a diagnostic) when they fail.
    fn goto(&mut self, commands: &[RunCommand], field: &str) -> Result<bool, Broken> {
        self.goto_traced(commands, field, &mut None)
    }

    /// [`Self::goto`], tracing the runs' locks into `trace` when it is `Some`.
    fn goto_traced(
        &mut self,
        commands: &[RunCommand],
        field: &str,
        trace: &mut Option<Trace>,
    ) -> Result<bool, Broken> {
        self.lab.restart()?;
        let plan = match self.lesson.plan(commands) {
            Ok(plan) => plan,
            Err(error) => {
                self.fail(
                    field,
                    "lesson-bad-command",
                    format!("The commands cannot run: {error}."),
                    "Use commands this lesson's revisions can satisfy.",
                );
                return Ok(false);
            }
        };
        // A traced state is reached one command per run, as the learner's buttons run them: consecutive upgrades in
        // one run would share one transaction, and so their locks.
        let mut failed = None;
        let mut applied = 0;
        for end in 1..=commands.len() {
            let Ok(prefix) = self.lesson.plan(&commands[..end]) else { break };
            let (runs, total) = match trace {
                Some(_) => (&prefix.applications[applied..], prefix.applications.len()),
                None if end == commands.len() => (&plan.applications[..], plan.applications.len()),
                None => continue,
            };
            failed = self.lab.apply_traced(runs, trace)?;
            applied = total;
            if failed.is_some() {
                break;
            }
        }
        match failed {
            None => Ok(true),
            Some(error) => {
                self.fail(
                    field,
                    "lesson-state-fails",
                    format!("Reaching this state fails on the engine: {error}."),
                    "Fix the migration, or start the question from a state that exists.",
                );
                Ok(false)
            }
        }
    }

    /// The seed's `alembic_version` names the revision `database.revision` says it is at (the setup checked it).
    fn stamp(&mut self) {
        if let Some(mismatch) = self.stamp.take() {
            self.fail("database.revision", "lesson-stamp-mismatch", mismatch.to_string(), "Make the seed's `INSERT INTO alembic_version` and `database.revision` name the same revision.");
        }
    }

    fn run(&mut self) -> Result<(), Broken> {
        let run = &self.lesson.manifest.run;
        self.lab.restart()?;
        let plan = match self.lesson.plan(&run.commands) {
            Ok(plan) => plan,
            Err(_) => return Ok(()), // reported by the loader
        };
        let error = self.lab.apply(&plan.applications)?;
        self.outcome("run.expect", &run.expect, error)?;
        self.scale()
    }

    /// `run.scale` grows its table to exactly `rows`, and the run's first command still runs on the grown table.
    fn scale(&mut self) -> Result<(), Broken> {
        let run = &self.lesson.manifest.run;
        let Some(scale) = &run.scale else { return Ok(()) };
        self.lab.restart()?;
        if let Some(error) = self.lab.exec_script(&scale.sql)? {
            self.fail(
                "run.scale.sql",
                "lesson-scale-fails",
                format!("The scale SQL fails on the engine: {error}."),
                "Fix the SQL; it runs on the lesson's branch point.",
            );
            return Ok(());
        }
        let count = format!("SELECT count(*) FROM {}", scale.table);
        let rows = self.lab.value(&count)?.ok().flatten();
        if rows.as_deref() != Some(scale.rows.to_string().as_str()) {
            let got = rows.unwrap_or_else(|| "nothing".to_owned());
            self.fail(
                "run.scale.rows",
                "lesson-wrong-key",
                format!(
                    "After the scale SQL, `{}` has {got} rows, not {}.",
                    scale.table, scale.rows
                ),
                "Set `rows` to what the engine counts, or fix the SQL.",
            );
        }
        let Some(first) = run.commands.first() else { return Ok(()) };
        let Ok(plan) = self.lesson.plan(std::slice::from_ref(first)) else { return Ok(()) };
        if let Some(error) = self.lab.apply(&plan.applications)? {
            self.fail(
                "run.scale",
                "lesson-scale-fails",
                format!("`{first}` fails on the scaled table: {error}."),
                "Scale with rows the migration accepts.",
            );
        }
        Ok(())
    }

    fn question(&mut self, field: &str, question: &Question) -> Result<(), Broken> {
        if let Some(queue) = &question.queue {
            self.queue(field, question, queue);
        }
        if let AnswerKey::Lock(key) = &question.key {
            if let Some(trace) = self.lock_trace(field, question)? {
                self.lock_key(&format!("{field}.key"), key, &trace);
            }
            return Ok(());
        }
        if !self.goto(&question.after, &format!("{field}.after"))? {
            return Ok(());
        }
        match &question.key {
            AnswerKey::Lock(_) => {}
            AnswerKey::Schema(key) => {
                let schema = self.lab.schema()?;
                let expected =
                    key.expected.as_ref().map(|s| s.tables.as_slice()).unwrap_or_default();
                let differences = compare::tables(expected, &schema, &key.scope);
                self.differences(&format!("{field}.key.expected"), &question.id, &differences);
                self.schema_discriminates(field, question, key, &schema);
            }
            AnswerKey::Value(key) => {
                if let Some(query) = &question.query {
                    self.value_key(&format!("{field}.key"), query, key)?;
                }
            }
            AnswerKey::Ordering(key) => {
                self.ordering(field, question, &key.order)?;
                self.ordering_discriminates(field, question, &key.order)?;
            }
            AnswerKey::Choice(_) | AnswerKey::FreeText(_) => {}
        }
        if let Some(evidence) = &question.evidence {
            self.lab.restart()?;
            if self.goto(&question.after, &format!("{field}.after"))? {
                self.evidence(&format!("{field}.evidence"), evidence)?;
            }
        }
        Ok(())
    }

    /// The trace a lock question is graded against. In Predict and Run it is the trace of the question's `after`
    /// runs. In Modify and Make the learner runs their own migration, so the check traces the stage's reference
    /// solution, applied at the question's `after` (or the stage's `start`).
    fn lock_trace(&mut self, field: &str, question: &Question) -> Result<Option<Trace>, Broken> {
        let manifest = &self.lesson.manifest;
        let phase = field.split('.').next().unwrap_or_default();
        let stage = match phase {
            "modify" => Some((&manifest.modify.start, &self.lesson.modify)),
            "make" => Some((&manifest.make.start, &self.lesson.make)),
            _ => None,
        };
        let mut trace = Some(Trace::default());
        // The page traces the runs a learner makes: the Run stage's commands, or their own Modify and Make migration.
        let run = &manifest.run.commands;
        let reachable = match phase {
            "predict" => run.starts_with(&question.after),
            "modify" | "make" => true,
            _ => false,
        };
        if !reachable {
            let commands: Vec<String> = run.iter().map(|c| format!("`{c}`")).collect();
            self.fail(
                &format!("{field}.after"),
                "lesson-lock-unreachable",
                format!("A learner's page traces the Run stage's commands ({}) one by one, so a lock question in {phase} whose `after` is not their first commands can never be graded.", commands.join(", ")),
                "Ask it in Predict with `after` set to the first Run commands, or in Modify or Make about the learner's own migration.",
            );
            return Ok(None);
        }
        let Some((start, solution)) = stage else {
            let reached =
                self.goto_traced(&question.after, &format!("{field}.after"), &mut trace)?;
            return Ok(trace.filter(|_| reached));
        };
        let (commands, commands_field) = if question.after.is_empty() {
            (start.clone(), format!("{phase}.start"))
        } else {
            (question.after.clone(), format!("{field}.after"))
        };
        if !self.goto(&commands, &commands_field)? {
            return Ok(None);
        }
        let upgrade = [Application { migration: solution, direction: Direction::Upgrade }];
        if let Some(error) = self.lab.apply_traced(&upgrade, &mut trace)? {
            self.fail(
                &format!("{field}.key"),
                "lesson-solution-fails",
                format!("The reference solution `{}` fails on the engine, so its locks cannot be traced: {error}.", solution.file()),
                "Fix the solution.",
            );
            return Ok(None);
        }
        Ok(trace)
    }

    /// A question's lock queue, proved on the server with several connections at the question's state; skipped with
    /// a note on PGlite, which has one connection and so cannot make a session wait.
    fn queue(&mut self, field: &str, question: &Question, queue: &LockQueue) {
        let Some(proof) = self.queue.as_mut() else {
            self.out.skipped.push(format!(
                "the lock queue of `{}` (it needs several connections: run `miglab check --database-url`)",
                question.id
            ));
            return;
        };
        let Ok(plan) = self.lesson.plan(&question.after) else {
            return; // reported by the loader
        };
        let mut setup = vec![self.lesson.seed.clone()];
        setup.extend(plan.applications.iter().flat_map(|a| {
            a.migration.migration.steps(a.direction).iter().map(|step| step.sql.clone())
        }));
        match proof.prove(&setup, queue) {
            Ok(failures) if failures.is_empty() => {}
            Ok(failures) => self.fail(
                &format!("{field}.queue"),
                "lesson-wrong-queue",
                format!("The server does not show the lock queue `{}` describes: {}", question.id, failures.join(" ")),
                "Make `holder` hold a lock that `migration` conflicts with, and `reader` one that only conflicts with `migration`.",
            ),
            Err(broken) => self.fail(
                &format!("{field}.queue"),
                "lesson-queue-not-run",
                format!("The lock queue of `{}` could not be run on the server: {broken}.", question.id),
                "Check the queue's SQL on the question's state.",
            ),
        }
    }

    /// A lock key agrees with the engine's trace of the question's runs: the statement ran, and its lock on the
    /// table and whether it rewrote the table are what the key says. The learner is graded against the trace
    /// itself; this catches an author's wrong reading before a learner sees it as feedback.
    fn lock_key(&mut self, field: &str, key: &LockKey, trace: &Trace) {
        let Some(statement) = trace.statement(&key.statement) else {
            let ran: Vec<String> =
                trace.statements.iter().map(|s| format!("`{}`", s.sql)).collect();
            self.fail(
                &format!("{field}.statement"),
                "lesson-lock-statement",
                format!(
                    "No statement of the question's runs starts with `{}`; the runs sent {}.",
                    key.statement,
                    if ran.is_empty() { "nothing".to_owned() } else { ran.join(", ") }
                ),
                "Name the statement by the opening words of its SQL as the migration runs it.",
            );
            return;
        };
        let held = statement.mode_on(&key.table);
        if held != Some(key.mode) {
            let shown = held.map_or_else(|| "no lock".to_owned(), |m| m.name().to_owned());
            self.fail(
                &format!("{field}.mode"),
                "lesson-wrong-key",
                format!("The key says `{}` holds {} on `{}`, but the engine's trace shows {shown} ({}).", key.statement, key.mode.name(), key.table, statement.source.as_str()),
                "Change `mode` to what the trace shows (`miglab locks` prints it), or fix the migration.",
            );
        }
        let rewrote = statement.rewrote(&key.table);
        if rewrote != key.rewritten {
            let said = |b: bool| if b { "rewrites" } else { "does not rewrite" };
            self.fail(
                &format!("{field}.rewritten"),
                "lesson-wrong-key",
                format!(
                    "The key says `{}` {} `{}`, but on the engine it {}.",
                    key.statement,
                    said(key.rewritten),
                    key.table,
                    said(rewrote)
                ),
                "Change `rewritten` to what the trace shows, or fix the migration.",
            );
        }
    }

    fn differences(&mut self, field: &str, what: &str, differences: &[String]) {
        if !differences.is_empty() {
            let message =
                format!("`{what}` does not match the engine: {}.", differences.join("; "));
            self.fail(
                field,
                "lesson-wrong-key",
                message,
                "Change the key to what the engine shows, or fix the migration.",
            );
        }
    }

    fn value_key(&mut self, field: &str, query: &str, key: &ValueKey) -> Result<(), Broken> {
        match self.lab.value(query)? {
            Err(error) => self.fail(
                field,
                "lesson-query-fails",
                format!("The query fails on the engine: {error}."),
                "Fix the query; it must return one value.",
            ),
            Ok(got) if !compare::value(key, got.as_deref()) => {
                let message = format!(
                    "The key says {}, but the engine returns {}.",
                    compare::shown(key.expected.as_deref()),
                    compare::shown(got.as_deref())
                );
                self.fail(
                    field,
                    "lesson-wrong-key",
                    message,
                    "Change `expected` to the engine's value, or fix the migration.",
                );
            }
            Ok(_) => {}
        }
        Ok(())
    }

    fn evidence(&mut self, field: &str, evidence: &Evidence) -> Result<(), Broken> {
        let key = ValueKey { expected: evidence.expected.clone(), ..ValueKey::default() };
        self.value_key(field, &evidence.query, &key)
    }

    /// Items with SQL run in the key's order must all succeed.
    fn ordering(
        &mut self,
        field: &str,
        question: &Question,
        order: &[String],
    ) -> Result<(), Broken> {
        if question.items.iter().any(|item| item.sql.is_none()) {
            return Ok(());
        }
        for id in order {
            let Some(sql) = question.item_sql(id) else { continue };
            if let Some(error) = self.lab.exec(sql)? {
                let message =
                    format!("In the key's order, item `{id}` fails on the engine: {error}.");
                self.fail(
                    &format!("{field}.key.order"),
                    "lesson-wrong-key",
                    message,
                    "Put the items in the order Postgres accepts.",
                );
                break;
            }
        }
        Ok(())
    }

    /// A schema question tells a learner who predicts nothing from one who predicts the change:
    /// the untouched starting answer must not grade correct, unless the question says the answer
    /// is "nothing changes" (`no_change`), which the engine must then confirm; and the key itself
    /// must grade fully correct.
    fn schema_discriminates(
        &mut self,
        field: &str,
        question: &Question,
        key: &SchemaKey,
        actual: &Schema,
    ) {
        let start = self.start.clone();
        let graded = |answer: &Schema| {
            let answer = Answer {
                response: Response::Schema { schema: answer.clone() },
                confidence: Confidence::MAX,
            };
            crate::grading::grade(
                &question.key,
                &answer,
                &Observed { start: Some(&start), actual: Some(actual), ..Observed::default() },
            )
        };
        let untouched = graded(&start);
        let misses = |g: &grade::Graded| {
            g.explanations()
                .map(|e| e.trim_end_matches('.').to_owned())
                .collect::<Vec<_>>()
                .join("; ")
        };
        match (key.no_change, untouched.correct) {
            (false, true) => self.fail(
                &format!("{field}.key"),
                "lesson-key-does-not-discriminate",
                format!("`{}`: the untouched starting answer grades correct, because the engine shows no change from the start in what this question grades.", question.id),
                "Ask about a state that changes, or set `no_change = true` if \"nothing changes\" is the point.",
            ),
            (true, false) => self.fail(
                &format!("{field}.key.no_change"),
                "lesson-wrong-key",
                format!("`{}` says nothing changes, but the engine shows changes: {}.", question.id, misses(&untouched)),
                "Remove `no_change`, or ask about a state where nothing changes.",
            ),
            _ => {}
        }
        if let Some(expected) = &key.expected {
            let keyed = graded(expected);
            if !keyed.correct {
                let message = format!(
                    "`{}`: the key's own answer earns {:.0}% on the engine: {}.",
                    question.id,
                    keyed.credit * 100.0,
                    misses(&keyed)
                );
                self.fail(
                    &format!("{field}.key.expected"),
                    "lesson-wrong-key",
                    message,
                    "Change the key to what the engine shows.",
                );
            }
        }
    }

    /// An ordering question tells orders apart: the order the items are listed in (what a learner
    /// who moves nothing submits) is not the key, and the full reverse, run on the engine, earns nothing.
    fn ordering_discriminates(
        &mut self,
        field: &str,
        question: &Question,
        order: &[String],
    ) -> Result<(), Broken> {
        let listed: Vec<String> = question.items.iter().map(|item| item.id.clone()).collect();
        if listed == order {
            self.fail(&format!("{field}.items"), "lesson-key-does-not-discriminate", format!("`{}` lists its items in the key's order, so a learner who moves nothing is right.", question.id), "List the items in another order than the key's.");
        }
        let reversed: Vec<String> = order.iter().rev().cloned().collect();
        let run = match question.items.iter().all(|item| item.sql.is_some()) {
            true => Some(self.run_order(field, question, &reversed)?),
            false => None,
        };
        let labels: Vec<(String, String)> =
            question.items.iter().map(|item| (item.id.clone(), item.text.clone())).collect();
        let answer = Answer {
            response: Response::Ordering { order: reversed },
            confidence: Confidence::MAX,
        };
        let graded = crate::grading::grade(
            &question.key,
            &answer,
            &Observed { order_run: run.as_ref(), labels: &labels, ..Observed::default() },
        );
        if graded.credit > 0.0 {
            let message = format!("`{}`: the reversed order earns {:.0}%, so the question does not tell a reversed order from a right one.", question.id, graded.credit * 100.0);
            self.fail(
                &format!("{field}.key.order"),
                "lesson-key-does-not-discriminate",
                message,
                "Give the ordering at least two steps whose order matters.",
            );
        }
        Ok(())
    }

    /// Runs the items' SQL in `order` from the question's state, as the browser runs a learner's order.
    fn run_order(
        &mut self,
        field: &str,
        question: &Question,
        order: &[String],
    ) -> Result<OrderRun, Broken> {
        let mut run = OrderRun::default();
        if !self.goto(&question.after, &format!("{field}.after"))? {
            return Ok(run);
        }
        for (step, id) in order.iter().enumerate() {
            let Some(sql) = question.item_sql(id) else { continue };
            if let Some(error) = self.lab.exec(sql)? {
                run.failed = Some(OrderFailure {
                    step,
                    sqlstate: error.sqlstate.clone(),
                    message: error.message.clone(),
                });
                break;
            }
        }
        Ok(run)
    }

    /// Compares an expected outcome with what just happened.
    fn outcome(
        &mut self,
        field: &str,
        expect: &Outcome,
        error: Option<PgError>,
    ) -> Result<(), Broken> {
        match (&expect.error, error) {
            (Some(expected), None) => {
                let message = format!(
                    "The lesson expects ERROR {}: {}, but the engine succeeded.",
                    expected.sqlstate, expected.message
                );
                self.fail(
                    &format!("{field}.error"),
                    "lesson-wrong-outcome",
                    message,
                    "Remove `error`, or change the SQL so that it fails.",
                );
            }
            (Some(expected), Some(got)) => {
                if expected.sqlstate != got.sqlstate || expected.message != got.message {
                    let message = format!(
                        "The lesson expects ERROR {}: {}, but the engine says {got}.",
                        expected.sqlstate, expected.message
                    );
                    self.fail(
                        &format!("{field}.error"),
                        "lesson-wrong-outcome",
                        message,
                        "Copy the SQLSTATE and message from the engine.",
                    );
                }
            }
            (None, Some(got)) => {
                self.fail(
                    field,
                    "lesson-wrong-outcome",
                    format!("The lesson expects success, but the engine says {got}."),
                    "Fix the SQL or the migration, or expect this error.",
                );
            }
            (None, None) => {
                self.state(field, &expect.tables, &expect.values, expect.rows_unchanged)?
            }
        }
        Ok(())
    }

    /// Tables, values and row counts of the current state.
    fn state(
        &mut self,
        field: &str,
        tables: &[crate::schema::Table],
        values: &[Evidence],
        rows_unchanged: bool,
    ) -> Result<(), Broken> {
        let schema = self.lab.schema()?;
        let scope = SchemaScope {
            columns: false,
            indexes: tables.iter().any(|t| !t.indexes.is_empty()),
            constraints: tables.iter().any(|t| !t.constraints.is_empty()),
            ..SchemaScope::default()
        };
        let differences = compare::tables(tables, &schema, &scope);
        self.differences(&format!("{field}.tables"), "tables", &differences);
        for (i, value) in values.iter().enumerate() {
            self.evidence(&format!("{field}.values[{i}]"), value)?;
        }
        if rows_unchanged {
            let changed = changed_counts(&self.seeded_counts, &schema);
            if !changed.is_empty() {
                self.fail(
                    &format!("{field}.rows_unchanged"),
                    "lesson-wrong-outcome",
                    format!("Row counts changed on the engine: {}.", changed.join(", ")),
                    "Set `rows_unchanged = false`, or fix the migration so no rows are lost.",
                );
            }
        }
        Ok(())
    }
}

/// `expenses: 40 → 39` for every table present before and after whose count changed.
pub fn changed_counts(before: &BTreeMap<String, Option<u64>>, after: &Schema) -> Vec<String> {
    after
        .tables
        .iter()
        .filter_map(|t| {
            let old = before.get(&t.name).copied().flatten()?;
            let new = t.row_count?;
            (old != new).then(|| format!("`{}`: {old} → {new}", t.name))
        })
        .collect()
}

impl Ctx<'_> {
    /// Modify and Make: the reference solution passes the checks, and doing nothing fails them.
    fn gate(
        &mut self,
        phase: &str,
        start: &[RunCommand],
        solution: &LessonMigration,
        checks: &Checks,
    ) -> Result<(), Broken> {
        let start_field = format!("{phase}.start");
        if !self.goto(start, &start_field)? {
            return Ok(());
        }
        let failures =
            super::gate::evaluate(&mut self.lab, Some(solution), checks, &mut self.out.skipped)?;
        if !failures.is_empty() {
            let message = format!(
                "The reference solution `{}` fails its own checks: {}.",
                solution.file(),
                failures.join("; ")
            );
            self.fail(
                &format!("{phase}.checks"),
                "lesson-solution-fails",
                message,
                "Fix the solution or the checks until they agree.",
            );
        }
        self.goto(start, &start_field)?;
        let untouched = super::gate::evaluate(&mut self.lab, None, checks, &mut Vec::new())?;
        if untouched.is_empty() {
            let message = "The untouched starting state passes every check, so a student who writes nothing would pass.".to_owned();
            self.fail(
                &format!("{phase}.checks"),
                "lesson-checks-too-weak",
                message,
                "Add `tables` or `values` that only the finished migration satisfies.",
            );
        }
        Ok(())
    }

    /// The migration to refuse really is destructive, and its evidence matches the engine.
    fn refuse(&mut self) -> Result<(), Broken> {
        let (Some(refuse), Some(migration)) =
            (&self.lesson.manifest.make.refuse, &self.lesson.refuse)
        else {
            return Ok(());
        };
        if !self.goto(&self.lesson.manifest.make.start, "make.start")? {
            return Ok(());
        }
        let before = self.lab.schema()?;
        for (i, evidence) in refuse.evidence.iter().enumerate() {
            self.evidence(&format!("make.refuse.evidence[{i}]"), evidence)?;
        }
        match safety::findings(&migration.migration, &before) {
            None => self
                .out
                .skipped
                .push("the refusal's destructive finding (safety rules not available)".to_owned()),
            Some(safety) if !safety.destructive() => {
                let message = format!("The migration to refuse, `{}`, has no destructive finding, so the drop guard would not stop it.", migration.file());
                self.fail(
                    "make.refuse.migration",
                    "lesson-refuse-not-destructive",
                    message,
                    "Refuse a migration that loses data, or make the rules recognise it.",
                );
            }
            Some(_) => {}
        }
        Ok(())
    }
}

impl Ctx<'_> {
    /// Every revision, upgraded from where it starts: simulation, expected findings, drop guard.
    /// `skip_modify`: the Modify solution needs a newer server than this one.
    fn simulation_and_guard(&mut self, skip_modify: bool) -> Result<(), Broken> {
        let lesson = self.lesson;
        let id = lesson.manifest.id.as_str();
        self.lab.restart()?;
        for migration in &lesson.chain {
            let found =
                super::guard::check_revision(&mut self.lab, id, migration, &mut self.out.skipped)?;
            self.out.diagnostics.extend(found);
        }
        let make_start = &lesson.manifest.make.start;
        let modify = (&lesson.manifest.modify.start, &lesson.modify, "modify.start");
        let solutions = [modify].into_iter().filter(|_| !skip_modify).chain([(
            make_start,
            &lesson.make,
            "make.start",
        )]);
        let refuse = lesson.refuse.iter().map(|r| (make_start, r, "make.start"));
        for (start, migration, field) in solutions.chain(refuse) {
            if self.goto(start, field)? {
                let found = super::guard::check_revision(
                    &mut self.lab,
                    id,
                    migration,
                    &mut self.out.skipped,
                )?;
                self.out.diagnostics.extend(found);
            }
        }
        Ok(())
    }
}
