//! A SQL console that runs statements on the current branch and shows rows or the Postgres error.
//!
//! What the learner typed is never cleared: a failed statement leaves the text in place to fix.
//! `Ctrl+Enter` (or `Cmd+Enter`) runs, like most SQL tools.
//!
//! On a branch, consequences are shown both ways: a destructive statement first says what it would destroy
//! (the drop guard's rules and counts) and waits for "Run it anyway", and after any statement the diff shows
//! what changed, rows included, so a `TRUNCATE` reads "expenses: 40 → 0 rows".
//!
//! Read-only (Predict, on the starting database): every run is `SET LOCAL transaction_read_only = on` and then the
//! learner's SQL, sent as one script inside the branch's open transaction, and the branch is reset to its branch point after it, whatever
//! happened. Postgres itself refuses any write (25006), so nothing here guesses from keywords what writes; the reset
//! undoes anything a read-only transaction still allows. Only transaction control is refused before it is sent,
//! since `COMMIT` would end that read-only transaction and let the next statement write.

use crate::components::schema_diff_view::SchemaDiffView;
use crate::services::engine_boot::{use_engine, EngineState};
use crate::state::drop_guard::Stake;
use miglab_core::schema::Schema;
use miglab_pglite::{EngineError, QueryResult};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// Rows beyond this are counted, not drawn, so a big `SELECT` cannot stall the page.
const SHOWN_ROWS: usize = 200;

/// Sent before the learner's SQL in read-only mode; the reset to the branch point undoes it with everything else.
const READ_ONLY: &str = "SET LOCAL transaction_read_only = on";

#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Rows {
        result: QueryResult,
        ms: f64,
    },
    Failed(EngineError),
    /// Not sent: the read-only console refuses transaction control.
    Refused(String),
}

/// A destructive statement held back until the learner has seen what it would destroy.
#[derive(Clone, Debug, PartialEq)]
struct Held {
    sql: String,
    /// What it would destroy, or why that could not be counted.
    stakes: Result<Vec<Stake>, String>,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Read-only on the starting database: the branch to reset to after every run (see the module docs).
    #[prop_or_default]
    pub read_only: Option<AttrValue>,
}

/// A Postgres error's position counts from the start of what was sent; the learner's text starts after the prefix.
fn unprefixed(error: EngineError, text: &str) -> EngineError {
    match error {
        EngineError::Postgres(mut pg) => {
            let prefix = u32::try_from(READ_ONLY.chars().count() + 2).unwrap_or(u32::MAX);
            pg.position = pg.position.and_then(|p| p.checked_sub(prefix)).filter(|p| *p > 0);
            EngineError::Postgres(pg.located_in(text))
        }
        other => other,
    }
}

