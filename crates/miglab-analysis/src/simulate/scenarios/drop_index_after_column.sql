CREATE TABLE expenses (id SERIAL PRIMARY KEY, reconciler_run_id UUID);
CREATE INDEX ix_expenses_reconciler_run_id ON expenses (reconciler_run_id);
-- downgrade, wrong order
ALTER TABLE expenses DROP COLUMN reconciler_run_id;
DROP INDEX ix_expenses_reconciler_run_id
