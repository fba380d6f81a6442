//! The checks a course file and a lesson file share: the format version and ids.

use super::file_diagnostic::FileDiagnostic;
use super::spans::Located;

/// The file says the format version this build reads.
pub fn check_format(located: &Located<'_>, format: u32) -> Option<FileDiagnostic> {
    (format != super::FORMAT).then(|| {
        located.error(
            "format",
            "lesson-format-version",
            format!(
                "This build reads lesson format {}, but the file says `format = {format}`.",
                super::FORMAT
            ),
            format!("Set `format = {}` and follow docs/lesson-format.md.", super::FORMAT),
        )
    })
}

/// Ids are folder names and progress keys: lowercase letters, digits, `_` and `-`, starting with a letter.
pub fn is_valid_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

pub fn check_id(located: &Located<'_>, field: &str, id: &str) -> Option<FileDiagnostic> {
    (!is_valid_id(id)).then(|| {
        located.error(
            field,
            "lesson-bad-id",
            format!("`{id}` is not a valid id: ids start with a lowercase letter and hold only a-z, 0-9, `_` and `-`."),
            "Rename it, e.g. `confidence_score`.",
        )
    })
}
