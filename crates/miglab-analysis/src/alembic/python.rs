//! The Python front end: ruff's parser turns the file into an AST, which becomes a small tree of [`Value`]s.
//!
//! The translator only ever sees `Value`s, so it never depends on ruff's AST shape.
//! Expressions a migration has no business using (lambdas, comprehensions, f-strings…) become
//! [`Kind::Other`] with a description, and the translator reports them where they matter.

use crate::diagnostic::Span;
use ruff_python_ast::{self as ast, Expr, Number, UnaryOp};
use ruff_text_size::{Ranged, TextRange};

/// How a `*args` argument is described; binding rejects it by this value.
pub(crate) const STARRED: &str = "a starred argument (`*args`)";

/// Deeper expressions than this are not migrations; stopping here keeps recursion bounded on hostile input.
const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Value {
    pub kind: Kind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Kind {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    None,
    /// A list or a tuple: Alembic accepts either wherever it takes a sequence.
    Seq(Vec<Value>),
    /// A dictionary literal; `**mapping` entries make it `Other` instead.
    Dict(Vec<(Value, Value)>),
    Name(String),
    Attr(Box<Value>, String),
    Call(Box<Call>),
    /// Anything else, described for a learner ("an f-string").
    Other(&'static str),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Call {
    pub func: Value,
    pub args: Vec<Value>,
    pub kwargs: Vec<Kwarg>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Kwarg {
    /// `None` for `**mapping`.
    pub name: Option<String>,
    pub value: Value,
}

impl Value {
    /// The dotted path of a name or attribute chain (`sa.Column`), if it is one.
    pub fn path(&self) -> Option<String> {
        match &self.kind {
            Kind::Name(name) => Some(name.clone()),
            Kind::Attr(value, attr) => Some(format!("{}.{attr}", value.path()?)),
            _ => None,
        }
    }

    /// The last segment of a dotted path: `sa.types.Integer` → `Integer`.
    pub fn last_name(&self) -> Option<&str> {
        match &self.kind {
            Kind::Name(name) => Some(name),
            Kind::Attr(_, attr) => Some(attr),
            _ => None,
        }
    }

    pub fn as_call(&self) -> Option<&Call> {
        match &self.kind {
            Kind::Call(call) => Some(call),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(text) => Some(text),
            _ => None,
        }
    }

    pub fn is_none(&self) -> bool {
        self.kind == Kind::None
    }

    /// What this value is, for a message: "the string 'x'", "a call to sa.Foo()".
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Str(text) => format!("the string {text:?}"),
            Kind::Int(n) => format!("the number {n}"),
            Kind::Float(n) => format!("the number {n}"),
            Kind::Bool(b) => format!("`{}`", if *b { "True" } else { "False" }),
            Kind::None => "`None`".to_owned(),
            Kind::Seq(_) => "a list".to_owned(),
            Kind::Dict(_) => "a dictionary".to_owned(),
            Kind::Name(_) | Kind::Attr(..) => format!("`{}`", self.path().unwrap_or_default()),
            Kind::Call(call) => match call.func.path() {
                Some(path) => format!("a call to `{path}()`"),
                None => "a call".to_owned(),
            },
            Kind::Other(what) => (*what).to_owned(),
        }
    }
}

/// CPython itself refuses more than 200 nested brackets; a migration never comes close.
/// Checking before parsing keeps ruff's recursive descent parser, and the drop of its AST,
/// within the small stack a browser gives WebAssembly.
pub(crate) const MAX_NESTING: usize = 100;

/// The byte offset where the source first nests deeper than [`MAX_NESTING`], skipping strings and comments:
/// brackets; runs of prefix operators with no operand between them (`not not …`, `- - …`);
/// or, within one logical line, right-recursive chains (`2**2**…`, `a if b else c if …`, `lambda: lambda: …`).
/// Left-associative chains (`a + b + …`) and lists of negative numbers parse iteratively and are not counted.
pub(crate) fn too_deep(source: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    let (mut depth, mut prefix_run, mut chain) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'#' => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
                continue;
            }
            b'\'' | b'"' => {
                i = skip_string(bytes, i);
                prefix_run = 0;
                continue;
            }
            b'\n' if depth == 0 => chain = 0,
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                prefix_run = 0;
            }
            b'-' | b'+' | b'~' => prefix_run += 1,
            b'*' if bytes.get(i + 1) == Some(&b'*') => {
                chain += 1;
                i += 1;
            }
            _ if b.is_ascii_alphanumeric() || b == b'_' => {
                let end = bytes
                    .get(i..)
                    .unwrap_or_default()
                    .iter()
                    .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                    .map_or(bytes.len(), |n| i + n);
                match bytes.get(i..end) {
                    Some(b"not" | b"await") => prefix_run += 1,
                    Some(b"if" | b"else" | b"lambda") => {
                        chain += 1;
                        prefix_run = 0;
                    }
                    _ => prefix_run = 0,
                }
                i = end;
                if depth > MAX_NESTING || prefix_run > MAX_NESTING || chain > MAX_NESTING {
                    return Some(i);
                }
                continue;
            }
            _ => {}
        }
        if depth > MAX_NESTING || prefix_run > MAX_NESTING || chain > MAX_NESTING {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The index just past a string literal starting at `start` (single, double or triple quoted).
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let Some(&quote) = bytes.get(start) else { return start + 1 };
    let triple = bytes.get(start + 1) == Some(&quote) && bytes.get(start + 2) == Some(&quote);
    let mut i = start + if triple { 3 } else { 1 };
    while let Some(&b) = bytes.get(i) {
        if b == b'\\' {
            i += 2;
            continue;
        }
        if b == quote
            && (!triple || (bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote)))
        {
            return i + if triple { 3 } else { 1 };
        }
        if b == b'\n' && !triple {
            return i;
        }
        i += 1;
    }
    i
}

