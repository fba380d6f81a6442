-- The Reconciler dataset: 8 users, 10 vendors and 40 expenses, stamped at Alembic revision 9f0e1d2c4b7a.
-- The Reconciler's production database as a pg_dump would restore it: schema, rows and the Alembic stamp.

CREATE TABLE users (
    id serial PRIMARY KEY,
    email varchar(255) NOT NULL UNIQUE,
    name varchar(255) NOT NULL,
    role varchar(20) NOT NULL DEFAULT 'submitter',
    created_at timestamp with time zone NOT NULL DEFAULT now()
);

INSERT INTO users (email, name, role, created_at) VALUES
    ('maria.lopez@reconciler.example', 'María López', 'approver', '2024-01-10 09:10:00+00'),
    ('sam.okafor@reconciler.example', 'Sam Okafor', 'submitter', '2024-02-11 09:11:00+00'),
    ('li.wei@reconciler.example', 'Li Wei', 'submitter', '2024-03-12 09:12:00+00'),
    ('ana.maria.silva@reconciler.example', 'Ana María Silva', 'submitter', '2024-04-13 09:13:00+00'),
    ('tom.baker@reconciler.example', 'Tom Baker', 'finance', '2024-05-14 09:14:00+00'),
    ('priya.nair@reconciler.example', 'Priya Nair', 'submitter', '2024-06-15 09:15:00+00'),
    ('jan.de.vries@reconciler.example', 'Jan de Vries', 'submitter', '2024-07-16 09:16:00+00'),
    ('cher@reconciler.example', 'Cher', 'submitter', '2024-08-17 09:17:00+00');

CREATE TABLE vendors (
    id serial PRIMARY KEY,
    name varchar(200) NOT NULL,
    country char(2) NOT NULL,
    created_at timestamp with time zone NOT NULL DEFAULT now()
);

INSERT INTO vendors (name, country, created_at) VALUES
    ('Northwind Office Supply', 'GB', '2023-10-01 12:00:00+00'),
    ('Contoso Travel', 'US', '2023-11-02 12:00:00+00'),
    ('Blue Fern Catering', 'IE', '2023-12-03 12:00:00+00'),
    ('Metro Taxi Co', 'DE', '2023-10-04 12:00:00+00'),
    ('Cloudpeak Hosting', 'US', '2023-11-05 12:00:00+00'),
    ('Papelaria Central', 'PT', '2023-12-06 12:00:00+00'),
    ('Harbor Hotel Group', 'NL', '2023-10-07 12:00:00+00'),
    ('QuickPrint Ltd', 'GB', '2023-11-08 12:00:00+00'),
    ('Lumen Coffee Roasters', 'DE', '2023-12-09 12:00:00+00'),
    ('Atlas Rail', 'FR', '2023-10-01 12:00:00+00');

CREATE TABLE expenses (
    id serial PRIMARY KEY,
    submitted_by integer NOT NULL REFERENCES users (id),
    vendor_id integer NOT NULL REFERENCES vendors (id),
    amount numeric(10,2) NOT NULL,
    currency varchar(3) NOT NULL DEFAULT 'EUR',
    category varchar(40) NOT NULL,
    spent_on date NOT NULL,
    memo text,
    legacy_notes text,
    created_at timestamp with time zone NOT NULL DEFAULT now()
);

