//! `#/sandbox`: "Open your own migration". The learner brings a starting schema and a chain of revisions; the page
//! builds the database, shows each revision's DDL and findings, runs the round trip on a branch and says whether the
//! downgrade leaves a trace. It wires `services::sandbox` (the engine), `services::share_link` (the link) and the
//! document's reducer (`state::sandbox`); the engine is bound to the page, so its work stops when the learner leaves.

use crate::components::failure_view::FailureView;
use crate::components::lock_timeline_view::LockTimeline;
use crate::components::schema_diff_view::SchemaDiffView;
use crate::services::engine_link::use_lab;
use crate::services::lab::Backend;
use crate::services::page_lab::{Bound, PageOpen};
use crate::services::sandbox::{self, Chain, Loaded, RoundTrip};
use crate::services::share_link;
use crate::state::run_state::{Failure, RunRecord};
use crate::state::sandbox::{Action, Doc, Field, RevisionDoc};
use miglab_model::finding::titled;
use miglab_model::migration::Direction;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// A lesson whose starting database the learner can pick: id, title and seed.
#[derive(Clone, Debug, PartialEq)]
pub struct Seed {
    pub id: String,
    pub title: String,
    pub seed: String,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub seeds: Rc<Vec<Seed>>,
    /// What follows `#/sandbox/` when the page was opened from a share link.
    #[prop_or_default]
    pub payload: Option<String>,
}

/// What the last press of "Run" produced.
#[derive(Clone, Default, PartialEq)]
struct Outcome {
    loaded: Option<Result<Loaded, Failure>>,
    chain: Option<Chain>,
    trip: Option<Result<RoundTrip, Failure>>,
}

