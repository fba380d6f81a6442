//! The values the evaluator computes from ruff's Python AST: a small tree of [`Value`]s.
//!
//! The translator only ever sees `Value`s, so it never depends on ruff's AST shape.
//! What the evaluator cannot know before the run (a lambda, a value read from the database…)
//! becomes [`Kind::Other`] with a description, and the translator reports it where it matters.

use crate::diagnostic::Span;
use ruff_python_ast::{self as ast, Number};
use ruff_text_size::TextRange;

/// How a `*args` argument is described; binding rejects it by this value.
pub(crate) const STARRED: &str = "a starred argument (`*args`)";

/// Values nested deeper than this are not migrations; a loop that keeps wrapping a list stops here,
/// so cloning, comparing and dropping values never recurse deeper than this.
pub(crate) const MAX_VALUE_DEPTH: u32 = 64;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Value {
    pub kind: Kind,
    pub span: Span,
    /// How deeply the value nests (a literal is 1).
    pub depth: u32,
    /// Roughly how much work a copy of the value costs; the evaluator charges it against its step budget.
    pub weight: u64,
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
    /// Arithmetic on a SQLAlchemy clause (`t.c.n + 1`), kept for the SQL renderer; `&`, `|`, `~` become `and_`/`or_`/`not_` calls.
    BinOp(Box<Value>, &'static str, Box<Value>),
    /// A comparison that is not between two known values: a SQLAlchemy clause such as `t.c.id == 5`.
    Compare(Box<Value>, ast::CmpOp, Box<Value>),
    /// A `batch_alter_table` block's `as` name: its operations apply to this table.
    Batch(Box<BatchTable>),
    /// Anything else, described for a learner ("a lambda").
    Other(&'static str),
}

/// The table of a `with op.batch_alter_table(...) as batch_op:` block.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct BatchTable {
    pub name: String,
    pub schema: Option<String>,
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
    /// A value with its depth and weight worked out from its parts; one nested past [`MAX_VALUE_DEPTH`] becomes `Other`.
    pub fn new(kind: Kind, span: Span) -> Value {
        let (depth, weight) = match &kind {
            Kind::Str(text) => (1, 1 + text.len() as u64 / 64),
            Kind::Seq(items) => parts(items.iter()),
            Kind::Dict(items) => parts(items.iter().flat_map(|(k, v)| [k, v])),
            Kind::Attr(value, _) => parts(std::iter::once(value.as_ref())),
            Kind::Compare(left, _, right) | Kind::BinOp(left, _, right) => {
                parts([left.as_ref(), right.as_ref()].into_iter())
            }
            Kind::Call(call) => parts(
                std::iter::once(&call.func)
                    .chain(&call.args)
                    .chain(call.kwargs.iter().map(|k| &k.value)),
            ),
            _ => (1, 1),
        };
        if depth > MAX_VALUE_DEPTH {
            return Value { kind: Kind::Other("a deeply nested value"), span, depth: 1, weight: 1 };
        }
        Value { kind, span, depth, weight }
    }

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
            Kind::Call(call) => match (call.func.path(), &call.func.kind) {
                (Some(path), _) => format!("a call to `{path}()`"),
                (None, Kind::Attr(_, method)) => format!("a call to `.{method}()`"),
                _ => "a call".to_owned(),
            },
            Kind::Compare(..) => "a comparison".to_owned(),
            Kind::BinOp(..) => "an arithmetic expression".to_owned(),
            Kind::Batch(table) => format!("the batch operations of table {}", table.name),
            Kind::Other(what) => (*what).to_owned(),
        }
    }
}

/// The depth and weight of a value made of `items`.
fn parts<'v>(items: impl Iterator<Item = &'v Value>) -> (u32, u64) {
    items.fold((1, 1), |(depth, weight), v| {
        (depth.max(v.depth + 1), weight.saturating_add(v.weight))
    })
}

/// CPython itself refuses more than 200 nested brackets; a migration never comes close.
/// Checking before parsing keeps ruff's recursive descent parser, and the drop of its AST,
/// within the small stack a browser gives WebAssembly.
pub(crate) const MAX_NESTING: usize = 100;

/// The byte offset where the source first nests deeper than [`MAX_NESTING`], skipping strings and comments:
/// brackets; indented blocks; runs of prefix operators with no operand between them (`not not …`, `- - …`);
/// or, within one logical line, right-recursive chains (`2**2**…`, `a if b else c if …`, `lambda: lambda: …`).
/// Left-associative chains (`a + b + …`) and lists of negative numbers parse iteratively and are not counted.
pub(crate) fn too_deep(source: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    let (mut depth, mut prefix_run, mut chain) = (0usize, 0usize, 0usize);
    // The indentation widths of the enclosing blocks (0, the module level, is implicit).
    let mut indents: Vec<usize> = Vec::new();
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
            b'\n' if depth == 0 => {
                chain = 0;
                // Indented blocks nest too: CPython stops at 100 levels ("too many levels of indentation").
                let width = bytes
                    .get(i + 1..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|c| matches!(c, b' ' | b'\t'))
                    .count();
                let next = bytes.get(i + 1 + width).copied();
                if !matches!(next, None | Some(b'\n' | b'\r' | b'#')) {
                    while indents.last().is_some_and(|&top| top > width) {
                        indents.pop();
                    }
                    if indents.last().is_none_or(|&top| top < width) {
                        indents.push(width);
                    }
                    if indents.len() > MAX_NESTING {
                        return Some(i + 1 + width);
                    }
                }
            }
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

pub(crate) fn number(n: &Number, negative: bool) -> Kind {
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
    fn deeply_nested_value_err() {
        let mut value = Value::new(Kind::Int(1), Span::new(0, 1));
        for _ in 0..100 {
            value = Value::new(Kind::Seq(vec![value]), Span::new(0, 1));
        }
        assert!(value.depth <= MAX_VALUE_DEPTH, "{}", value.depth);
        assert!(format!("{value:?}").contains("a deeply nested value"));
    }
}
