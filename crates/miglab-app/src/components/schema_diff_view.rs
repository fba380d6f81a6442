//! The visual schema diff: tables as cards, each column and index marked added, removed or changed, with row counts.
//! Row-count changes are listed first as data changes, a loss marked as one, so a `TRUNCATE` is never "no change".

use crate::state::schema_diff::{diff, Change, DataChange, ItemDiff, TableDiff};
use miglab_model::schema::Schema;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub before: Schema,
    pub after: Schema,
    pub caption: AttrValue,
}

fn item(d: &ItemDiff) -> Html {
    let shown = match (&d.before, &d.after) {
        (Some(b), Some(a)) if b != a => format!("{b} → {a}"),
        (_, Some(a)) => a.clone(),
        (Some(b), None) => b.clone(),
        (None, None) => String::new(),
    };
    html! {
        <li class={classes!("diff-item", d.change.class())}>
            if !d.change.label().is_empty() { <span class="tag">{ d.change.label() }</span> }
            <code class="name">{ &d.name }</code>{ " " }<span class="what">{ shown }</span>
        </li>
    }
}

fn rows(t: &TableDiff) -> String {
    match (t.rows_before, t.rows_after) {
        (Some(b), Some(a)) if a == b => format!("{a} rows (unchanged)"),
        (Some(b), Some(a)) => format!("{b} → {a} rows"),
        (None, Some(a)) => format!("{a} rows"),
        (Some(b), None) => format!("had {b} rows"),
        (None, None) => String::new(),
    }
}

#[function_component]
pub fn SchemaDiffView(props: &Props) -> Html {
    let all = diff(&props.before, &props.after);
    let data: Vec<&TableDiff> = all.iter().filter(|t| t.data() != DataChange::Kept).collect();
    let (tables, same): (Vec<&TableDiff>, Vec<&TableDiff>) =
        all.iter().partition(|t| t.change != Change::Same);
    let unchanged: Vec<String> = same
        .iter()
        .filter(|t| t.data() == DataChange::Kept)
        .map(|t| {
            format!("{} ({} rows)", t.name, t.rows_after.map_or("?".to_owned(), |n| n.to_string()))
        })
        .collect();
    html! {
        <section class="schema-diff" aria-label={props.caption.replace('`', "")}>
            <h4>{ crate::components::markdown::render_inline(&props.caption) }</h4>
            if !data.is_empty() {
                <ul class="data-changes" aria-label="Data changes">
                    { for data.iter().map(|t| {
                        let lost = matches!(t.data(), DataChange::Lost { .. });
                        html! {
                            <li class={classes!("data-change", if lost { "loss" } else { "gain" })}>
                                <span class="tag">{ if lost { "data lost" } else { "rows added" } }</span>{ " " }{ t.data_line().unwrap_or_default() }
                            </li>
                        }
                    }) }
                </ul>
            }
            <div class="cards">
            { for tables.iter().map(|t| html! {
                <article class={classes!("table-card", t.change.class())}>
                    <h5><code>{ &t.name }</code>{ " " }if !t.change.label().is_empty() { <span class="tag">{ t.change.label() }</span> }<span class="rows">{ rows(t) }</span></h5>
                    <ul class="diff-columns" aria-label={format!("Columns of {}", t.name)}>{ for t.columns.iter().map(item) }</ul>
                    if !t.indexes.is_empty() {
                        <p class="sub">{ "Indexes" }</p>
                        <ul class="diff-indexes" aria-label={format!("Indexes of {}", t.name)}>{ for t.indexes.iter().map(item) }</ul>
                    }
                </article>
            }) }
            </div>
            if !all.iter().any(TableDiff::changed) { <p>{ "No table changed, and every table kept its rows." }</p> }
            if tables.is_empty() && !data.is_empty() { <p>{ "No column or index changed; only the rows above did." }</p> }
            if !unchanged.is_empty() {
                <p class="muted unchanged">{ "Unchanged: " }{ unchanged.join(", ") }</p>
            }
        </section>
    }
}