#[function_component]
pub fn SandboxPage(props: &Props) -> Html {
    let doc = use_reducer(Doc::default);
    let link_error = use_state(|| None::<String>);
    let opening = use_state(|| props.payload.is_some());
    let busy = use_state(|| None::<&'static str>);
    let outcome = use_state(Outcome::default);
    let share = use_state(|| None::<Result<String, String>>);
    // The schema text the branch point `sandbox-start` was built from, so a second run does not build it again.
    let built_from = use_mut_ref(|| None::<String>);
    let lab = use_lab();
    let open = use_memo((), |()| PageOpen::new());
    {
        let open = open.clone();
        use_effect_with((), move |()| move || open.close());
    }
    {
        let (doc, link_error, opening) = (doc.clone(), link_error.clone(), opening.clone());
        use_effect_with(props.payload.clone(), move |payload| {
            if let Some(payload) = payload.clone() {
                wasm_bindgen_futures::spawn_local(async move {
                    match share_link::read(&payload).await {
                        Ok(shared) => doc.dispatch(Action::Replace(shared)),
                        Err(message) => {
                            doc.dispatch(Action::Replace(Doc::default()));
                            link_error.set(Some(message));
                        }
                    }
                    opening.set(false);
                });
            }
        });
    }

    let run = {
        let (doc, busy, outcome, built_from, open) =
            (doc.clone(), busy.clone(), outcome.clone(), built_from.clone(), open.clone());
        let backend = lab.backend();
        Callback::from(move |_: MouseEvent| {
            let Some(inner) = backend.clone() else { return };
            let engine = Bound::new(inner, (*open).clone());
            let (doc, busy, outcome, built_from) =
                ((*doc).clone(), busy.clone(), outcome.clone(), built_from.clone());
            let mut shown = (*outcome).clone();
            wasm_bindgen_futures::spawn_local(async move {
                run_all(&engine, &doc, &busy, &outcome, &built_from, &mut shown).await;
                busy.set(None);
            });
        })
    };
    let on_share = {
        let (doc, share) = (doc.clone(), share.clone());
        Callback::from(move |_: MouseEvent| {
            let (doc, share) = ((*doc).clone(), share.clone());
            wasm_bindgen_futures::spawn_local(async move {
                share.set(Some(share_link::fragment(&doc).await.map(|fragment| {
                    share_link::show_in_address_bar(&fragment);
                    let link = share_link::link(&fragment);
                    share_link::copy(&link);
                    link
                })));
            });
        })
    };

    let ready = lab.backend().is_some() && busy.is_none() && !*opening;
    let button = match (&*busy, &lab) {
        (Some(label), _) => *label,
        (None, crate::services::engine_link::Lab::Booting) => "Starting Postgres…",
        _ => "Run upgrade, downgrade, upgrade",
    };
    html! {
        <section class="sandbox" aria-labelledby="sandbox-heading">
            <h2 id="sandbox-heading">{ "Open your own migration" }</h2>
            <p>{ "Bring a starting schema and your revisions. The lab builds the database in this tab, shows the DDL each revision runs and what the safety rules find, runs the chain on a branch, and then downgrades and upgrades again to see whether the downgrade really undoes the upgrade. Nothing leaves the page." }</p>
            if let Some(message) = &*link_error {
                <div class="failure" role="alert"><p><strong>{ "This sandbox link could not be opened." }</strong></p><p>{ message.clone() }</p><p>{ "The sandbox below is empty." }</p></div>
            }
            if *opening {
                <p class="loading" role="status">{ "Opening the shared sandbox…" }</p>
            }
            { schema_input(&doc, &props.seeds) }
            { revisions_input(&doc) }
            <div class="sandbox-actions">
                <button type="button" class="primary" disabled={!ready} onclick={run}>{ button }</button>
                <button type="button" onclick={on_share} disabled={*opening}>{ "Copy a share link" }</button>
            </div>
            { share_view(share.as_ref()) }
            { outcome_view(&outcome) }
        </section>
    }
}

/// Builds the starting database when its text changed, translates the chain, then runs the round trip; each result
/// is shown as soon as it is known.
async fn run_all(
    engine: &dyn Backend,
    doc: &Doc,
    busy: &UseStateHandle<Option<&'static str>>,
    outcome: &UseStateHandle<Outcome>,
    built_from: &Rc<RefCell<Option<String>>>,
    shown: &mut Outcome,
) {
    if built_from.borrow().as_deref() != Some(doc.schema.as_str()) || shown.loaded.is_none() {
        busy.set(Some("Building the starting database…"));
        *shown = Outcome::default();
        outcome.set(shown.clone());
        let loaded = sandbox::load(engine, &doc.schema).await;
        *built_from.borrow_mut() = loaded.is_ok().then(|| doc.schema.clone());
        shown.loaded = Some(loaded);
    }
    shown.chain = None;
    shown.trip = None;
    outcome.set(shown.clone());
    busy.set(Some("Translating the revisions…"));
    let start = match &shown.loaded {
        Some(Ok(loaded)) => loaded.schema.clone(),
        _ => return,
    };
    let chain = sandbox::translate(doc, &start).await;
    let migrations = chain.runnable();
    shown.chain = Some(chain);
    outcome.set(shown.clone());
    let Some(migrations) = migrations.filter(|m| !m.is_empty()) else { return };
    busy.set(Some("Running the round trip…"));
    shown.trip = Some(sandbox::round_trip(engine, &migrations).await);
    outcome.set(shown.clone());
}

fn textarea_input(
    f: impl Fn(String) -> Action + 'static,
    doc: &UseReducerHandle<Doc>,
) -> Callback<InputEvent> {
    let doc = doc.clone();
    Callback::from(move |e: InputEvent| {
        doc.dispatch(f(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
    })
}

/// Reads the files an `<input type="file">` holds and hands each to `on_file` as `(name, text)`.
fn read_files(on_file: impl Fn(String, String) + 'static) -> Callback<Event> {
    let on_file = Rc::new(on_file);
    Callback::from(move |e: Event| {
        let input = e.target_unchecked_into::<HtmlInputElement>();
        let Some(files) = input.files() else { return };
        for i in 0..files.length() {
            let Some(file) = files.get(i) else { continue };
            let on_file = on_file.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                let text = text.ok().and_then(|t| t.as_string()).unwrap_or_default();
                on_file(file.name(), text);
            });
        }
        input.set_value("");
    })
}

fn schema_input(doc: &UseReducerHandle<Doc>, seeds: &[Seed]) -> Html {
    let on_upload = {
        let doc = doc.clone();
        read_files(move |_, text| doc.dispatch(Action::SetSchema(text)))
    };
    let on_pick = {
        let (doc, seeds) = (doc.clone(), seeds.to_vec());
        Callback::from(move |e: Event| {
            let id = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(seed) = seeds.iter().find(|s| s.id == id) {
                doc.dispatch(Action::SetSchema(seed.seed.clone()));
            }
        })
    };
    html! {
        <section class="sandbox-schema" aria-labelledby="sandbox-schema-heading">
            <h3 id="sandbox-schema-heading">{ "1. The starting database" }</h3>
            <p class="muted">{ crate::components::markdown::render_inline("SQL that builds it: `pg_dump --schema-only` output (or with its data: `COPY` blocks are loaded), a lesson's database, or any script. Statements run one by one; one that fails is reported at its line and the rest still run.") }</p>
            <label for="sandbox-schema">{ "Starting schema (SQL)" }</label>
            <textarea id="sandbox-schema" spellcheck="false" rows="10" value={doc.schema.clone()}
                      oninput={textarea_input(Action::SetSchema, doc)} />
            <div class="sandbox-sources">
                <label>{ "Upload a .sql file " }<input type="file" accept=".sql,text/plain" onchange={on_upload} /></label>
                if !seeds.is_empty() {
                    <label>{ "Or start from a lesson's database " }
                        <select onchange={on_pick}>
                            <option value="" selected=true>{ "Choose a lesson…" }</option>
                            { for seeds.iter().map(|s| html! { <option value={s.id.clone()}>{ s.title.clone() }</option> }) }
                        </select>
                    </label>
                }
            </div>
        </section>
    }
}

fn revisions_input(doc: &UseReducerHandle<Doc>) -> Html {
    let on_upload = {
        let doc = doc.clone();
        read_files(move |name, text| doc.dispatch(Action::AddFile { name, text }))
    };
    let add = |action: Action| {
        let doc = doc.clone();
        Callback::from(move |_: MouseEvent| doc.dispatch(action.clone()))
    };
    html! {
        <section class="sandbox-revisions" aria-labelledby="sandbox-revisions-heading">
            <h3 id="sandbox-revisions-heading">{ "2. Your revisions" }</h3>
            <p class="muted">{ crate::components::markdown::render_inline("Alembic revision files run in the order their `down_revision`s give; SQL up/down pairs run after them, lowest number first.") }</p>
            { for doc.revisions.iter().enumerate().map(|(i, r)| revision_input(doc, i, r)) }
            <div class="sandbox-actions">
                <button type="button" onclick={add(Action::AddAlembic)}>{ "Add an Alembic revision" }</button>
                <button type="button" onclick={add(Action::AddSql)}>{ "Add a SQL up/down pair" }</button>
                <label>{ "Upload revision files (.py, .up.sql, .down.sql) " }<input type="file" multiple=true accept=".py,.sql" onchange={on_upload} /></label>
            </div>
        </section>
    }
}

fn revision_input(doc: &UseReducerHandle<Doc>, i: usize, r: &RevisionDoc) -> Html {
    let n = i + 1;
    let remove = {
        let doc = doc.clone();
        Callback::from(move |_: MouseEvent| doc.dispatch(Action::Remove(i)))
    };
    let name_input = {
        let doc = doc.clone();
        Callback::from(move |e: InputEvent| {
            doc.dispatch(Action::Edit(
                i,
                Field::Name,
                e.target_unchecked_into::<HtmlInputElement>().value(),
            ));
        })
    };
    let body = match r {
        RevisionDoc::Alembic { text, .. } => html! {
            <label>{ format!("Alembic file of revision {n}") }
                <textarea spellcheck="false" rows="14" value={text.clone()} oninput={textarea_input(move |t| Action::Edit(i, Field::Text, t), doc)} />
            </label>
        },
        RevisionDoc::Sql { order, up, down, .. } => {
            let on_order = {
                let doc = doc.clone();
                Callback::from(move |e: InputEvent| {
                    if let Ok(value) = e.target_unchecked_into::<HtmlInputElement>().value().parse()
                    {
                        doc.dispatch(Action::SetOrder(i, value));
                    }
                })
            };
            html! {
                <>
                    <label>{ format!("Number of revision {n} ") }<input type="number" min="0" value={order.to_string()} oninput={on_order} /></label>
                    <div class="sandbox-pair">
                        <label>{ format!("Upgrade SQL of revision {n}") }
                            <textarea spellcheck="false" rows="6" value={up.clone()} oninput={textarea_input(move |t| Action::Edit(i, Field::Text, t), doc)} />
                        </label>
                        <label>{ format!("Downgrade SQL of revision {n}") }
                            <textarea spellcheck="false" rows="6" value={down.clone()} oninput={textarea_input(move |t| Action::Edit(i, Field::Down, t), doc)} />
                        </label>
                    </div>
                </>
            }
        }
    };
    let kind = match r {
        RevisionDoc::Alembic { .. } => "Alembic revision",
        RevisionDoc::Sql { .. } => "SQL up/down pair",
    };
    html! {
        <article class="sandbox-revision" aria-label={format!("Revision {n}")}>
            <div class="sandbox-revision-head">
                <strong>{ format!("Revision {n}: {kind}") }</strong>
                <label>{ " File name " }<input type="text" value={r.name().to_owned()} oninput={name_input} /></label>
                <button type="button" onclick={remove}>{ format!("Remove revision {n}") }</button>
            </div>
            { body }
        </article>
    }
}

fn share_view(share: Option<&Result<String, String>>) -> Html {
    match share {
        None => Html::default(),
        Some(Ok(link)) => html! {
            <div class="sandbox-share" role="status">
                <p>{ crate::components::markdown::render_inline("The link holds the whole sandbox, compressed into the part after `#`, which browsers never send to a server. It is in the address bar and on the clipboard:") }</p>
                <label class="visually-hidden" for="sandbox-link">{ "Share link" }</label>
                <input id="sandbox-link" type="text" readonly=true value={link.clone()}
                       onfocus={Callback::from(|e: FocusEvent| if let Some(i) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) { i.select(); })} />
            </div>
        },
        Some(Err(message)) => html! { <p class="failure" role="alert">{ message.clone() }</p> },
    }
}

