//! The Python built-ins migrations use on known values: operators, `range`/`zip`/`len`/`str`,
//! `%` and `.format` formatting, and string and dictionary methods. Every result is size-capped.

use super::{MAX_ITEMS, MAX_STR};
use crate::alembic::python::{Kind, Kwarg, Value};
use ruff_python_ast::{CmpOp, Operator, UnaryOp};

/// Python's truth value of a known value; `None` for what miglab cannot know.
pub(super) fn truth(value: &Value) -> Option<bool> {
    match &value.kind {
        Kind::Bool(b) => Some(*b),
        Kind::Int(n) => Some(*n != 0),
        Kind::Float(f) => Some(*f != 0.0),
        Kind::Str(s) => Some(!s.is_empty()),
        Kind::None => Some(false),
        Kind::Seq(items) => Some(!items.is_empty()),
        Kind::Dict(items) => Some(!items.is_empty()),
        _ => None,
    }
}

/// The items a `for` loop sees: a sequence's items, a dictionary's keys, a string's characters.
pub(super) fn iterate(value: &Value) -> Option<Vec<Value>> {
    match &value.kind {
        Kind::Seq(items) => Some(items.clone()),
        Kind::Dict(items) => Some(items.iter().map(|(k, _)| k.clone()).collect()),
        Kind::Str(s) if s.chars().count() <= MAX_ITEMS => {
            Some(s.chars().map(|c| Value::new(Kind::Str(c.to_string()), value.span)).collect())
        }
        _ => None,
    }
}

/// Inserts or replaces a key, as a Python dictionary does.
pub(super) fn dict_insert(items: &mut Vec<(Value, Value)>, key: Value, value: Value) {
    match items.iter_mut().find(|(k, _)| k.kind == key.kind) {
        Some(slot) => slot.1 = value,
        None => items.push((key, value)),
    }
}

/// Python's `str()` of a known scalar.
pub(super) fn str(value: &Value) -> Option<String> {
    match &value.kind {
        Kind::Str(s) => Some(s.clone()),
        Kind::Int(n) => Some(n.to_string()),
        Kind::Float(f) => Some(float(*f)),
        Kind::Bool(b) => Some(if *b { "True" } else { "False" }.to_owned()),
        Kind::None => Some("None".to_owned()),
        _ => None,
    }
}

/// Python's `repr()` of a known scalar: strings in quotes, the rest as `str()`.
pub(super) fn repr(value: &Value) -> Option<String> {
    match &value.kind {
        Kind::Str(s) => {
            let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
            let mut out = String::from(quote);
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    '\r' => out.push_str("\\r"),
                    c if c == quote => {
                        out.push('\\');
                        out.push(c);
                    }
                    c => out.push(c),
                }
            }
            out.push(quote);
            Some(out)
        }
        _ => str(value),
    }
}

