-- posts_table: the Reconciler's 8 users at revision 9f0e1d2c4b7a.
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

CREATE TABLE alembic_version (
    version_num varchar(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version (version_num) VALUES ('9f0e1d2c4b7a');

