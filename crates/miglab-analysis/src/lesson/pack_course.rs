//! A course as a lesson pack, read back with the page's own reader: what `miglab pack` and the author view's
//! "Export as a pack" both write, so there is one writer and one report.

use super::{bundle, is_valid_id, pack, CourseBundle};

/// A pack written and read back.
pub struct Packed {
    /// The pack file's text.
    pub text: String,
    /// The messages of every lesson a learner would find unavailable, then one summary line.
    pub report: Vec<String>,
}

/// The pack `id` of the lessons folder `read` returns files from (`course.toml`, `my_lesson/lesson.toml`, …).
/// `Err` says, as a full sentence, why there is no pack: a bad id, a course that does not load, or a pack over the
/// page's limit; a lesson that does not load is no error, but is listed in the report, as a learner would see it.
pub fn pack_course(id: &str, read: &dyn Fn(&str) -> Option<String>) -> Result<Packed, String> {
    if !is_valid_id(id) {
        return Err(format!("`{id}` is not a valid pack id: ids start with a lowercase letter and hold only a-z, 0-9, `_` and `-`."));
    }
    let bundled = bundle(read);
    if let CourseBundle::Failed { message } = &bundled {
        return Err(format!("The course does not load:\n{message}"));
    }
    let text = pack::write(id, &bundled)?;
    let back = pack::read(text.as_bytes()).map_err(|e| e.to_string())?;
    let unavailable: Vec<_> = back.lessons.iter().filter(|l| l.lesson.is_none()).collect();
    let mut report: Vec<String> =
        unavailable.iter().flat_map(|l| l.messages.iter().cloned()).collect();
    report.push(format!(
        "pack `{id}`, {} lessons, {} unavailable, {} bytes of {} allowed, sha256 {}",
        back.lessons.len(),
        unavailable.len(),
        text.len(),
        pack::LIMIT,
        back.sha256
    ));
    if text.len() > pack::LIMIT {
        return Err(format!(
            "The pack is {} bytes, over the {}-byte limit the page reads; split the course.",
            text.len(),
            pack::LIMIT
        ));
    }
    Ok(Packed { text, report })
}