pub(crate) fn span(range: TextRange) -> Span {
    Span::new(range.start().to_usize(), range.end().to_usize())
}

/// Module-level names bound once to a literal (`TABLE = "expenses"`), substituted where they are used.
pub(crate) type Constants = Vec<(String, Kind)>;

/// Converts one expression; anything beyond [`MAX_DEPTH`] becomes `Other`.
pub(crate) fn value(expr: &Expr) -> Value {
    convert(expr, 0, &Vec::new())
}

/// Like [`value`], with module-level constants replaced by their literal values.
pub(crate) fn value_in(expr: &Expr, constants: &Constants) -> Value {
    convert(expr, 0, constants)
}

/// Collects `NAME = <literal>` statements at module level; a name bound twice is not a constant.
pub(crate) fn constants(module: &[ast::Stmt]) -> Constants {
    let mut found: Constants = Vec::new();
    let mut rebound: Vec<String> = Vec::new();
    for stmt in module {
        let (target, value) = match stmt {
            ast::Stmt::Assign(assign) if assign.targets.len() == 1 => {
                (assign.targets.first(), Some(assign.value.as_ref()))
            }
            ast::Stmt::AnnAssign(assign) => (Some(assign.target.as_ref()), assign.value.as_deref()),
            _ => continue,
        };
        let (Some(Expr::Name(name)), Some(value)) = (target, value) else { continue };
        let name = name.id.as_str().to_owned();
        let value = self::value(value);
        if found.iter().any(|(n, _)| *n == name) {
            rebound.push(name);
        } else if is_literal(&value) {
            found.push((name, value.kind));
        }
    }
    found.retain(|(name, _)| !rebound.contains(name));
    found
}

fn is_literal(value: &Value) -> bool {
    match &value.kind {
        Kind::Str(_) | Kind::Int(_) | Kind::Float(_) | Kind::Bool(_) | Kind::None => true,
        Kind::Seq(items) => items.iter().all(is_literal),
        _ => false,
    }
}

fn convert(expr: &Expr, depth: usize, constants: &Constants) -> Value {
    let span = span(expr.range());
    let kind = match expr {
        _ if depth > MAX_DEPTH => Kind::Other("a deeply nested expression"),
        Expr::Name(name) => match constants.iter().find(|(n, _)| n == name.id.as_str()) {
            Some((_, kind)) => kind.clone(),
            None => Kind::Name(name.id.as_str().to_owned()),
        },
        _ => kind(expr, depth + 1, constants),
    };
    Value { kind, span }
}

