//! The sandbox's work: the starting database built from the learner's SQL, their revisions translated in the
//! analyzer, and the round trip (upgrade, downgrade, upgrade) on a branch with the "leaves no trace" report.
//!
//! Everything runs through [`Backend`] like a lesson's flows, with Alembic's transaction rules from the model's runner
//! (`lab::run_one`), so the sandbox sends what a lesson page would for the same migration.

use crate::services::analyzer_link;
use crate::services::consequences;
use crate::services::lab::{self, Backend, PRISTINE};
use crate::state::drop_guard::{Stake, Threat};
use crate::state::run_state::{Failure, Rows, RunRecord};
use crate::state::sandbox::{Doc, RevisionDoc};
use crate::state::sandbox_chain::{self, Link};
use crate::state::sandbox_dump::{self, Item, Note};
use crate::state::sandbox_trace::{self, Report, Snapshot, TableRows};
use miglab_model::diagnostic::{Diagnostic, LineIndex};
use miglab_model::finding::Finding;
use miglab_model::lesson::{LessonMigration, MigrationRef, MigrationSource};
use miglab_model::migration::{Direction, Migration, Revision};
use miglab_model::schema::Schema;

/// The branch point the sandbox's starting database is kept at.
pub const START: &str = "sandbox-start";

/// The starting database as it was built.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Loaded {
    pub schema: Schema,
    /// What was set aside or changed on the way, at its line (`sandbox_dump`), and statements excused on the engine.
    pub notes: Vec<Note>,
    /// Each statement Postgres refused, at its line; the others ran.
    pub failures: Vec<(u32, Failure)>,
    /// How many statements ran.
    pub statements: usize,
}

/// Builds the starting database from `text` on the untouched database and keeps it as the branch point [`START`].
/// Each statement runs on its own, so one that fails is reported at its line and the others still run; only an
/// engine that fails (a statement past the time limit, a lost worker) stops the load.
pub async fn load(engine: &dyn Backend, text: &str) -> Result<Loaded, Failure> {
    let script = sandbox_dump::clean(text);
    let mut loaded = Loaded { notes: script.notes, ..Loaded::default() };
    engine.reset(PRISTINE).await?;
    for item in &script.items {
        match item {
            Item::Sql { line, text } => {
                let (steps, diagnostics) = analyzer_link::split(text)
                    .await
                    .map_err(|m| Failure::plain("The analyzer did not answer", m))?;
                let index = LineIndex::new(text);
                let at = |offset: usize| line + index.line_col(offset).line - 1;
                for d in diagnostics.iter().filter(|d| d.is_error()) {
                    let n = d.span.map_or(*line, |s| at(s.start));
                    loaded
                        .failures
                        .push((n, Failure::plain("The SQL does not parse", d.message.clone())));
                }
                for step in steps {
                    let n = step.span.map_or(*line, |s| at(s.start));
                    run_statement(engine, &step.sql, n, &mut loaded).await?;
                }
            }
            Item::Rows(rows) => {
                // One statement for the block; only when Postgres refuses it, each row alone, to name the rows at fault.
                match engine.exec(&rows.all()).await {
                    Ok(()) => loaded.statements += 1,
                    Err(f) if f.sqlstate.is_some() => {
                        for (n, tuple) in &rows.rows {
                            run_statement(engine, &rows.one(tuple), *n, &mut loaded).await?;
                        }
                    }
                    Err(f) => return Err(f),
                }
            }
        }
    }
    engine.branch(START).await?;
    loaded.schema = engine.introspect().await?;
    loaded.notes.sort_by_key(|n| n.line);
    Ok(loaded)
}

async fn run_statement(
    engine: &dyn Backend,
    sql: &str,
    line: u32,
    loaded: &mut Loaded,
) -> Result<(), Failure> {
    match engine.exec(sql).await {
        Ok(()) => loaded.statements += 1,
        Err(f) => {
            let Some(sqlstate) = f.sqlstate.as_deref() else { return Err(f) };
            match sandbox_dump::excused(sql, sqlstate, &f.message) {
                Some(message) => loaded.notes.push(Note { line, message }),
                None => loaded.failures.push((
                    line,
                    Failure {
                        title: format!("Line {line}: Postgres refused the statement"),
                        statement: Some(sql.to_owned()),
                        ..f
                    },
                )),
            }
        }
    }
    Ok(())
}

