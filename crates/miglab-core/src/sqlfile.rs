//! Plain SQL migrations: up/down file pairs in golang-migrate and Flyway naming.