fn kind(expr: &Expr, depth: usize, constants: &Constants) -> Kind {
    match expr {
        Expr::StringLiteral(s) => Kind::Str(s.value.to_str().to_owned()),
        Expr::NumberLiteral(n) => number(&n.value, false),
        Expr::UnaryOp(ast::ExprUnaryOp { op: UnaryOp::USub, operand, .. }) => {
            match operand.as_ref() {
                Expr::NumberLiteral(n) => number(&n.value, true),
                _ => Kind::Other("an arithmetic expression"),
            }
        }
        Expr::BooleanLiteral(b) => Kind::Bool(b.value),
        Expr::NoneLiteral(_) => Kind::None,
        Expr::List(list) => {
            Kind::Seq(list.elts.iter().map(|e| convert(e, depth, constants)).collect())
        }
        Expr::Tuple(tuple) => {
            Kind::Seq(tuple.elts.iter().map(|e| convert(e, depth, constants)).collect())
        }
        Expr::Name(name) => Kind::Name(name.id.as_str().to_owned()),
        Expr::Attribute(attr) => Kind::Attr(
            Box::new(convert(&attr.value, depth, constants)),
            attr.attr.as_str().to_owned(),
        ),
        Expr::Call(call) => Kind::Call(Box::new(Call {
            func: convert(&call.func, depth, constants),
            args: call.arguments.args.iter().map(|e| convert(e, depth, constants)).collect(),
            kwargs: call
                .arguments
                .keywords
                .iter()
                .map(|k| Kwarg {
                    name: k.arg.as_ref().map(|a| a.as_str().to_owned()),
                    value: convert(&k.value, depth, constants),
                })
                .collect(),
        })),
        Expr::Starred(_) => Kind::Other(STARRED),
        Expr::FString(_) | Expr::TString(_) => Kind::Other("an f-string"),
        Expr::BytesLiteral(_) => Kind::Other("a bytes literal"),
        Expr::Dict(dict) => {
            let mut items = Vec::new();
            for item in &dict.items {
                let Some(key) = &item.key else {
                    return Kind::Other("a dictionary with `**` entries");
                };
                items
                    .push((convert(key, depth, constants), convert(&item.value, depth, constants)));
            }
            Kind::Dict(items)
        }
        Expr::Compare(_) => Kind::Other("a comparison"),
        Expr::BinOp(_) | Expr::UnaryOp(_) => Kind::Other("an arithmetic expression"),
        Expr::BoolOp(_) => Kind::Other("a boolean expression"),
        Expr::Subscript(_) => Kind::Other("a subscript"),
        Expr::Lambda(_) => Kind::Other("a lambda"),
        Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_) => {
            Kind::Other("a comprehension")
        }
        _ => Kind::Other("a Python expression miglab does not evaluate"),
    }
}

fn number(n: &Number, negative: bool) -> Kind {
    match n {
        Number::Int(int) => match int.as_i64() {
            Some(v) if negative => {
                v.checked_neg().map_or(Kind::Other("a very large number"), Kind::Int)
            }
            Some(v) => Kind::Int(v),
            None => Kind::Other("a very large number"),
        },
        Number::Float(f) if negative => Kind::Float(-f),
        Number::Float(f) => Kind::Float(*f),
        Number::Complex { .. } => Kind::Other("a complex number"),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn check(source: &str) -> String {
        let parsed = ruff_python_parser::parse_expression(source).expect("valid expression");
        format!("{:?}", value(parsed.expr()).kind)
    }

    #[test]
    fn call_ok() {
        insta::assert_snapshot!(
            check("sa.Numeric(4, -3, asdecimal=False)"),
            @r#"Call(Call { func: Value { kind: Attr(Value { kind: Name("sa"), span: Span { start: 0, end: 2 } }, "Numeric"), span: Span { start: 0, end: 10 } }, args: [Value { kind: Int(4), span: Span { start: 11, end: 12 } }, Value { kind: Int(-3), span: Span { start: 14, end: 16 } }], kwargs: [Kwarg { name: Some("asdecimal"), value: Value { kind: Bool(false), span: Span { start: 28, end: 33 } } }] })"#
        );
    }

    #[test]
    fn other_err() {
        insta::assert_snapshot!(check("f'{x}'"), @r#"Other("an f-string")"#);
    }

    #[test]
    fn long_flat_lines_ok() {
        let negatives = format!(
            "op.bulk_insert(t, [{}])",
            (0..500).map(|n| format!("{{\"n\": -{n}}}")).collect::<Vec<_>>().join(", ")
        );
        let sums = format!("x = {}", vec!["a"; 500].join(" + "));
        assert_eq!(too_deep(&negatives), None);
        assert_eq!(too_deep(&sums), None);
        assert!(too_deep(&format!("x = {}1", "not -".repeat(60))).is_some());
        assert!(too_deep(&format!("x = 1{}", " if 1 else 1".repeat(60))).is_some());
    }

    #[test]
    fn deep_nesting_ok() {
        let source = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        assert!(check(&source).contains("deeply nested"));
    }
}