fn outcome_view(outcome: &Outcome) -> Html {
    html! {
        <div class="sandbox-results" aria-live="polite">
            { outcome.loaded.as_ref().map(loaded_view).unwrap_or_default() }
            { outcome.chain.as_ref().map(|c| chain_view(c, outcome.trip.as_ref().and_then(|t| t.as_ref().ok()))).unwrap_or_default() }
            { match &outcome.trip {
                Some(Ok(trip)) => trip_view(trip),
                Some(Err(failure)) => html! { <FailureView failure={failure.clone()} /> },
                None => Html::default(),
            } }
        </div>
    }
}

fn loaded_view(loaded: &Result<Loaded, Failure>) -> Html {
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(failure) => return html! { <FailureView failure={failure.clone()} /> },
    };
    let tables = loaded.schema.tables.len();
    html! {
        <section class="sandbox-loaded" aria-labelledby="sandbox-loaded-heading">
            <h3 id="sandbox-loaded-heading">{ "The starting database" }</h3>
            <p>{ format!(
                "{} {} ran; the database has {tables} {} and {} enum {}.",
                loaded.statements,
                if loaded.statements == 1 { "statement" } else { "statements" },
                if tables == 1 { "table" } else { "tables" },
                loaded.schema.enums.len(),
                if loaded.schema.enums.len() == 1 { "type" } else { "types" },
            ) }</p>
            if !loaded.failures.is_empty() {
                <div class="failure" role="alert">
                    <p><strong>{ format!("Postgres refused {} of its statements; the others ran.", loaded.failures.len()) }</strong></p>
                    <ul>{ for loaded.failures.iter().map(|(line, f)| html! {
                        <li><span>{ format!("Line {line}: {}", f.line()) }</span>
                            if let Some(detail) = &f.detail { <p class="muted">{ format!("DETAIL: {detail}") }</p> }
                            if let Some(hint) = &f.hint { <p class="muted">{ format!("HINT: {hint}") }</p> }
                            if let Some(statement) = &f.statement { <pre class="statement"><code>{ statement.clone() }</code></pre> }
                        </li>
                    }) }</ul>
                </div>
            }
            if !loaded.notes.is_empty() {
                <details class="sandbox-notes">
                    <summary>{ format!("{} {} about the file", loaded.notes.len(), if loaded.notes.len() == 1 { "note" } else { "notes" }) }</summary>
                    <ul>{ for loaded.notes.iter().map(|n| html! { <li>{ crate::components::markdown::render_inline(&format!("Line {}: {}", n.line, n.message)) }</li> }) }</ul>
                </details>
            }
        </section>
    }
}

