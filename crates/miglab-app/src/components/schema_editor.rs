//! The structured schema editor: the predicted schema as table cards the student edits.
//!
//! Columns, types, nullability, defaults and indexes only: row counts are not part of a schema answer, so none is shown.

use crate::state::schema_edit::SchemaEdit;
use miglab_model::schema::Schema;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Unique per question, used for element ids.
    pub id: AttrValue,
    pub schema: Schema,
    #[prop_or_default]
    pub locked: bool,
    /// False when the question does not grade indexes, so the editor shows only what the answer is about.
    #[prop_or(true)]
    pub indexes: bool,
    pub on_edit: Callback<SchemaEdit>,
}

fn text(
    on_edit: &Callback<SchemaEdit>,
    f: impl Fn(String) -> SchemaEdit + 'static,
) -> Callback<Event> {
    on_edit.reform(move |e: Event| f(e.target_unchecked_into::<HtmlInputElement>().value()))
}

fn flag(
    on_edit: &Callback<SchemaEdit>,
    f: impl Fn(bool) -> SchemaEdit + 'static,
) -> Callback<Event> {
    on_edit.reform(move |e: Event| f(e.target_unchecked_into::<HtmlInputElement>().checked()))
}

#[function_component]
pub fn SchemaEditor(props: &Props) -> Html {
    let on_edit = &props.on_edit;
    let locked = props.locked;
    html! {
        <div class="schema-editor">
            { for props.schema.tables.iter().enumerate().map(|(t, table)| {
                let add_column = on_edit.reform(move |_: MouseEvent| SchemaEdit::AddColumn { table: t });
                let add_index = on_edit.reform(move |_: MouseEvent| SchemaEdit::AddIndex { table: t });
                let caption = format!("Table {}", table.name);
                html! {
                    <section class="table-card" aria-label={caption.clone()}>
                        <h4><code>{ &table.name }</code></h4>
                        <table class="columns">
                            <caption class="visually-hidden">{ format!("Columns of {}", table.name) }</caption>
                            <thead><tr><th scope="col">{ "Column" }</th><th scope="col">{ "Type" }</th><th scope="col">{ "NOT NULL" }</th><th scope="col">{ "Default" }</th><th scope="col"><span class="visually-hidden">{ "Remove" }</span></th></tr></thead>
                            <tbody>
                            { for table.columns.iter().enumerate().map(|(c, column)| {
                                let label = |what: &str| format!("{what} of column {} in {}", column.name, table.name);
                                let remove = on_edit.reform(move |_: MouseEvent| SchemaEdit::RemoveColumn { table: t, column: c });
                                html! {
                                    <tr>
                                        <td><input aria-label={label("Name")} placeholder="name" value={column.name.clone()} disabled={locked} onchange={text(on_edit, move |name| SchemaEdit::RenameColumn { table: t, column: c, name })} /></td>
                                        <td><input aria-label={label("Type")} placeholder="type" list={format!("{}-types", props.id)} value={column.data_type.clone()} disabled={locked} onchange={text(on_edit, move |data_type| SchemaEdit::SetType { table: t, column: c, data_type })} /></td>
                                        <td class="center"><label class="nn"><input type="checkbox" aria-label={label("NOT NULL")} checked={column.not_null} disabled={locked} onchange={flag(on_edit, move |not_null| SchemaEdit::SetNotNull { table: t, column: c, not_null })} /><span class="nn-text" aria-hidden="true">{ " NOT NULL" }</span></label></td>
                                        <td><input aria-label={label("Default")} placeholder="none" value={column.default.clone().unwrap_or_default()} disabled={locked} onchange={text(on_edit, move |default| SchemaEdit::SetDefault { table: t, column: c, default })} /></td>
                                        <td class="remove"><button type="button" class="icon" aria-label={format!("Remove column {}", column.name)} disabled={locked} onclick={remove}><span aria-hidden="true">{ "✕" }</span></button></td>
                                    </tr>
                                }
                            }) }
                            </tbody>
                        </table>
                        <button type="button" disabled={locked} onclick={add_column}>{ "+ Column" }</button>
                        if props.indexes {
                            <h5>{ "Indexes" }</h5>
                            if table.indexes.is_empty() { <p class="muted">{ "No indexes." }</p> }
                            <ul class="indexes">
                            { for table.indexes.iter().enumerate().map(|(i, index)| {
                                let label = |what: &str| format!("{what} of index {}", index.name);
                                let remove = on_edit.reform(move |_: MouseEvent| SchemaEdit::RemoveIndex { table: t, index: i });
                                html! {
                                    <li class="index-row">
                                        <input aria-label={label("Name")} value={index.name.clone()} disabled={locked} onchange={text(on_edit, move |name| SchemaEdit::RenameIndex { table: t, index: i, name })} />
                                        <input aria-label={label("Columns")} placeholder="column, column" value={index.columns.join(", ")} disabled={locked} onchange={text(on_edit, move |columns| SchemaEdit::SetIndexColumns { table: t, index: i, columns })} />
                                        <label class="unique"><input type="checkbox" aria-label={format!("Unique: {}", index.name)} checked={index.unique} disabled={locked} onchange={flag(on_edit, move |unique| SchemaEdit::SetIndexUnique { table: t, index: i, unique })} /><span aria-hidden="true">{ " unique" }</span></label>
                                        <button type="button" class="icon" aria-label={format!("Remove index {}", index.name)} disabled={locked} onclick={remove}><span aria-hidden="true">{ "✕" }</span></button>
                                    </li>
                                }
                            }) }
                            </ul>
                            <button type="button" disabled={locked} onclick={add_index}>{ "+ Index" }</button>
                        }
                    </section>
                }
            }) }
            <datalist id={format!("{}-types", props.id)}>
                { for ["integer", "bigint", "smallint", "text", "character varying(255)", "boolean", "numeric(4,3)", "numeric(10,2)", "uuid", "timestamp with time zone", "timestamp without time zone", "date", "jsonb"].iter().map(|t| html! { <option value={*t} /> }) }
            </datalist>
        </div>
    }
}
