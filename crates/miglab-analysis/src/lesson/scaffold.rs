//! `miglab new ID`: the files of a new lesson that passes `miglab check` as generated.
//!
//! The scaffold is a complete, small lesson (a `tasks` table gains a `created_by` column and its index)
//! so an instructor edits working text instead of filling in blanks, and `miglab check` stays green at every step.

use std::collections::BTreeMap;

/// The new lesson's files, keyed by path relative to the lessons folder (`<id>/lesson.toml`, …).
/// Revision ids are derived from the lesson id, so two scaffolded lessons do not share them.
pub fn scaffold(id: &str) -> BTreeMap<String, String> {
    let [base, upgrade, modify, make] = revisions(id);
    let fill = |template: &str| {
        template
            .replace("{id}", id)
            .replace("{base}", &base)
            .replace("{upgrade}", &upgrade)
            .replace("{modify}", &modify)
            .replace("{make}", &make)
    };
    let migrations = [
        (
            format!("migrations/{upgrade}_add_created_by.py"),
            revision_file(
                &upgrade,
                &base,
                "2026-04-06",
                "add created_by to tasks",
                "    op.add_column(\"tasks\", sa.Column(\"created_by\", sa.Uuid(), nullable=True))\n    op.create_index(\"ix_tasks_created_by\", \"tasks\", [\"created_by\"])",
                "    op.drop_index(\"ix_tasks_created_by\", table_name=\"tasks\")\n    op.drop_column(\"tasks\", \"created_by\")",
            ),
        ),
        (
            format!("modify/{modify}_add_priority.py"),
            revision_file(
                &modify,
                &upgrade,
                "2026-04-07",
                "add priority to tasks",
                "    op.add_column(\"tasks\", sa.Column(\"priority\", sa.Integer(), nullable=False, server_default=\"0\"))",
                "    op.drop_column(\"tasks\", \"priority\")",
            ),
        ),
        (
            format!("make/{make}_add_due_on.py"),
            revision_file(&make, &upgrade, "2026-04-08", "add due_on to tasks", "    op.add_column(\"tasks\", sa.Column(\"due_on\", sa.Date(), nullable=True))", "    op.drop_column(\"tasks\", \"due_on\")"),
        ),
    ];
    let mut files: BTreeMap<String, String> =
        migrations.into_iter().map(|(path, text)| (format!("{id}/{path}"), text)).collect();
    files.insert(format!("{id}/lesson.toml"), fill(LESSON));
    files.insert(format!("{id}/seed.sql"), fill(SEED));
    files
}

/// Four 12-digit hex revision ids, the shape `alembic revision` generates, from an FNV-1a hash of the id.
fn revisions(id: &str) -> [String; 4] {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    [0u8, 1, 2, 3].map(|salt| {
        for byte in id.bytes().chain([salt]) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{:012x}", hash & 0xffff_ffff_ffff)
    })
}

const SEED: &str = r#"-- {id}: the starting ("production") database, with realistic rows and the Alembic stamp.
CREATE TABLE tasks (
    id serial PRIMARY KEY,
    title varchar(200) NOT NULL,
    done boolean NOT NULL DEFAULT false,
    created_at timestamp with time zone NOT NULL DEFAULT now()
);
INSERT INTO tasks (title, done, created_at) VALUES
    ('Reconcile March card statement', true, '2026-04-02 09:00:00+00'),
    ('Chase missing taxi receipts', false, '2026-04-03 10:30:00+00'),
    ('Approve hotel invoices', false, '2026-04-03 14:00:00+00'),
    ('Export VAT report', true, '2026-04-04 08:15:00+00'),
    ('Review low-confidence matches', false, '2026-04-05 16:45:00+00');

