//! A SQL console that runs statements on the current branch and shows rows or the Postgres error.
//!
//! What the learner typed is never cleared: a failed statement leaves the text in place to fix.
//! `Ctrl+Enter` (or `Cmd+Enter`) runs, like most SQL tools.
//!
//! On a branch, consequences are shown both ways: a destructive statement first says what it would destroy
//! (the drop guard's rules and counts) and waits for "Run it anyway", and after any statement the diff shows
//! what changed, rows included, so a `TRUNCATE` reads "expenses: 40 → 0 rows".
//!
//! Read-only (Predict, on the starting database): each run is rolled back and Postgres refuses any write
//! (`state::console_outcome` says how); the engine work is `services::sql_console`.

use crate::components::schema_diff_view::SchemaDiffView;
use crate::services::engine_boot::{use_engine, EngineState};
use crate::services::engine_link::use_lab;
use crate::services::sql_console::{self, use_console_engine};
use crate::state::console_outcome::{ConsoleError, Held, Outcome};
use crate::state::run_state::Rows;
use miglab_model::schema::Schema;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// Rows beyond this are counted, not drawn, so a big `SELECT` cannot stall the page.
const SHOWN_ROWS: usize = 200;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Read-only on the starting database: the branch to reset to after every run (see the module docs).
    #[prop_or_default]
    pub read_only: Option<AttrValue>,
}

#[function_component]
pub fn SqlConsole(props: &Props) -> Html {
    let engine = use_engine();
    let lab = use_lab();
    let backend = use_console_engine();
    let read_only = props.read_only.clone();
    let sql = use_state(|| {
        if read_only.is_some() {
            "SELECT count(*) FROM expenses;".to_owned()
        } else {
            "SELECT version();".to_owned()
        }
    });
    let running = use_state(|| false);
    let outcome = use_state(|| None::<Outcome>);
    let held = use_state(|| None::<Held>);
    let changed = use_state(|| None::<(Schema, Schema)>);

    let execute = {
        let (backend, running, outcome, changed, held, read_only) = (
            backend.clone(),
            running.clone(),
            outcome.clone(),
            changed.clone(),
            held.clone(),
            read_only.clone(),
        );
        Callback::from(move |text: String| {
            let Some(backend) = backend.clone() else { return };
            running.set(true);
            held.set(None);
            let (running, outcome, changed, read_only) =
                (running.clone(), outcome.clone(), changed.clone(), read_only.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let (shown, diff) = sql_console::execute(
                    &*backend,
                    &text,
                    read_only.as_deref(),
                    sql_console::now_ms,
                )
                .await;
                changed.set(diff);
                outcome.set(Some(shown));
                running.set(false);
            });
        })
    };
    let run = {
        let (sql, running, outcome, held, lab, read_only, execute) = (
            sql.clone(),
            running.clone(),
            outcome.clone(),
            held.clone(),
            lab.clone(),
            read_only.clone(),
            execute.clone(),
        );
        Callback::from(move |()| {
            if *running || sql.trim().is_empty() {
                return;
            }
            let text = (*sql).clone();
            if read_only.is_some() {
                let (outcome, execute) = (outcome.clone(), execute.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    match sql_console::refusal(&text).await {
                        Some(why) => outcome.set(Some(Outcome::Refused(why))),
                        None => execute.emit(text),
                    }
                });
                return;
            }
            // On a branch, what a destructive statement would destroy is counted before it runs.
            let Some(backend) = lab.backend() else { return execute.emit(text) };
            running.set(true);
            let (running, held, execute) = (running.clone(), held.clone(), execute.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let stakes = sql_console::stakes(&*backend, &text).await;
                running.set(false);
                match stakes {
                    Ok(stakes) if stakes.is_empty() => execute.emit(text),
                    stakes => held.set(Some(Held { sql: text, stakes })),
                }
            });
        })
    };
    let oninput = {
        let (sql, held) = (sql.clone(), held.clone());
        Callback::from(move |e: InputEvent| {
            sql.set(e.target_unchecked_into::<HtmlTextAreaElement>().value());
            held.set(None);
        })
    };
    let onkeydown = {
        let run = run.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                run.emit(());
            }
        })
    };
    let ready = backend.is_some()
        && (read_only.is_none() || !read_only.as_deref().unwrap_or_default().is_empty());
    let button = match (&engine, *running) {
        (_, true) => "Running…",
        (EngineState::Booting, _) => "Starting Postgres…",
        (EngineState::Restarting(_), _) => "Restarting…",
        _ => "Run",
    };
    let (region, label) = match read_only {
        Some(_) => (
            "Read-only SQL console on the starting database",
            "SQL to run on the starting database, read-only",
        ),
        None => ("SQL console", "SQL to run on this branch"),
    };

    html! {
        <section class="sql-console" aria-label={region} data-testid="console" data-running={running.to_string()}>
            <label for="console-input" class="visually-hidden">{ label }</label>
            <textarea id="console-input" data-testid="console-input" spellcheck="false" rows="4"
                      value={(*sql).clone()} {oninput} {onkeydown} />
            <div class="console-actions">
                <button type="button" data-testid="console-run" disabled={!ready || *running}
                        onclick={run.reform(|_| ())}>{ button }</button>
                if let EngineState::Failed(reason) = &engine {
                    <span class="console-note" role="alert">{ crate::components::markdown::render_inline(reason) }</span>
                }
            </div>
            if let Some(h) = &*held {
                <div class="console-stake at-stake" role="alert">
                    <p><strong>{ match &h.stakes {
                        Ok(stakes) => crate::components::markdown::render_inline(&crate::state::drop_guard::sentence(stakes)),
                        Err(why) => html! { { format!("What this would destroy could not be checked: {why}") } },
                    } }</strong>{ " It has not run." }</p>
                    <button type="button" onclick={execute.reform({ let sql = h.sql.clone(); move |_: MouseEvent| sql.clone() })}>{ "Run it anyway" }</button>
                </div>
            }
            <div data-testid="console-output" aria-live="polite" aria-label="Console output">
                { outcome.as_ref().map(view_outcome).unwrap_or_default() }
                if read_only.is_some() && matches!(&*outcome, Some(Outcome::Rows { .. } | Outcome::Failed(_))) {
                    <p class="console-summary muted">{ "Rolled back: the starting database is as it was." }</p>
                }
                if let Some((before, after)) = &*changed {
                    <SchemaDiffView before={before.clone()} after={after.clone()} caption="What that did on the branch" />
                }
            </div>
        </section>
    }
}

