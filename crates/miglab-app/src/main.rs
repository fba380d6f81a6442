//! The miglab playground entry point.

mod app;
mod calibration_chart;
mod code_editor;
mod confidence;
mod console;
mod describe;
mod drop_guard;
mod engine_boot;
#[cfg(test)]
mod fixture;
mod grade_view;
mod lesson_state;
mod lesson_view;
mod markdown;
mod progress;
mod question_view;
mod schema_diff;
mod schema_edit;
mod schema_editor;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
