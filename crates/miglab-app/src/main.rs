//! The miglab playground entry point.

mod app;
mod console;
mod engine_boot;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
