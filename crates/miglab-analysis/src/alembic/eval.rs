//! The bounded evaluator: runs the Python a migration file contains, and nothing more.
//!
//! It runs the module level, then `upgrade()` or `downgrade()`, over [`Value`]s: literals, names bound by
//! assignment, loops over known sequences, `if` on known values, local helper functions and `try` bodies.
//! Each `op.…` call it reaches becomes steps, through [`super::translate`].
//! It is bounded by a step budget, a nesting limit and size caps on strings and lists, and it has no I/O:
//! anything it cannot know before the run is a diagnostic at its position, never a guess.

mod builtins;
mod expr;
mod stmt;

use super::cx::Cx;
use super::python::{Kind, Value};
use crate::diagnostic::Span;
use crate::migration::Step;
use ruff_python_ast::{Stmt, StmtFunctionDef};

/// Statements, expression nodes and copied values the evaluator may spend on one file; a migration needs a few thousand.
pub(crate) const MAX_STEPS: u64 = 200_000;
/// Nested blocks and helper calls, together; recursion stops here, well inside a browser's WebAssembly stack.
pub(crate) const MAX_DEPTH: u32 = 40;
/// Expression nesting within one statement (the parser's own check stops deeper source earlier).
pub(crate) const MAX_EXPR_DEPTH: u32 = 64;
/// Expression levels, blocks and calls together: what bounds the evaluator's recursion, wherever it comes from.
pub(crate) const MAX_NESTING_TOTAL: u32 = 200;
/// The longest list (`range`, repetition, concatenation) the evaluator builds.
pub(crate) const MAX_ITEMS: usize = 10_000;
/// The longest string the evaluator builds, in bytes.
pub(crate) const MAX_STR: usize = 1_000_000;

/// A name's meaning: a value, or a function defined in the file.
#[derive(Clone)]
enum Binding<'a> {
    Value(Value),
    Function(Function<'a>),
}

/// A `def` and the frame it was defined in (`None`: module level), which its body's free names resolve against.
#[derive(Clone, Copy)]
struct Function<'a> {
    def: &'a StmtFunctionDef,
    scope: Option<usize>,
}

/// The local names of one running function, and the frame its definition sits in.
struct Frame<'a> {
    names: Vec<(String, Binding<'a>)>,
    parent: Option<usize>,
}

/// How a block of statements ended.
enum Flow {
    Normal,
    Break,
    Continue,
    Return(Value),
    /// The step budget ran out or a limit was hit; the error is recorded and everything unwinds.
    Stop,
}

pub(crate) struct Interp<'a, 'c> {
    pub cx: &'c Cx<'c>,
    module: Vec<(String, Binding<'a>)>,
    frames: Vec<Frame<'a>>,
    /// Names imported, with the module they come from.
    imports: Vec<(String, String)>,
    steps: u64,
    depth: u32,
    /// Expression levels plus blocks and calls now open, against [`MAX_NESTING_TOTAL`].
    nesting: u32,
    stopped: bool,
    /// Inside `with op.get_context().autocommit_block():`.
    autocommit: bool,
    /// While the module level runs, operations are not part of either direction and are not collected.
    module_level: bool,
    /// Set while evaluating the receiver of an attribute, so a call there is not taken for a nested operation.
    receiver: bool,
    out: Vec<Step>,
}

impl<'a, 'c> Interp<'a, 'c> {
    pub fn new(cx: &'c Cx<'c>) -> Interp<'a, 'c> {
        Interp {
            cx,
            module: Vec::new(),
            frames: Vec::new(),
            imports: Vec::new(),
            steps: 0,
            depth: 0,
            nesting: 0,
            stopped: false,
            autocommit: false,
            module_level: true,
            receiver: false,
            out: Vec::new(),
        }
    }

    /// Runs the module body, as importing the file does, binding its names.
    pub fn run_module(&mut self, body: &'a [Stmt]) {
        self.module_level = true;
        let _ = self.block(body);
        self.module_level = false;
    }

