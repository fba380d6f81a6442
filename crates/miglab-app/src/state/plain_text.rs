//! Lesson Markdown as plain text, for accessible names, `title`s and the exported report.

use pulldown_cmark::{Event, Options, Parser, TagEnd};

/// The text a line of Markdown shows, without its markup: for accessible names, `title`s and plain-text reports,
/// where a backtick or an asterisk would be read out or printed as it is.
pub fn plain(source: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(source, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(text)
            | Event::Code(text)
            | Event::Html(text)
            | Event::InlineHtml(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text) => out.push_str(&text),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn plain_ok() {
        assert_eq!(
            plain("Drop the index `ix_expenses_status`"),
            "Drop the index ix_expenses_status"
        );
        assert_eq!(
            plain("Which columns will `expenses` have after **`upgrade()`** runs?"),
            "Which columns will expenses have after upgrade() runs?"
        );
        assert_eq!(plain("Two\nlines\n\nand a paragraph"), "Two lines and a paragraph");
        assert_eq!(plain("<b>raw</b> stays text"), "<b>raw</b> stays text");
    }
}
