//! A hand-written confidence_score lesson for the reducers' tests, independent of the lesson files.

use crate::lesson_view::*;
use miglab_core::grade::{AnswerKey, ChoiceKey, SchemaKey, ValueKey};
use miglab_core::migration::Direction;
use miglab_core::schema::{Column, Schema, Table};

pub fn expenses() -> Schema {
    let column = |name: &str, data_type: &str, not_null: bool| Column { name: name.into(), data_type: data_type.into(), not_null, default: None };
    Schema {
        tables: vec![Table {
            schema: "public".into(),
            name: "expenses".into(),
            columns: vec![column("id", "integer", true), column("amount", "numeric(10,2)", true), column("description", "text", false)],
            row_count: Some(3),
            ..Default::default()
        }],
        ..Default::default()
    }
}

pub fn confidence_score() -> LessonView {
    let question = |id: &str, prompt: &str, kind, key| Question { id: id.into(), prompt: prompt.into(), kind, key, ai_free: true };
    let choice = |options: &[&str]| QuestionKind::Choice { options: options.iter().map(|o| (o.to_lowercase(), (*o).to_owned())).collect(), multiple: false };
    LessonView {
        id: "confidence_score".into(),
        title: "Add confidence_score safely".into(),
        summary: "Read a one-column migration before it runs.".into(),
        minutes: 25,
        intro: "The boss wants a `confidence_score` on every expense.".into(),
        seed_sql: "CREATE TABLE expenses (id serial PRIMARY KEY, amount numeric(10,2) NOT NULL, description text);".into(),
        chain: vec![MigrationFile {
            path: "versions/ab12cd34_add_confidence_score.py".into(),
            source: "def upgrade():\n    op.add_column(\"expenses\", sa.Column(\"confidence_score\", sa.Numeric(4, 3), nullable=True))\n".into(),
            language: "python".into(),
            revision: "ab12cd34".into(),
            down_revision: Some("9f0e1d2c".into()),
            message: "add confidence_score to expenses".into(),
        }],
        predict: StageText {
            narrative: "Write down what you expect before anything runs.".into(),
            items: vec![
                question("after-upgrade", "What does `expenses` look like after `upgrade()`?", QuestionKind::Schema { after: Direction::Upgrade, start: expenses() }, AnswerKey::Schema(SchemaKey::default())),
                question("existing-row", "What does an existing row hold in `confidence_score`?", QuestionKind::Value, AnswerKey::Value(ValueKey::default())),
                question("rewrite", "Does the upgrade rewrite the table?", choice(&["No", "Yes"]), AnswerKey::Choice(ChoiceKey { correct: vec!["no".into()], ..Default::default() })),
            ],
        },
        make: Make { approval_terms: vec!["reconciler_run_id".into()], ..Default::default() },
        ..Default::default()
    }
}