INSERT INTO expenses (submitted_by, vendor_id, amount, currency, category, spent_on, memo, legacy_notes, created_at) VALUES
    (5, 9, 130.68, 'GBP', 'meals', '2026-01-01', NULL, 'migrated from ExpenseTrack 2019', '2026-01-01 18:00:00+00'),
    (7, 3, 334.77, 'EUR', 'meals', '2026-01-04', 'client visit', 'receipt scanned twice', '2026-01-04 18:01:00+00'),
    (2, 2, 757.79, 'EUR', 'travel', '2026-01-07', NULL, NULL, '2026-01-07 18:02:00+00'),
    (4, 9, 670.33, 'EUR', 'meals', '2026-01-10', 'quarterly licence', 'card 4417 replaced', '2026-01-10 18:03:00+00'),
    (2, 2, 877.53, 'USD', 'travel', '2026-01-13', 'quarterly licence', 'split with marketing', '2026-01-13 18:04:00+00'),
    (7, 6, 75.33, 'GBP', 'office', '2026-01-16', 'quarterly licence', NULL, '2026-01-16 18:05:00+00'),
    (2, 7, 562.64, 'GBP', 'lodging', '2026-01-19', NULL, 'duplicate flagged in 2021', '2026-01-19 18:06:00+00'),
    (8, 7, 141.04, 'GBP', 'lodging', '2026-01-22', NULL, 'old cost centre CC-114', '2026-01-22 18:07:00+00'),
    (4, 2, 318.75, 'USD', 'travel', '2026-01-25', NULL, NULL, '2026-01-25 18:08:00+00'),
    (7, 8, 314.77, 'EUR', 'printing', '2026-01-28', 'team lunch', 'missing receipt, manager OK', '2026-01-28 18:09:00+00'),
    (7, 4, 117.99, 'EUR', 'transport', '2026-02-03', 'quarterly licence', 'migrated from ExpenseTrack 2019', '2026-02-03 18:10:00+00'),
    (8, 1, 238.18, 'GBP', 'office', '2026-02-06', 'client visit', NULL, '2026-02-06 18:11:00+00'),
    (7, 6, 228.04, 'EUR', 'office', '2026-02-09', 'quarterly licence', 'VAT reclaimed manually', '2026-02-09 18:12:00+00'),
    (6, 4, 63.72, 'EUR', 'transport', '2026-02-12', 'team lunch', 'card 4417 replaced', '2026-02-12 18:13:00+00'),
    (5, 10, 543.27, 'EUR', 'travel', '2026-02-15', 'client visit', NULL, '2026-02-15 18:14:00+00'),
    (6, 3, 167.57, 'EUR', 'meals', '2026-02-18', NULL, 'approved by email', '2026-02-18 18:15:00+00'),
    (8, 1, 689.79, 'EUR', 'office', '2026-02-21', 'conference', 'duplicate flagged in 2021', '2026-02-21 18:16:00+00'),
    (4, 10, 820.00, 'EUR', 'travel', '2026-02-24', 'client visit', NULL, '2026-02-24 18:17:00+00'),
    (7, 5, 135.91, 'EUR', 'software', '2026-02-27', 'client visit', 'imported from CSV batch 7', '2026-02-27 18:18:00+00'),
    (3, 1, 743.02, 'EUR', 'office', '2026-02-02', NULL, 'missing receipt, manager OK', '2026-02-02 18:19:00+00'),
    (3, 6, 355.28, 'EUR', 'office', '2026-03-05', 'client visit', NULL, '2026-03-05 18:20:00+00'),
    (2, 1, 292.26, 'EUR', 'office', '2026-03-08', 'quarterly licence', 'receipt scanned twice', '2026-03-08 18:21:00+00'),
    (3, 3, 426.16, 'GBP', 'meals', '2026-03-11', NULL, 'VAT reclaimed manually', '2026-03-11 18:22:00+00'),
    (8, 1, 740.26, 'EUR', 'office', '2026-03-14', 'client visit', NULL, '2026-03-14 18:23:00+00'),
    (4, 5, 584.14, 'EUR', 'software', '2026-03-17', NULL, NULL, '2026-03-17 18:24:00+00'),
    (1, 1, 513.28, 'EUR', 'office', '2026-03-20', 'conference', NULL, '2026-03-20 18:25:00+00'),
    (2, 1, 863.74, 'EUR', 'office', '2026-03-23', NULL, NULL, '2026-03-23 18:26:00+00'),
    (4, 5, 801.54, 'USD', 'software', '2026-03-26', NULL, NULL, '2026-03-26 18:27:00+00'),
    (6, 2, 899.23, 'USD', 'travel', '2026-03-01', 'conference', NULL, '2026-03-01 18:28:00+00'),
    (3, 2, 464.80, 'EUR', 'travel', '2026-03-04', 'quarterly licence', NULL, '2026-03-04 18:29:00+00'),
    (6, 1, 698.80, 'EUR', 'office', '2026-04-07', 'quarterly licence', NULL, '2026-04-07 18:30:00+00'),
    (1, 1, 775.77, 'EUR', 'office', '2026-04-10', 'conference', NULL, '2026-04-10 18:31:00+00'),
    (5, 8, 96.17, 'EUR', 'printing', '2026-04-13', 'conference', NULL, '2026-04-13 18:32:00+00'),
    (4, 1, 524.43, 'GBP', 'office', '2026-04-16', 'quarterly licence', NULL, '2026-04-16 18:33:00+00'),
    (6, 9, 750.00, 'EUR', 'meals', '2026-04-19', 'client visit', NULL, '2026-04-19 18:34:00+00'),
    (8, 4, 281.86, 'EUR', 'transport', '2026-04-22', 'conference', NULL, '2026-04-22 18:35:00+00'),
    (7, 6, 811.52, 'USD', 'office', '2026-04-25', NULL, NULL, '2026-04-25 18:36:00+00'),
    (5, 2, 32.72, 'EUR', 'travel', '2026-04-28', NULL, NULL, '2026-04-28 18:37:00+00'),
    (3, 4, 649.72, 'USD', 'transport', '2026-04-03', 'quarterly licence', NULL, '2026-04-03 18:38:00+00'),
    (1, 7, 246.30, 'USD', 'lodging', '2026-04-06', NULL, NULL, '2026-04-06 18:39:00+00');

CREATE TABLE alembic_version (
    version_num varchar(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version (version_num) VALUES ('9f0e1d2c4b7a');