/// Why the read-only console will not send `sql`, or `None` when it may.
/// Transaction control is the one thing a read-only transaction does not stop, because it ends that transaction.
pub fn refused_in_read_only(sql: &str) -> Option<String> {
    let (steps, diagnostics) = miglab_core::analysis::steps_from_sql(sql);
    if let Some(d) = diagnostics.iter().find(|d| d.is_error()) {
        return Some(d.message.clone());
    }
    const CONTROL: [&str; 9] =
        ["BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "PREPARE"];
    steps.iter().find_map(|step| {
        let mut words = step.sql.split_whitespace().map(|w| w.trim_end_matches(';').to_ascii_uppercase());
        let first = words.next()?;
        let second = words.next().unwrap_or_default();
        let control = CONTROL.contains(&first.as_str()) && (first != "PREPARE" || second == "TRANSACTION");
        control.then(|| format!("`{}` controls the transaction, and this console runs every statement in one read-only transaction that is always rolled back, so it does not send it.", step.sql.split_whitespace().next().unwrap_or_default()))
    })
}

#[function_component]
pub fn SqlConsole(props: &Props) -> Html {
    let engine = use_engine();
    let lab = crate::services::engine_link::use_lab();
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
        let (engine, running, outcome, changed, held, read_only) = (
            engine.engine(),
            running.clone(),
            outcome.clone(),
            changed.clone(),
            held.clone(),
            read_only.clone(),
        );
        Callback::from(move |text: String| {
            let Some(engine) = engine.clone() else { return };
            running.set(true);
            held.set(None);
            let (running, outcome, changed, read_only) =
                (running.clone(), outcome.clone(), changed.clone(), read_only.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let before = match read_only {
                    None => engine.introspect().await.ok(),
                    Some(_) => None,
                };
                let started = miglab_pglite::now_ms();
                let result = match &read_only {
                    None => engine.query(&text).await,
                    // One call: the engine wraps each call in its own savepoint, and releasing a savepoint ends its read-only mode.
                    Some(_) => engine
                        .query(&format!("{READ_ONLY}; {text}"))
                        .await
                        .map_err(|error| unprefixed(error, &text)),
                };
                let ms = miglab_pglite::now_ms() - started;
                let mut shown = match result {
                    Ok(result) => Outcome::Rows { result, ms },
                    Err(error) => Outcome::Failed(error),
                };
                match &read_only {
                    // Always back to the starting database, after a failure too.
                    Some(branch) => {
                        if let Err(error) = engine.reset(branch).await {
                            shown = Outcome::Failed(error);
                        }
                        changed.set(None);
                    }
                    None => {
                        let after = engine.introspect().await.ok();
                        changed.set(before.zip(after).filter(|(b, a)| b.tables != a.tables));
                    }
                }
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
                if let Some(why) = refused_in_read_only(&text) {
                    return outcome.set(Some(Outcome::Refused(why)));
                }
                return execute.emit(text);
            }
            // On a branch, what a destructive statement would destroy is counted before it runs.
            let Some(backend) = lab.backend() else { return execute.emit(text) };
            running.set(true);
            let (running, held, execute) = (running.clone(), held.clone(), execute.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let stakes = crate::services::consequences::of_sql(&*backend, &text)
                    .await
                    .map(|(_, stakes)| stakes);
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
    let ready = engine.engine().is_some()
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
        let again = matches!(error, EngineError::WorkerDied(_))
            .then_some("This statement did not finish. Your SQL is still above: run it again.");
        return html! {
            <div class="console-error" role="alert" data-testid="console-error" data-kind="engine">
                <p>{ error.to_string() }</p>
                if let Some(again) = again { <p>{ again }</p> }
            </div>
        };
    };
    let at =
        pg.at.map(|at| format!(" at line {}, column {}", at.line, at.column)).unwrap_or_default();
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

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn reads_pass_ok() {
        assert_eq!(
            refused_in_read_only(
                "SELECT count(*) FROM expenses; DELETE FROM expenses; PREPARE q AS SELECT 1"
            ),
            None,
            "a write is Postgres's to refuse"
        );
    }

    #[test]
    fn transaction_control_refused_err() {
        for sql in [
            "COMMIT",
            "select 1; commit; delete from expenses",
            "ROLLBACK",
            "begin",
            "END",
            "savepoint x",
            "PREPARE TRANSACTION 'x'",
        ] {
            assert!(refused_in_read_only(sql).is_some(), "{sql}");
        }
        assert_eq!(refused_in_read_only("select 1;\ncommit").as_deref(), Some("`commit` controls the transaction, and this console runs every statement in one read-only transaction that is always rolled back, so it does not send it."));
    }

    #[test]
    fn position_counts_from_the_learner_text_ok() {
        let text = "SELECT 1;\nSELEC 2";
        let sent = format!("{READ_ONLY}; {text}");
        let at = u32::try_from(sent.find("SELEC 2").expect("sent") + 1).expect("small");
        let error = EngineError::Postgres(miglab_core::engine::PgError {
            sqlstate: "42601".into(),
            message: "syntax error".into(),
            position: Some(at),
            ..Default::default()
        });
        let EngineError::Postgres(pg) = unprefixed(error, text) else {
            panic!("still a Postgres error")
        };
        assert_eq!(pg.at.map(|a| (a.line, a.column)), Some((2, 1)));
    }

    #[test]
    fn strings_do_not_count_ok() {
        assert_eq!(refused_in_read_only("SELECT 'COMMIT'; SELECT $$ROLLBACK$$"), None);
    }
}
