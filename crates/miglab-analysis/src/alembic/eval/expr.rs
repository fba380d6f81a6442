//! Expressions: each becomes a [`Value`], computed when its parts are known, and kept as a tree
//! (a call, an attribute) when it describes a SQLAlchemy object the translator reads.

use super::builtins;
use super::{Binding, Interp, MAX_EXPR_DEPTH, MAX_ITEMS, MAX_NESTING_TOTAL};
use crate::alembic::python::{self, Call, Kind, Kwarg, Value, STARRED};
use crate::diagnostic::Span;
use ruff_python_ast::{self as ast, Expr, UnaryOp};
use ruff_text_size::Ranged;

impl<'a> Interp<'a, '_> {
    /// Evaluates one expression.
    pub fn value(&mut self, expr: &'a Expr) -> Value {
        self.expr(expr, 0)
    }

    pub(super) fn expr(&mut self, expr: &'a Expr, depth: u32) -> Value {
        let span = python::span(expr.range());
        // Helpers called inside deep expressions nest again; one count over all of them bounds the stack.
        if depth > MAX_EXPR_DEPTH || self.nesting >= MAX_NESTING_TOTAL {
            // Stopping, not skipping: a helper call in there could hold operations.
            self.stop(span, "miglab stopped here: expressions, blocks and function calls nest deeper than a migration needs (is a function calling itself?).".to_owned(), "Flatten the expression, or remove the recursion.");
            return Value::new(Kind::Other("a deeply nested expression"), span);
        }
        self.nesting += 1;
        let value = self.expr_inner(expr, span, depth);
        self.nesting -= 1;
        value
    }

    fn expr_inner(&mut self, expr: &'a Expr, span: Span, depth: u32) -> Value {
        if !self.tick(1, span) {
            return Value::new(Kind::Other("an expression past miglab's evaluation limit"), span);
        }
        let depth = depth + 1;
        let kind = match expr {
            Expr::StringLiteral(s) => Kind::Str(s.value.to_str().to_owned()),
            Expr::NumberLiteral(n) => python::number(&n.value, false),
            Expr::BooleanLiteral(b) => Kind::Bool(b.value),
            Expr::NoneLiteral(_) => Kind::None,
            Expr::List(list) => self.items(&list.elts, depth),
            Expr::Tuple(tuple) => self.items(&tuple.elts, depth),
            Expr::Set(set) => self.items(&set.elts, depth),
            Expr::Dict(dict) => self.dict(dict, depth),
            Expr::Name(name) => return self.name(name.id.as_str(), span),
            Expr::Attribute(attr) => {
                // A call right before `.method` is a receiver (`bind.execute(...).scalar()`), which the outer call judges.
                let outer = std::mem::replace(&mut self.receiver, true);
                let receiver = self.expr(&attr.value, depth);
                self.receiver = outer;
                if attr.attr.as_str() == "name" && is_dialect(&receiver) {
                    // `op.get_bind().dialect.name`: the run is for PostgreSQL, so this is known before it.
                    Kind::Str("postgresql".to_owned())
                } else {
                    Kind::Attr(Box::new(receiver), attr.attr.as_str().to_owned())
                }
            }
            Expr::Call(call) => return self.call(call, span, depth),
            Expr::FString(fstring) => self.fstring(fstring, depth),
            Expr::BinOp(binop) => {
                let left = self.expr(&binop.left, depth);
                let right = self.expr(&binop.right, depth);
                // `"%s" % a_list` formats the list itself, `% a_tuple` its items; a value from a name could be either.
                let ambiguous = binop.op == ast::Operator::Mod
                    && matches!(left.kind, Kind::Str(_))
                    && matches!(right.kind, Kind::Seq(_))
                    && !matches!(binop.right.as_ref(), Expr::Tuple(_));
                if ambiguous {
                    Kind::Other("a `%` format of a sequence miglab cannot tell apart from a tuple")
                } else {
                    builtins::binop(&left, binop.op, &right)
                }
            }
            Expr::UnaryOp(unary) => {
                // `-5` is a literal to SQLAlchemy too; keep it exact (and `-(2**63)` in range) by folding before evaluating.
                if let (UnaryOp::USub, Expr::NumberLiteral(n)) = (unary.op, unary.operand.as_ref())
                {
                    python::number(&n.value, true)
                } else {
                    let operand = self.expr(&unary.operand, depth);
                    builtins::unary(unary.op, &operand)
                }
            }
            Expr::BoolOp(boolop) => return self.boolop(boolop, span, depth),
            Expr::Compare(compare) => self.compare(compare, depth),
            Expr::Subscript(subscript) => {
                let value = self.expr(&subscript.value, depth);
                match subscript.slice.as_ref() {
                    Expr::Slice(_) => Kind::Other("a slice"),
                    index => {
                        let index = self.expr(index, depth);
                        builtins::subscript(&value, &index)
                    }
                }
            }
            Expr::If(ternary) => {
                let test = self.expr(&ternary.test, depth);
                match builtins::truth(&test) {
                    Some(true) => return self.expr(&ternary.body, depth),
                    Some(false) => return self.expr(&ternary.orelse, depth),
                    None => Kind::Other("a conditional expression on a value miglab cannot know"),
                }
            }
            Expr::ListComp(comp) => self.comprehension(&comp.elt, &comp.generators, depth),
            Expr::Generator(comp) => self.comprehension(&comp.elt, &comp.generators, depth),
            Expr::SetComp(comp) => self.comprehension(&comp.elt, &comp.generators, depth),
            Expr::Starred(_) => Kind::Other(STARRED),
            Expr::TString(_) => Kind::Other("a template string"),
            Expr::BytesLiteral(_) => Kind::Other("a bytes literal"),
            Expr::Lambda(_) => Kind::Other("a lambda"),
            Expr::DictComp(_) => Kind::Other("a dictionary comprehension"),
            _ => Kind::Other("a Python expression miglab does not evaluate"),
        };
        Value::new(kind, span)
    }

    fn name(&mut self, name: &str, span: Span) -> Value {
        match self.lookup(name) {
            Some(Binding::Value(value)) => {
                let value = value.clone();
                // Copying a bound value costs in proportion to its size, so loops over big values stay bounded.
                if !self.tick(value.weight, span) {
                    return Value::new(
                        Kind::Other("an expression past miglab's evaluation limit"),
                        span,
                    );
                }
                // The value keeps its own parts' positions, but is reported where it is used.
                Value { span, ..value }
            }
            Some(Binding::Function(_)) => Value::new(Kind::Name(name.to_owned()), span),
            None => Value::new(Kind::Name(name.to_owned()), span),
        }
    }

    /// List, tuple and set displays; `*known` spreads a known sequence.
    fn items(&mut self, elts: &'a [Expr], depth: u32) -> Kind {
        let mut out = Vec::new();
        for elt in elts {
            match elt {
                Expr::Starred(starred) => {
                    let value = self.expr(&starred.value, depth);
                    match builtins::iterate(&value) {
                        Some(items) => out.extend(items),
                        None => out.push(Value::new(Kind::Other(STARRED), value.span)),
                    }
                }
                _ => out.push(self.expr(elt, depth)),
            }
            if out.len() > MAX_ITEMS {
                return Kind::Other("a list too long for a migration");
            }
        }
        Kind::Seq(out)
    }

    fn dict(&mut self, dict: &'a ast::ExprDict, depth: u32) -> Kind {
        let mut items: Vec<(Value, Value)> = Vec::new();
        for item in &dict.items {
            let value = self.expr(&item.value, depth);
            match &item.key {
                Some(key) => {
                    let key = self.expr(key, depth);
                    builtins::dict_insert(&mut items, key, value);
                }
                None => match value.kind {
                    Kind::Dict(spread) => {
                        for (k, v) in spread {
                            builtins::dict_insert(&mut items, k, v);
                        }
                    }
                    _ => return Kind::Other("a dictionary with `**` entries miglab cannot know"),
                },
            }
        }
        Kind::Dict(items)
    }

    fn call(&mut self, call: &'a ast::ExprCall, span: Span, depth: u32) -> Value {
        let receiver = std::mem::take(&mut self.receiver);
        let (args, kwargs) = self.arguments(&call.arguments, depth);
        if let Expr::Name(name) = call.func.as_ref() {
            if let Some(Binding::Function(function)) = self.lookup(name.id.as_str()) {
                let function = *function;
                let mut named = Vec::new();
                for kwarg in kwargs {
                    match kwarg.name {
                        Some(name) => named.push((name, kwarg.value)),
                        None => {
                            self.cx.error::<()>(
                                "unsupported-expression",
                                kwarg.value.span,
                                "miglab cannot expand these `**` keyword arguments: their keys are not known before the run.",
                                "Pass each keyword argument explicitly.",
                            );
                            return Value::new(Kind::None, span);
                        }
                    }
                }
                if let Some(starred) = args.iter().find(|a| a.kind == Kind::Other(STARRED)) {
                    return self
                        .cx
                        .unsupported(starred, "a plain argument")
                        .unwrap_or_else(|| Value::new(Kind::None, span));
                }
                let value = self.call_function(function, args, named, span);
                return Value { span, ..value };
            }
        }
        let func = self.expr(&call.func, depth);
        // Offline mode is what `alembic upgrade --sql` runs, so the offline branch is the one miglab shows.
        if func.path().as_deref() == Some("context.is_offline_mode") && args.is_empty() {
            self.cx.warning(
                "offline-mode",
                span,
                "miglab follows this migration as `alembic upgrade --sql` runs it, in offline mode; against a database the other branch runs.",
                "Make sure the offline branch does what you mean.",
            );
            return Value::new(Kind::Bool(true), span);
        }
        if let Kind::Name(name) = &func.kind {
            if let Some(kind) = builtins::function(name, &args, &kwargs) {
                return Value::new(kind, span);
            }
        }
        if let Kind::Attr(receiver, method) = &func.kind {
            if let Some(kind) = builtins::method(receiver, method, &args, &kwargs) {
                return Value::new(kind, span);
            }
        }
        let value = Value::new(Kind::Call(Box::new(Call { func, args, kwargs })), span);
        // An operation inside a larger expression (a list, an argument, a comprehension) would run at a time
        // miglab cannot place among the statements, so it is refused rather than dropped.
        if depth > 1 && !receiver && crate::alembic::translate::is_effect(&value) {
            self.cx.error::<()>(
                "nested-operation",
                span,
                "miglab runs an operation written as a statement of its own or as the right side of an assignment, not inside a larger expression.",
                "Move the operation to its own line.",
            );
            return Value::new(Kind::Other("an operation inside an expression"), span);
        }
        value
    }

    /// A call's arguments; `*known` and `**known` are spread, unknown ones stay marked for the translator to refuse.
    fn arguments(&mut self, arguments: &'a ast::Arguments, depth: u32) -> (Vec<Value>, Vec<Kwarg>) {
        let mut args = Vec::new();
        for arg in &arguments.args {
            match arg {
                Expr::Starred(starred) => {
                    let value = self.expr(&starred.value, depth);
                    match builtins::iterate(&value) {
                        Some(items) => args.extend(items),
                        None => args.push(Value::new(Kind::Other(STARRED), value.span)),
                    }
                }
                _ => args.push(self.expr(arg, depth)),
            }
        }
        let mut kwargs = Vec::new();
        for keyword in &arguments.keywords {
            let value = self.expr(&keyword.value, depth);
            match (&keyword.arg, &value.kind) {
                (Some(name), _) => {
                    kwargs.push(Kwarg { name: Some(name.as_str().to_owned()), value })
                }
                (None, Kind::Dict(items)) => {
                    for (key, value) in items {
                        match &key.kind {
                            Kind::Str(name) => kwargs
                                .push(Kwarg { name: Some(name.clone()), value: value.clone() }),
                            _ => kwargs.push(Kwarg { name: None, value: value.clone() }),
                        }
                    }
                }
                (None, _) => kwargs.push(Kwarg { name: None, value }),
            }
        }
        (args, kwargs)
    }

    /// `f"ix_{table}_{column}"`: every interpolated value must be known.
    fn fstring(&mut self, fstring: &'a ast::ExprFString, depth: u32) -> Kind {
        let mut out = String::new();
        for part in fstring.value.iter() {
            match part {
                ast::FStringPart::Literal(literal) => out.push_str(&literal.value),
                ast::FStringPart::FString(f) => {
                    for element in f.elements.iter() {
                        match element {
                            ast::InterpolatedStringElement::Literal(literal) => {
                                out.push_str(&literal.value)
                            }
                            ast::InterpolatedStringElement::Interpolation(interpolation) => {
                                if interpolation.format_spec.is_some()
                                    || interpolation.debug_text.is_some()
                                {
                                    return Kind::Other("an f-string with a format specification");
                                }
                                let value = self.expr(&interpolation.expression, depth);
                                let text = match interpolation.conversion {
                                    ast::ConversionFlag::Repr => builtins::repr(&value),
                                    _ => builtins::str(&value),
                                };
                                match text {
                                    Some(text) => out.push_str(&text),
                                    None => {
                                        return Kind::Other(
                                            "an f-string with a value miglab cannot know",
                                        )
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if out.len() > super::MAX_STR {
                return Kind::Other("a string too long for a migration");
            }
        }
        Kind::Str(out)
    }

    /// `a and b`, `a or b`: Python's short circuit on known values; SQLAlchemy clauses stay a tree.
    fn boolop(&mut self, boolop: &'a ast::ExprBoolOp, span: Span, depth: u32) -> Value {
        let mut last = Value::new(Kind::None, span);
        for value in &boolop.values {
            last = self.expr(value, depth);
            match (builtins::truth(&last), boolop.op) {
                (None, _) => {
                    return Value::new(
                        Kind::Other("a boolean expression on a value miglab cannot know"),
                        span,
                    )
                }
                (Some(false), ast::BoolOp::And) | (Some(true), ast::BoolOp::Or) => {
                    return Value { span, ..last }
                }
                _ => {}
            }
        }
        Value { span, ..last }
    }

    fn compare(&mut self, compare: &'a ast::ExprCompare, depth: u32) -> Kind {
        let mut left = self.expr(&compare.left, depth);
        let mut result = true;
        for (op, right) in compare.ops.iter().zip(compare.comparators.iter()) {
            let right = self.expr(right, depth);
            match builtins::compare(&left, *op, &right) {
                Some(true) => {}
                Some(false) => result = false,
                None => {
                    // Not two known values: a SQLAlchemy comparison, which the translator renders as SQL.
                    if compare.ops.len() == 1 {
                        return Kind::Compare(Box::new(left), *op, Box::new(right));
                    }
                    return Kind::Other("a chained comparison miglab cannot know");
                }
            }
            left = right;
        }
        Kind::Bool(result)
    }

    /// `[f(x) for x in known if cond]`, one or more `for` clauses, each over a known sequence.
    fn comprehension(
        &mut self,
        elt: &'a Expr,
        generators: &'a [ast::Comprehension],
        depth: u32,
    ) -> Kind {
        // The comprehension's own scope: a frame whose parent is the current one.
        let parent = self.frames.len().checked_sub(1);
        self.frames.push(super::Frame { names: Vec::new(), parent });
        let mut out = Vec::new();
        let ok = self.generate(elt, generators, depth, &mut out);
        self.frames.pop();
        match ok {
            true => Kind::Seq(out),
            false => Kind::Other("a comprehension over values miglab cannot know"),
        }
    }

    fn generate(
        &mut self,
        elt: &'a Expr,
        generators: &'a [ast::Comprehension],
        depth: u32,
        out: &mut Vec<Value>,
    ) -> bool {
        let Some((first, rest)) = generators.split_first() else {
            let value = self.expr(elt, depth);
            out.push(value);
            return out.len() <= MAX_ITEMS;
        };
        let iterable = self.expr(&first.iter, depth);
        let Some(items) = builtins::iterate(&iterable) else { return false };
        for item in items {
            if self.stopped || !self.assign_target(&first.target, item) {
                return false;
            }
            let mut keep = true;
            for condition in &first.ifs {
                let test = self.expr(condition, depth);
                match builtins::truth(&test) {
                    Some(true) => {}
                    Some(false) => keep = false,
                    None => return false,
                }
            }
            if keep && !self.generate(elt, rest, depth, out) {
                return false;
            }
        }
        true
    }
}

/// `op.get_bind().dialect` or `op.get_context().dialect`.
fn is_dialect(value: &Value) -> bool {
    let Kind::Attr(receiver, attr) = &value.kind else { return false };
    attr == "dialect"
        && receiver
            .as_call()
            .and_then(|c| c.func.path())
            .is_some_and(|p| p == "op.get_bind" || p == "op.get_context")
}
