//! The bridge against real PGlite 0.5.16 in Node, where `bridge.js` runs the engine host in-thread.
//! Run with `cargo test -p miglab-pglite --target wasm32-unknown-unknown` (`cargo xtask test` does).
#![cfg(target_arch = "wasm32")]

use miglab_model::engine::plan::RunPlan;
use miglab_model::locks::LockMode;
use miglab_model::migration::{Direction, Migration, Revision, Step};
use miglab_pglite::{Engine, EngineConfig, EngineError};
use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

/// The engine every test boots: the repository's `web/`, with the prebuilt image when it was built.
async fn engine() -> Engine {
    engine_on(&format!("{}/../../web/engine/worker.js", env!("CARGO_MANIFEST_DIR"))).await
}

/// The one helper every test boots through, with `host` as the engine host module.
async fn engine_on(host: &str) -> Engine {
    let web = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web");
    let config = EngineConfig {
        worker_url: host.to_owned(),
        pglite_url: format!("{web}/node_modules/@electric-sql/pglite/dist/index.js"),
        data_dir_url: Some(format!("{web}/engine/dist/pgdata.tar.gz")),
        statement_timeout_ms: 5000,
        script_timeout_ms: 60_000,
    };
    Engine::boot(config).await.expect("PGlite boots")
}

fn confidence_score() -> Migration {
    let step = |sql: &str, autocommit| Step {
        sql: sql.to_owned(),
        autocommit,
        span: None,
        documented: Vec::new(),
    };
    Migration {
        revision: Revision {
            revision: "ab12cd34".into(),
            down_revision: vec!["9f0e1d2c".into()],
            message: "add confidence_score to expenses".into(),
            ..Revision::default()
        },
        upgrade: vec![
            step("ALTER TABLE expenses ADD COLUMN confidence_score numeric(4,3)", false),
            step(
                "CREATE INDEX CONCURRENTLY ix_expenses_score ON expenses (confidence_score)",
                true,
            ),
        ],
        downgrade: vec![
            step("DROP INDEX ix_expenses_score", false),
            step("ALTER TABLE expenses DROP COLUMN confidence_score", false),
        ],
    }
}

const SEED: &str = "CREATE TABLE expenses (id int PRIMARY KEY, amount numeric(10,2) NOT NULL);
INSERT INTO expenses SELECT g, g FROM generate_series(1, 1000) g;
CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
INSERT INTO alembic_version VALUES ('9f0e1d2c')";

#[wasm_bindgen_test]
async fn exec_script_seeds_inside_the_branch_ok() {
    // A seed goes through the same guarded path as a statement, only under the script limit:
    // a failing script leaves the branch transaction usable, and a reset takes the seed back.
    let engine = engine().await;
    engine.branch("start").await.expect("branch");
    engine.exec_script(SEED).await.expect("the seed runs");
    assert_eq!(
        engine.query("SELECT count(*) FROM expenses").await.expect("count").rows,
        [[json!("1000")]]
    );
    let error =
        engine.exec_script("CREATE TABLE expenses (id int)").await.expect_err("the table exists");
    assert_eq!(error.postgres().map(|pg| pg.sqlstate.as_str()), Some("42P07"));
    engine.reset("start").await.expect("reset");
    assert_eq!(
        engine.query("SELECT to_regclass('expenses') IS NULL").await.expect("gone").rows,
        [[json!("t")]]
    );
}

#[wasm_bindgen_test]
async fn query_returns_text_rows_ok() {
    let engine = engine().await;
    let result = engine
        .query("SELECT 1 AS one, 'x' AS x, NULL AS n, 12345678901234::int8 AS big")
        .await
        .expect("query");
    assert_eq!(result.columns, ["one", "x", "n", "big"]);
    assert_eq!(result.rows, [[json!("1"), json!("x"), json!(null), json!("12345678901234")]]);
}

#[wasm_bindgen_test]
async fn postgres_error_keeps_fields_err() {
    let engine = engine().await;
    let error =
        engine.exec("SELECT 1;\nSELECT nope FROM missing").await.expect_err("missing table");
    let pg = error.postgres().expect("a Postgres error");
    assert_eq!(
        (pg.sqlstate.as_str(), pg.position, pg.at.map(|at| at.to_string())),
        ("42P01", Some(28), Some("2:18".to_owned()))
    );
    assert!(error.to_string().starts_with("ERROR 42P01: relation \"missing\" does not exist"));
}

