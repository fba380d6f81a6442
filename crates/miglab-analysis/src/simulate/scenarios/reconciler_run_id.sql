CREATE TABLE expenses (id SERIAL NOT NULL, amount NUMERIC(10, 2) NOT NULL, PRIMARY KEY (id));
-- migration
ALTER TABLE expenses ADD COLUMN reconciler_run_id UUID;
CREATE INDEX ix_expenses_reconciler_run_id ON expenses (reconciler_run_id);
-- downgrade in the wrong order: the index goes with the column
ALTER TABLE expenses DROP COLUMN reconciler_run_id;
