//! The miglab playground entry point.

mod app;
mod console;
mod describe;
mod drop_guard;
mod engine_boot;
#[cfg(test)]
mod fixture;
mod lesson_state;
mod lesson_view;
mod progress;
mod schema_diff;
mod schema_edit;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
