//! A SQL console that runs statements on the current branch and shows rows or the Postgres error.
//!
//! What the learner typed is never cleared: a failed statement leaves the text in place to fix.
//! `Ctrl+Enter` (or `Cmd+Enter`) runs, like most SQL tools.

use crate::engine_boot::{use_engine, EngineState};
use miglab_pglite::{EngineError, QueryResult};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// Rows beyond this are counted, not drawn, so a big `SELECT` cannot stall the page.
const SHOWN_ROWS: usize = 200;

#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Rows { result: QueryResult, ms: f64 },
    Failed(EngineError),
}

#[function_component]
pub fn SqlConsole() -> Html {
    let engine = use_engine();
    let sql = use_state(|| "SELECT version();".to_owned());
    let running = use_state(|| false);
    let outcome = use_state(|| None::<Outcome>);

    let run = {
        let (engine, sql, running, outcome) = (engine.engine(), sql.clone(), running.clone(), outcome.clone());
        Callback::from(move |()| {
            let Some(engine) = engine.clone() else { return };
            if *running || sql.trim().is_empty() {
                return;
            }
            running.set(true);
            let (text, running, outcome) = ((*sql).clone(), running.clone(), outcome.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let started = miglab_pglite::now_ms();
                let result = engine.query(&text).await;
                let ms = miglab_pglite::now_ms() - started;
                outcome.set(Some(match result {
                    Ok(result) => Outcome::Rows { result, ms },
                    Err(error) => Outcome::Failed(error),
                }));
                running.set(false);
            });
        })
    };
    let oninput = {
        let sql = sql.clone();
        Callback::from(move |e: InputEvent| sql.set(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
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
    let ready = engine.engine().is_some();
    let button = match (&engine, *running) {
        (_, true) => "Running…",
        (EngineState::Booting, _) => "Starting Postgres…",
        (EngineState::Restarting(_), _) => "Restarting…",
        _ => "Run",
    };

    html! {
        <section class="sql-console" aria-label="SQL console" data-testid="console" data-running={running.to_string()}>
            <label for="console-input" class="visually-hidden">{ "SQL to run on this branch" }</label>
            <textarea id="console-input" data-testid="console-input" spellcheck="false" rows="4"
                      value={(*sql).clone()} {oninput} {onkeydown} />
            <div class="console-actions">
                <button type="button" data-testid="console-run" disabled={!ready || *running}
                        onclick={run.reform(|_| ())}>{ button }</button>
                if let EngineState::Failed(reason) = &engine {
                    <span class="console-note" role="alert">{ reason.clone() }</span>
                }
            </div>
            <div data-testid="console-output" aria-live="polite">
                { outcome.as_ref().map(view_outcome).unwrap_or_default() }
            </div>
        </section>
    }
}

fn view_outcome(outcome: &Outcome) -> Html {
    match outcome {
        Outcome::Rows { result, ms } => view_rows(result, *ms),
        Outcome::Failed(error) => view_error(error),
    }
}

fn view_rows(result: &QueryResult, ms: f64) -> Html {
    let count = result.rows.len();
    let summary = match (result.columns.is_empty(), count) {
        (true, _) => format!("Done in {ms:.1} ms."),
        (false, 1) => format!("1 row in {ms:.1} ms."),
        (false, n) => format!("{n} rows in {ms:.1} ms."),
    };
    let cell = |value: &serde_json::Value| match value {
        serde_json::Value::Null => html! { <td class="null">{ "NULL" }</td> },
        serde_json::Value::String(text) => html! { <td>{ text.clone() }</td> },
        other => html! { <td>{ other.to_string() }</td> },
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

fn view_error(error: &EngineError) -> Html {
    let Some(pg) = error.postgres() else {
        // The worker died between or during statements: this one did not finish, but running it again will work,
        // unlike a statement stopped at the time limit, which would only be stopped again.
        let again = matches!(error, EngineError::WorkerDied(_)).then_some("This statement did not finish. Your SQL is still above: run it again.");
        return html! {
            <div class="console-error" role="alert" data-testid="console-error" data-kind="engine">
                <p>{ error.to_string() }</p>
                if let Some(again) = again { <p>{ again }</p> }
            </div>
        };
    };
    let at = pg.at.map(|at| format!(" at line {}, column {}", at.line, at.column)).unwrap_or_default();
    html! {
        <div class="console-error" role="alert" data-testid="console-error" data-kind="postgres" data-sqlstate={pg.sqlstate.clone()}>
            <p><strong>{ format!("ERROR {}", pg.sqlstate) }</strong>{ format!(": {}{at}", pg.message) }</p>
            if let Some(detail) = &pg.detail { <p>{ format!("DETAIL: {detail}") }</p> }
            if let Some(hint) = &pg.hint { <p>{ format!("HINT: {hint}") }</p> }
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
