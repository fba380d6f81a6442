//! Boots the engine once per page and shares it with every screen through a Yew context.
//!
//! Wrap the app in [`EngineProvider`]; screens read [`use_engine`]. The engine is booted on mount, a branch of the
//! untouched boot image is taken right away (free: no dump is needed), and a runaway statement shows as `Restarting`.

use miglab_pglite::{Engine, EngineConfig, EngineStatus};
use yew::prelude::*;

/// The branch of the untouched database every lesson starts from; `lab::start` resets to it.
pub const PRISTINE: &str = crate::services::lab::PRISTINE;

#[derive(Clone, PartialEq)]
pub enum EngineState {
    Booting,
    Ready(Engine),
    /// A statement ran past the limit or the worker died; the database is coming back at the last branch point.
    Restarting(Engine),
    Failed(String),
}

impl EngineState {
    /// The engine, when calls can be made (while restarting they wait for it).
    pub fn engine(&self) -> Option<Engine> {
        match self {
            EngineState::Ready(engine) | EngineState::Restarting(engine) => Some(engine.clone()),
            _ => None,
        }
    }

    /// The stable name tests and CSS use: `booting`, `ready`, `restarting`, `failed`.
    pub fn name(&self) -> &'static str {
        match self {
            EngineState::Booting => "booting",
            EngineState::Ready(_) => "ready",
            EngineState::Restarting(_) => "restarting",
            EngineState::Failed(_) => "failed",
        }
    }
}

/// The statement limit `?timeout=<ms>` may set: below 100 ms nothing useful finishes, and above a minute a learner
/// would take a stuck page for a dead one (and timers past 2^31 - 1 ms fire at once).
const TIMEOUTS: std::ops::RangeInclusive<u32> = 100..=60_000;

/// The statement limit from the page's query string: `?timeout=<ms>`, clamped to [`TIMEOUTS`]; 5 s otherwise.
fn statement_timeout(search: &str) -> u32 {
    let asked =
        search.trim_start_matches('?').split('&').find_map(|pair| pair.strip_prefix("timeout="));
    // Digits only: a number too large for u32 is still "as long as allowed", not "not given".
    match asked.filter(|ms| !ms.is_empty() && ms.bytes().all(|b| b.is_ascii_digit())) {
        Some(ms) => ms.parse::<u32>().unwrap_or(u32::MAX).clamp(*TIMEOUTS.start(), *TIMEOUTS.end()),
        None => EngineConfig::default().statement_timeout_ms,
    }
}

/// The layout `index.html` serves, with `?timeout=<ms>` to change the statement limit (handy in class and in tests).
fn config() -> EngineConfig {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    EngineConfig { statement_timeout_ms: statement_timeout(&search), ..EngineConfig::default() }
}

#[derive(Properties, PartialEq)]
pub struct EngineProviderProps {
    #[prop_or_default]
    pub children: Html,
}

#[function_component]
pub fn EngineProvider(props: &EngineProviderProps) -> Html {
    let state = use_state(|| EngineState::Booting);
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let booted = async {
                    let engine = Engine::boot(config()).await?;
                    engine.branch(PRISTINE).await?;
                    Ok::<Engine, miglab_pglite::EngineError>(engine)
                };
                match booted.await {
                    Ok(engine) => {
                        let (setter, handle) = (state.setter(), engine.clone());
                        engine.on_status(move |status| {
                            setter.set(match status {
                                EngineStatus::Ready => EngineState::Ready(handle.clone()),
                                EngineStatus::Restarting => EngineState::Restarting(handle.clone()),
                                EngineStatus::Failed => EngineState::Failed("The database engine could not restart. Reload the page; your work in the editors is kept.".to_owned()),
                            })
                        });
                        mark_ready(engine.boot_ms());
                        install_bench_hook(&engine);
                        state.set(EngineState::Ready(engine));
                    }
                    Err(error) => state.set(EngineState::Failed(error.to_string())),
                }
            });
        });
    }
    html! {
        <ContextProvider<EngineState> context={(*state).clone()}>
            { props.children.clone() }
        </ContextProvider<EngineState>>
    }
}

