DROP INDEX CONCURRENTLY ix_expenses_spent_on;
