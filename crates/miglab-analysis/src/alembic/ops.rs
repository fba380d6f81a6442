//! Dispatches one `op.<name>(...)` (or `batch_op.<name>(...)`) call to the operation that renders its SQL.
//!
//! Each operation lives in `ops/<group>.rs` and returns the statements Alembic emits for it, in order.

mod column;
mod constraint;
mod execute;
mod index;
mod insert;
mod table;

pub(crate) use insert::{bulk_insert, column_type};

use super::cx::{Args, Cx, Signature};
use super::ident;
use super::python::Call;
use crate::diagnostic::Span;

/// A table an operation targets, with its optional schema.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TableRef {
    pub name: String,
    pub schema: Option<String>,
}

impl TableRef {
    pub fn sql(&self) -> String {
        ident::table(&self.name, self.schema.as_deref())
    }
}

/// Where an operation was called: on `op` directly, or on a `batch_alter_table` alias that fixes the table.
#[derive(Clone, Copy)]
pub(crate) struct Receiver<'a> {
    pub batch: Option<&'a TableRef>,
}

/// Renders one operation; `None` after reporting why it cannot be translated.
pub(crate) fn operation(
    cx: &Cx,
    name: &str,
    call: &Call,
    span: Span,
    receiver: Receiver,
) -> Option<Vec<String>> {
    match name {
        "create_table" => table::create_table(cx, call, span, receiver),
        "drop_table" => table::drop_table(cx, call, span, receiver),
        "rename_table" => table::rename_table(cx, call, span, receiver),
        "create_table_comment" | "drop_table_comment" => table::table_comment(cx, name, call, span, receiver),
        "add_column" => column::add_column(cx, call, span, receiver),
        "drop_column" => column::drop_column(cx, call, span, receiver),
        "alter_column" => column::alter_column(cx, call, span, receiver),
        "create_index" => index::create_index(cx, call, span, receiver),
        "drop_index" => index::drop_index(cx, call, span, receiver),
        "create_unique_constraint" | "create_primary_key" | "create_check_constraint" | "create_foreign_key" => {
            constraint::create_constraint(cx, name, call, span, receiver)
        }
        "drop_constraint" => constraint::drop_constraint(cx, call, span, receiver),
        "execute" => execute::execute(cx, call, span, receiver),
        _ => cx.error(
            "unsupported-operation",
            span,
            format!("miglab does not support `op.{name}()`, so it cannot show the SQL Alembic would run."),
            "Use a supported operation, or write the SQL with `op.execute()`.",
        ),
    }
}

/// The signature of an operation whose `op.` form takes the table as parameter `table_param`;
/// the batch form drops that parameter because the batch fixes the table.
pub(crate) fn bind<'v>(
    cx: &Cx,
    call: &'v Call,
    span: Span,
    receiver: Receiver,
    sig: Signature,
    table_param: &str,
) -> Option<(Args<'v>, TableRef)> {
    match receiver.batch {
        Some(table) => {
            let params: Vec<&'static str> =
                sig.params.iter().copied().filter(|p| *p != table_param).collect();
            let kwonly: Vec<&'static str> =
                sig.kwonly.iter().copied().filter(|p| *p != "schema").collect();
            let args =
                Args::bind(cx, call, span, &Signature { params: &params, kwonly: &kwonly, ..sig })?;
            Some((args, table.clone()))
        }
        None => {
            let args = Args::bind(cx, call, span, &sig)?;
            let name = args.required(cx, table_param, sig.what)?;
            let name = cx.name(name)?;
            let schema = args.opt_string(cx, "schema")?;
            Some((args, TableRef { name, schema }))
        }
    }
}