#[wasm_bindgen_test]
async fn upgrade_reset_cycle_ok() {
    let engine = engine().await;
    engine.exec(SEED).await.expect("seed");
    engine.branch("start").await.expect("branch");
    let up = RunPlan::new(&[confidence_score()], Direction::Upgrade);
    let report = engine.run(&up).await.expect("run");
    assert!(report.succeeded(), "{report:?}");
    assert_eq!(
        report.log.last().map(String::as_str),
        Some("Running upgrade 9f0e1d2c -> ab12cd34, add confidence_score to expenses")
    );
    let schema = engine.introspect().await.expect("introspect");
    assert_eq!(schema.alembic_version, Some(vec!["ab12cd34".to_owned()]));
    assert!(schema
        .table("expenses")
        .is_some_and(|t| t.index("ix_expenses_score").is_some() && t.row_count == Some(1000)));
    let down = engine
        .run(&RunPlan::new(&[confidence_score()], Direction::Downgrade))
        .await
        .expect("downgrade");
    assert!(down.succeeded(), "{down:?}");
    engine
        .reset("start")
        .await
        .expect("reset reloads the dump after CREATE INDEX CONCURRENTLY committed");
    let schema = engine.introspect().await.expect("introspect");
    assert_eq!(schema.alembic_version, Some(vec!["9f0e1d2c".to_owned()]));
    assert!(schema.table("expenses").is_some_and(|t| t.column("confidence_score").is_none()));
}

/// A traced run in the browser's bridge, after the introspection every lab run starts with: the introspection's reads
/// leave no lock behind (so the run need not commit the branch), and the trace holds only the migration's locks.
#[wasm_bindgen_test]
async fn traced_run_after_introspection_ok() {
    let engine = engine().await;
    engine.exec(SEED).await.expect("seed");
    engine.branch("start").await.expect("branch");
    engine.introspect().await.expect("introspect");
    let up = RunPlan::new(&[confidence_score()], Direction::Upgrade).traced();
    let report = engine.run(&up).await.expect("run");
    assert!(report.succeeded(), "{report:?}");
    let trace = report.trace.expect("a traced plan reports its trace");
    assert_eq!(trace.before, Vec::new(), "the introspection's counts released their locks");
    let add = trace.statement("ALTER TABLE expenses ADD COLUMN").expect("traced");
    assert_eq!(
        add.locks.iter().map(|l| l.relation.as_str()).collect::<Vec<_>>(),
        ["expenses"],
        "only the migration's own lock: {add:?}"
    );
    assert_eq!(add.mode_on("expenses"), Some(LockMode::AccessExclusive));
    assert!(!add.rewrote("expenses"));
}

#[wasm_bindgen_test]
async fn reset_rolls_back_transactional_work_ok() {
    let engine = engine().await;
    engine.exec(SEED).await.expect("seed");
    engine.branch("start").await.expect("branch");
    engine.exec("DELETE FROM expenses").await.expect("delete");
    let backup = engine.dump_table("expenses").await.expect("backup");
    assert!(backup.starts_with("-- backup of \"expenses\": 0 rows"), "{backup}");
    engine.reset("start").await.expect("reset");
    let count = engine.query("SELECT count(*) FROM expenses").await.expect("count");
    assert_eq!(count.rows, [[json!("1000")]]);
    assert!(matches!(engine.reset("nope").await, Err(EngineError::UnknownBranch(_))));
}

#[wasm_bindgen_test]
async fn failed_migration_reports_step_err() {
    let engine = engine().await;
    engine.exec(SEED).await.expect("seed");
    engine.branch("start").await.expect("branch");
    let mut broken = confidence_score();
    broken.upgrade[0].sql = "ALTER TABLE expenses ADD COLUMN confidence_score nope".to_owned();
    let report = engine.run(&RunPlan::new(&[broken], Direction::Upgrade)).await.expect("run");
    let failure = report.failure.expect("fails");
    assert_eq!((failure.step, failure.error.sqlstate.as_str()), (1, "42704"));
    assert_eq!(
        engine.introspect().await.expect("introspect").alembic_version,
        Some(vec!["9f0e1d2c".to_owned()])
    );
    engine.exec("SELECT 1").await.expect("the branch transaction is still usable");
}

#[wasm_bindgen_test]
async fn pristine_branch_reloads_boot_image_ok() {
    let engine = engine().await;
    engine.branch("pristine").await.expect("a branch of the boot image needs no dump");
    engine.exec("CREATE TABLE t (a int)").await.expect("create");
    engine
        .exec("CREATE INDEX CONCURRENTLY ix_t ON t (a)")
        .await
        .expect("commits the branch and runs alone");
    engine.reset("pristine").await.expect("reloads the boot image");
    assert_eq!(engine.introspect().await.expect("introspect").tables, []);
}

