//! The translation context: where diagnostics collect, and the argument binding every operation shares.
//!
//! Every helper returns `None` after recording an error, so callers bail out with `?`
//! and an unsupported construct can never turn into silently wrong SQL.

use super::python::{Call, Kind, Value, STARRED};
use crate::diagnostic::{Diagnostic, Span};
use std::cell::RefCell;

/// Diagnostics sit in a `RefCell` so helpers can report while their arguments borrow the context too,
/// as in `cx.name(args.required(cx, "column_name", what)?)`.
pub(crate) struct Cx<'s> {
    pub source: &'s str,
    diagnostics: RefCell<Vec<Diagnostic>>,
}

impl<'s> Cx<'s> {
    pub fn new(source: &'s str) -> Cx<'s> {
        Cx { source, diagnostics: RefCell::new(Vec::new()) }
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics.into_inner()
    }

    /// Records an error; returns `None` so callers can write `return cx.error(...)`.
    pub fn error<T>(
        &self,
        code: &str,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Option<T> {
        let diagnostic =
            Diagnostic::error(code, message).with_help(help).with_span(span, self.source);
        self.push(diagnostic);
        None
    }

    /// Records a diagnostic once: a helper called in a loop reports its problem once, not per iteration.
    fn push(&self, diagnostic: Diagnostic) {
        let mut diagnostics = self.diagnostics.borrow_mut();
        if !diagnostics.contains(&diagnostic) {
            diagnostics.push(diagnostic);
        }
    }

    pub fn warning(
        &self,
        code: &str,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let diagnostic =
            Diagnostic::warning(code, message).with_help(help).with_span(span, self.source);
        self.push(diagnostic);
    }

    /// The standard error for a value of the wrong kind, or one miglab cannot evaluate, where it appears.
    pub fn unsupported<T>(&self, value: &Value, wanted: &str) -> Option<T> {
        // Names and calls need Python to run; other values describe themselves ("a range too long…").
        let code = matches!(value.kind, Kind::Name(_) | Kind::Attr(..) | Kind::Call(_));
        let description = value.describe();
        let why = if code { ", which miglab cannot evaluate without running Python" } else { "" };
        self.error(
            "unsupported-expression",
            value.span,
            format!("miglab expected {wanted} here but found {description}{why}."),
            format!("Write {wanted} here."),
        )
    }

    /// A string literal.
    pub fn string(&self, value: &Value, wanted: &str) -> Option<String> {
        match value.as_str() {
            Some(text) => Some(text.to_owned()),
            None => self.unsupported(value, wanted),
        }
    }

    /// A name: a string literal or `op.f("…")` (which only tells Alembic not to apply a naming convention).
    pub fn name(&self, value: &Value) -> Option<String> {
        if let Some(call) = value.as_call() {
            if call.func.last_name() == Some("f") && call.args.len() == 1 && call.kwargs.is_empty()
            {
                if let Some(arg) = call.args.first() {
                    return self.string(arg, "a name string");
                }
            }
        }
        self.string(value, "a name string (or `op.f(\"…\")`)")
    }

    /// An index or constraint name. SQLAlchemy refuses one longer than PostgreSQL's 63-character limit
    /// (`IdentifierError`) rather than let PostgreSQL truncate it, so Alembic fails before running anything.
    pub fn object_name(&self, value: &Value) -> Option<String> {
        let name = self.name(value)?;
        let length = name.chars().count();
        if length > 63 {
            return self.error(
                "identifier-too-long",
                value.span,
                format!("The name `{name}` is {length} characters long, and SQLAlchemy refuses names over PostgreSQL's limit of 63, so Alembic fails with IdentifierError."),
                "Shorten the name to 63 characters or fewer.",
            );
        }
        Some(name)
    }

    /// An index or constraint name that may be `None` (an unnamed constraint).
    pub fn optional_name(&self, value: Option<&Value>) -> Option<Option<String>> {
        match value {
            None => Some(None),
            Some(v) if v.is_none() => Some(None),
            Some(v) => self.object_name(v).map(Some),
        }
    }

    pub fn bool(&self, value: &Value) -> Option<bool> {
        match value.kind {
            Kind::Bool(b) => Some(b),
            _ => self.unsupported(value, "`True` or `False`"),
        }
    }

    pub fn int(&self, value: &Value) -> Option<i64> {
        match value.kind {
            Kind::Int(n) => Some(n),
            _ => self.unsupported(value, "a whole number"),
        }
    }

    /// A list of names; a single string counts as a list of one, as in SQLAlchemy.
    pub fn names(&self, value: &Value) -> Option<Vec<String>> {
        match &value.kind {
            Kind::Seq(items) => items.iter().map(|item| self.name(item)).collect(),
            Kind::Str(text) => Some(vec![text.clone()]),
            _ => self.unsupported(value, "a list of column names"),
        }
    }
}

/// A call's arguments matched to a signature, the way Python binds them.
pub(crate) struct Args<'v> {
    pub span: Span,
    slots: Vec<(&'static str, &'v Value)>,
    /// Positional arguments past the named parameters (`*args`), when the signature takes them.
    pub rest: Vec<&'v Value>,
}

/// The shape of a function miglab understands: what `what` is called in messages,
/// its parameters in positional order, whether it takes `*args`, keyword-only parameters,
/// and keywords it accepts but that change no DDL.
#[derive(Clone, Copy)]
pub(crate) struct Signature<'a> {
    pub what: &'a str,
    pub params: &'a [&'static str],
    pub varargs: bool,
    pub kwonly: &'a [&'static str],
    pub ignored: &'a [&'static str],
}