/// A float as Python prints it, for the values migrations use (`1.0`, `0.5`).
fn float(f: f64) -> String {
    if f.is_finite() && f == f.trunc() && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

fn capped(text: String) -> Kind {
    if text.len() > MAX_STR {
        return Kind::Other("a string too long for a migration");
    }
    Kind::Str(text)
}

fn capped_seq(items: Vec<Value>) -> Kind {
    if items.len() > MAX_ITEMS {
        return Kind::Other("a list too long for a migration");
    }
    Kind::Seq(items)
}

pub(super) fn binop(left: &Value, op: Operator, right: &Value) -> Kind {
    use Kind::{Int, Seq, Str};
    let unknown = Kind::Other("an arithmetic expression on values miglab cannot know");
    match (&left.kind, op, &right.kind) {
        (Str(a), Operator::Add, Str(b)) if a.len() + b.len() <= MAX_STR => Str(format!("{a}{b}")),
        (Seq(a), Operator::Add, Seq(b)) => capped_seq(a.iter().chain(b).cloned().collect()),
        (Int(a), Operator::Add, Int(b)) => a.checked_add(*b).map_or(unknown, Int),
        (Int(a), Operator::Sub, Int(b)) => a.checked_sub(*b).map_or(unknown, Int),
        (Int(a), Operator::Mult, Int(b)) => a.checked_mul(*b).map_or(unknown, Int),
        (Int(a), Operator::Pow, Int(b)) => {
            u32::try_from(*b).ok().and_then(|b| a.checked_pow(b)).map_or(unknown, Int)
        }
        (Int(a), Operator::FloorDiv, Int(b)) => floor_div(*a, *b).map_or(unknown, Int),
        (Int(a), Operator::Mod, Int(b)) => floor_mod(*a, *b).map_or(unknown, Int),
        (Str(s), Operator::Mult, Int(n)) | (Int(n), Operator::Mult, Str(s)) => {
            match usize::try_from(*n).ok().and_then(|n| s.len().checked_mul(n)) {
                Some(len) if len <= MAX_STR => Str(s.repeat(usize::try_from(*n).unwrap_or(0))),
                Some(_) => Kind::Other("a string too long for a migration"),
                None => Str(String::new()),
            }
        }
        (Seq(items), Operator::Mult, Int(n)) | (Int(n), Operator::Mult, Seq(items)) => {
            match usize::try_from(*n).ok().and_then(|n| items.len().checked_mul(n)) {
                Some(len) if len <= MAX_ITEMS => {
                    Seq(items.iter().cycle().take(len).cloned().collect())
                }
                Some(_) => Kind::Other("a list too long for a migration"),
                None => Seq(Vec::new()),
            }
        }
        (Str(format), Operator::Mod, _) => percent(format, right).unwrap_or(Kind::Other(
            "a `%` format miglab cannot evaluate (it knows %s, %r, %d and %%)",
        )),
        _ if is_clause(left) || is_clause(right) => clause_op(left, op, right).unwrap_or(unknown),
        _ => unknown,
    }
}

/// Python's `//`: the quotient rounded toward negative infinity; `None` for division by zero or overflow.
fn floor_div(a: i64, b: i64) -> Option<i64> {
    let q = a.checked_div(b)?;
    let r = a.checked_rem(b)?;
    Some(if r != 0 && ((r < 0) != (b < 0)) { q - 1 } else { q })
}

/// Python's `%` on integers: the remainder takes the divisor's sign.
fn floor_mod(a: i64, b: i64) -> Option<i64> {
    let r = a.checked_rem(b)?;
    Some(if r != 0 && ((r < 0) != (b < 0)) { r + b } else { r })
}

/// `"... %s ..." % value`, `% (a, b)` or `% {"name": v}` with `%(name)s`.
fn percent(format: &str, args: &Value) -> Option<Kind> {
    let positional: Vec<Value> = match &args.kind {
        Kind::Seq(items) => items.clone(),
        Kind::Dict(_) => Vec::new(),
        _ => vec![args.clone()],
    };
    let mut next = positional.iter();
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let value = if chars.peek() == Some(&'(') {
            chars.next();
            let key: String = chars.by_ref().take_while(|c| *c != ')').collect();
            let Kind::Dict(items) = &args.kind else { return None };
            items.iter().find(|(k, _)| k.as_str() == Some(&key)).map(|(_, v)| v.clone())?
        } else if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        } else {
            next.next()?.clone()
        };
        let text = match chars.next()? {
            's' => str(&value)?,
            'r' => repr(&value)?,
            'd' | 'i' => match value.kind {
                Kind::Int(n) => n.to_string(),
                Kind::Bool(b) => i64::from(b).to_string(),
                _ => return None,
            },
            _ => return None,
        };
        out.push_str(&text);
        if out.len() > MAX_STR {
            return Some(Kind::Other("a string too long for a migration"));
        }
    }
    // Python refuses leftover arguments ("not all arguments converted").
    if next.next().is_some() {
        return None;
    }
    Some(Kind::Str(out))
}

/// A SQLAlchemy clause or column, which Python operators build SQL from.
fn is_clause(value: &Value) -> bool {
    matches!(value.kind, Kind::Call(_) | Kind::Attr(..) | Kind::Compare(..) | Kind::BinOp(..))
}

