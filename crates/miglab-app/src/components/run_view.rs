//! The Run stage: the lesson's commands on a named branch, the Alembic log, the schema diff, errors, `\d`, the console.

use crate::components::failure_view::FailureView;
use crate::components::schema_diff_view::SchemaDiffView;
use crate::state::progress::LastRun;
use crate::state::run_state::RunState;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub run: UseReducerHandle<RunState>,
    /// What the Run stage showed on the previous visit, saved with the progress; the engine no longer holds it.
    #[prop_or_default]
    pub restored: Option<LastRun>,
    /// Runs one Alembic command on the branch.
    pub on_run: Callback<String>,
    pub on_reset: Callback<()>,
    /// `\d table`.
    pub on_describe: Callback<String>,
    /// `alembic current` or `alembic history`.
    pub on_alembic: Callback<&'static str>,
    /// The lesson's run commands, offered as buttons in order.
    pub commands: Vec<String>,
    pub intro: AttrValue,
    /// The lesson's `run.scale`: the first command again on a grown table.
    #[prop_or_default]
    pub scale: Option<miglab_model::lesson::Scale>,
    #[prop_or_default]
    pub on_scale: Callback<()>,
}

#[function_component]
pub fn RunView(props: &Props) -> Html {
    let run = &props.run;
    let busy = run.busy.is_some();
    let table = use_state(|| None::<String>);
    let tables: Vec<String> = run
        .current
        .as_ref()
        .map(|s| s.tables.iter().map(|t| t.name.clone()).collect())
        .unwrap_or_default();
    let chosen = (*table).clone().or_else(|| tables.first().cloned()).unwrap_or_default();
    let on_table = {
        let table = table.clone();
        Callback::from(move |e: Event| {
            table.set(Some(e.target_unchecked_into::<HtmlSelectElement>().value()))
        })
    };
    let describe = props.on_describe.reform({
        let chosen = chosen.clone();
        move |_: MouseEvent| chosen.clone()
    });
    let next = props
        .commands
        .get(run.path.len())
        .filter(|_| run.ran_all(&props.commands[..run.path.len().min(props.commands.len())]));
    html! {
        <section class="run" aria-labelledby="run-heading">
            <h3 id="run-heading">{ "Run it on a branch" }</h3>
            { crate::components::markdown::render(&props.intro) }
            <p class="branch-line">
                { "Branch: " }
                if let Some(branch) = &run.branch { <code class="branch">{ branch }</code> } else { <span class="muted">{ "not made yet" }</span> }
                { " · alembic_version: " }<code>{ run.revision.clone().unwrap_or_else(|| "(none)".into()) }</code>
            </p>
            <div class="toolbar" role="toolbar" aria-label="Alembic commands">
                { for props.commands.iter().map(|command| {
                    let onclick = props.on_run.reform({ let c = command.clone(); move |_: MouseEvent| c.clone() });
                    let is_next = next == Some(command);
                    html! { <button type="button" class={classes!(is_next.then_some("primary"))} disabled={busy || run.branch.is_none()} {onclick}>{ format!("alembic {command}") }</button> }
                }) }
                <button type="button" disabled={busy || run.branch.is_none()} onclick={props.on_reset.reform(|_: MouseEvent| ())}>{ "Reset to branch point" }</button>
                <button type="button" disabled={run.branch.is_none()} onclick={props.on_alembic.reform(|_: MouseEvent| "current")}>{ "alembic current" }</button>
                <button type="button" disabled={run.branch.is_none()} onclick={props.on_alembic.reform(|_: MouseEvent| "history")}>{ "alembic history" }</button>
            </div>
            if let Some(what) = &run.busy { <p class="busy" role="status">{ format!("Running {what}…") }</p> }
            if run.records.is_empty() && run.branch.is_some() && run.busy.is_none() && props.restored.is_none() {
                <p class="muted">{ "The branch holds the lesson's starting database. Runs are not kept across a reload: the branch starts again from here, while your answers stay saved." }</p>
            }
            if let (true, Some(previous)) = (run.records.is_empty(), &props.restored) {
                <section class="previous-run" aria-labelledby="previous-run-heading">
                    <h4 id="previous-run-heading">{ "From your last visit" }</h4>
                    <p class="notice" role="status">
                        { "This is what you ran before the page was reloaded or you left the lesson. The branch has since been rebuilt from the lesson's starting database, so " }
                        <strong>{ "these runs are no longer on it" }</strong>
                        { format!(" (alembic_version is back at {}). Run the commands again to continue; your answers are saved.", run.revision.clone().unwrap_or_else(|| "(none)".into())) }
                    </p>
                    <pre class="previous-log" role="region" aria-label="Alembic log from your last visit" tabindex="0">{ previous.log.join("\n") }</pre>
                    <SchemaDiffView before={previous.before.clone()} after={previous.after.clone()} caption={format!("Last visit: schema after `alembic {}`, against before it", previous.command)} />
                </section>
            }
            if let Some(failure) = &run.failure { <FailureView failure={failure.clone()} /> }
            if !run.records.is_empty() {
                <h4>{ "Log" }</h4>
                <pre class="log" role="log" aria-label="Alembic log" tabindex="0">
                    { for run.records.iter().map(|r| format!("$ alembic {}\n{}\n", r.command, r.log.join("\n"))) }
                </pre>
            }
            if let Some(last) = run.last() {
                if let Some(failure) = &last.failure { <FailureView failure={failure.clone()} /> }
                <SchemaDiffView before={last.before.clone()} after={last.after.clone()} caption={format!("Schema after `alembic {}`, against before it", last.command)} />
            }
            if let (Some(scale), Some(first)) = (&props.scale, props.commands.first()) {
                if run.ran_all(&props.commands) || run.scaled.is_some() {
                    <section class="scale" aria-label="How long on a big table">
                        <p>{ format!("These times are for the lesson's small table. See how long `alembic {first}` holds its locks when `{}` has {} rows: the lab grows the table on the branch, runs it, and resets the branch.", scale.table, group(scale.rows)) }</p>
                        <button type="button" disabled={busy || run.branch.is_none()} onclick={props.on_scale.reform(|_: MouseEvent| ())}>{ format!("Run `alembic {first}` with {} rows", group(scale.rows)) }</button>
                    </section>
                }
            }
            if let Some(scaled) = &run.scaled {
                if let Some(failure) = &scaled.failure { <FailureView failure={failure.clone()} /> }
                if let Some(trace) = &scaled.trace {
                    <crate::components::lock_timeline_view::LockTimeline trace={(**trace).clone()} command={format!("alembic {}", scaled.command)} />
                }
            }
            // Every run's locks, newest first: the upgrade's stay on screen after the downgrade.
            { for run.records.iter().rev().filter_map(|r| Some((r, r.trace.as_ref()?))).map(|(r, trace)| html! {
                <crate::components::lock_timeline_view::LockTimeline trace={(**trace).clone()} command={format!("alembic {}", r.command)} />
            }) }
            if let Some((command, output)) = &run.terminal {
                <figure class="terminal">
                    <figcaption><code>{ format!("$ {command}") }</code></figcaption>
                    <pre tabindex="0" aria-label={format!("Output of {command}")}>{ output }</pre>
                </figure>
            }
            <div class="describe-row">
                <label for="describe-table">{ "Describe a table: " }</label>
                <select id="describe-table" onchange={on_table}>
                    { for tables.iter().map(|t| html! { <option value={t.clone()} selected={*t == chosen}>{ t }</option> }) }
                </select>
                <button type="button" disabled={tables.is_empty()} onclick={describe}>{ format!("\\d {chosen}") }</button>
            </div>
            <details class="console-box">
                <summary>{ "SQL console on this branch" }</summary>
                <crate::components::console::SqlConsole />
            </details>
        </section>
    }
}

/// `20040` as `20,040`, as a person reads a row count.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod test {
    #[test]
    fn group_ok() {
        assert_eq!(
            [0, 999, 1000, 20040, 1234567].map(super::group),
            ["0", "999", "1,000", "20,040", "1,234,567"]
        );
    }
}
