//! What is on screen: views that take data and callbacks, and the pages that wire them to the services.

pub mod app;
pub mod author_page;
pub mod calibration_chart;
pub mod catalog;
pub mod code_editor;
pub mod confidence;
pub mod console;
pub mod draft_review_view;
pub mod failure_view;
pub mod grade_view;
pub mod guard_view;
pub mod investigate_view;
pub mod lesson_page;
pub mod lock_timeline_view;
pub mod markdown;
pub mod migration_view;
pub mod practice_view;
pub mod question_view;
pub mod questions_view;
pub mod run_view;
pub mod sandbox_page;
pub mod schema_diff_view;
pub mod schema_editor;
pub mod stepper;
pub mod try_with_ai;
