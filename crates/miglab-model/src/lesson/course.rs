//! The course: its title, summary and the lesson folders in the order students take them (`lessons/course.toml`).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Course {
    pub format: u32,
    pub title: String,
    /// Markdown for the catalog page.
    #[serde(default)]
    pub summary: String,
    /// Lesson folder names in the order students take them.
    pub lessons: Vec<String>,
}