/// `a & b`, `a | b` (SQLAlchemy's AND/OR) and arithmetic on clauses.
fn clause_op(left: &Value, op: Operator, right: &Value) -> Option<Kind> {
    let sql = match op {
        Operator::BitAnd => {
            return Some(call("and_", vec![left.clone(), right.clone()], left.span))
        }
        Operator::BitOr => return Some(call("or_", vec![left.clone(), right.clone()], left.span)),
        Operator::Add => "+",
        Operator::Sub => "-",
        Operator::Mult => "*",
        Operator::Div => "/",
        Operator::Mod => "%",
        _ => return None,
    };
    Some(Kind::BinOp(Box::new(left.clone()), sql, Box::new(right.clone())))
}

/// A call to a bare SQLAlchemy function, as `sa.and_(...)` would be written.
fn call(name: &str, args: Vec<Value>, span: crate::diagnostic::Span) -> Kind {
    let func = Value::new(Kind::Name(name.to_owned()), span);
    Kind::Call(Box::new(crate::alembic::python::Call { func, args, kwargs: Vec::new() }))
}

pub(super) fn unary(op: UnaryOp, operand: &Value) -> Kind {
    match (op, &operand.kind) {
        (UnaryOp::Invert, _) if is_clause(operand) => {
            call("not_", vec![operand.clone()], operand.span)
        }
        (UnaryOp::Not, _) => match truth(operand) {
            Some(b) => Kind::Bool(!b),
            None => Kind::Other("a `not` on a value miglab cannot know"),
        },
        (UnaryOp::USub, Kind::Int(n)) => {
            n.checked_neg().map_or(Kind::Other("a very large number"), Kind::Int)
        }
        (UnaryOp::USub, Kind::Float(f)) => Kind::Float(-f),
        (UnaryOp::UAdd, Kind::Int(_) | Kind::Float(_)) => operand.kind.clone(),
        _ => Kind::Other("an arithmetic expression on values miglab cannot know"),
    }
}

pub(super) fn subscript(value: &Value, index: &Value) -> Kind {
    let position = |len: usize, i: i64| -> Option<usize> {
        let i = if i < 0 { i.checked_add(i64::try_from(len).ok()?)? } else { i };
        usize::try_from(i).ok().filter(|i| *i < len)
    };
    match (&value.kind, &index.kind) {
        (Kind::Seq(items), Kind::Int(i)) => position(items.len(), *i)
            .and_then(|i| items.get(i))
            .map_or(Kind::Other("an index past the end of the list"), |v| v.kind.clone()),
        (Kind::Str(s), Kind::Int(i)) => {
            let chars: Vec<char> = s.chars().collect();
            position(chars.len(), *i)
                .and_then(|i| chars.get(i))
                .map_or(Kind::Other("an index past the end of the string"), |c| {
                    Kind::Str(c.to_string())
                })
        }
        (Kind::Dict(items), _) => items
            .iter()
            .find(|(k, _)| k.kind == index.kind)
            .map_or(Kind::Other("a dictionary key that is not there"), |(_, v)| v.kind.clone()),
        // `t.c["name"]`, the same column as `t.c.name`.
        (Kind::Attr(_, c), Kind::Str(name)) if c == "c" => {
            Kind::Attr(Box::new(value.clone()), name.clone())
        }
        _ => Kind::Other("a subscript miglab cannot know"),
    }
}

