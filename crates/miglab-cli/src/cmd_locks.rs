//! `miglab locks FILE`: the lock trace of a migration file, run on the engine inside one transaction as Alembic runs it.
//!
//! For every statement it prints the relation locks its transaction holds after it (observed from `pg_locks`), whether a
//! table or index was rewritten (`relfilenode` changed), and how long it took; a statement that must run outside a
//! transaction shows the lock the manual documents for it instead, labelled `documented`.
//! Exit codes: 0 when the migration ran, 1 when Postgres refused a statement, 2 when the file or the engine is unusable.

use crate::engine::{self, Engine, EngineError};
use miglab_analysis::alembic;
use miglab_analysis::analysis::steps_from_sql;
use miglab_analysis::diagnostic::Diagnostic;
use miglab_analysis::locks::concurrent::verdicts;
use miglab_analysis::locks::{trace_steps, Action, Answer, Trace, TraceStep, Tracer, Verdict};
use miglab_analysis::migration::Step;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// An Alembic revision file (.py) or a SQL migration (.sql).
    file: PathBuf,
    /// Trace what `downgrade()` (or the down SQL file) runs, after applying the upgrade untraced.
    #[arg(long)]
    downgrade: bool,
    /// `human` or `json`.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Run on a scratch database of this PostgreSQL server instead of PGlite.
    #[arg(long)]
    database_url: Option<String>,
    /// SQL that builds the database the migration runs on (default: an empty database).
    #[arg(long)]
    schema_sql: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Serialize)]
struct Report<'a> {
    file: String,
    trace: &'a Trace,
}

/// What to run: the statements to apply first without tracing, those to trace, and the file they come from.
struct Plan {
    setup: Vec<Step>,
    traced: Vec<Step>,
    shown: String,
    source: String,
}

pub fn run(args: Args) -> ExitCode {
    let plan = match plan(&args.file, args.downgrade) {
        Ok(plan) => plan,
        Err(code) => return code,
    };
    let schema = match &args.schema_sql {
        Some(path) => match crate::read_source(path) {
            Ok(sql) => Some((path.display().to_string(), sql)),
            Err(code) => return code,
        },
        None => None,
    };
    let database_url =
        match args.database_url.as_deref().map(engine::DatabaseUrl::parse).transpose() {
            Ok(url) => url,
            Err(error) => {
                eprintln!("miglab locks: {error}");
                return ExitCode::from(2);
            }
        };
    let mut engine = match engine::open(database_url.as_ref()) {
        Ok(engine) => engine,
        Err(error) => {
            eprintln!("miglab locks: {error}");
            return ExitCode::from(2);
        }
    };
    if let Some((shown, sql)) = &schema {
        if let Err(error) = engine.exec(sql) {
            eprintln!("{shown}: the schema SQL fails: {error}");
            return ExitCode::from(2);
        }
    }
    for step in &plan.setup {
        if let Err(error) = engine.exec(&step.sql) {
            eprintln!(
                "{}: the upgrade, applied before the downgrade is traced, fails: {error}",
                plan.shown
            );
            return ExitCode::from(2);
        }
    }
    let steps: Vec<TraceStep> = trace_steps(&plan.traced);
    let mut trace = match trace(engine.as_mut(), &steps) {
        Ok(trace) => trace,
        Err(error) => {
            eprintln!("miglab locks: {error}");
            return ExitCode::from(2);
        }
    };
    trace.locate(&plan.source);
    match args.format {
        Format::Human => print!("{}", render(&plan.shown, &trace)),
        Format::Json => {
            match serde_json::to_string_pretty(&Report { file: plan.shown.clone(), trace: &trace })
            {
                Ok(json) => println!("{json}"),
                Err(error) => {
                    eprintln!("miglab locks: cannot write JSON: {error}");
                    return ExitCode::from(2);
                }
            }
        }
    }
    if trace.failure.is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Drives the model's tracer on `engine`: the engine only sends what the tracer hands out and times the statements.
pub fn trace(engine: &mut dyn Engine, steps: &[TraceStep]) -> Result<Trace, EngineError> {
    let mut tracer = Tracer::new(steps);
    let mut action = tracer.start();
    loop {
        let outcome = match action {
            Action::Done(trace) => return Ok(trace),
            Action::Control(sql) => engine.exec(&sql).map(|()| Answer::default()),
            Action::Run(sql) => {
                let started = Instant::now();
                engine.exec(&sql).map(|()| Answer::timed(started.elapsed().as_secs_f64() * 1000.0))
            }
            Action::Observe(sql) => {
                engine.query(sql).map(|rows| Answer::text(rows.first_text().map(str::to_owned)))
            }
        };
        action = tracer.next(match outcome {
            Ok(answer) => Ok(answer),
            Err(EngineError::Postgres(error)) => Err(error),
            Err(other) => return Err(other),
        });
    }
}

fn plan(path: &Path, downgrade: bool) -> Result<Plan, ExitCode> {
    let is_python = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("py"));
    if is_python {
        let source = crate::read_source(&path.to_path_buf())?;
        let shown = path.display().to_string();
        let parsed = alembic::parse(&source);
        stop_on_errors(&shown, &parsed.diagnostics)?;
        let migration = parsed.migration;
        return Ok(if downgrade {
            Plan { setup: migration.upgrade, traced: migration.downgrade, shown, source }
        } else {
            Plan { setup: Vec::new(), traced: migration.upgrade, shown, source }
        });
    }
    if !downgrade {
        let source = crate::read_source(&path.to_path_buf())?;
        let shown = path.display().to_string();
        let (traced, diagnostics) = steps_from_sql(&source);
        stop_on_errors(&shown, &diagnostics)?;
        return Ok(Plan { setup: Vec::new(), traced, shown, source });
    }
    // A golang-migrate pair: the up file runs first, the down file is traced.
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (up, down) = match (name.strip_suffix(".up.sql"), name.strip_suffix(".down.sql")) {
        (Some(stem), _) => (path.to_path_buf(), path.with_file_name(format!("{stem}.down.sql"))),
        (_, Some(stem)) => (path.with_file_name(format!("{stem}.up.sql")), path.to_path_buf()),
        _ => {
            eprintln!(
                "{}: --downgrade needs a golang-migrate pair (`NAME.up.sql` and `NAME.down.sql`)",
                path.display()
            );
            return Err(ExitCode::from(2));
        }
    };
    let up_source = crate::read_source(&up)?;
    let source = crate::read_source(&down)?;
    let shown = down.display().to_string();
    let (setup, up_diagnostics) = steps_from_sql(&up_source);
    stop_on_errors(&up.display().to_string(), &up_diagnostics)?;
    let (traced, diagnostics) = steps_from_sql(&source);
    stop_on_errors(&shown, &diagnostics)?;
    Ok(Plan { setup, traced, shown, source })
}

