// "Open your own migration" (#/sandbox): a sandbox link opens, the round trip runs on the engine, and the report says
// whether the downgrade left a trace. The links are written here with Node's own raw DEFLATE and base64url, the format
// the page documents (state/sandbox_share.rs), so the page's reader is tested against an independent writer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { open, BASE, waitForEngine } from './lib.mjs';

/// A sandbox link for `doc`, as the page's share button writes it.
function link(doc) {
  const data = zlib.deflateRawSync(Buffer.from(JSON.stringify(doc))).toString('base64url');
  return new URL(`#/sandbox/v1.${data}`, BASE).href;
}

// A starting database as pg_dump writes it: settings, an emptied search_path, a role this lab lacks, psql commands and
// a COPY block of rows.
const DUMP = `--
-- PostgreSQL database dump
--

\\restrict 7rTqbXyZ

SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SELECT pg_catalog.set_config('search_path', '', false);

CREATE TABLE public.expenses (
    id integer NOT NULL,
    amount numeric(10,2) NOT NULL,
    note text
);

ALTER TABLE public.expenses OWNER TO reconciler;

CREATE SEQUENCE public.expenses_id_seq AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
ALTER SEQUENCE public.expenses_id_seq OWNED BY public.expenses.id;
ALTER TABLE ONLY public.expenses ALTER COLUMN id SET DEFAULT nextval('public.expenses_id_seq'::regclass);

COPY public.expenses (id, amount, note) FROM stdin;
1	12.50	taxi
2	80.00	\\N
3	7.25	it's a "quote"\\tand a tab
\\.

SELECT pg_catalog.setval('public.expenses_id_seq', 3, true);

ALTER TABLE ONLY public.expenses ADD CONSTRAINT expenses_pkey PRIMARY KEY (id);

\\unrestrict 7rTqbXyZ
`;

// The revision creates an enum type and a column of it; its downgrade drops the column and forgets the type.
const LEAKY = `"""add expense status

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
`;

async function runRoundTrip(page) {
  await waitForEngine(page);
  await page.getByRole('button', { name: 'Run upgrade, downgrade, upgrade' }).click();
  await page.getByRole('heading', { name: 'Does the downgrade leave a trace?' }).waitFor({ timeout: 120_000 });
}