/// A comparison of two known values; `None` when either is not one.
pub(super) fn compare(left: &Value, op: CmpOp, right: &Value) -> Option<bool> {
    let known = |v: &Value| {
        matches!(
            v.kind,
            Kind::Str(_)
                | Kind::Int(_)
                | Kind::Float(_)
                | Kind::Bool(_)
                | Kind::None
                | Kind::Seq(_)
                | Kind::Dict(_)
        )
    };
    if !known(left) || !known(right) {
        return None;
    }
    let number = |v: &Value| match v.kind {
        Kind::Int(n) => Some(n as f64),
        Kind::Float(f) => Some(f),
        Kind::Bool(b) => Some(f64::from(u8::from(b))),
        _ => None,
    };
    let equal = || match (number(left), number(right)) {
        (Some(a), Some(b)) => a == b,
        _ => same(left, right),
    };
    let order = || match (&left.kind, &right.kind) {
        (Kind::Str(a), Kind::Str(b)) => Some(a.cmp(b)),
        _ => number(left)?.partial_cmp(&number(right)?),
    };
    let contains = || match &right.kind {
        Kind::Seq(items) => Some(items.iter().any(|i| same(i, left))),
        Kind::Dict(items) => Some(items.iter().any(|(k, _)| same(k, left))),
        Kind::Str(s) => left.as_str().map(|l| s.contains(l)),
        _ => None,
    };
    match op {
        CmpOp::Eq => Some(equal()),
        CmpOp::NotEq => Some(!equal()),
        // Identity is only knowable against `None`, which is a singleton.
        CmpOp::Is => (left.is_none() || right.is_none()).then(|| left.is_none() && right.is_none()),
        CmpOp::IsNot => {
            (left.is_none() || right.is_none()).then(|| !(left.is_none() && right.is_none()))
        }
        CmpOp::Lt => order().map(|o| o.is_lt()),
        CmpOp::LtE => order().map(|o| o.is_le()),
        CmpOp::Gt => order().map(|o| o.is_gt()),
        CmpOp::GtE => order().map(|o| o.is_ge()),
        CmpOp::In => contains(),
        CmpOp::NotIn => contains().map(|c| !c),
    }
}

/// Structural equality, ignoring where the values were written.
fn same(a: &Value, b: &Value) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Seq(x), Kind::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Kind::Dict(x), Kind::Dict(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| y.iter().any(|(k2, v2)| same(k, k2) && same(v, v2)))
        }
        (x, y) => x == y,
    }
}

/// `range`, `zip`, `len`, `str`, `int`, `list`, `tuple`, `enumerate`, `sorted`, `reversed` on known values.
pub(super) fn function(name: &str, args: &[Value], kwargs: &[Kwarg]) -> Option<Kind> {
    match (name, kwargs) {
        // `dict(id=1, name="x")` and `dict(pairs)`, as bulk_insert rows are often written.
        ("dict", _) => return dict(args, kwargs),
        // `enumerate(items, start=1)`.
        ("enumerate", [Kwarg { name: Some(start), value }])
            if start == "start" && args.len() == 1 =>
        {
            let Kind::Int(start) = value.kind else { return None };
            return enumerate(args.first()?, start);
        }
        (_, []) => {}
        _ => return None,
    }
    let ints: Option<Vec<i64>> =
        args.iter().map(|a| if let Kind::Int(n) = a.kind { Some(n) } else { None }).collect();
    let span = args.first().map(|a| a.span).unwrap_or_default();
    Some(match (name, args) {
        ("range", _) => {
            let ints = ints?;
            let (start, stop, step) = match ints.as_slice() {
                [stop] => (0, *stop, 1),
                [start, stop] => (*start, *stop, 1),
                [start, stop, step] if *step != 0 => (*start, *stop, *step),
                _ => return None,
            };
            let len = if step > 0 {
                (i128::from(stop) - i128::from(start) + i128::from(step) - 1) / i128::from(step)
            } else {
                (i128::from(start) - i128::from(stop) - i128::from(step) - 1) / -i128::from(step)
            };
            if len > MAX_ITEMS as i128 {
                return Some(Kind::Other("a range too long for a migration"));
            }
            let len = usize::try_from(len.max(0)).unwrap_or(0);
            // Every item lies between start and stop, so it fits; i128 keeps `step * i` from overflowing on the way.
            let item = |i: usize| {
                let n = i128::from(start) + i128::from(step) * i as i128;
                Value::new(Kind::Int(i64::try_from(n).unwrap_or_default()), span)
            };
            Kind::Seq((0..len).map(item).collect())
        }
        ("zip", _) => {
            let lists: Vec<Vec<Value>> = args.iter().map(iterate).collect::<Option<_>>()?;
            let len = lists.iter().map(Vec::len).min().unwrap_or(0);
            Kind::Seq(
                (0..len)
                    .map(|i| {
                        let row = lists.iter().filter_map(|l| l.get(i).cloned()).collect();
                        Value::new(Kind::Seq(row), span)
                    })
                    .collect(),
            )
        }
        ("enumerate", [items]) => enumerate(items, 0)?,
        ("enumerate", [items, start]) => match start.kind {
            Kind::Int(start) => enumerate(items, start)?,
            _ => return None,
        },
        ("len", [value]) => match &value.kind {
            Kind::Str(s) => Kind::Int(s.chars().count() as i64),
            Kind::Seq(items) => Kind::Int(items.len() as i64),
            Kind::Dict(items) => Kind::Int(items.len() as i64),
            _ => return None,
        },
        ("str", [value]) => Kind::Str(str(value)?),
        ("repr", [value]) => Kind::Str(repr(value)?),
        ("int", [value]) => match &value.kind {
            Kind::Int(n) => Kind::Int(*n),
            Kind::Bool(b) => Kind::Int(i64::from(*b)),
            Kind::Str(s) => Kind::Int(s.trim().parse().ok()?),
            _ => return None,
        },
        ("bool", [value]) => Kind::Bool(truth(value)?),
        ("list" | "tuple", [value]) => Kind::Seq(iterate(value)?),
        ("list" | "tuple", []) => Kind::Seq(Vec::new()),
        ("reversed", [value]) => Kind::Seq(iterate(value)?.into_iter().rev().collect()),
        ("sorted", [value]) => {
            let mut items = iterate(value)?;
            if items.iter().all(|i| matches!(i.kind, Kind::Str(_))) {
                items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            } else if items.iter().all(|i| matches!(i.kind, Kind::Int(_))) {
                items.sort_by_key(|i| if let Kind::Int(n) = i.kind { n } else { 0 });
            } else {
                return None;
            }
            Kind::Seq(items)
        }
        _ => return None,
    })
}