    /// Calls the module-level function `name` with no arguments and returns the steps it produced;
    /// `None` when the file defines no such function.
    pub fn run_function(&mut self, name: &str, span: Span) -> Option<Vec<Step>> {
        let function = match self.module.iter().rev().find(|(n, _)| n == name) {
            Some((_, Binding::Function(f))) => *f,
            _ => return None,
        };
        // Each direction starts from the module's state, with a fresh budget.
        self.steps = 0;
        self.stopped = false;
        self.autocommit = false;
        self.out.clear();
        let _ = self.call_function(function, Vec::new(), Vec::new(), span);
        Some(std::mem::take(&mut self.out))
    }

    /// Evaluates an expression in the module's scope (for the revision metadata).
    pub fn module_value(&mut self, expr: &'a ruff_python_ast::Expr) -> Value {
        self.value(expr)
    }

    /// Counts `n` steps; false (after one error) once the budget is spent.
    fn tick(&mut self, n: u64, span: Span) -> bool {
        if self.stopped {
            return false;
        }
        self.steps = self.steps.saturating_add(n);
        if self.steps > MAX_STEPS {
            self.stop(span, format!("miglab stopped evaluating this file after {MAX_STEPS} steps: a migration never needs that many, so a loop here is too long or never ends."), "Shorten the loop, or write the statements out.");
            return false;
        }
        true
    }

    fn stop(&mut self, span: Span, message: String, help: &str) {
        if !self.stopped {
            self.cx.error::<()>("evaluation-limit", span, message, help);
        }
        self.stopped = true;
    }

    /// Enters a nested block or call; false (after one error) past [`MAX_DEPTH`].
    fn enter(&mut self, span: Span) -> bool {
        if self.depth >= MAX_DEPTH || self.nesting >= MAX_NESTING_TOTAL {
            self.stop(span, format!("miglab stopped here: blocks and function calls nest more than {MAX_DEPTH} deep, which no migration needs (is a function calling itself?)."), "Flatten the code, or remove the recursion.");
            return false;
        }
        self.depth += 1;
        self.nesting += 1;
        true
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        self.nesting = self.nesting.saturating_sub(1);
    }

    fn lookup(&self, name: &str) -> Option<&Binding<'a>> {
        let mut frame = self.frames.len().checked_sub(1);
        while let Some(index) = frame {
            let Some(current) = self.frames.get(index) else { break };
            if let Some((_, binding)) = current.names.iter().rev().find(|(n, _)| n == name) {
                return Some(binding);
            }
            frame = current.parent;
        }
        self.module.iter().rev().find(|(n, _)| n == name).map(|(_, b)| b)
    }

    fn bind(&mut self, name: &str, binding: Binding<'a>) {
        let names = match self.frames.last_mut() {
            Some(frame) => &mut frame.names,
            None => &mut self.module,
        };
        names.retain(|(n, _)| n != name);
        names.push((name.to_owned(), binding));
    }

    fn bind_value(&mut self, name: &str, value: Value) {
        self.bind(name, Binding::Value(value));
    }

    /// Whether `name` refers to an `alembic` or `sqlalchemy` import (or the usual aliases, when nothing is imported under that name).
    fn is_library_name(&self, name: &str) -> bool {
        if let Some((_, module)) = self.imports.iter().rev().find(|(n, _)| n == name) {
            return ["alembic", "sqlalchemy"]
                .iter()
                .any(|m| module == m || module.starts_with(&format!("{m}.")));
        }
        matches!(name, "op" | "sa" | "sqlalchemy" | "postgresql" | "context")
    }

    /// Whether `name` is the `logging` module or one of its names: log calls change no SQL (`--sql` sends logs to stderr).
    fn is_logging_name(&self, name: &str) -> bool {
        match self.imports.iter().rev().find(|(n, _)| n == name) {
            Some((_, module)) => module == "logging" || module.starts_with("logging."),
            None => false,
        }
    }