CREATE TABLE alembic_version (
    version_num varchar(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version (version_num) VALUES ('{base}');
"#;

/// An Alembic revision file as `alembic revision` writes it, around the given function bodies.
fn revision_file(
    revision: &str,
    down_revision: &str,
    date: &str,
    message: &str,
    upgrade: &str,
    downgrade: &str,
) -> String {
    format!(
        r#""""{message}

Revision ID: {revision}
Revises: {down_revision}
Create Date: {date} 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "{revision}"
down_revision = "{down_revision}"
branch_labels = None
depends_on = None


def upgrade() -> None:
{upgrade}


def downgrade() -> None:
{downgrade}
"#
    )
}

const LESSON: &str = r#"# A new lesson. `miglab check` verifies every key below on the engine; docs/lesson-format.md explains each field.
format = 1
id = "{id}"
title = "Add created_by to tasks"
summary = "Predict what a nullable uuid column and its index do to a table with rows, run it on a branch, then extend it."
minutes = 20
prerequisites = []
story = """
The finance team tracks its month-end work in a `tasks` table.
They want to know who created each task, so the agent wrote a migration that adds `created_by` and an index on it.
Read it before it runs.
"""

[database]
seed = "seed.sql"
revision = "{base}"

[[migrations]]
file = "migrations/{upgrade}_add_created_by.py"

[predict]
intro = "Answer from the migration file alone."

[[predict.questions]]
id = "schema-after-upgrade"
prompt = "What does `tasks` look like after `upgrade()`?"
ai_free = true
after = ["upgrade head"]

[predict.questions.key]
kind = "schema"
scope = { tables = ["tasks"] }
why = { "tasks.created_by" = "`sa.Uuid()` with `nullable=True` is a nullable `uuid` column with no default." }

[[predict.questions.key.expected.tables]]
name = "tasks"
columns = [
    { name = "id", data_type = "integer", not_null = true, default = "nextval('tasks_id_seq'::regclass)" },
    { name = "title", data_type = "character varying(200)", not_null = true },
    { name = "done", data_type = "boolean", not_null = true, default = "false" },
    { name = "created_at", data_type = "timestamp with time zone", not_null = true, default = "now()" },
    { name = "created_by", data_type = "uuid" },
]
indexes = [
    { name = "ix_tasks_created_by", definition = "CREATE INDEX ix_tasks_created_by ON public.tasks USING btree (created_by)", columns = ["created_by"] },
    { name = "tasks_pkey", definition = "CREATE UNIQUE INDEX tasks_pkey ON public.tasks USING btree (id)", unique = true, columns = ["id"] },
]

[[predict.questions]]
id = "existing-row"
prompt = "What does task 1's `created_by` hold after `upgrade()`?"
ai_free = true
after = ["upgrade head"]
query = "SELECT created_by FROM tasks WHERE id = 1"

[predict.questions.key]
kind = "value"
why = "A nullable column without a default reads NULL in every existing row."

[[predict.questions]]
id = "add-column-lock"
prompt = "Once `ALTER TABLE tasks ADD COLUMN created_by` has run, which lock does the migration's transaction hold on `tasks`, and has Postgres rewritten the table?"
after = ["upgrade head"]

# Graded against the engine's lock trace of the run; `miglab check` fails if `mode` or `rewritten` disagrees with it.
[predict.questions.key]
kind = "lock"
statement = "ALTER TABLE tasks ADD COLUMN created_by"
table = "tasks"
mode = "ACCESS EXCLUSIVE"
rewritten = false
why = "Every ALTER TABLE that adds a column takes ACCESS EXCLUSIVE until the transaction commits, but a nullable column without a default is only a catalog change: no row is touched."

[run]
intro = "Upgrade, then downgrade, on a branch."
branch = "migration-created-by"
commands = ["upgrade head", "downgrade -1"]

[run.expect]
rows_unchanged = true
values = [{ query = "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_tasks_created_by'", expected = "0" }]

[investigate]
intro = "Explain first, then experiment."

[[investigate.explain]]
id = "why-index-first"
prompt = "Why does `downgrade()` drop the index before the column?"
model_answer = "It undoes `upgrade()` in reverse. Dropping the column would drop its index too, and the explicit `DROP INDEX` would then fail with 42704."
ai_free = true

[[investigate.experiments]]
id = "not-null"
title = "Add it NOT NULL instead"
prompt = "Add the column as NOT NULL with no default, on a table that has rows."
sql = "ALTER TABLE tasks ADD COLUMN created_by uuid NOT NULL"

[investigate.experiments.expect.error]
sqlstate = "23502"
message = 'column "created_by" of relation "tasks" contains null values'

[modify]
brief = "Add a `priority` integer to tasks that is never NULL; existing tasks get 0."
solution = { file = "modify/{modify}_add_priority.py" }

[modify.checks]
round_trip = true
downgrade_order = true
values = [{ query = "SELECT count(*) FROM tasks WHERE priority = 0", expected = "5" }]

[make]
brief = "Add an optional due date to tasks, so finance can see what is late."
solution = { file = "make/{make}_add_due_on.py" }

[make.checks]
round_trip = true
downgrade_order = true

[[make.checks.tables]]
name = "tasks"
columns = [
    { name = "id", data_type = "integer", not_null = true, default = "nextval('tasks_id_seq'::regclass)" },
    { name = "title", data_type = "character varying(200)", not_null = true },
    { name = "done", data_type = "boolean", not_null = true, default = "false" },
    { name = "created_at", data_type = "timestamp with time zone", not_null = true, default = "now()" },
    { name = "created_by", data_type = "uuid" },
    { name = "due_on", data_type = "date" },
]

[make.approval]
template = "I read this migration. upgrade() adds …; downgrade() drops …. I tested both on branch …."
"#;

#[cfg(test)]
mod test {
    use super::*;
    use crate::lesson::{load, parse_manifest, MANIFEST};

    #[test]
    fn scaffold_loads_ok() {
        let files = scaffold("my_lesson");
        let text = files.get(&format!("my_lesson/{MANIFEST}")).expect("manifest");
        let (manifest, diagnostics) = parse_manifest("my_lesson/lesson.toml", text);
        assert_eq!(diagnostics, Vec::new());
        let manifest = manifest.expect("parses");
        let relative: BTreeMap<String, String> = files
            .iter()
            .map(|(k, v)| (k.trim_start_matches("my_lesson/").to_owned(), v.clone()))
            .collect();
        let (lesson, diagnostics) = load(&manifest, &relative);
        assert_eq!(diagnostics, Vec::new());
        assert_eq!(lesson.map(|l| l.chain.len()), Some(1));
    }

    #[test]
    fn revisions_differ_ok() {
        let [a, b, c, d] = revisions("x");
        assert!(a.len() == 12 && a != b && b != c && c != d);
        assert_ne!(revisions("x"), revisions("y"));
    }
}