/// One revision as the analyzer read it.
#[derive(Clone, Debug, PartialEq)]
pub struct Translated {
    pub name: String,
    /// The migration, once it read without errors; its revision identity is the chain's.
    pub migration: Option<LessonMigration>,
    /// What the analyzer said, as `file:line:col: message`.
    pub diagnostics: Vec<String>,
}

/// The revisions in the order they run, or why they cannot run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Chain {
    pub revisions: Vec<Translated>,
    pub problem: Option<String>,
}

impl Chain {
    /// The migrations to run, when every revision read and the chain holds.
    pub fn runnable(&self) -> Option<Vec<LessonMigration>> {
        if self.problem.is_some() {
            return None;
        }
        self.revisions.iter().map(|t| t.migration.clone()).collect()
    }
}

/// Every revision translated in the analyzer and put in run order (`sandbox_chain`); `start` is the starting
/// database, whose `alembic_version` a chain of SQL pairs starts from.
pub async fn translate(doc: &Doc, start: &Schema) -> Chain {
    let mut read: Vec<(Translated, Option<Link>)> = Vec::new();
    for r in &doc.revisions {
        read.push(match r {
            RevisionDoc::Alembic { name, text } => alembic(name, text).await,
            RevisionDoc::Sql { name, order, up, down } => sql_pair(name, *order, up, down).await,
        });
    }
    if let Some(bad) = read.iter().find(|(t, _)| t.migration.is_none()) {
        let problem = Some(format!(
            "`{}` does not read; fix what the analyzer says about it, and the lab runs the chain.",
            bad.0.name
        ));
        return Chain { revisions: read.into_iter().map(|(t, _)| t).collect(), problem };
    }
    let links: Vec<Link> = read.iter().filter_map(|(_, l)| l.clone()).collect();
    let stamp = match start.alembic_version.as_deref() {
        Some([one]) => Some(one.as_str()),
        _ => None,
    };
    match sandbox_chain::order(&links, stamp) {
        Ok(order) => {
            let revisions = order
                .into_iter()
                .filter_map(|(i, revision)| {
                    let (mut t, _) = read.get(i)?.clone();
                    if let Some(m) = t.migration.as_mut() {
                        m.migration.revision =
                            Revision { message: m.migration.revision.message.clone(), ..revision };
                    }
                    Some(t)
                })
                .collect();
            Chain { revisions, problem: None }
        }
        Err(problem) => {
            Chain { revisions: read.into_iter().map(|(t, _)| t).collect(), problem: Some(problem) }
        }
    }
}

fn rendered(diagnostics: &[Diagnostic], file: &str) -> Vec<String> {
    diagnostics.iter().map(|d| d.render(file)).collect()
}

async fn alembic(name: &str, text: &str) -> (Translated, Option<Link>) {
    match analyzer_link::alembic(text.to_owned()).await {
        Ok(parsed) => {
            let diagnostics = rendered(&parsed.diagnostics, name);
            let link = Link::Alembic(parsed.migration.revision.clone());
            let migration = (!parsed.has_errors()).then(|| LessonMigration {
                reference: MigrationRef { file: Some(name.to_owned()), ..MigrationRef::default() },
                source: MigrationSource::Alembic { file: name.to_owned(), text: text.to_owned() },
                migration: parsed.migration,
            });
            (Translated { name: name.to_owned(), migration, diagnostics }, Some(link))
        }
        Err(message) => (
            Translated { name: name.to_owned(), migration: None, diagnostics: vec![message] },
            None,
        ),
    }
}

async fn sql_pair(name: &str, order: u32, up: &str, down: &str) -> (Translated, Option<Link>) {
    let (up_file, down_file) = (format!("{name}.up.sql"), format!("{name}.down.sql"));
    let halves = (analyzer_link::split(up).await, analyzer_link::split(down).await);
    let ((upgrade, up_d), (downgrade, down_d)) = match halves {
        (Ok(u), Ok(d)) => (u, d),
        (Err(message), _) | (_, Err(message)) => {
            return (
                Translated { name: name.to_owned(), migration: None, diagnostics: vec![message] },
                None,
            )
        }
    };
    let mut diagnostics = rendered(&up_d, &up_file);
    diagnostics.extend(rendered(&down_d, &down_file));
    let fine = !up_d.iter().chain(&down_d).any(Diagnostic::is_error);
    let migration = fine.then(|| LessonMigration {
        reference: MigrationRef {
            up: Some(up_file.clone()),
            down: Some(down_file.clone()),
            ..MigrationRef::default()
        },
        source: MigrationSource::Sql {
            up_file,
            up: up.to_owned(),
            down_file,
            down: down.to_owned(),
        },
        migration: Migration {
            revision: Revision { message: name.to_owned(), ..Revision::default() },
            upgrade,
            downgrade,
        },
    });
    (Translated { name: name.to_owned(), migration, diagnostics }, Some(Link::Sql { order }))
}

