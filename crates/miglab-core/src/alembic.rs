//! Alembic revision files: Python source parsed with a real Python parser, translated into the PostgreSQL DDL Alembic emits.
//!
//! [`parse`] never fails and never panics: everything outside the supported subset of Alembic
//! becomes an error [`Diagnostic`] with a position, and no SQL is guessed for it.
//! The SQL of each [`Step`](crate::migration::Step) matches `alembic upgrade --sql` on PostgreSQL
//! (Alembic 1.1x, SQLAlchemy 2.0), up to layout whitespace.

mod column;
mod constraint;
mod cx;
mod default;
mod ident;
mod ops;
mod python;
mod revision;
mod translate;
mod types;
pub mod version_table;

use crate::diagnostic::{Diagnostic, Span};
use crate::migration::Migration;
use cx::Cx;
use ruff_python_ast::Stmt;
use ruff_python_parser::parse_module;

/// A translated revision file and everything worth telling its author.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    pub migration: Migration,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses an Alembic revision file and translates `upgrade()` and `downgrade()`.
pub fn parse(source: &str) -> Parsed {
    let cx = Cx::new(source);
    let module = match parse_module(source) {
        Ok(parsed) => parsed.into_syntax(),
        Err(error) => {
            let span = python::span(error.location);
            cx.error::<()>(
                "python-syntax-error",
                span,
                format!("This is not valid Python: {}.", error.error),
                "Fix the syntax at this position.",
            );
            return Parsed { migration: Migration::default(), diagnostics: cx.into_diagnostics() };
        }
    };
    let body = &module.body;
    let revision = revision::revision(&cx, body);
    let upgrade = function(&cx, body, "upgrade");
    let downgrade = function(&cx, body, "downgrade");
    Parsed { migration: Migration { revision, upgrade, downgrade }, diagnostics: cx.into_diagnostics() }
}

fn function(cx: &Cx, body: &[Stmt], name: &str) -> Vec<crate::migration::Step> {
    let found = body.iter().find_map(|stmt| match stmt {
        Stmt::FunctionDef(def) if def.name.as_str() == name => Some(def),
        _ => None,
    });
    match found {
        Some(def) => translate::function_body(cx, &def.body),
        None => {
            let end = cx.source.len();
            let message = format!("This file has no `def {name}():`, so Alembic cannot run it in that direction.");
            let help = format!("Add `def {name}() -> None:` with the operations to run.");
            match name {
                "upgrade" => cx.error::<()>("missing-upgrade", Span::new(end, end), message, help),
                _ => Some(cx.warning("missing-downgrade", Span::new(end, end), message, help)),
            };
            Vec::new()
        }
    }
}