#[wasm_bindgen_test]
async fn reset_knows_the_branch_point_ok() {
    // A reset brings back what was read at the branch point, not what was read since: the schema, and whether
    // `alembic_version` exists, which decides whether a run creates it. Here it does not exist at the point but
    // does by the time of the reset, so a stale answer would make the run skip `CREATE TABLE` and fail.
    let engine = engine().await;
    engine.exec("CREATE TABLE expenses (id int PRIMARY KEY)").await.expect("seed");
    engine.branch("start").await.expect("branch");
    let at_point = engine.introspect().await.expect("introspect at the point");
    assert_eq!(at_point.alembic_version, None);
    let mut first = steps(&[("ALTER TABLE expenses ADD COLUMN note text", false)]);
    first.revision.down_revision = Vec::new();
    let up = RunPlan::new(&[first], Direction::Upgrade);
    for commit in ["", "CREATE INDEX CONCURRENTLY ix_id ON expenses (id)"] {
        engine
            .exec("CREATE TABLE alembic_version (version_num varchar(32) NOT NULL)")
            .await
            .expect("create");
        engine.exec("CREATE TABLE extra (a int)").await.expect("create");
        if !commit.is_empty() {
            engine.exec(commit).await.expect("commits, so the reset reloads");
        }
        assert!(engine.introspect().await.expect("introspect").table("extra").is_some());
        engine.reset("start").await.expect("reset");
        assert_eq!(
            engine.introspect().await.expect("introspect after the reset"),
            at_point,
            "{commit}"
        );
        let report = engine.run(&up).await.expect("run");
        assert!(report.succeeded(), "{commit}: {report:?}");
        assert_eq!(
            engine.introspect().await.expect("introspect").alembic_version,
            Some(vec!["ab12cd34".to_owned()])
        );
        engine.reset("start").await.expect("reset after the run");
    }
}

/// A migration of plain SQL steps `(sql, autocommit)`, from 9f0e1d2c to ab12cd34.
fn steps(up: &[(&str, bool)]) -> Migration {
    let mut migration = confidence_score();
    migration.upgrade = up
        .iter()
        .map(|(sql, autocommit)| Step {
            sql: (*sql).to_owned(),
            autocommit: *autocommit,
            span: None,
            documented: Vec::new(),
        })
        .collect();
    migration
}

#[wasm_bindgen_test]
async fn batched_run_failure_names_step_and_position_err() {
    let engine = engine().await;
    engine.exec(SEED).await.expect("seed");
    engine.branch("start").await.expect("branch");
    let before = engine.introspect().await.expect("introspect");
    let migration = steps(&[
        ("ALTER TABLE expenses ADD COLUMN note text", false),
        ("CREATE INDEX ix_note ON expenses (note)", false),
        ("UPDATE expenses SET amount = nope", false),
        ("ALTER TABLE expenses ADD COLUMN never text", false),
    ]);
    let plan = RunPlan::new(&[migration], Direction::Upgrade);
    let report = engine.run(&plan).await.expect("run");
    let failure = report.failure.expect("the UPDATE fails");
    assert_eq!(plan.steps[failure.step].sql, "UPDATE expenses SET amount = nope");
    let error = &failure.error;
    assert_eq!(
        (error.sqlstate.as_str(), error.position, error.at.map(|at| at.to_string())),
        ("42703", Some(30), Some("1:30".to_owned()))
    );
    assert_eq!(error.message, "column \"nope\" does not exist");
    assert!(
        !report.statements.iter().any(|sql| sql.contains("never")),
        "nothing after the failure is sent: {:?}",
        report.statements
    );
    assert_eq!(report.statements.last().map(String::as_str), Some("ROLLBACK"));
    assert_eq!(
        engine.introspect().await.expect("introspect"),
        before,
        "the column and index before the failure rolled back"
    );
    assert_eq!(
        engine
            .query("SELECT count(*) FROM expenses")
            .await
            .expect("the branch transaction is usable")
            .rows,
        [[json!("1000")]]
    );
}

#[wasm_bindgen_test]
async fn batched_run_autocommit_step_commits_before_failure_err() {
    let engine = engine().await;
    engine.exec(SEED).await.expect("seed");
    engine.branch("start").await.expect("branch");
    let migration = steps(&[
        ("ALTER TABLE expenses ADD COLUMN note text", false),
        ("CREATE INDEX CONCURRENTLY ix_note ON expenses (note)", true),
        ("ALTER TABLE expenses ADD COLUMN score nope", false),
    ]);
    let plan = RunPlan::new(&[migration], Direction::Upgrade);
    let report = engine.run(&plan).await.expect("run");
    let failure = report.failure.expect("the unknown type fails");
    assert_eq!((failure.step, failure.error.sqlstate.as_str()), (3, "42704"));
    assert!(report.committed, "CREATE INDEX CONCURRENTLY ran alone and committed");
    let schema = engine.introspect().await.expect("introspect");
    let expenses = schema.table("expenses").expect("expenses");
    assert!(
        expenses.column("note").is_some() && expenses.index("ix_note").is_some(),
        "what committed before the autocommit step stays"
    );
    assert!(expenses.column("score").is_none());
    assert_eq!(schema.alembic_version, Some(vec!["9f0e1d2c".to_owned()]));
    engine.reset("start").await.expect("reset reloads the dump");
    assert!(engine
        .introspect()
        .await
        .expect("introspect")
        .table("expenses")
        .is_some_and(|t| t.column("note").is_none()));
}