fn enumerate(items: &Value, start: i64) -> Option<Kind> {
    let mut out = Vec::new();
    for (i, v) in iterate(items)?.into_iter().enumerate() {
        let index = start.checked_add(i as i64)?;
        let index = Value::new(Kind::Int(index), v.span);
        out.push(Value::new(Kind::Seq(vec![index, v]), items.span));
    }
    Some(Kind::Seq(out))
}

fn dict(args: &[Value], kwargs: &[Kwarg]) -> Option<Kind> {
    let mut items: Vec<(Value, Value)> = Vec::new();
    match args {
        [] => {}
        [Value { kind: Kind::Dict(given), .. }] => items = given.clone(),
        [pairs] => {
            for pair in iterate(pairs)? {
                let Kind::Seq(kv) = pair.kind else { return None };
                let [k, v] = <[Value; 2]>::try_from(kv).ok()?;
                dict_insert(&mut items, k, v);
            }
        }
        _ => return None,
    }
    for kwarg in kwargs {
        let key = Value::new(Kind::Str(kwarg.name.clone()?), kwarg.value.span);
        dict_insert(&mut items, key, kwarg.value.clone());
    }
    Some(Kind::Dict(items))
}

/// Methods of known strings and dictionaries: `.format`, `.join`, `.upper`, `.items()`…
pub(super) fn method(
    receiver: &Value,
    method: &str,
    args: &[Value],
    kwargs: &[Kwarg],
) -> Option<Kind> {
    match (&receiver.kind, method) {
        (Kind::Str(format), "format") => Some(format_method(format, args, kwargs).unwrap_or(
            Kind::Other("a `.format()` miglab cannot evaluate (it knows `{}`, `{0}` and `{name}`)"),
        )),
        _ if !kwargs.is_empty() => None,
        (Kind::Str(sep), "join") => {
            let [items] = args else { return None };
            let parts: Vec<String> = iterate(items)?
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect::<Option<_>>()?;
            Some(capped(parts.join(sep)))
        }
        (Kind::Str(s), "upper") if args.is_empty() => Some(Kind::Str(s.to_uppercase())),
        (Kind::Str(s), "lower") if args.is_empty() => Some(Kind::Str(s.to_lowercase())),
        (Kind::Str(s), "strip") if args.is_empty() => Some(Kind::Str(s.trim().to_owned())),
        (Kind::Str(s), "replace") => match args {
            [a, b] => {
                let (a, b) = (a.as_str()?, b.as_str()?);
                if a.is_empty() {
                    return None;
                }
                Some(capped(s.replace(a, b)))
            }
            _ => None,
        },
        (Kind::Str(s), "startswith") => Some(Kind::Bool(s.starts_with(args.first()?.as_str()?))),
        (Kind::Str(s), "endswith") => Some(Kind::Bool(s.ends_with(args.first()?.as_str()?))),
        (Kind::Dict(items), "items") if args.is_empty() => Some(Kind::Seq(
            items
                .iter()
                .map(|(k, v)| Value::new(Kind::Seq(vec![k.clone(), v.clone()]), k.span))
                .collect(),
        )),
        (Kind::Dict(items), "keys") if args.is_empty() => {
            Some(Kind::Seq(items.iter().map(|(k, _)| k.clone()).collect()))
        }
        (Kind::Dict(items), "values") if args.is_empty() => {
            Some(Kind::Seq(items.iter().map(|(_, v)| v.clone()).collect()))
        }
        (Kind::Dict(items), "get") => {
            let key = args.first()?;
            let default = args.get(1).map_or(Kind::None, |d| d.kind.clone());
            Some(
                items
                    .iter()
                    .find(|(k, _)| k.kind == key.kind)
                    .map_or(default, |(_, v)| v.kind.clone()),
            )
        }
        _ => None,
    }
}

