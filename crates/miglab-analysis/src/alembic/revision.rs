//! Revision metadata: the module-level `revision`, `down_revision`, `branch_labels` and `depends_on`,
//! and the docstring's message and `Create Date`.

use super::cx::Cx;
use super::eval::Interp;
use super::python::{Kind, Value};
use crate::migration::Revision;
use ruff_python_ast::{Expr, Stmt};

/// Reads the metadata, evaluating each value in the module's scope (`down_revision = PARENT` works).
pub(crate) fn revision<'a>(cx: &Cx, interp: &mut Interp<'a, '_>, module: &'a [Stmt]) -> Revision {
    let mut revision = Revision::default();
    if let Some(Stmt::Expr(docstring)) = module.first() {
        if let Expr::StringLiteral(text) = docstring.value.as_ref() {
            let text = text.value.to_str();
            revision.message =
                text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default().to_owned();
            revision.create_date = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("Create Date:"))
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty());
        }
    }
    let mut found_revision = false;
    for stmt in module {
        let (target, value) = match stmt {
            Stmt::Assign(assign) if assign.targets.len() == 1 => {
                (assign.targets.first(), Some(assign.value.as_ref()))
            }
            Stmt::AnnAssign(assign) => (Some(assign.target.as_ref()), assign.value.as_deref()),
            _ => continue,
        };
        let (Some(Expr::Name(target)), Some(value)) = (target, value) else { continue };
        let value = interp.module_value(value);
        match target.id.as_str() {
            "revision" => {
                found_revision = true;
                match value.as_str() {
                    Some(id) => revision.revision = id.to_owned(),
                    None => {
                        cx.unsupported::<()>(&value, "the revision id as a string");
                    }
                }
            }
            "down_revision" => revision.down_revision = ids(cx, &value),
            "branch_labels" => revision.branch_labels = ids(cx, &value),
            "depends_on" => revision.depends_on = ids(cx, &value),
            _ => {}
        }
    }
    if !found_revision {
        cx.error::<()>(
            "missing-revision",
            crate::diagnostic::Span::new(0, 0),
            "This file has no `revision = \"…\"` line, so Alembic cannot place it in the history.",
            "Add `revision = \"<id>\"` at module level.",
        );
    }
    revision
}

/// `None`, a string, or a tuple/list of strings, as Alembic accepts for every revision reference.
fn ids(cx: &Cx, value: &Value) -> Vec<String> {
    match &value.kind {
        Kind::None => Vec::new(),
        Kind::Str(id) => vec![id.clone()],
        Kind::Seq(items) => {
            items.iter().filter_map(|item| cx.string(item, "a revision id string")).collect()
        }
        _ => {
            cx.unsupported::<()>(value, "`None`, a revision id string, or a tuple of them");
            Vec::new()
        }
    }
}
