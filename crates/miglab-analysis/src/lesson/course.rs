//! `lessons/course.toml`: the ordered course path the catalog shows.

use super::file_diagnostic::FileDiagnostic;
use super::spans::Located;
use miglab_model::lesson::{checks, Course};

/// Parses `course.toml`. A course with diagnostics that are errors is still returned when it parsed,
/// so the catalog can show the lessons it can.
pub fn parse_course(text: &str) -> (Option<Course>, Vec<FileDiagnostic>) {
    let (course, located, mut diagnostics) = Located::parse::<Course>(super::COURSE, text);
    let Some(course) = course else { return (None, diagnostics) };
    diagnostics.extend(checks::course(&course).iter().map(|problem| located.problem(problem)));
    (Some(course), diagnostics)
}

#[cfg(test)]
mod test {
    use super::*;

    fn check(text: &str) -> String {
        let (course, diagnostics) = parse_course(text);
        let mut out = format!("{:?}\n", course.map(|c| c.lessons));
        for diagnostic in diagnostics {
            out.push_str(&diagnostic.render());
            out.push('\n');
        }
        out
    }

    #[test]
    fn course_ok() {
        insta::assert_snapshot!(check("format = 1\ntitle = \"T\"\nlessons = [\"a\", \"b_c\"]\n"), @r#"Some(["a", "b_c"])"#);
    }

    #[test]
    fn course_err() {
        insta::assert_snapshot!(check("format = 2\ntitle = \"T\"\nlessons = [\"a\", \"Bad Id\", \"a\"]\n"), @r#"
        Some(["a", "Bad Id", "a"])
        course.toml:1:10: field `format`: This build reads lesson format 1, but the file says `format = 2`.
          help: Set `format = 1` and follow docs/lesson-format.md.
        course.toml:3:17: field `lessons[1]`: `Bad Id` is not a valid id: ids start with a lowercase letter and hold only a-z, 0-9, `_` and `-`.
          help: Rename it, e.g. `confidence_score`.
        course.toml:3:27: field `lessons[2]`: The course lists `a` twice.
          help: Remove the second entry.
        "#);
    }
}