/// Records when the engine became ready (ms since navigation start) on `<html data-engine-ready-ms>`, for the bench.
fn mark_ready(boot_ms: f64) {
    let Some(root) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = root.set_attribute("data-engine-ready-ms", &format!("{:.1}", miglab_pglite::now_ms()));
    let _ = root.set_attribute("data-engine-boot-ms", &format!("{boot_ms:.1}"));
}

/// The engine state from the nearest [`EngineProvider`]; `Booting` outside one.
#[hook]
pub fn use_engine() -> EngineState {
    use_context::<EngineState>().unwrap_or(EngineState::Booting)
}

/// A small badge saying whether Postgres is ready, for the page header.
#[function_component]
pub fn EngineBadge() -> Html {
    let state = use_engine();
    let label = match &state {
        EngineState::Booting => "Starting Postgres…".to_owned(),
        EngineState::Ready(engine) => {
            format!("Postgres 18 ready ({:.1} s)", engine.boot_ms() / 1000.0)
        }
        EngineState::Restarting(_) => "Restarting Postgres…".to_owned(),
        EngineState::Failed(_) => "Postgres failed to start".to_owned(),
    };
    let title = match &state {
        EngineState::Failed(reason) => reason.clone(),
        _ => String::new(),
    };
    html! {
        <span class={classes!("engine-status", state.name())} role="status" aria-live="polite" title={title}
              data-testid="engine-status" data-state={state.name()}>{ label }</span>
    }
}

/// `?bench`: exposes `window.miglabBench(runs)` for `cargo xtask bench`, which times the engine in a real page.
/// It resolves to JSON with one list of milliseconds per figure; nothing is installed without `?bench`.
fn install_bench_hook(engine: &Engine) {
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    let Some(window) = web_sys::window() else { return };
    if !window.location().search().unwrap_or_default().contains("bench") {
        return;
    }
    let engine = engine.clone();
    let hook = Closure::<dyn Fn(u32) -> js_sys::Promise>::new(move |runs: u32| {
        let engine = engine.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            bench::run(&engine, runs.max(1))
                .await
                .map(|json| JsValue::from_str(&json))
                .map_err(|e| JsValue::from_str(&e.to_string()))
        })
    });
    let _ = js_sys::Reflect::set(&window, &"miglabBench".into(), hook.as_ref().unchecked_ref());
    hook.forget();
}

mod bench {
    //! The figures `cargo xtask bench` reads: branch, both kinds of reset, and the confidence_score cycle after each.
    //!
    //! In the lab a cycle usually follows a `ROLLBACK TO SAVEPOINT` reset to the lesson's branch point, after the
    //! learner's previous run; that is `cycle`, timed after a reset that undoes the previous cycle.
    //! `cycle_reload` is the worst case, timed first: straight after a reload from the dump, in a fresh backend whose
    //! catalog caches only the reload's warm-up has filled.
    //! One untimed round comes first: by a learner's first run the page has seeded, branched and introspected,
    //! and the first round otherwise measures Chromium compiling PGlite's hot code, which no later round pays.

    use miglab_model::engine::plan::RunPlan;
    use miglab_model::migration::{Direction, Migration, Revision, Step};
    use miglab_pglite::{now_ms, Engine, EngineError};

    const SEED: &str = "CREATE TABLE expenses (id serial PRIMARY KEY, amount numeric(10,2) NOT NULL, note text);
INSERT INTO expenses (amount, note) SELECT g, 'expense ' || g FROM generate_series(1, 1000) g;
CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
INSERT INTO alembic_version VALUES ('9f0e1d2c4b7a')";

