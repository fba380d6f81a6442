-- Month-end reports filter expenses by date; build the index without blocking the importer's writes.
-- CONCURRENTLY cannot run inside a transaction block, so this file holds this one statement only.
CREATE INDEX CONCURRENTLY ix_expenses_spent_on ON expenses (spent_on);