fn stop_on_errors(shown: &str, diagnostics: &[Diagnostic]) -> Result<(), ExitCode> {
    if !diagnostics.iter().any(Diagnostic::is_error) {
        return Ok(());
    }
    for diagnostic in diagnostics {
        eprintln!("{}", diagnostic.render(shown));
    }
    Err(ExitCode::from(2))
}

/// The trace for people: each statement at `file:line`, how its locks are known and its time, then one line per relation.
fn render(file: &str, trace: &Trace) -> String {
    let mut out = String::new();
    let end = if trace.failure.is_some() { "ROLLBACK" } else { "COMMIT" };
    for (at, statement) in trace.statements.iter().enumerate() {
        let line = statement.line.map(|l| format!("{l}:")).unwrap_or_default();
        out.push_str(&format!("{file}:{line} {}\n", one_line(&statement.sql)));
        out.push_str(&format!("  {}, {:.2} ms\n", statement.source.as_str(), statement.ms));
        if statement.locks.is_empty() {
            out.push_str("  no relation locks\n");
        }
        let width = statement.locks.iter().map(|l| l.relation.len()).max().unwrap_or(0);
        for lock in &statement.locks {
            let mode = lock.mode().map_or("?", |m| m.name());
            let rewritten = if statement.created.contains(&lock.relation) {
                "created"
            } else if statement.rewrote(&lock.relation) {
                "rewritten"
            } else {
                "not rewritten"
            };
            let note = match (statement.source, lock.acquired) {
                (miglab_analysis::locks::Source::Documented, _) => " (while it runs)".to_owned(),
                (_, true) => format!(
                    " (taken here, held {:.2} ms until {end})",
                    trace.held_ms(at, &lock.relation)
                ),
                (_, false) => " (still held)".to_owned(),
            };
            out.push_str(&format!(
                "  {:<width$}  {mode:<22}  {rewritten:<13}{note}\n",
                lock.relation
            ));
            if let (Some(held), true) = (lock.mode(), lock.is_table() && lock.acquired) {
                let others: Vec<String> = verdicts(held)
                    .into_iter()
                    .map(|(c, v)| {
                        format!(
                            "{} {}",
                            c.label(),
                            if v == Verdict::Waits { "waits" } else { "proceeds" }
                        )
                    })
                    .collect();
                out.push_str(&format!("  {:<width$}  meanwhile: {}\n", "", others.join(", ")));
            }
        }
        for rewrite in statement
            .rewrites
            .iter()
            .filter(|r| !statement.locks.iter().any(|l| l.relation == r.relation))
        {
            out.push_str(&format!("  {}  rewritten\n", rewrite.relation));
        }
    }
    if let Some(failure) = &trace.failure {
        let line = failure.line.map(|l| format!("{l}:")).unwrap_or_default();
        out.push_str(&format!(
            "{file}:{line} step {} failed and the transaction rolled back: {}\n",
            failure.step + 1,
            failure.error
        ));
    }
    out
}

