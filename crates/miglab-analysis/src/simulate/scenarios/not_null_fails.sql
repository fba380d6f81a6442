CREATE TABLE expenses (id SERIAL PRIMARY KEY, amount NUMERIC(10, 2));
INSERT INTO expenses (amount) VALUES (1), (2);
-- migration
ALTER TABLE expenses ADD COLUMN approved_by TEXT NOT NULL
