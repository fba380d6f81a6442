//! Engines the CLI runs lessons on: PGlite under Node by default, or a PostgreSQL server with `--database-url`.