/// A statement on one line, so the trace reads as a list.
fn one_line(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod test {
    use super::*;
    use miglab_analysis::locks::documented::{EXAMPLES, EXAMPLES_SETUP};
    use miglab_analysis::locks::{documented_sql, LockMode, Source, Target};
    use miglab_analysis::rules::{CLAIM_SETUP, LOCK_CLAIMS};

    /// PGlite under Node with `setup` run on it.
    fn engine(setup: &str) -> Box<dyn Engine> {
        let mut engine = engine::open(None).expect("PGlite under Node boots");
        engine.exec(setup).expect("setup runs");
        engine
    }

    fn steps(sql: &str) -> Vec<TraceStep> {
        trace_steps(&steps_from_sql(sql).0)
    }

    /// Traces `sql` in one transaction and rolls it back, so the next pattern starts from the same database.
    fn traced(engine: &mut dyn Engine, sql: &str) -> Trace {
        let steps = steps(sql);
        let mut tracer = Tracer::rolled_back(&steps);
        let mut action = tracer.start();
        loop {
            let outcome = match action {
                Action::Done(trace) => return trace,
                Action::Control(sql) => engine.exec(&sql).map(|()| Answer::default()),
                Action::Run(sql) => engine.exec(&sql).map(|()| Answer::timed(0.0)),
                Action::Observe(sql) => {
                    engine.query(sql).map(|rows| Answer::text(rows.first_text().map(str::to_owned)))
                }
            };
            action =
                tracer.next(outcome.map_err(|e| e.postgres().cloned().expect("a Postgres error")));
        }
    }

    /// The relation, mode and rewrite columns of `relation`'s line in the printed trace.
    fn columns(rendered: &str, relation: &str) -> Vec<String> {
        let line = rendered
            .lines()
            .find(|l| l.split_whitespace().next() == Some(relation))
            .unwrap_or_default();
        line.split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .take(3)
            .map(|c| c.split(" (").next().unwrap_or_default().to_owned())
            .collect()
    }

    fn reconciler() -> String {
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../lessons/datasets/reconciler.sql"
        ))
        .expect("the course dataset")
    }

    #[test]
    fn done_when_statements_ok() {
        let mut engine = engine(&reconciler());
        let source = "ALTER TABLE expenses ADD COLUMN n int;\n";
        let mut trace = super::trace(engine.as_mut(), &steps(source)).expect("traced");
        trace.locate(source);
        let add = &trace.statements[0];
        assert_eq!(
            (add.source, add.mode_on("expenses"), add.rewrote("expenses"), add.line),
            (Source::Observed, Some(LockMode::AccessExclusive), false, Some(1))
        );
        let rendered = render("add.sql", &trace);
        assert!(
            rendered.starts_with("add.sql:1: ALTER TABLE expenses ADD COLUMN n int\n  observed, "),
            "{rendered}"
        );
        assert_eq!(
            columns(&rendered, "expenses"),
            ["expenses", "ACCESS EXCLUSIVE", "not rewritten"],
            "{rendered}"
        );

        let trace = super::trace(engine.as_mut(), &steps("CREATE INDEX ON expenses (vendor_id)"))
            .expect("traced");
        assert_eq!(trace.statements[0].mode_on("expenses"), Some(LockMode::Share));
        assert_eq!(
            columns(&render("idx.sql", &trace), "expenses"),
            ["expenses", "SHARE", "not rewritten"]
        );

        let trace = super::trace(
            engine.as_mut(),
            &steps("ALTER TABLE expenses ALTER COLUMN amount TYPE text"),
        )
        .expect("traced");
        let changed = &trace.statements[0];
        assert_eq!(
            (changed.mode_on("expenses"), changed.rewrote("expenses")),
            (Some(LockMode::AccessExclusive), true)
        );
        assert_eq!(
            columns(&render("type.sql", &trace), "expenses"),
            ["expenses", "ACCESS EXCLUSIVE", "rewritten"]
        );
    }

    #[test]
    fn documented_levels_match_engine_ok() {
        let mut engine = engine(EXAMPLES_SETUP);
        for sql in EXAMPLES {
            let trace = traced(engine.as_mut(), sql);
            assert!(trace.failure.is_none(), "`{sql}` fails: {:?}", trace.failure);
            let statement = &trace.statements[0];
            for lock in documented_sql(sql) {
                let relation = match &lock.target {
                    Target::Table(name) | Target::Index(name) => name.as_str(),
                    Target::TableOfIndex(_) => "expenses",
                };
                assert_eq!(
                    statement.mode_on(relation),
                    Some(lock.mode),
                    "`{sql}`: documented {} on `{relation}`, traced {:?}",
                    lock.mode,
                    statement.locks
                );
            }
        }
    }

    #[test]
    fn rule_claims_match_engine_ok() {
        let mut engine = engine(CLAIM_SETUP);
        for claim in LOCK_CLAIMS {
            let trace = traced(engine.as_mut(), claim.sql);
            assert!(
                trace.failure.is_none(),
                "{}: `{}` fails: {:?}",
                claim.code,
                claim.sql,
                trace.failure
            );
            let last = trace.statements.last().expect("a statement");
            assert_eq!(
                last.mode_on(claim.relation),
                Some(claim.mode),
                "{} claims {} on `{}`; traced {:?}",
                claim.code,
                claim.mode,
                claim.relation,
                last.locks
            );
            if let Some(rewrites) = claim.rewrites {
                assert_eq!(
                    last.rewrote(claim.relation),
                    rewrites,
                    "{} says `{}` is {}rewritten",
                    claim.code,
                    claim.relation,
                    if rewrites { "" } else { "not " }
                );
            }
        }
    }

    #[test]
    fn a_contradicted_claim_is_caught_err() {
        // The check above must be able to fail: SHARE is not what `ADD COLUMN` takes.
        let mut engine = engine(CLAIM_SETUP);
        let trace = traced(engine.as_mut(), "ALTER TABLE expenses ADD COLUMN n int");
        assert_ne!(trace.statements[0].mode_on("expenses"), Some(LockMode::Share));
    }

    #[test]
    fn concurrently_is_documented_ok() {
        let mut engine = engine(CLAIM_SETUP);
        let step = |sql: &str, autocommit: bool| Step {
            sql: sql.to_owned(),
            autocommit,
            span: None,
            documented: Vec::new(),
        };
        let steps = trace_steps(&[
            step("ALTER TABLE expenses ADD COLUMN n int", false),
            step("CREATE INDEX CONCURRENTLY ix_expenses_n ON expenses (n)", true),
            step("DROP INDEX CONCURRENTLY ix_expenses_status", true),
        ]);
        let trace = super::trace(engine.as_mut(), &steps).expect("traced");
        assert!(trace.failure.is_none(), "{:?}", trace.failure);
        let shown: Vec<(usize, Source, Option<LockMode>)> = trace
            .statements
            .iter()
            .map(|s| (s.transaction, s.source, s.mode_on("expenses")))
            .collect();
        assert_eq!(
            shown,
            [
                (0, Source::Observed, Some(LockMode::AccessExclusive)),
                (1, Source::Documented, Some(LockMode::ShareUpdateExclusive)),
                (2, Source::Documented, Some(LockMode::ShareUpdateExclusive))
            ]
        );
        assert_eq!(trace.statements[1].created, ["ix_expenses_n"]);
    }

    #[test]
    fn failing_statement_rolls_back_err() {
        let mut engine = engine(CLAIM_SETUP);
        let source = "ALTER TABLE expenses ADD COLUMN n int;\nALTER TABLE nope ADD COLUMN n int;\n";
        let mut trace = super::trace(engine.as_mut(), &steps(source)).expect("traced");
        trace.locate(source);
        assert_eq!(
            trace.failure.as_ref().map(|f| (f.step, f.error.sqlstate.as_str())),
            Some((1, "42P01"))
        );
        assert!(
            render("m.sql", &trace)
                .contains("m.sql:2: step 2 failed and the transaction rolled back: ERROR 42P01"),
            "{}",
            render("m.sql", &trace)
        );
        let columns = engine.query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'expenses' AND column_name = 'n'").expect("query");
        assert_eq!(
            columns.rows[0][0].to_string().trim_matches('"'),
            "0",
            "the first statement was rolled back"
        );
    }
}
