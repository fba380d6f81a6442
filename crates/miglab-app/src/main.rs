//! The miglab playground entry point.
//!
//! Three layers, one folder each, each using only the ones below it:
//! `components` (Yew views and the pages that wire them) over `services` (the engine, the analyzer,
//! storage and the other effects) over `state` (reducers and pure functions, tested natively).

mod components;
#[cfg(test)]
mod fixture;
#[cfg(test)]
mod layers;
mod services;
mod state;

fn main() {
    yew::Renderer::<components::app::App>::new().render();
}