impl<'a> Signature<'a> {
    pub const fn new(what: &'a str, params: &'a [&'static str]) -> Signature<'a> {
        Signature { what, params, varargs: false, kwonly: &[], ignored: &[] }
    }
}

impl<'v> Args<'v> {
    pub fn bind(cx: &Cx, call: &'v Call, span: Span, sig: &Signature<'_>) -> Option<Args<'v>> {
        let mut args = Args { span, slots: Vec::new(), rest: Vec::new() };
        for (i, value) in call.args.iter().enumerate() {
            if value.kind == Kind::Other(STARRED) {
                return cx.unsupported(value, "a plain argument");
            }
            match sig.params.get(i) {
                Some(param) => args.slots.push((param, value)),
                None if sig.varargs => args.rest.push(value),
                None => {
                    return cx.error(
                        "unsupported-argument",
                        value.span,
                        format!(
                            "`{}` takes at most {} positional arguments.",
                            sig.what,
                            sig.params.len()
                        ),
                        "Remove the extra argument or pass it by keyword.",
                    )
                }
            }
        }
        for kwarg in &call.kwargs {
            let Some(name) = &kwarg.name else {
                return cx.error(
                    "unsupported-argument",
                    kwarg.value.span,
                    format!("miglab cannot expand `**` keyword arguments in `{}`.", sig.what),
                    "Pass each keyword argument explicitly.",
                );
            };
            if let Some(param) = sig.params.iter().chain(sig.kwonly).find(|p| **p == name) {
                if args.slots.iter().any(|(p, _)| p == param) {
                    return cx.error(
                        "invalid-argument",
                        kwarg.value.span,
                        format!("`{}` got `{name}` twice, which Python rejects.", sig.what),
                        format!("Pass `{name}` once."),
                    );
                }
                args.slots.push((param, &kwarg.value));
            } else if !sig.ignored.contains(&name.as_str()) {
                return cx.error(
                    "unsupported-argument",
                    kwarg.value.span,
                    format!("miglab does not support the `{name}` argument of `{}`, so it cannot say what SQL Alembic would emit.", sig.what),
                    format!("Remove `{name}`, or write the statement yourself with `op.execute()`."),
                );
            }
        }
        Some(args)
    }

    pub fn get(&self, name: &str) -> Option<&'v Value> {
        self.slots.iter().find(|(p, _)| *p == name).map(|(_, v)| *v)
    }

    /// Like `get`, but an explicit `None` counts as absent.
    pub fn given(&self, name: &str) -> Option<&'v Value> {
        self.get(name).filter(|v| !v.is_none())
    }

    pub fn required(&self, cx: &Cx, name: &str, what: &str) -> Option<&'v Value> {
        match self.get(name) {
            Some(value) => Some(value),
            None => cx.error(
                "missing-argument",
                self.span,
                format!("`{what}` needs the `{name}` argument."),
                format!("Pass `{name}`."),
            ),
        }
    }

    /// A boolean flag that defaults to `false`.
    pub fn flag(&self, cx: &Cx, name: &str) -> Option<bool> {
        match self.given(name) {
            Some(value) => cx.bool(value),
            None => Some(false),
        }
    }

    /// An optional string argument (`schema=`, `comment=`).
    pub fn opt_string(&self, cx: &Cx, name: &str) -> Option<Option<String>> {
        match self.given(name) {
            Some(value) => cx.string(value, &format!("a string for `{name}`")).map(Some),
            None => Some(None),
        }
    }
}