    /// Runs a helper function with bound arguments and returns what it returns.
    fn call_function(
        &mut self,
        function: Function<'a>,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
        span: Span,
    ) -> Value {
        let def = function.def;
        let none = Value::new(Kind::None, span);
        if let Some(decorator) = def.decorator_list.first() {
            return self
                .cx
                .unsupported(
                    &self.unknown(super::python::span(decorator.range), "a decorator"),
                    "a helper without decorators",
                )
                .unwrap_or(none);
        }
        if function.scope.is_some_and(|scope| scope >= self.frames.len()) {
            return self.unknown(span, "a function whose defining call has returned");
        }
        let params = &def.parameters;
        if def.is_async {
            self.cx.error::<()>(
                "unsupported-statement",
                super::python::span(def.range),
                format!(
                    "miglab does not run `async` functions, and Alembic does not await `{}`.",
                    def.name
                ),
                "Make the helper a plain `def`.",
            );
            return none;
        }
        if !self.enter(span) {
            return none;
        }
        let positional: Vec<_> = params.posonlyargs.iter().chain(&params.args).collect();
        let mut frame = Frame { names: Vec::new(), parent: function.scope };
        if args.len() > positional.len() && params.vararg.is_none() {
            self.cx.error::<()>(
                "invalid-argument",
                span,
                format!(
                    "`{}()` takes {} positional arguments but was given {}, which Python rejects.",
                    def.name,
                    positional.len(),
                    args.len()
                ),
                "Pass as many arguments as the function takes.",
            );
            self.leave();
            return none;
        }
        let mut args = args.into_iter();
        let mut kwargs = kwargs;
        for param in positional.iter().copied().chain(&params.kwonlyargs) {
            let name = param.parameter.name.as_str();
            let given = match kwargs.iter().position(|(n, _)| n == name) {
                Some(i) => Some(kwargs.remove(i).1),
                None if !params.kwonlyargs.iter().any(|k| std::ptr::eq(k, param)) => args.next(),
                None => None,
            };
            let value = match (given, &param.default) {
                (Some(value), _) => value,
                (None, Some(default)) => self.value(default),
                (None, None) => {
                    self.cx.error::<()>(
                        "missing-argument",
                        span,
                        format!(
                            "`{}()` needs the `{name}` argument, which Python requires.",
                            def.name
                        ),
                        format!("Pass `{name}`."),
                    );
                    self.leave();
                    return none;
                }
            };
            frame.names.push((name.to_owned(), Binding::Value(value)));
        }
        if let Some(vararg) = &params.vararg {
            let rest: Vec<Value> = args.collect();
            frame.names.push((
                vararg.name.as_str().to_owned(),
                Binding::Value(Value::new(Kind::Seq(rest), span)),
            ));
        }
        if let Some(kwarg) = &params.kwarg {
            let items = std::mem::take(&mut kwargs)
                .into_iter()
                .map(|(name, value)| (Value::new(Kind::Str(name), value.span), value))
                .collect();
            frame.names.push((
                kwarg.name.as_str().to_owned(),
                Binding::Value(Value::new(Kind::Dict(items), span)),
            ));
        }
        if let Some((extra, _)) = kwargs.first() {
            self.cx.error::<()>(
                "invalid-argument",
                span,
                format!("`{}()` has no parameter `{extra}`, which Python rejects.", def.name),
                format!("Remove `{extra}`."),
            );
            self.leave();
            return none;
        }
        self.frames.push(frame);
        let flow = self.block(&def.body);
        self.frames.pop();
        self.leave();
        match flow {
            Flow::Return(value) => value,
            _ => none,
        }
    }

    /// Records that a value cannot be known before the run, and returns it as such.
    fn unknown(&self, span: Span, what: &'static str) -> Value {
        Value::new(Kind::Other(what), span)
    }
}

#[cfg(test)]
mod test;
