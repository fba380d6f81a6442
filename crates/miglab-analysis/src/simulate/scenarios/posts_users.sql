CREATE TABLE users (id SERIAL NOT NULL, email VARCHAR(255) NOT NULL, name TEXT, PRIMARY KEY (id), UNIQUE (email));
CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, user_id INTEGER NOT NULL, title VARCHAR(200) NOT NULL, body TEXT, published BOOLEAN DEFAULT false NOT NULL, tags TEXT[], meta JSONB DEFAULT '{}', CONSTRAINT fk_posts_user FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE, CHECK (char_length(title) > 0));
CREATE INDEX ix_posts_user_id ON posts (user_id);
CREATE UNIQUE INDEX ON posts (lower(title));
CREATE INDEX ix_posts_recent ON posts (user_id, id DESC) WHERE published;
CREATE TABLE tags (post_id BIGINT REFERENCES posts, label VARCHAR(40) CHECK (label <> ''), score SMALLINT DEFAULT -1, ratio DOUBLE PRECISION, at TIME, day DATE DEFAULT '2024-01-01', UNIQUE (post_id, label));
ALTER TABLE users RENAME COLUMN name TO full_name;
ALTER TABLE users RENAME TO people;
ALTER TABLE posts DROP CONSTRAINT fk_posts_user;
ALTER TABLE posts ADD CONSTRAINT fk_posts_people FOREIGN KEY (user_id) REFERENCES people (id);
ALTER TABLE posts ALTER COLUMN body TYPE VARCHAR(500);
ALTER TABLE posts DROP COLUMN published;
CREATE TYPE mood AS ENUM ('happy', 'sad');
ALTER TYPE mood ADD VALUE 'meh';
ALTER TABLE posts ADD COLUMN mood mood DEFAULT 'happy';
ALTER TABLE tags RENAME CONSTRAINT tags_post_id_label_key TO uq_tags;
ALTER INDEX ix_posts_user_id RENAME TO ix_posts_author
