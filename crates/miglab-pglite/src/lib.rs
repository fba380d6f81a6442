//! The PGlite bridge: the only Rust code that talks to PGlite.