fn chain_view(chain: &Chain, trip: Option<&RoundTrip>) -> Html {
    html! {
        <section class="sandbox-chain" aria-labelledby="sandbox-chain-heading">
            <h3 id="sandbox-chain-heading">{ "What each revision runs" }</h3>
            if let Some(problem) = &chain.problem {
                <p class="failure" role="alert">{ crate::components::markdown::render_inline(problem) }</p>
            }
            if chain.revisions.is_empty() {
                <p class="muted">{ "There are no revisions yet: add an Alembic revision or a SQL pair." }</p>
            }
            { for chain.revisions.iter().enumerate().map(|(i, t)| {
                let upgraded = trip.and_then(|trip| trip.upgrades.get(i));
                html! {
                    <article class="sandbox-ddl" aria-label={format!("DDL of {}", t.name)}>
                        <h4>{ t.migration.as_ref().map_or_else(|| t.name.clone(), |m| {
                            let r = &m.migration.revision;
                            format!("{} (revision {}{})", t.name, r.revision, r.down_revision.first().map(|d| format!(", revises {d}")).unwrap_or_default())
                        }) }</h4>
                        if !t.diagnostics.is_empty() {
                            <pre class="diagnostic">{ t.diagnostics.join("\n") }</pre>
                        }
                        if let Some(m) = &t.migration {
                            <p class="muted">{ "Upgrade:" }</p>
                            <pre class="statement"><code>{ statements(m.migration.steps(Direction::Upgrade)) }</code></pre>
                            <p class="muted">{ "Downgrade:" }</p>
                            <pre class="statement"><code>{ statements(m.migration.steps(Direction::Downgrade)) }</code></pre>
                        }
                        { upgraded.map(|u| findings_view(&u.findings)).unwrap_or_default() }
                    </article>
                }
            }) }
        </section>
    }
}

