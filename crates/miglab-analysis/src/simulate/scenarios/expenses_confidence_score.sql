CREATE TABLE expenses (id SERIAL NOT NULL, amount NUMERIC(10, 2) NOT NULL, status VARCHAR(20) DEFAULT 'draft' NOT NULL, legacy_notes TEXT, created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, PRIMARY KEY (id));
INSERT INTO expenses (amount) VALUES (12.50), (3.00);
-- migration
ALTER TABLE expenses ADD COLUMN confidence_score NUMERIC(4, 3);
UPDATE expenses SET confidence_score = 0.000 WHERE confidence_score IS NULL;
ALTER TABLE expenses ALTER COLUMN confidence_score SET DEFAULT 0.000;
ALTER TABLE expenses ALTER COLUMN confidence_score SET NOT NULL;