#[wasm_bindgen_test]
async fn introspection_follows_tables_and_deallocate_ok() {
    let engine = engine().await;
    engine.branch("start").await.expect("branch");
    let mut first = steps(&[("CREATE TABLE expenses (id int)", false)]);
    first.revision.down_revision.clear();
    let report = engine.run(&RunPlan::new(&[first], Direction::Upgrade)).await.expect("run");
    assert!(report.succeeded(), "{report:?}");
    assert!(
        report.statements.iter().any(|sql| sql.starts_with("CREATE TABLE alembic_version")),
        "the version table was missing"
    );
    let names = |schema: &miglab_model::schema::Schema| {
        assert_eq!(schema.alembic_version, Some(vec!["ab12cd34".to_owned()]));
        schema.tables.iter().map(|t| (t.name.clone(), t.row_count)).collect::<Vec<_>>()
    };
    let expected = |extra: Option<u64>| {
        let mut tables = vec![("expenses".to_owned(), Some(0))];
        tables.extend(extra.map(|rows| ("extra".to_owned(), Some(rows))));
        tables
    };
    assert_eq!(names(&engine.introspect().await.expect("introspect")), expected(None));
    engine
        .exec("CREATE TABLE extra (a int); INSERT INTO extra VALUES (1), (2)")
        .await
        .expect("a new table");
    assert_eq!(names(&engine.introspect().await.expect("introspect")), expected(Some(2)));
    engine.exec("DROP TABLE extra").await.expect("the counted table goes");
    assert_eq!(names(&engine.introspect().await.expect("introspect")), expected(None));
    engine.exec("DEALLOCATE ALL").await.expect("the prepared introspection goes");
    assert_eq!(
        names(&engine.introspect().await.expect("introspect prepares again")),
        expected(None)
    );
    assert_eq!(
        engine
            .query("SELECT count(*) FROM alembic_version")
            .await
            .expect("the branch transaction is usable")
            .rows,
        [[json!("1")]]
    );
}

#[wasm_bindgen_test]
async fn guarded_statement_error_keeps_branch_err() {
    let engine = engine().await;
    engine.exec(SEED).await.expect("seed");
    engine.branch("start").await.expect("branch");
    let error =
        engine.exec("SELECT 1;\nSELECT nope FROM missing").await.expect_err("missing table");
    let pg = error.postgres().expect("a Postgres error");
    assert_eq!(
        (pg.sqlstate.as_str(), pg.position, pg.at.map(|at| at.to_string())),
        ("42P01", Some(28), Some("2:18".to_owned()))
    );
    assert_eq!(
        engine.query("SELECT 2 AS two").await.expect("the branch transaction is usable").rows,
        [[json!("2")]]
    );
    engine.exec("COMMIT").await.expect("a learner's COMMIT ends the branch transaction");
    engine.exec("CREATE TABLE kept (a int)").await.expect("a new transaction began");
    engine.reset("start").await.expect("reset reloads the dump");
    assert!(engine.introspect().await.expect("introspect").table("kept").is_none());
}

#[wasm_bindgen_test]
async fn lost_worker_in_statement_run_alone_keeps_branch_err() {
    // The host answers the statement's second run, outside the branch transaction, as a worker stopped at the limit.
    let engine = engine_on(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/lossy-host.mjs")).await;
    engine.exec(SEED).await.expect("seed");
    engine.branch("start").await.expect("branch");
    engine.exec("DELETE FROM expenses").await.expect("delete");
    let error = engine
        .exec("CREATE INDEX CONCURRENTLY ix_amount ON expenses (amount) /* lose the worker */")
        .await
        .expect_err("the worker is lost");
    assert!(matches!(error, EngineError::Timeout { ms: 5000, .. }), "{error:?}");
    assert_eq!(
        engine.query("SELECT count(*) FROM expenses").await.expect("back at the branch point").rows,
        [[json!("1000")]]
    );
    engine.exec("DELETE FROM expenses").await.expect("delete again");
    engine
        .reset("start")
        .await
        .expect("the branch savepoint is open again, so a reset rolls back to it");
    assert_eq!(
        engine.query("SELECT count(*) FROM expenses").await.expect("count").rows,
        [[json!("1000")]]
    );
}
