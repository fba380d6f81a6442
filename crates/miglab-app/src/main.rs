//! The miglab playground entry point.

mod actions;
mod alembic_cli;
mod analyzer_link;
mod app;
mod calibration_chart;
mod catalog;
mod code_editor;
mod confidence;
mod consequences;
mod console;
mod course_loader;
mod describe;
mod download;
mod drop_guard;
mod engine_boot;
mod engine_link;
mod failure_view;
#[cfg(test)]
mod fixture;
mod gate;
mod grade_view;
mod grading;
mod guard_view;
mod investigate_view;
mod lab;
mod lesson_page;
mod lesson_state;
mod lesson_view;
mod markdown;
mod migration_view;
mod page_lab;
mod practice;
mod practice_view;
mod progress;
mod question_view;
mod questions_view;
mod report;
mod route;
mod run_state;
mod run_view;
mod schema_diff;
mod schema_diff_view;
mod schema_edit;
mod schema_editor;
mod stepper;
mod storage;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