    fn confidence_score() -> Migration {
        let step = |sql: &str| Step {
            sql: sql.to_owned(),
            autocommit: false,
            span: None,
            documented: Vec::new(),
        };
        Migration {
            revision: Revision {
                revision: "ab12cd34e5f6".into(),
                down_revision: vec!["9f0e1d2c4b7a".into()],
                message: "add confidence_score to expenses".into(),
                ..Revision::default()
            },
            upgrade: vec![step("ALTER TABLE expenses ADD COLUMN confidence_score NUMERIC(4, 3)")],
            downgrade: vec![step("ALTER TABLE expenses DROP COLUMN confidence_score")],
        }
    }

    async fn timed<F: std::future::Future<Output = Result<(), EngineError>>>(
        work: F,
    ) -> Result<f64, EngineError> {
        let started = now_ms();
        work.await?;
        Ok(now_ms() - started)
    }

    pub async fn run(engine: &Engine, runs: u32) -> Result<String, EngineError> {
        engine.reset(super::PRISTINE).await?;
        engine.exec(SEED).await?;
        let (up, down) = (
            RunPlan::new(&[confidence_score()], Direction::Upgrade),
            RunPlan::new(&[confidence_score()], Direction::Downgrade),
        );
        // The lab's own path traces every lesson run; the untraced cycle shows what tracing costs.
        let (up_traced, down_traced) = (up.clone().traced(), down.clone().traced());
        let cycle_of = |up: &'_ RunPlan, down: &'_ RunPlan| {
            let (up, down) = (up.clone(), down.clone());
            async move {
                engine.run(&up).await?;
                engine.introspect().await?;
                engine.run(&down).await?;
                engine.introspect().await?;
                Ok(())
            }
        };
        let cycle = || cycle_of(&up, &down);
        let traced_cycle = || cycle_of(&up_traced, &down_traced);
        let (mut branch, mut rollback, mut reload) = (vec![], vec![], vec![]);
        let (mut after_rollback, mut after_reload, mut traced) = (vec![], vec![], vec![]);
        for round in 0..=runs {
            if round == 1 {
                (branch, rollback, reload, after_rollback, after_reload, traced) =
                    (vec![], vec![], vec![], vec![], vec![], vec![]);
            }
            branch.push(timed(engine.branch("bench")).await?);
            engine.introspect().await?;
            engine.exec("UPDATE expenses SET amount = amount + 1").await?;
            rollback.push(timed(engine.reset("bench")).await?);
            engine.exec("CREATE INDEX CONCURRENTLY ix_bench ON expenses (amount)").await?;
            reload.push(timed(engine.reset("bench")).await?);
            after_reload.push(timed(cycle()).await?);
            // The learner resets and runs again: a rollback, then the same cycle.
            engine.reset("bench").await?;
            after_rollback.push(timed(cycle()).await?);
            engine.reset("bench").await?;
            traced.push(timed(traced_cycle()).await?);
            // A rollback, so the next branch point does not keep the cycle's dropped column.
            engine.reset("bench").await?;
        }
        let figures = serde_json::json!({
            "branch": branch, "reset_rollback": rollback, "reset_reload": reload, "cycle": after_rollback, "cycle_reload": after_reload, "cycle_traced": traced,
        });
        Ok(figures.to_string())
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn statement_timeout_ok() {
        for (search, ms) in [
            ("", 5000),
            ("?timeout=1500", 1500),
            ("?bench&timeout=250", 250),
            ("?timeout=100", 100),
            ("?timeout=60000", 60_000),
            ("?timeouts=9", 5000),
        ] {
            assert_eq!(statement_timeout(search), ms, "{search}");
        }
    }

    #[test]
    fn statement_timeout_clamped_err() {
        for (search, ms) in [
            ("?timeout=0", 100),
            ("?timeout=99", 100),
            ("?timeout=60001", 60_000),
            ("?timeout=2147483648", 60_000),
            ("?timeout=99999999999999999999", 60_000),
        ] {
            assert_eq!(statement_timeout(search), ms, "{search}");
        }
        for search in ["?timeout=", "?timeout=-5", "?timeout=1e3", "?timeout=abc", "?timeout=+5"] {
            assert_eq!(
                statement_timeout(search),
                5000,
                "{search}: not a number of milliseconds, so the default"
            );
        }
    }
}