test('a sandbox link whose downgrade leaves the enum type behind is reported as leaving a trace', async () => {
  const app = await open('sandbox-trace');
  const { page } = app;
  try {
    await page.goto(link({ schema: DUMP, revisions: [{ kind: 'alembic', name: 'a1b2c3_status.py', text: LEAKY }] }));
    const schema = page.getByRole('textbox', { name: 'Starting schema (SQL)' });
    await assert.doesNotReject(schema.waitFor());
    assert.equal(await schema.inputValue(), DUMP, 'the link carries the schema text as written');
    assert.equal(await page.getByRole('textbox', { name: 'Alembic file of revision 1' }).inputValue(), LEAKY);
    await app.shot('opened');
    await runRoundTrip(page);

    // The dump loaded: no statement refused, the role and the psql commands set aside with notes, the rows in.
    const loaded = page.getByRole('region', { name: 'The starting database' });
    await assert.doesNotReject(loaded.getByText('the database has 1 table and 0 enum types').waitFor());
    assert.equal(await loaded.getByRole('alert').count(), 0, 'no statement of the dump was refused');
    await loaded.getByText(/notes about the file/).click();
    await assert.doesNotReject(loaded.getByText(/Line 5: The psql command \\restrict was skipped/).waitFor());
    await assert.doesNotReject(loaded.getByText(/ALTER TABLE public\.expenses OWNER TO reconciler was skipped: role "reconciler" does not exist/).waitFor());
    await assert.doesNotReject(loaded.getByText('Line 23: The COPY of public.expenses is loaded as an INSERT of its 3 rows.').waitFor());

    // The DDL, the run and the diff.
    const ddl = page.getByRole('article', { name: 'DDL of a1b2c3_status.py' });
    await assert.doesNotReject(ddl.getByText("CREATE TYPE expense_status AS ENUM ('draft', 'approved');", { exact: false }).waitFor());
    const diff = page.getByRole('region', { name: 'The run on a branch' });
    await assert.doesNotReject(diff.getByText('3 rows (unchanged)').first().waitFor());

    // The round trip: the downgrade runs, the report names the type, and the upgrade again trips over it.
    const trip = page.getByRole('region', { name: 'Round trip: upgrade, downgrade, upgrade' });
    await assert.doesNotReject(trip.getByText('Downgrade: ran.').waitFor());
    await assert.doesNotReject(trip.getByText('Upgrade again: failed.').waitFor());
    await assert.doesNotReject(trip.getByText('type "expense_status" already exists').first().waitFor());
    const report = page.getByRole('region', { name: 'Does the downgrade leave a trace?' });
    await assert.doesNotReject(report.getByText('The downgrade leaves 1 trace.').waitFor());
    const items = await report.getByRole('listitem').allTextContents();
    assert.deepEqual(items.filter((t) => t.startsWith('The downgrade')), ['The downgrade left the enum type expense_status behind.']);
    await report.scrollIntoViewIfNeeded();
    await app.shot('trace');
    await app.axe('sandbox with a trace');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});

test('a downgrade that drops the type too leaves no trace, and the share button writes a link that opens the same sandbox', async () => {
  const app = await open('sandbox-clean');
  const { page } = app;
  try {
    const up = "CREATE TYPE expense_status AS ENUM ('draft', 'approved');\nALTER TABLE expenses ADD COLUMN status expense_status;\n";
    const down = 'ALTER TABLE expenses DROP COLUMN status;\nDROP TYPE expense_status;\n';
    // An extension this engine lacks: that statement is refused at its line, and the rest of the dump still loads.
    const dump = DUMP.replace('\n\\unrestrict', '\nCREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;\n\n\\unrestrict');
    await page.goto(link({ schema: dump, revisions: [{ kind: 'sql', name: '000001_status', order: 1, up, down }] }));
    await page.getByRole('textbox', { name: 'Upgrade SQL of revision 1' }).waitFor();
    await runRoundTrip(page);
    const loaded = page.getByRole('region', { name: 'The starting database' });
    const refused = loaded.getByRole('alert');
    await assert.doesNotReject(refused.getByText('Postgres refused 1 of its statements; the others ran.').waitFor());
    assert.match(await refused.getByRole('listitem').first().textContent(), /^Line 33: ERROR \w{5}: .*postgis/);
    await assert.doesNotReject(loaded.getByText('the database has 1 table and 0 enum types').waitFor());
    const report = page.getByRole('region', { name: 'Does the downgrade leave a trace?' });
    await assert.doesNotReject(report.getByText('The downgrade leaves no trace.').waitFor());
    assert.equal(await report.getByRole('listitem').count(), 0, 'no difference is listed');
    const trip = page.getByRole('region', { name: 'Round trip: upgrade, downgrade, upgrade' });
    await assert.doesNotReject(trip.getByText('Upgrade again: ran.').waitFor());
    await report.scrollIntoViewIfNeeded();
    await app.shot('no-trace');

    // Edit, share, and open the shared link in a fresh page: the edit travels in the fragment.
    await page.getByRole('textbox', { name: 'Downgrade SQL of revision 1' }).fill('ALTER TABLE expenses DROP COLUMN status;\n');
    await page.getByRole('button', { name: 'Copy a share link' }).click();
    const shared = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
    assert.match(shared, /#\/sandbox\/v1\.[A-Za-z0-9_-]+$/);
    assert.equal(page.url(), shared, 'the address bar holds the link');
    const other = await page.context().newPage();
    await other.goto(shared);
    await other.getByRole('textbox', { name: 'Downgrade SQL of revision 1' }).waitFor();
    assert.equal(await other.getByRole('textbox', { name: 'Downgrade SQL of revision 1' }).inputValue(), 'ALTER TABLE expenses DROP COLUMN status;\n');
    assert.equal(await other.getByRole('textbox', { name: 'Upgrade SQL of revision 1' }).inputValue(), up);
    await other.close();

    // A link cut off in the middle opens an empty sandbox with a sentence, never a broken page.
    await page.goto(shared.slice(0, shared.length - 12));
    await assert.doesNotReject(page.getByText('This sandbox link could not be opened.').waitFor());
    assert.equal(await page.getByRole('textbox', { name: 'Starting schema (SQL)' }).inputValue(), '');
    await app.shot('broken-link');

    // A lesson's database as the start (its seed carries the alembic_version stamp), and a SQL pair typed in.
    await page.getByRole('combobox', { name: "Or start from a lesson's database" }).selectOption({ index: 1 });
    assert.match(await page.getByRole('textbox', { name: 'Starting schema (SQL)' }).inputValue(), /CREATE TABLE/);
    await page.getByRole('button', { name: 'Add a SQL up/down pair' }).click();
    await page.getByRole('textbox', { name: 'Upgrade SQL of revision 1' }).fill('ALTER TABLE expenses ADD COLUMN reviewed_at timestamptz;\n');
    await page.getByRole('textbox', { name: 'Downgrade SQL of revision 1' }).fill('ALTER TABLE expenses DROP COLUMN reviewed_at;\n');
    await runRoundTrip(page);
    await assert.doesNotReject(page.getByRole('region', { name: 'The starting database' }).getByText(/the database has \d+ tables/).waitFor());
    await assert.doesNotReject(page.getByRole('region', { name: 'Does the downgrade leave a trace?' }).getByText('The downgrade leaves no trace.').waitFor());
    // The pair revises the seed's stamp, so alembic_version moves along one row as Alembic's would.
    await assert.doesNotReject(page.getByText(/Running upgrade \w+ -> sql-1, 000001_change/).first().waitFor());
    await app.shot('lesson-database');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
