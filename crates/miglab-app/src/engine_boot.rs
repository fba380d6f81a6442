//! Boots the engine once per page and shares it with every screen through a Yew context.
//!
//! Wrap the app in [`EngineProvider`]; screens read [`use_engine`]. The engine is booted on mount, a branch of the
//! untouched boot image is taken right away (free: no dump is needed), and a runaway statement shows as `Restarting`.

use miglab_pglite::{Engine, EngineConfig, EngineStatus};
use yew::prelude::*;

/// The branch of the untouched database every lesson starts from; `lab::start` resets to it.
pub const PRISTINE: &str = crate::lab::PRISTINE;

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

/// The layout `index.html` serves, with `?timeout=<ms>` to change the statement limit (handy in class and in tests).
fn config() -> EngineConfig {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let timeout = search.trim_start_matches('?').split('&').find_map(|pair| pair.strip_prefix("timeout=")?.parse().ok());
    EngineConfig { statement_timeout_ms: timeout.unwrap_or(5000), ..EngineConfig::default() }
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
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else { return };
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
        EngineState::Ready(engine) => format!("Postgres 18 ready ({:.1} s)", engine.boot_ms() / 1000.0),
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
