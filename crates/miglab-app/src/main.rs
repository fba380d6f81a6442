//! The miglab playground entry point.

mod app;
mod alembic_cli;
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
mod lab;
mod lesson_state;
mod lesson_view;
mod markdown;
mod practice;
mod progress;
mod question_view;
mod run_state;
mod schema_diff;
mod schema_edit;
mod schema_editor;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
