//! A small confidence_score lesson for the app's tests, parsed by the analysis like any lesson file.

use crate::state::lesson_model::LessonView;
use miglab_model::lesson::{Lesson, LessonMigration, MigrationRef, MigrationSource};
use miglab_model::migration::{Migration, Revision, Step};

const MANIFEST: &str = r#"
format = 1
id = "confidence_score"
title = "Add confidence_score safely"
summary = "Read a one-column migration before it runs."
minutes = 25
story = "story.md"
migrations = [{ file = "versions/ab12cd34_add_confidence_score.py" }]

[database]
seed = "seed.sql"
revision = "9f0e1d2c"

[predict]
[[predict.questions]]
id = "after-upgrade"
prompt = "What does `expenses` look like after `upgrade()`?"
after = ["upgrade head"]
key = { kind = "schema" }

[[predict.questions]]
id = "existing-row"
prompt = "What does an existing row hold in `confidence_score`?"
query = "SELECT confidence_score FROM expenses WHERE id = 1"
after = ["upgrade head"]
key = { kind = "value" }

[[predict.questions]]
id = "rewrite"
prompt = "Does the upgrade rewrite the table?"
options = [{ id = "no", text = "No" }, { id = "yes", text = "Yes" }]
key = { kind = "choice", correct = ["no"] }

[[predict.questions]]
id = "downgrade-order"
prompt = "Put the steps of `downgrade()` in the order that works."
after = ["upgrade head"]
items = [
    { id = "drop-column", text = "Drop the column `run_id`", sql = "ALTER TABLE expenses DROP COLUMN run_id" },
    { id = "drop-index", text = "Drop the index `ix_run`", sql = "DROP INDEX ix_run" },
]
key = { kind = "ordering", order = ["drop-index", "drop-column"] }

[run]
branch = "migration-confidence-score"
commands = ["upgrade head", "downgrade -1"]
expect = { rows_unchanged = true }

[investigate]
explain = [{ id = "why-null", prompt = "Why did existing rows survive?", model_answer = "The column is nullable." }]

[modify]
brief = "Make it NOT NULL with default 0.000."
solution = { file = "versions/cd56ef78_not_null.py" }
checks = { round_trip = true }

[make]
brief = "Add reconciler_run_id."
solution = { file = "versions/ef90ab12_reconciler_run_id.py" }
checks = { round_trip = true, downgrade_order = true }
approval = { template = "I read this; upgrade() does X; downgrade() does Y; tested on a branch" }
fields = { table = "expenses", column = "reconciler_run_id", type = "uuid", nullable = true, index = false }

[[make.drafts]]
id = "empty-downgrade"
message = "Here is the migration for your brief."
migration = { file = "versions/draft_empty_downgrade.py" }
flaw = { lines = [17], fails = ["round_trip"], why = "`downgrade()` is `pass`, so the column stays." }

[[make.drafts]]
id = "right"
message = "Fixed: `downgrade()` drops the column now."
migration = { file = "versions/ef90ab12_reconciler_run_id.py" }
"#;

/// Built by hand rather than through `lesson::load`, so these tests do not depend on the translator.
pub fn confidence_score() -> LessonView {
    let (manifest, diagnostics) =
        miglab_analysis::lesson::parse_manifest("confidence_score/lesson.toml", MANIFEST);
    let manifest = manifest.ok_or(diagnostics).expect("the fixture manifest parses");
    let migration =
        |reference: &MigrationRef, revision: &str, parent: &str, up: &str, down: &str| {
            let step = |sql: &str| Step {
                sql: sql.into(),
                autocommit: false,
                span: None,
                documented: Vec::new(),
            };
            let file = reference.file.clone().unwrap_or_default();
            LessonMigration {
                reference: reference.clone(),
                source: MigrationSource::Alembic { file, text: String::new() },
                migration: Migration {
                    revision: Revision {
                        revision: revision.into(),
                        down_revision: vec![parent.into()],
                        message: revision.into(),
                        ..Default::default()
                    },
                    upgrade: vec![step(up)],
                    downgrade: vec![step(down)],
                },
            }
        };
    let chain = vec![migration(
        &manifest.migrations[0],
        "ab12cd34",
        "9f0e1d2c",
        "ALTER TABLE expenses ADD COLUMN confidence_score NUMERIC(4, 3)",
        "ALTER TABLE expenses DROP COLUMN confidence_score",
    )];
    let modify = migration(
        &manifest.modify.solution,
        "cd56ef78",
        "ab12cd34",
        "ALTER TABLE expenses ALTER COLUMN confidence_score SET NOT NULL",
        "ALTER TABLE expenses ALTER COLUMN confidence_score DROP NOT NULL",
    );
    let make = migration(
        &manifest.make.solution,
        "ef90ab12",
        "ab12cd34",
        "ALTER TABLE expenses ADD COLUMN reconciler_run_id UUID",
        "ALTER TABLE expenses DROP COLUMN reconciler_run_id",
    );
    let mut empty_downgrade = migration(
        &manifest.make.drafts[0].migration,
        "ef90ab12",
        "ab12cd34",
        "ALTER TABLE expenses ADD COLUMN reconciler_run_id UUID",
        "",
    );
    empty_downgrade.migration.downgrade.clear();
    let make_drafts = vec![empty_downgrade, make.clone()];
    let lesson = Lesson {
        manifest,
        seed: "CREATE TABLE expenses (id serial PRIMARY KEY);".into(),
        chain,
        modify,
        make,
        refuse: None,
        modify_drafts: Vec::new(),
        make_drafts,
    };
    LessonView::new(lesson)
}

pub fn expenses() -> miglab_model::schema::Schema {
    use miglab_model::schema::{Column, Schema, Table};
    let column = |name: &str, data_type: &str, not_null: bool| Column {
        name: name.into(),
        data_type: data_type.into(),
        not_null,
        default: None,
    };
    let columns = vec![
        column("id", "integer", true),
        column("amount", "numeric(10,2)", true),
        column("description", "text", false),
    ];
    Schema {
        tables: vec![Table {
            schema: "public".into(),
            name: "expenses".into(),
            columns,
            row_count: Some(3),
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// The fixture's schema with one more nullable `uuid` column on `expenses`, as a student's Make migration adds it.
pub fn expenses_with_column(name: &str) -> miglab_model::schema::Schema {
    let mut schema = expenses();
    schema.tables[0].columns.push(miglab_model::schema::Column {
        name: name.into(),
        data_type: "uuid".into(),
        not_null: false,
        default: None,
    });
    schema
}