/// Predict's console: read-only on the starting database, so a question that invites a query is never a dead end.
#[derive(Properties, PartialEq)]
pub struct StartProps {
    /// The lesson's branch, once the starting database is built.
    pub branch: Option<AttrValue>,
}

#[function_component]
pub fn StartConsole(props: &StartProps) -> Html {
    html! {
        <details class="console-box start-console" aria-label="Query the starting database (read-only)">
            <summary>{ "Query the starting database (read-only)" }</summary>
            <p class="muted">{ "Each run happens in a read-only transaction that is then rolled back, so Postgres refuses any write and the starting database stays exactly as it is." }</p>
            if let Some(branch) = &props.branch {
                <SqlConsole read_only={branch.clone()} />
            } else {
                <p class="muted">{ "The starting database is still being built." }</p>
            }
        </details>
    }
}

fn view_outcome(outcome: &Outcome) -> Html {
    match outcome {
        Outcome::Rows { result, ms } => view_rows(result, *ms),
        Outcome::Failed(error) => view_error(error),
        Outcome::Refused(why) => {
            html! { <div class="console-error" role="alert" data-testid="console-error" data-kind="refused"><p>{ crate::components::markdown::render_inline(why) }</p></div> }
        }
    }
}

fn view_rows(result: &Rows, ms: f64) -> Html {
    let count = result.rows.len();
    let summary = match (result.columns.is_empty(), count) {
        (true, _) => format!("Done in {ms:.1} ms."),
        (false, 1) => format!("1 row in {ms:.1} ms."),
        (false, n) => format!("{n} rows in {ms:.1} ms."),
    };
    // Values come as Postgres prints them (`Rows`), so only NULL needs a word of its own.
    let cell = |value: &Option<String>| match value {
        None => html! { <td class="null">{ "NULL" }</td> },
        Some(text) => html! { <td>{ text.clone() }</td> },
    };
    html! {
        <div class="console-result" data-testid="console-result">
            <p class="console-summary">{ summary }</p>
            if !result.columns.is_empty() {
                <div class="table-scroll" tabindex="0">
                    <table>
                        <thead><tr>{ for result.columns.iter().map(|c| html! { <th scope="col">{ c.clone() }</th> }) }</tr></thead>
                        <tbody>
                            { for result.rows.iter().take(SHOWN_ROWS).map(|row| html! { <tr>{ for row.iter().map(cell) }</tr> }) }
                        </tbody>
                    </table>
                </div>
                if count > SHOWN_ROWS {
                    <p class="console-summary">{ format!("{} more rows not shown.", count - SHOWN_ROWS) }</p>
                }
            }
        </div>
    }
}

fn view_error(error: &ConsoleError) -> Html {
    let failure = &error.failure;
    let Some(sqlstate) = &failure.sqlstate else {
        // The worker died between or during statements: this one did not finish, but running it again will work,
        // unlike a statement stopped at the time limit, which would only be stopped again.
        let again = failure
            .retry
            .then_some("This statement did not finish. Your SQL is still above: run it again.");
        return html! {
            <div class="console-error" role="alert" data-testid="console-error" data-kind="engine">
                <p>{ failure.message.clone() }</p>
                if let Some(again) = again { <p>{ again }</p> }
            </div>
        };
    };
    let at = error
        .at
        .map(|(line, column)| format!(" at line {line}, column {column}"))
        .unwrap_or_default();
    html! {
        <div class="console-error" role="alert" data-testid="console-error" data-kind="postgres" data-sqlstate={sqlstate.clone()}>
            <p><strong>{ format!("ERROR {sqlstate}") }</strong>{ format!(": {}{at}", failure.message) }</p>
            if let Some(detail) = &failure.detail { <p>{ format!("DETAIL: {detail}") }</p> }
            if let Some(hint) = &failure.hint { <p>{ format!("HINT: {hint}") }</p> }
        </div>
    }
}

/// `#/console`: the console on its own, on the page's database outside any lesson.
#[function_component]
pub fn ConsolePage() -> Html {
    html! {
        <section class="console-page" aria-labelledby="console-heading">
            <h2 id="console-heading">{ "SQL console" }</h2>
            <p>{ "A real PostgreSQL 18 running in this tab. Nothing here touches a lesson; reload the page to start over." }</p>
            <SqlConsole />
        </section>
    }
}
