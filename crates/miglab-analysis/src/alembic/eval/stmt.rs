//! Statements: assignment, `for`, `if`, `try`, `with`, `def` and `return`, and the operations they reach.

use super::builtins;
use super::{Binding, Flow, Function, Interp};
use crate::alembic::python::{self, Kind, Value};
use crate::alembic::translate;
use crate::diagnostic::Span;
use crate::migration::Step;
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

impl<'a> Interp<'a, '_> {
    /// Runs statements in order until one breaks the flow.
    pub(super) fn block(&mut self, body: &'a [Stmt]) -> Flow {
        for stmt in body {
            let span = python::span(stmt.range());
            if self.stopped || !self.tick(1, span) {
                return Flow::Stop;
            }
            match self.statement(stmt, span) {
                Flow::Normal => {}
                other => return other,
            }
        }
        Flow::Normal
    }

    /// A nested block, counted against the depth limit.
    fn nested(&mut self, body: &'a [Stmt], span: Span) -> Flow {
        if !self.enter(span) {
            return Flow::Stop;
        }
        let flow = self.block(body);
        self.leave();
        flow
    }

    fn statement(&mut self, stmt: &'a Stmt, span: Span) -> Flow {
        match stmt {
            Stmt::Pass(_) => {}
            Stmt::Import(import) => {
                for alias in &import.names {
                    let module = alias.name.as_str();
                    let name = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                    // `import a.b` binds `a`.
                    let name = name.split('.').next().unwrap_or(name);
                    self.imports.push((name.to_owned(), module.to_owned()));
                }
            }
            Stmt::ImportFrom(import) => {
                let module = import.module.as_ref().map(|m| m.as_str()).unwrap_or_default();
                for alias in &import.names {
                    let name = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                    // A relative import (`from . import x`) is the project's own code.
                    let module =
                        if import.level == 0 { module.to_owned() } else { format!(".{module}") };
                    self.imports.push((name.to_owned(), module));
                }
            }
            Stmt::Expr(expr) => self.expression_statement(&expr.value, span),
            Stmt::Assign(assign) => {
                let value = self.assigned(&assign.value);
                for target in &assign.targets {
                    self.assign_target(target, value.clone());
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    let value = self.assigned(value);
                    self.assign_target(&assign.target, value);
                }
            }
            Stmt::AugAssign(assign) => {
                let current = self.value(&assign.target);
                let right = self.value(&assign.value);
                let kind = builtins::binop(&current, assign.op, &right);
                self.assign_target(&assign.target, Value::new(kind, span));
            }
            Stmt::FunctionDef(def) => {
                let scope = self.frames.len().checked_sub(1);
                self.bind(def.name.as_str(), Binding::Function(Function { def, scope }));
            }
            Stmt::Return(ret) => {
                let value = match &ret.value {
                    // `return op.create_table(...)` runs the operation, as an assignment would.
                    Some(value) => self.assigned(value),
                    None => Value::new(Kind::None, span),
                };
                return Flow::Return(value);
            }
            Stmt::If(branch) => return self.if_statement(branch, span),
            Stmt::For(each) => return self.for_loop(each, span),
            Stmt::Try(attempt) => return self.try_statement(attempt, span),
            Stmt::With(with) => return self.with_block(with, span),
            Stmt::Break(_) => return Flow::Break,
            Stmt::Continue(_) => return Flow::Continue,
            _ if self.module_level => {}
            other => {
                self.cx.error::<()>(
                    "unsupported-statement",
                    span,
                    format!("miglab does not run {}, so it cannot say what SQL this migration emits.", describe(other)),
                    "Express the change with `op.…` operations, or write the SQL with `op.execute()`.",
                );
            }
        }
        Flow::Normal
    }

    /// An expression used as a statement: a docstring, a helper call, a list `.append`, or an operation.
    fn expression_statement(&mut self, expr: &'a Expr, span: Span) {
        if let Expr::Call(call) = expr {
            // A helper's own statements produce its steps; what it returns is discarded.
            if let Expr::Name(name) = call.func.as_ref() {
                if matches!(self.lookup(name.id.as_str()), Some(Binding::Function(_))) {
                    let _ = self.value(expr);
                    return;
                }
            }
            if self.mutation(call) {
                return;
            }
        }
        let value = self.value(expr);
        if self.stopped {
            return;
        }
        if self.is_logging(&value) {
            return; // `logger.info(...)`: Alembic's `--sql` output never shows it
        }
        match (&value.kind, expr) {
            // A docstring, or a string used as a comment.
            (Kind::Str(_), _) => {}
            // A line that is no call (`op.drop_table` without parentheses, a bare name) runs nothing in Python.
            (_, Expr::Call(_)) => {}
            _ => {
                if !self.module_level {
                    self.cx.warning(
                        "no-effect",
                        span,
                        "This line runs nothing: Python evaluates it and moves on, so Alembic emits no SQL for it.",
                        "Call the operation, as in `op.drop_table(\"t\")`, or remove the line.",
                    );
                }
                return;
            }
        }
        // At import time only operations matter: Alembic runs them while it loads the files, which miglab does not model.
        if self.module_level && !translate::is_effect(&value) {
            return;
        }
        self.effect(&value, span);
    }

    /// `names.append(x)`, `names.extend(xs)` and `mapping.update(d)` on a known local list or dictionary.
    fn mutation(&mut self, call: &'a ast::ExprCall) -> bool {
        let Expr::Attribute(attr) = call.func.as_ref() else { return false };
        let Expr::Name(target) = attr.value.as_ref() else { return false };
        let method = attr.attr.as_str();
        if !matches!(method, "append" | "extend" | "update" | "insert") {
            return false;
        }
        let Some(Binding::Value(current)) = self.lookup(target.id.as_str()) else { return false };
        let current = current.clone();
        let args: Vec<Value> = call.arguments.args.iter().map(|a| self.value(a)).collect();
        if !call.arguments.keywords.is_empty() {
            return false;
        }
        let kind = match (current.kind, method, args.as_slice()) {
            (Kind::Seq(mut items), "append", [item]) => {
                items.push(item.clone());
                Kind::Seq(items)
            }
            (Kind::Seq(mut items), "extend", [more]) => match builtins::iterate(more) {
                Some(more) => {
                    items.extend(more);
                    Kind::Seq(items)
                }
                None => Kind::Other("a list extended with values miglab cannot know"),
            },
            (Kind::Seq(mut items), "insert", [at, item]) => match at.kind {
                Kind::Int(at) => {
                    let len = items.len() as i64;
                    let at = if at < 0 { (len + at).max(0) } else { at.min(len) };
                    items.insert(usize::try_from(at).unwrap_or(0), item.clone());
                    Kind::Seq(items)
                }
                _ => Kind::Other("a list changed by values miglab cannot know"),
            },
            (Kind::Dict(mut items), "update", [Value { kind: Kind::Dict(more), .. }]) => {
                for (k, v) in more.clone() {
                    builtins::dict_insert(&mut items, k, v);
                }
                Kind::Dict(items)
            }
            _ => return false,
        };
        let value = Value::new(kind, current.span);
        if value.weight > super::MAX_ITEMS as u64 * 64 {
            self.stop(
                python::span(call.range),
                "miglab stopped here: this list grows past what a migration needs.".to_owned(),
                "Shorten the list.",
            );
            return true;
        }
        self.bind_value(target.id.as_str(), value);
        true
    }

    /// The value of an assignment's right side, running it first when it is an operation.
    fn assigned(&mut self, expr: &'a Expr) -> Value {
        let value = self.value(expr);
        if self.stopped {
            return value;
        }
        // Only a call written here runs: a name bound to `op.create_table(...)` already ran, and so did a helper's operations.
        let Expr::Call(call_expr) = expr else { return value };
        if let Expr::Name(name) = call_expr.func.as_ref() {
            if matches!(self.lookup(name.id.as_str()), Some(Binding::Function(_))) {
                return value;
            }
        }
        let Some(call) = value.as_call() else { return value };
        if self.module_level {
            if translate::is_effect(&value) {
                self.effect(&value, value.span);
            }
            return value;
        }
        if translate::is_effect(&value) {
            let span = value.span;
            self.effect(&value, span);
            // `op.create_table` returns the table, which `op.bulk_insert` can fill; offline, nothing else returns a value.
            return match call.func.path().as_deref() {
                Some("op.create_table") => value,
                _ if translate::is_query(&value) => {
                    Value::new(Kind::Other("a result read from the database"), span)
                }
                _ => Value::new(Kind::None, span),
            };
        }
        if !self.is_library_value(&value) && !self.is_logging(&value) {
            self.cx.error::<()>(
                "unknown-call",
                value.span,
                format!("miglab cannot know what {} does: it is not part of Alembic or SQLAlchemy, and miglab does not run other code.", value.describe()),
                "Call only Alembic and SQLAlchemy here, or define the helper in this file.",
            );
            return Value::new(
                Kind::Other("the result of a call miglab cannot follow"),
                value.span,
            );
        }
        value
    }

    /// Whether a call builds an Alembic or SQLAlchemy object (`sa.Enum(...)`, `t.update().where(...)`), rather than running unknown code.
    fn is_library_value(&self, value: &Value) -> bool {
        let mut current = value;
        loop {
            match &current.kind {
                Kind::Call(call) => current = &call.func,
                Kind::Attr(receiver, _) => current = receiver,
                Kind::Name(name) => return self.is_library_name(name),
                Kind::Batch(_) => return true,
                _ => return false,
            }
        }
    }

    /// Whether a value is a call into `logging` (`logging.getLogger(__name__)`, `log.info(...)` on such a logger).
    fn is_logging(&self, value: &Value) -> bool {
        let mut current = value;
        loop {
            match &current.kind {
                Kind::Call(call) => current = &call.func,
                Kind::Attr(receiver, _) => current = receiver,
                Kind::Name(name) => return self.is_logging_name(name),
                _ => return false,
            }
        }
    }

    /// Binds an assignment target: a name, a tuple or list of targets (unpacking), or a subscript of a known dictionary or list.
    pub(super) fn assign_target(&mut self, target: &'a Expr, value: Value) -> bool {
        match target {
            Expr::Name(name) => {
                self.bind_value(name.id.as_str(), value);
                true
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                let Some(items) = builtins::iterate(&value) else {
                    return self
                        .cx
                        .unsupported(&value, "a list or tuple to unpack")
                        .unwrap_or(false);
                };
                if items.len() != elts.len() {
                    self.cx.error::<()>(
                        "invalid-argument",
                        value.span,
                        format!(
                            "Python cannot unpack {} values into {} names.",
                            items.len(),
                            elts.len()
                        ),
                        "Unpack as many names as there are values.",
                    );
                    return false;
                }
                elts.iter().zip(items).all(|(target, item)| self.assign_target(target, item))
            }
            Expr::Subscript(subscript) => {
                let Expr::Name(name) = subscript.value.as_ref() else {
                    return self.unsupported_target(target);
                };
                let key = self.value(&subscript.slice);
                let Some(Binding::Value(current)) = self.lookup(name.id.as_str()) else {
                    return self.unsupported_target(target);
                };
                let current = current.clone();
                let kind = match (current.kind, &key.kind) {
                    (Kind::Dict(mut items), _) => {
                        builtins::dict_insert(&mut items, key, value);
                        Kind::Dict(items)
                    }
                    (Kind::Seq(mut items), Kind::Int(i)) => {
                        match usize::try_from(*i).ok().and_then(|i| items.get_mut(i)) {
                            Some(slot) => *slot = value,
                            None => return self.unsupported_target(target),
                        }
                        Kind::Seq(items)
                    }
                    _ => return self.unsupported_target(target),
                };
                self.bind_value(name.id.as_str(), Value::new(kind, current.span));
                true
            }
            _ => self.unsupported_target(target),
        }
    }

    fn unsupported_target(&self, target: &Expr) -> bool {
        self.cx.error::<()>(
            "unsupported-statement",
            python::span(target.range()),
            "miglab assigns to names, tuples of names, and keys of known dictionaries, not to this target.",
            "Assign to a plain name.",
        );
        false
    }

    fn if_statement(&mut self, branch: &'a ast::StmtIf, span: Span) -> Flow {
        let mut test = Some(branch.test.as_ref());
        let mut body = &branch.body;
        let mut clauses = branch.elif_else_clauses.iter();
        loop {
            let taken = match test {
                None => true,
                Some(test) => {
                    let value = self.value(test);
                    match builtins::truth(&value) {
                        Some(taken) => taken,
                        None => {
                            if !self.stopped {
                                let unknown = unknown_part(&value);
                                self.cx.error::<()>(
                                    "unknown-condition",
                                    value.span,
                                    format!("miglab cannot know before the run whether this condition holds: it depends on {}.", unknown.describe()),
                                    "Decide the branch when writing the migration, or test a value written in the file.",
                                );
                            }
                            return Flow::Normal;
                        }
                    }
                }
            };
            if taken {
                return self.nested(body, span);
            }
            let Some(clause) = clauses.next() else { return Flow::Normal };
            test = clause.test.as_ref();
            body = &clause.body;
        }
    }

    fn for_loop(&mut self, each: &'a ast::StmtFor, span: Span) -> Flow {
        let iterable = self.value(&each.iter);
        let Some(items) = builtins::iterate(&iterable) else {
            if translate::is_query(&iterable) {
                translate::query_result::<()>(self.cx, &iterable);
            } else if !self.stopped {
                self.cx.error::<()>(
                    "unknown-loop",
                    iterable.span,
                    format!(
                        "miglab cannot know before the run what this loop goes over: {}.",
                        iterable.describe()
                    ),
                    "Loop over a list, tuple, dictionary or `range(...)` written in the file.",
                );
            }
            return Flow::Normal;
        };
        if !self.enter(span) {
            return Flow::Stop;
        }
        let mut flow = Flow::Normal;
        let mut broke = false;
        for item in items {
            if !self.assign_target(&each.target, item) {
                break;
            }
            match self.block(&each.body) {
                Flow::Normal | Flow::Continue => {}
                Flow::Break => {
                    broke = true;
                    break;
                }
                other => {
                    flow = other;
                    break;
                }
            }
        }
        if matches!(flow, Flow::Normal) && !broke {
            flow = self.block(&each.orelse);
        }
        self.leave();
        flow
    }

    /// Offline, Alembic runs a `try` body straight through: nothing in it fails, because nothing touches a database.
    fn try_statement(&mut self, attempt: &'a ast::StmtTry, span: Span) -> Flow {
        if !self.module_level {
            self.cx.warning(
                "try-body-only",
                span,
                "miglab shows this `try` body as `alembic upgrade --sql` runs it, where nothing fails; on a real database an error here would run the `except` branch instead.",
                "Make sure the `try` body is what you mean to run.",
            );
        }
        let mut flow = self.nested(&attempt.body, span);
        if matches!(flow, Flow::Normal) {
            flow = self.nested(&attempt.orelse, span);
        }
        match (self.nested(&attempt.finalbody, span), flow) {
            (Flow::Normal, flow) => flow,
            (finally, _) => finally,
        }
    }

    fn with_block(&mut self, with: &'a ast::StmtWith, span: Span) -> Flow {
        let [item] = with.items.as_slice() else {
            self.cx.error::<()>(
                "unsupported-statement",
                span,
                "miglab understands a `with` statement with one context manager only.",
                "Nest the `with` blocks instead.",
            );
            return Flow::Normal;
        };
        let context = self.value(&item.context_expr);
        if translate::is_autocommit_block(&context) {
            let outer = self.autocommit;
            self.autocommit = true;
            let flow = self.nested(&with.body, span);
            self.autocommit = outer;
            return flow;
        }
        if let Some(call) =
            context.as_call().filter(|c| c.func.path().as_deref() == Some("op.batch_alter_table"))
        {
            let Some(table) = translate::batch_table(self.cx, call, &context) else {
                return Flow::Normal;
            };
            match item.optional_vars.as_deref() {
                Some(Expr::Name(name)) => {
                    let value = Value::new(Kind::Batch(Box::new(table)), context.span);
                    self.bind_value(name.id.as_str(), value);
                }
                _ => {
                    self.cx.error::<()>(
                        "unsupported-statement",
                        context.span,
                        "A `batch_alter_table` block needs a name for its operations, as in `as batch_op`.",
                        "Write `with op.batch_alter_table(\"table\") as batch_op:`.",
                    );
                    return Flow::Normal;
                }
            }
            return self.nested(&with.body, span);
        }
        if !self.stopped {
            self.cx.error::<()>(
                "unsupported-statement",
                context.span,
                format!("miglab understands `with op.batch_alter_table(...)` and `with op.get_context().autocommit_block()`, not {}.", context.describe()),
                "Use one of those blocks, or move the operations out of the `with`.",
            );
        }
        Flow::Normal
    }

    /// Runs an operation and collects its steps.
    fn effect(&mut self, value: &Value, span: Span) {
        if self.module_level {
            self.cx.error::<()>(
                "operation-at-import",
                span,
                "This operation runs when Alembic imports the file, before every migration and in both directions, so miglab cannot place it in `upgrade()` or `downgrade()`.",
                "Move the operation into `upgrade()` or `downgrade()`.",
            );
            return;
        }
        let Some(sql) = translate::effect(self.cx, value) else { return };
        for sql in sql {
            if translate::is_concurrent(&sql) && !self.autocommit {
                self.cx.warning(
                    "concurrently-outside-autocommit-block",
                    span,
                    "Alembic runs this operation inside the migration's transaction, and Postgres refuses `CONCURRENTLY` there with 25001 (active_sql_transaction), so the whole migration rolls back.",
                    "Move the operation into `with op.get_context().autocommit_block():`.",
                );
            }
            self.out.push(Step {
                sql,
                autocommit: self.autocommit,
                span: Some(span),
                documented: Vec::new(),
            });
        }
    }
}

/// The part of an unknown value that makes it unknown, for the message: a comparison's unknown side.
fn unknown_part(value: &Value) -> &Value {
    match &value.kind {
        Kind::Compare(left, _, right) => {
            if builtins::truth(left).is_none() && !matches!(left.kind, Kind::Int(_) | Kind::Str(_))
            {
                unknown_part(left)
            } else {
                unknown_part(right)
            }
        }
        _ => value,
    }
}

fn describe(stmt: &Stmt) -> &'static str {
    match stmt {
        Stmt::While(_) => "a `while` loop (its end cannot be known before the run)",
        Stmt::Raise(_) => "a `raise` (Alembic would stop here with an exception)",
        Stmt::ClassDef(_) => "a class definition",
        Stmt::Delete(_) => "a `del` statement",
        Stmt::Assert(_) => "an `assert`",
        Stmt::Match(_) => "a `match` statement",
        Stmt::Global(_) | Stmt::Nonlocal(_) => "a `global` statement",
        _ => "this statement",
    }
}
