CREATE TABLE expenses (id SERIAL PRIMARY KEY, amount NUMERIC(10, 2) NOT NULL);
-- upgrade: numeric to string converts by itself
ALTER TABLE expenses ALTER COLUMN amount TYPE VARCHAR(20);
-- back: a string needs USING to become a number
ALTER TABLE expenses ALTER COLUMN amount TYPE NUMERIC(12, 2)
