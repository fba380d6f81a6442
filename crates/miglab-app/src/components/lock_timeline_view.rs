//! A run's locks on screen: the statements with the locks they left held and where each transaction commits, then
//! each table's strongest lock with how long it was held and whether a concurrent statement proceeds or waits.

use crate::state::lock_timeline::{self, End, Held, Row};
use miglab_model::locks::{Trace, Verdict};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub trace: Trace,
    /// What ran, e.g. `alembic upgrade head`.
    pub command: String,
}

fn ms(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.1} ms")
    } else {
        format!("{value:.0} ms")
    }
}

fn row(row: &Row) -> Html {
    html! {
        <>
            <tr class={classes!(row.bookkeeping.then_some("bookkeeping"))}>
                <td><code>{ row.sql.clone() }</code></td>
                <td>
                    if row.locks.is_empty() && row.documented {
                        // Outside a transaction nothing can be observed, and the lab has no documented lock for it.
                        <span class="muted">{ "not known: it runs outside a transaction, where no lock can be observed, and the lab has no documented lock for this statement" }</span>
                    } else if row.locks.is_empty() {
                        <span class="muted">{ "none" }</span>
                    }
                    { for row.locks.iter().map(|(relation, mode, new)| html! {
                        <span class={classes!("lock", new.then_some("taken"))}>
                            <code>{ relation.clone() }</code>{ " " }{ mode.name() }
                            if *new { <span class="visually-hidden">{ " (taken here)" }</span><span aria-hidden="true">{ " ●" }</span> }
                        </span>
                    }) }
                    if row.others > 0 { <span class="muted">{ format!("and {} index or sequence lock{}", row.others, if row.others == 1 { "" } else { "s" }) }</span> }
                    if row.documented && !row.locks.is_empty() { <span class="badge" title="This statement runs outside a transaction, so its lock is over before anyone can look: this is the lock the PostgreSQL manual documents for it.">{ "documented" }</span> }
                </td>
                <td>{ if row.rewritten.is_empty() { "no".to_owned() } else { format!("yes: {}", row.rewritten.join(", ")) } }</td>
                <td class="number">{ ms(row.ms) }</td>
            </tr>
            { match row.ends {
                Some(End::Commit) => html! { <tr class="commit"><td colspan="4"><code>{ "COMMIT" }</code>{ ": every lock above is released" }</td></tr> },
                Some(End::Rollback) => html! { <tr class="commit rollback"><td colspan="4"><code>{ "ROLLBACK" }</code>{ ": the next statement failed, so every lock above is released and nothing this transaction did stays" }</td></tr> },
                None => html! {},
            } }
        </>
    }
}

fn held(held: &Held) -> Html {
    html! {
        <tr>
            <th scope="row"><code>{ held.table.clone() }</code>{ " " }{ held.mode.name() }</th>
            <td>{ format!("{}{}", ms(held.ms), if held.documented { " (documented)" } else { "" }) }</td>
            { for held.verdicts.iter().map(|(_, verdict)| match verdict {
                Verdict::Proceeds => html! { <td class="proceeds">{ "proceeds" }</td> },
                Verdict::Waits => html! { <td class="waits">{ "waits" }</td> },
            }) }
        </tr>
    }
}

#[function_component]
pub fn LockTimeline(props: &Props) -> Html {
    let rows = lock_timeline::rows(&props.trace);
    let held_locks = lock_timeline::held(&props.trace);
    let title = format!("Locks taken by {}", props.command);
    html! {
        // Focusable: on a narrow screen the tables scroll sideways, and a keyboard must be able to scroll them.
        <section class="lock-timeline" aria-label={title.clone()} tabindex="0">
            <h4>{ title }</h4>
            <p class="muted">{ "Traced on the engine: after each statement the lab read this session's locks from pg_locks, and compared every table's file (relfilenode) to see a rewrite. A ● marks the lock a statement took or made stronger; each lock is held until its transaction ends, at COMMIT or ROLLBACK." }</p>
            <table class="lock-statements">
                <thead><tr><th scope="col">{ "Statement" }</th><th scope="col">{ "Locks held after it" }</th><th scope="col">{ "Rewritten" }</th><th scope="col">{ "Time" }</th></tr></thead>
                <tbody>{ for rows.iter().map(row) }</tbody>
            </table>
            if !held_locks.is_empty() {
                <table class="lock-conflicts">
                    <caption>{ "While each lock is held, another session's statement on the same table:" }</caption>
                    <thead><tr>
                        <th scope="col">{ "Lock" }</th><th scope="col">{ "Held for" }</th>
                        { for held_locks[0].verdicts.iter().map(|(concurrent, _)| html! { <th scope="col">{ concurrent.label() }</th> }) }
                    </tr></thead>
                    <tbody>{ for held_locks.iter().map(held) }</tbody>
                </table>
                <p class="muted">{ "Proceed or wait comes from Postgres's lock conflict table. The times are this branch's; on a table with millions of rows a rewrite or a full scan holds the lock for as long as it takes to read or copy every row." }</p>
            }
            if let Some(failure) = &props.trace.failure {
                <p class="muted">{
                    if failure.autocommit {
                        format!("The run stopped when Postgres refused the next statement ({}); it ran outside any transaction, so it had nothing to roll back.", failure.error.message)
                    } else {
                        format!("The run stopped when Postgres refused the next statement ({}), and its transaction rolled back, releasing every lock.", failure.error.message)
                    }
                }</p>
            }
        </section>
    }
}
