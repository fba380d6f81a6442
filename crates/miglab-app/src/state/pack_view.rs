//! A lesson pack as the screens see it: where it came from, its course and lessons, and the progress keys that keep
//! a learner's work in one pack apart from the built-in course and from every other pack or version of it.

use crate::state::lesson_model::CourseEntry;
use crate::state::progress::Progress;
use miglab_model::lesson::pack::Pack;
use miglab_model::lesson::Course;

/// An opened pack: its URL, id, hash, course and lessons (loaded, or unavailable with their messages).
#[derive(Clone, Debug, PartialEq)]
pub struct PackView {
    pub url: String,
    pub id: String,
    pub sha256: String,
    pub course: Course,
    pub entries: Vec<CourseEntry>,
}

/// The prefix of every progress key of a pack: its id and the start of its hash, so a changed pack (a new hash)
/// starts fresh instead of grading old answers against new keys, and two packs never share a lesson's progress.
pub fn progress_prefix(id: &str, sha256: &str) -> String {
    format!("pack:{id}@{}/", sha256.get(..16).unwrap_or(sha256))
}

impl PackView {
    pub fn new(url: &str, pack: Pack) -> PackView {
        let prefix = progress_prefix(&pack.id, &pack.sha256);
        let entries =
            pack.lessons.into_iter().map(|l| CourseEntry::from_bundled(l, &prefix)).collect();
        PackView {
            url: url.to_owned(),
            id: pack.id,
            sha256: pack.sha256,
            course: pack.course,
            entries,
        }
    }

    /// This pack's lessons out of the saved progress, under their own ids, as the catalog reads them.
    pub fn progress(&self, all: &Progress) -> Progress {
        let prefix = progress_prefix(&self.id, &self.sha256);
        let lessons = all
            .lessons
            .iter()
            .filter_map(|(key, lesson)| {
                Some((key.strip_prefix(&prefix)?.to_owned(), lesson.clone()))
            })
            .collect();
        Progress { lessons, ..Progress::default() }
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::state::lesson_model::Stage;
    use crate::state::progress::LessonProgress;

    #[test]
    fn progress_is_namespaced_ok() {
        let view = PackView {
            url: "https://example.org/p.json".into(),
            id: "p".into(),
            sha256: "0123456789abcdef0123".into(),
            course: Course::default(),
            entries: Vec::new(),
        };
        let mut all = Progress::default();
        let at = |stage| LessonProgress { stage: Some(stage), ..Default::default() };
        all.lessons.insert("t".into(), at(Stage::Make));
        all.lessons.insert("pack:p@0123456789abcdef/t".into(), at(Stage::Run));
        all.lessons.insert("pack:p@ffffffffffffffff/t".into(), at(Stage::Modify));
        let own = view.progress(&all);
        assert_eq!(own.lessons.keys().collect::<Vec<_>>(), ["t"]);
        assert_eq!(
            own.lesson("t").stage,
            Some(Stage::Run),
            "neither the course's nor another version's"
        );
    }
}
