//! `course.json`: the whole course, loaded at build time, as the browser app reads it.

use super::course::Course;
use super::loaded::Lesson;
use serde::{Deserialize, Serialize};

/// What `course.json` holds: the course with every lesson, or why the course itself did not load.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "loaded", rename_all = "snake_case")]
pub enum CourseBundle {
    Course { course: Course, lessons: Vec<BundledLesson> },
    Failed { message: String },
}

/// One lesson in course order: loaded, or the checker's rendered errors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundledLesson {
    pub id: String,
    pub lesson: Option<Box<Lesson>>,
    /// Every diagnostic as `file:line:col: …`, warnings included; non-empty when `lesson` is `None`.
    pub messages: Vec<String>,
}