/// One revision's upgrade in the first pass: the rules' findings on the database it ran on, what the destructive
/// ones would destroy there (counted before it ran), and the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Upgraded {
    pub findings: Vec<(Finding, Vec<Stake>)>,
    pub record: RunRecord,
}

/// The round trip and its report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RoundTrip {
    /// The database at [`START`], before anything ran.
    pub start: Schema,
    pub upgrades: Vec<Upgraded>,
    pub downgrades: Vec<RunRecord>,
    /// The upgrade again, after the downgrade: a trace left behind often makes it fail.
    pub again: Vec<RunRecord>,
    /// Before the upgrade against after the downgrade; `None` when a run failed before the downgrade finished.
    pub report: Option<Report>,
    /// An analyzer that did not answer for the rules; the runs still happened.
    pub rules_failure: Option<String>,
}

impl RoundTrip {
    /// The database at head after the first upgrade, when every revision ran.
    pub fn head(&self) -> Option<&Schema> {
        match self.upgrades.last() {
            Some(u) if self.upgrades.iter().all(|u| u.record.failure.is_none()) => {
                Some(&u.record.after)
            }
            _ => None,
        }
    }
}

/// From [`START`]: each revision upgraded in turn (`alembic upgrade +1`), with its findings; each downgraded in turn
/// back to the start (`alembic downgrade -1`); the snapshots compared; then the upgrade again.
/// A failing run stops that pass and the ones after it; an engine that fails is the `Err`.
pub async fn round_trip(
    engine: &dyn Backend,
    migrations: &[LessonMigration],
) -> Result<RoundTrip, Failure> {
    engine.reset(START).await?;
    let before = snapshot(engine).await?;
    let mut trip = RoundTrip { start: before.schema.clone(), ..RoundTrip::default() };
    for m in migrations {
        let schema = engine.introspect().await?;
        let findings = match analyzer_link::rules(m.migration.upgrade.clone(), Some(schema)).await {
            Ok(findings) => findings,
            Err(message) => {
                trip.rules_failure = Some(message);
                Vec::new()
            }
        };
        let mut counted = Vec::new();
        for finding in findings {
            let threats: Vec<Threat> = if finding.is_destructive() {
                finding
                    .affected
                    .iter()
                    .map(|a| Threat {
                        code: finding.code.clone(),
                        message: finding.message.clone(),
                        table: a.table.clone(),
                        column: a.column.clone(),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let stakes = consequences::count(engine, &threats).await?;
            counted.push((finding, stakes));
        }
        let record = lab::run_one(engine, m, Direction::Upgrade).await;
        let failed = record.failure.is_some();
        trip.upgrades.push(Upgraded { findings: counted, record });
        if failed {
            return Ok(trip);
        }
    }
    for m in migrations.iter().rev() {
        let record = lab::run_one(engine, m, Direction::Downgrade).await;
        let failed = record.failure.is_some();
        trip.downgrades.push(record);
        if failed {
            return Ok(trip);
        }
    }
    let after = snapshot(engine).await?;
    trip.report = Some(sandbox_trace::compare(&before, &after));
    for m in migrations {
        let record = lab::run_one(engine, m, Direction::Upgrade).await;
        let failed = record.failure.is_some();
        trip.again.push(record);
        if failed {
            break;
        }
    }
    Ok(trip)
}

/// The database as the report compares it (`sandbox_trace`).
async fn snapshot(engine: &dyn Backend) -> Result<Snapshot, Failure> {
    let schema = engine.introspect().await?;
    let sequences = engine
        .query(sandbox_trace::SEQUENCES)
        .await?
        .rows
        .into_iter()
        .filter_map(|mut r| {
            let value = r.get_mut(1).and_then(Option::take);
            Some((r.into_iter().next()??, value))
        })
        .collect();
    let rows = match sandbox_trace::rows_query(&schema) {
        Some(sql) => engine.query(&sql).await?,
        None => Rows::default(),
    };
    let rows = rows
        .rows
        .into_iter()
        .filter_map(|r| {
            let mut r = r.into_iter();
            let (table, count, md5) = (r.next()??, r.next()??, r.next()??);
            Some(TableRows { table, count: count.parse().ok()?, md5 })
        })
        .collect();
    Ok(Snapshot { schema, sequences, rows })
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::services::lab::test::{block_on, Fake};

    #[test]
    fn load_runs_each_statement_at_its_line_ok() {
        let fake = Fake { fail_on: Some("OWNER TO"), ..Fake::default() };
        let dump = "SET x = 1;\nCREATE TABLE t (a int);\nALTER TABLE t OWNER TO app;\nCOPY t (a) FROM stdin;\n1\n2\n\\.\n";
        let loaded = block_on(load(&fake, dump)).expect("loaded");
        assert_eq!(
            *fake.log.borrow(),
            [
                "reset miglab-pristine",
                "CREATE TABLE t (a int)",
                "ALTER TABLE t OWNER TO app",
                "INSERT INTO t (a) OVERRIDING SYSTEM VALUE VALUES ('1'),\n('2')",
                "branch sandbox-start",
            ]
        );
        assert_eq!(loaded.statements, 2);
        // The fake's refusal is not a missing role, so it is a failure at its line, not a note.
        assert_eq!(loaded.failures.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [3]);
        assert_eq!(loaded.notes.iter().map(|n| n.line).collect::<Vec<_>>(), [1, 4]);
    }

    #[test]
    fn refused_block_is_retried_row_by_row_err() {
        let fake = Fake { fail_on: Some("('2')"), ..Fake::default() };
        let loaded = block_on(load(&fake, "COPY t (a) FROM stdin;\n1\n2\n\\.\n")).expect("loaded");
        assert_eq!(loaded.failures.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [3]);
        assert_eq!(loaded.statements, 1, "row 1 loaded alone");
    }

    /// The browser test's revision (web/tests/app/sandbox.test.mjs): an enum type made and a column of it, and a
    /// downgrade that drops the column but leaves the type.
    #[test]
    fn translate_enum_left_behind_ok() {
        let text = r#""""add expense status

Revision ID: a1b2c3
Revises:
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "a1b2c3"
down_revision = None


def upgrade():
    expense_status = postgresql.ENUM("draft", "approved", name="expense_status")
    expense_status.create(op.get_bind())
    op.add_column("expenses", sa.Column("status", expense_status, nullable=True))


def downgrade():
    op.drop_column("expenses", "status")
"#;
        let doc = Doc {
            schema: String::new(),
            revisions: vec![RevisionDoc::Alembic {
                name: "a1b2c3_status.py".into(),
                text: text.into(),
            }],
        };
        let chain = block_on(translate(&doc, &Schema::default()));
        let m = &chain.runnable().unwrap_or_else(|| panic!("{chain:?}"))[0];
        let sql: Vec<_> = m
            .migration
            .upgrade
            .iter()
            .chain(&m.migration.downgrade)
            .map(|s| s.sql.as_str())
            .collect();
        assert_eq!(
            sql,
            [
                "CREATE TYPE expense_status AS ENUM ('draft', 'approved')",
                "ALTER TABLE expenses ADD COLUMN status expense_status",
                "ALTER TABLE expenses DROP COLUMN status",
            ]
        );
    }

    #[test]
    fn translate_orders_sql_pairs_ok() {
        let doc = Doc {
            schema: String::new(),
            revisions: vec![
                RevisionDoc::Sql {
                    name: "b".into(),
                    order: 2,
                    up: "SELECT 2;".into(),
                    down: String::new(),
                },
                RevisionDoc::Sql {
                    name: "a".into(),
                    order: 1,
                    up: "SELECT 1;".into(),
                    down: String::new(),
                },
            ],
        };
        let chain = block_on(translate(&doc, &Schema::default()));
        let ids: Vec<_> =
            chain.runnable().expect("runs").iter().map(|m| m.id().to_owned()).collect();
        assert_eq!(ids, ["sql-1", "sql-2"]);
    }
}