fn statements(steps: &[miglab_model::migration::Step]) -> String {
    if steps.is_empty() {
        return "-- nothing".to_owned();
    }
    steps
        .iter()
        .map(|s| {
            if s.autocommit {
                format!("{}; -- outside the transaction", s.sql)
            } else {
                format!("{};", s.sql)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn findings_view(
    findings: &[(miglab_model::finding::Finding, Vec<crate::state::drop_guard::Stake>)],
) -> Html {
    if findings.is_empty() {
        return html! { <p class="muted">{ "The safety rules find nothing in this upgrade on the database it ran on." }</p> };
    }
    html! {
        <ul class="findings">{ for findings.iter().map(|(f, stakes)| html! {
            <li class={classes!("finding", f.category.as_str())}>
                <strong>{ crate::components::markdown::render_inline(&titled(&f.code)) }</strong>{ " " }
                { crate::components::markdown::render_inline(&f.message) }{ " " }<em>{ crate::components::markdown::render_inline(&f.help) }</em>
                if !stakes.is_empty() {
                    <p class="at-stake">{ crate::components::markdown::render_inline(&format!("On this database: {}", crate::state::drop_guard::sentence(stakes))) }</p>
                }
            </li>
        }) }</ul>
    }
}

fn record_view(label: &str, record: &RunRecord) -> Html {
    html! {
        <div class="sandbox-run">
            <p><strong>{ label.to_owned() }</strong>{ if record.failure.is_some() { " failed." } else { " ran." } }</p>
            <pre class="log">{ record.log.join("\n") }</pre>
            if let Some(failure) = &record.failure { <FailureView failure={failure.clone()} /> }
        </div>
    }
}

/// "upgrade", "downgrade" or "upgrade again", with how each pass went.
fn pass(records: &[&RunRecord], expected: usize) -> &'static str {
    match (records.iter().any(|r| r.failure.is_some()), records.len() == expected) {
        (true, _) => "failed",
        (false, true) => "ran",
        (false, false) => "did not run",
    }
}

fn trip_view(trip: &RoundTrip) -> Html {
    let n = trip.upgrades.len().max(trip.downgrades.len());
    let ups: Vec<&RunRecord> = trip.upgrades.iter().map(|u| &u.record).collect();
    let downs: Vec<&RunRecord> = trip.downgrades.iter().collect();
    let again: Vec<&RunRecord> = trip.again.iter().collect();
    let expected = ups.len().max(n);
    html! {
        <>
            <section class="sandbox-run-view" aria-labelledby="sandbox-run-heading">
                <h3 id="sandbox-run-heading">{ "The run on a branch" }</h3>
                if let Some(message) = &trip.rules_failure {
                    <p class="failure" role="alert">{ format!("The safety rules could not run: {message}") }</p>
                }
                { for trip.upgrades.iter().map(|u| record_view(&u.record.command, &u.record)) }
                if let Some(head) = trip.head() {
                    <SchemaDiffView before={trip.start.clone()} after={head.clone()} caption="What the upgrade did to the starting database" />
                }
                { for trip.upgrades.iter().filter_map(|u| u.record.trace.as_ref().map(|t| html! {
                    <LockTimeline trace={(**t).clone()} command={format!("alembic {}", u.record.command)} />
                })) }
            </section>
            <section class="sandbox-round-trip" aria-labelledby="sandbox-trip-heading">
                <h3 id="sandbox-trip-heading">{ "Round trip: upgrade, downgrade, upgrade" }</h3>
                <ol class="sandbox-passes">
                    <li>{ format!("Upgrade: {}.", pass(&ups, expected)) }</li>
                    <li>{ format!("Downgrade: {}.", pass(&downs, expected)) }</li>
                    <li>{ format!("Upgrade again: {}.", pass(&again, expected)) }</li>
                </ol>
                { for trip.downgrades.iter().filter(|r| r.failure.is_some()).map(|r| record_view(&r.command, r)) }
                { for trip.again.iter().filter(|r| r.failure.is_some()).map(|r| record_view(&format!("{} (again)", r.command), r)) }
            </section>
            { trace_view(trip) }
        </>
    }
}

fn trace_view(trip: &RoundTrip) -> Html {
    let Some(report) = &trip.report else {
        return html! {
            <section class="sandbox-trace" aria-labelledby="sandbox-trace-heading">
                <h3 id="sandbox-trace-heading">{ "Does the downgrade leave a trace?" }</h3>
                <p>{ "Not known: the upgrade or the downgrade failed, so the database never came back to compare it." }</p>
            </section>
        };
    };
    html! {
        <section class={classes!("sandbox-trace", if report.clean() { "clean" } else { "traced" })} aria-labelledby="sandbox-trace-heading">
            <h3 id="sandbox-trace-heading">{ "Does the downgrade leave a trace?" }</h3>
            if report.clean() {
                <p role="status"><strong>{ "The downgrade leaves no trace." }</strong>{ " Before the upgrade and after the downgrade, the tables, columns, indexes, constraints, enum types, sequences and the rows of every table are the same." }</p>
            } else {
                <p role="status"><strong>{ format!("The downgrade leaves {} {}.", report.differences.len(), if report.differences.len() == 1 { "trace" } else { "traces" }) }</strong></p>
                <ul>{ for report.differences.iter().map(|d| html! { <li>{ crate::components::markdown::render_inline(d) }</li> }) }</ul>
            }
            if !report.notes.is_empty() {
                <ul class="muted">{ for report.notes.iter().map(|d| html! { <li>{ crate::components::markdown::render_inline(d) }</li> }) }</ul>
            }
            <p class="muted">{ crate::components::markdown::render_inline("Compared: the schema as introspected, each sequence's `last_value`, and each table's row count and an MD5 of its rows sorted as text. A sequence does not roll back, so a value an upgrade took stays taken after the downgrade, as it would in production. `alembic_version` is Alembic's own and is left out.") }</p>
        </section>
    }
}
