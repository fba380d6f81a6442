//! Lesson Markdown rendered as Yew nodes: raw HTML in a lesson is shown as text and never executes.
//!
//! Nodes are built directly from pulldown-cmark events, so nothing is ever parsed as HTML,
//! and link targets other than http(s), paths on this site and anchors are dropped (see [`link`]).

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use yew::html;
use yew::virtual_dom::VTag;
use yew::Html;

/// Renders block Markdown to nodes.
pub fn render(source: &str) -> Html {
    render_with(source, false)
}

/// Renders one line of Markdown inside a heading or label, without paragraph blocks.
pub fn render_inline(source: &str) -> Html {
    render_with(source, true)
}

fn render_with(source: &str, inline: bool) -> Html {
    let mut stack: Vec<(Option<VTag>, Vec<Html>)> = vec![(None, Vec::new())];
    let push = |stack: &mut Vec<(Option<VTag>, Vec<Html>)>, node: Html| {
        if let Some((_, children)) = stack.last_mut() {
            children.push(node);
        }
    };
    for event in Parser::new_ext(source, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Paragraph) if inline => {
                stack.push((Some(VTag::new("span")), Vec::new()))
            }
            Event::Start(tag) => stack.push((Some(open(tag)), Vec::new())),
            Event::End(TagEnd::Image) => {
                // An image becomes its alt text: lessons load nothing from elsewhere.
                if let Some((_, children)) = stack.pop() {
                    children.into_iter().for_each(|c| push(&mut stack, c));
                }
            }
            Event::End(_) => {
                if stack.len() > 1 {
                    if let Some((Some(mut tag), children)) = stack.pop() {
                        tag.add_children(children);
                        push(&mut stack, tag.into());
                    }
                }
            }
            Event::Text(text)
            | Event::Html(text)
            | Event::InlineHtml(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text) => push(&mut stack, html! { { text.to_string() } }),
            Event::Code(code) => push(&mut stack, html! { <code>{ code.to_string() }</code> }),
            Event::SoftBreak => push(&mut stack, html! { { " " } }),
            Event::HardBreak => push(&mut stack, html! { <br /> }),
            Event::Rule => push(&mut stack, html! { <hr /> }),
            Event::FootnoteReference(name) => push(&mut stack, html! { { format!("[{name}]") } }),
            Event::TaskListMarker(done) => {
                push(&mut stack, html! { { if done { "[x] " } else { "[ ] " } } })
            }
        }
    }
    // Unbalanced input cannot happen with pulldown-cmark, but close anything left open rather than lose it.
    while stack.len() > 1 {
        if let Some((Some(mut tag), children)) = stack.pop() {
            tag.add_children(children);
            push(&mut stack, tag.into());
        }
    }
    stack.pop().map(|(_, children)| children.into_iter().collect::<Html>()).unwrap_or_default()
}

fn open(tag: Tag) -> VTag {
    let name = match &tag {
        Tag::Paragraph => "p",
        Tag::Heading { level, .. } => match level {
            // Lesson headings sit under the page's own h1 and the stage's h2.
            HeadingLevel::H1 | HeadingLevel::H2 => "h3",
            HeadingLevel::H3 => "h4",
            _ => "h5",
        },
        Tag::BlockQuote(_) => "blockquote",
        Tag::CodeBlock(_) => "pre",
        Tag::List(Some(_)) => "ol",
        Tag::List(None) => "ul",
        Tag::Item => "li",
        Tag::Emphasis => "em",
        Tag::Strong => "strong",
        Tag::Strikethrough => "s",
        Tag::Link { .. } => "a",
        Tag::Table(_) => "table",
        Tag::TableHead | Tag::TableRow => "tr",
        Tag::TableCell => "td",
        _ => "span",
    };
    let mut vtag = VTag::new(name);
    match tag {
        Tag::Link { dest_url, .. } => {
            if let Some(kind) = link(&dest_url) {
                vtag.add_attribute("href", dest_url.to_string());
                if kind == Link::External {
                    vtag.add_attribute("rel", "noopener noreferrer");
                    vtag.add_attribute("target", "_blank");
                }
            }
        }
        Tag::CodeBlock(CodeBlockKind::Fenced(lang)) if !lang.is_empty() => {
            vtag.add_attribute("data-lang", lang.to_string())
        }
        Tag::List(Some(start)) if start != 1 => vtag.add_attribute("start", start.to_string()),
        _ => {}
    }
    vtag
}

/// Where a lesson link may go: an absolute `http(s)` URL (opened in a new tab), or a place on this site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Link {
    External,
    Local,
}

/// Reads a link target the way a browser's URL parser would, and refuses anything it could not vouch for.
///
/// A browser drops tabs and newlines anywhere in a URL, strips leading and trailing spaces and control characters,
/// and reads `\` as `/` in http(s) URLs, so `/\evil.example`, `\\evil` and `/<TAB>/evil` all resolve to another
/// host. Rather than repeat those rules, a target with a backslash, any whitespace or control character is refused,
/// and what is left must be an `http(s)://host` URL, an anchor, or a path that cannot name a host or a scheme.
fn link(url: &str) -> Option<Link> {
    if url.is_empty() || url.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control()) {
        return None;
    }
    // A scheme is letters, digits, `+`, `-` and `.` after a letter, up to the first `:` before any `/`, `?` or `#`.
    let head = url.split(['/', '?', '#']).next().unwrap_or_default();
    if let Some((scheme, _)) = head.split_once(':') {
        let is_scheme = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !is_scheme
            || !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
        {
            // Not http(s), or a first path segment with a colon, which some readers take for a scheme.
            return None;
        }
        let rest = &url[scheme.len() + 1..];
        let authority = rest.strip_prefix("//")?.split(['/', '?', '#']).next().unwrap_or_default();
        // A host is required; a user name before `@` only disguises the real host.
        let host = authority.rsplit_once(':').map_or(authority, |(host, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                host
            } else {
                authority
            }
        });
        return (!host.is_empty() && !authority.contains('@')).then_some(Link::External);
    }
    // `//host` names another host; one slash is this site's root.
    (!url.starts_with("//")).then_some(Link::Local)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn link_ok() {
        for (url, want) in [
            ("https://www.postgresql.org/docs/", Link::External),
            ("HTTP://example.com", Link::External),
            ("https://example.com:8443/a?b#c", Link::External),
            ("https://[::1]:8080/", Link::External),
            ("#run", Link::Local),
            ("../expand_contract", Link::Local),
            ("/docs/lesson-format.md", Link::Local),
            ("lesson.md?x=a:b#c:d", Link::Local),
            ("a/b:c", Link::Local),
            ("?page=2", Link::Local),
        ] {
            assert_eq!(link(url), Some(want), "{url:?}");
        }
    }

    #[test]
    fn link_err() {
        for url in [
            "",
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>",
            "mailto:a@b.example",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "\\/evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "\t//evil.example",
            "/\r/evil.example",
            "https:\\\\evil.example",
            "https:/evil.example",
            "https:evil.example",
            "https://",
            "https:///path",
            "https://docs.example@evil.example/",
            "http://evil.example\\@good.example",
            "/\u{0}/evil.example",
            "/\u{7f}evil",
            "/\u{85}/evil",
            "/\u{a0}/evil",
            "/\u{3000}/evil",
            "1ab:cd",
            "foo:bar",
        ] {
            assert_eq!(link(url), None, "{url:?}");
        }
    }
}
