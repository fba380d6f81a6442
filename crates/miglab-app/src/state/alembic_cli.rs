//! `alembic current` and `alembic history` as the Alembic CLI prints them, from the lesson's chain.

use miglab_model::lesson::LessonMigration;

/// `alembic current`: the revision in `alembic_version`, marked `(head)` when nothing is above it.
pub fn current(chain: &[LessonMigration], revision: Option<&str>) -> String {
    match revision {
        None => String::new(),
        Some(rev) if chain.last().is_some_and(|m| m.id() == rev) => format!("{rev} (head)"),
        Some(rev) => rev.to_owned(),
    }
}

/// `alembic history`: newest first, `parent -> revision (head), message`, with `(current)` on the applied one.
pub fn history(chain: &[LessonMigration], revision: Option<&str>) -> String {
    chain
        .iter()
        .enumerate()
        .rev()
        .map(|(i, m)| {
            let parent = m.parent().unwrap_or("<base>");
            let mut marks = Vec::new();
            if i + 1 == chain.len() {
                marks.push("head");
            }
            if Some(m.id()) == revision {
                marks.push("current");
            }
            let marks =
                if marks.is_empty() { String::new() } else { format!(" ({})", marks.join(") (")) };
            format!("{parent} -> {}{marks}, {}", m.id(), m.migration.revision.message)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::fixture;

    #[test]
    fn history_ok() {
        let lesson = fixture::confidence_score();
        assert_eq!(
            history(&lesson.lesson.chain, Some("ab12cd34")),
            "9f0e1d2c -> ab12cd34 (head) (current), ab12cd34"
        );
        assert_eq!(current(&lesson.lesson.chain, Some("ab12cd34")), "ab12cd34 (head)");
    }

    #[test]
    fn current_at_base_err() {
        let lesson = fixture::confidence_score();
        assert_eq!(current(&lesson.lesson.chain, None), "");
        assert_eq!(current(&lesson.lesson.chain, Some("9f0e1d2c")), "9f0e1d2c");
    }
}