/// `"{}_{}".format(a, b)`, `"{0}"`, `"{name}"`, with `{{`/`}}` escapes and no format specifications.
fn format_method(format: &str, args: &[Value], kwargs: &[Kwarg]) -> Option<Kind> {
    let mut out = String::new();
    let mut auto = 0;
    let mut manual = false;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let field: String = chars.by_ref().take_while(|c| *c != '}').collect();
                let (field, conversion) = match field.split_once('!') {
                    Some((f, "r")) => (f.to_owned(), true),
                    Some(_) => return None,
                    None => (field, false),
                };
                if field.contains(':') || field.contains('.') || field.contains('[') {
                    return None;
                }
                // Python refuses to mix `{}` with `{0}` in one format string.
                let value = if field.is_empty() {
                    if manual {
                        return None;
                    }
                    auto += 1;
                    args.get(auto - 1)?
                } else if let Ok(i) = field.parse::<usize>() {
                    if auto > 0 {
                        return None;
                    }
                    manual = true;
                    args.get(i)?
                } else {
                    &kwargs.iter().find(|k| k.name.as_deref() == Some(&field))?.value
                };
                out.push_str(&if conversion { repr(value)? } else { str(value)? });
                if out.len() > MAX_STR {
                    return Some(Kind::Other("a string too long for a migration"));
                }
            }
            '}' => return None,
            c => out.push(c),
        }
    }
    Some(Kind::Str(out))
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn python_integer_division_ok() {
        let cases = [(-7, 2), (7, -2), (-7, -2), (7, 2), (i64::MIN, -1), (1, 0)];
        let got: Vec<String> = cases
            .iter()
            .map(|&(a, b)| format!("{:?}/{:?}", floor_div(a, b), floor_mod(a, b)))
            .collect();
        assert_eq!(
            got.join(" "),
            "Some(-4)/Some(1) Some(-4)/Some(-1) Some(3)/Some(-1) Some(3)/Some(1) None/None None/None"
        );
        let span = crate::diagnostic::Span::new(0, 0);
        let int = |n| Value::new(Kind::Int(n), span);
        let big = function("range", &[int(i64::MIN), int(i64::MAX), int(1 << 62)], &[]);
        assert!(matches!(big, Some(Kind::Seq(items)) if items.len() == 4));
    }
}
