//! Hash routes: `#/` is the catalog, `#/lesson/<id>` a lesson, `#/pack/<id>` a lesson of the opened pack, `#/console` a scratch SQL console, `#/sandbox` the sandbox (a shared one after it) and `#/author` the author view, so the page works from any static host.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Catalog,
    Lesson(String),
    /// A lesson of the pack the page opened with `?pack=<url>`.
    PackLesson(String),
    /// A SQL console on the page's database, outside any lesson.
    Console,
    /// The sandbox, with the payload of a share link after `#/sandbox/`, if any (see `sandbox_share`).
    Sandbox(Option<String>),
    /// The author view: write, check, preview and export lessons.
    Author,
}

pub fn parse(hash: &str) -> Route {
    let path = hash.trim_start_matches('#').trim_start_matches('/');
    if path.trim_end_matches('/') == "console" {
        return Route::Console;
    }
    if path.trim_end_matches('/') == "author" {
        return Route::Author;
    }
    if path.trim_end_matches('/') == "sandbox" {
        return Route::Sandbox(None);
    }
    if let Some(payload) = path.strip_prefix("sandbox/") {
        return Route::Sandbox(Some(payload.to_owned()));
    }
    if let Some(id) = path.strip_prefix("pack/").map(|id| id.trim_end_matches('/')) {
        if !id.is_empty() {
            return Route::PackLesson(id.to_owned());
        }
    }
    match path.strip_prefix("lesson/") {
        Some(id) if !id.is_empty() => Route::Lesson(id.trim_end_matches('/').to_owned()),
        _ => Route::Catalog,
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn parse_ok() {
        assert_eq!(parse("#/lesson/confidence_score"), Route::Lesson("confidence_score".into()));
        assert_eq!(parse("#/"), Route::Catalog);
        assert_eq!(parse("#/console"), Route::Console);
        assert_eq!(parse("#/author"), Route::Author);
        assert_eq!(parse("#/pack/t"), Route::PackLesson("t".into()));
        assert_eq!(parse("#/sandbox"), Route::Sandbox(None));
        assert_eq!(parse("#/sandbox/v1.AAAA"), Route::Sandbox(Some("v1.AAAA".into())));
        assert_eq!(parse(""), Route::Catalog);
    }

    #[test]
    fn parse_unknown_err() {
        assert_eq!(parse("#/lesson/"), Route::Catalog);
        assert_eq!(parse("#/nowhere"), Route::Catalog);
    }
}
