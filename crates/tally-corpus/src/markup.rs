//! HTML saved as an article: detected, and its tags taken out so the text
//! reads as prose (a `<b>QUETTA:</b>` dateline is then a dateline again).
//!
//! This is deliberately no HTML parser: it removes tags, comments, scripts
//! and styles, turns block tags into line breaks and decodes the common
//! entities. Anything it does not recognise as a tag (`a < b`) is kept.

/// Tags whose presence marks a text as HTML, and which are removed.
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "body", "em", "font", "head", "html", "i", "img", "link", "meta", "small",
    "span", "strong", "sub", "sup", "time", "u",
];

/// Tags that end a line of text.
const BLOCK_TAGS: &[&str] = &[
    "article",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "section",
    "table",
    "td",
    "th",
    "title",
    "tr",
    "ul",
];

/// Tags removed with everything inside them.
const HIDDEN_TAGS: &[&str] = &["script", "style", "noscript"];

/// Longest tag read (attributes included); a longer `<...` is kept as text.
const MAX_TAG_CHARS: usize = 2000;

/// The text without its markup, or `None` when it holds no HTML tag.
pub fn strip_markup(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut found = false;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let from = &rest[at..];
        match read_tag(from) {
            Some(tag) => {
                found = true;
                if tag.block {
                    out.push('\n');
                }
                rest = &from[tag.len..];
                if let Some(hidden) = tag.hides {
                    rest = skip_past_closing(rest, hidden);
                }
            }
            None => {
                out.push('<');
                rest = &from[1..];
            }
        }
    }
    out.push_str(rest);
    found.then(|| tidy_lines(&decode_entities(&out)))
}

/// A tag at the start of a text: its length in bytes, whether it ends a
/// line, and the tag whose content it hides.
struct Tag {
    len: usize,
    block: bool,
    hides: Option<&'static str>,
}

/// `<b>`, `</p>`, `<br/>`, `<a href="...">`, `<!-- ... -->`, `<!DOCTYPE html>`.
fn read_tag(s: &str) -> Option<Tag> {
    if let Some(body) = s.strip_prefix("<!--") {
        let end = body.find("-->")?;
        return Some(Tag {
            len: 4 + end + 3,
            block: false,
            hides: None,
        });
    }
    let end = s
        .char_indices()
        .take(MAX_TAG_CHARS)
        .find_map(|(i, c)| match c {
            '>' => Some(Some(i)),
            '<' if i > 0 => Some(None),
            _ => None,
        })??;
    let inner = &s[1..end];
    if inner
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("!doctype"))
    {
        return Some(Tag {
            len: end + 1,
            block: true,
            hides: None,
        });
    }
    let closing = inner.starts_with('/');
    let name: String = inner
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let after = inner.trim_start_matches('/')[name.len()..].chars().next();
    if !matches!(after, None | Some(' ' | '\t' | '\n' | '\r' | '/')) {
        return None;
    }
    let hides = HIDDEN_TAGS.iter().find(|t| **t == name).copied();
    let block = BLOCK_TAGS.contains(&name.as_str());
    if !(block || hides.is_some() || INLINE_TAGS.contains(&name.as_str())) {
        return None;
    }
    Some(Tag {
        len: end + 1,
        block,
        hides: hides.filter(|_| !closing),
    })
}

/// The text after `</name>`, or nothing when it is never closed.
fn skip_past_closing<'a>(s: &'a str, name: &str) -> &'a str {
    let closing = format!("</{name}");
    let lower = s.to_ascii_lowercase();
    match lower.find(&closing) {
        Some(at) => {
            let after = &s[at..];
            after.find('>').map_or("", |end| &after[end + 1..])
        }
        None => "",
    }
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;`, `&apos;`, `&nbsp;` and
/// numeric references; anything else is kept as written.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let from = &rest[at..];
        let decoded = from
            .get(1..from.len().min(12))
            .and_then(|body| body.find(';').map(|end| (&body[..end], end + 2)))
            .and_then(|(name, len)| entity(name).map(|c| (c, len)));
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &from[len..];
            }
            None => {
                out.push('&');
                rest = &from[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    let numeric = |digits: &str, radix| {
        u32::from_str_radix(digits, radix)
            .ok()
            .and_then(char::from_u32)
    };
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => match name.strip_prefix('#')? {
            hex if hex.starts_with(['x', 'X']) => numeric(&hex[1..], 16),
            dec => numeric(dec, 10),
        },
    }
}

/// Lines trimmed, and runs of blank lines (left by block tags) cut to one.
fn tidy_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank_run = 0;
    for line in s.lines().map(str::trim) {
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn strips_tags_so_a_dateline_reads_as_one() {
        let html = "<html><head><title>Blast</title><style>p{color:red}</style></head>\n\
                    <body><p><b>QUETTA:</b> Two people were injured in Kech &amp; Turbat.</p>\n\
                    <!-- ad --><script>var x = '<p>';</script><p>Police said.<br/>More.</p></body></html>";
        let text = strip_markup(html).unwrap();
        assert!(
            text.contains("QUETTA: Two people were injured in Kech & Turbat."),
            "{text}"
        );
        assert!(text.contains("Police said.\nMore."), "{text}");
        assert!(
            !text.contains('<') && !text.contains("color") && !text.contains("var x"),
            "{text}"
        );
    }

    #[test]
    fn plain_text_has_no_markup() {
        for text in [
            "Two men died when 3 < 4 and x > y.",
            "Militants <unverified> said",
            "Police said a & b",
            "an email <someone@example.com>",
        ] {
            assert_eq!(strip_markup(text), None, "{text}");
        }
    }

    #[test]
    fn unknown_entities_and_stray_brackets_are_kept() {
        let text = strip_markup("<p>a &bogus; b < c &#65;</p>").unwrap();
        assert_eq!(text.trim(), "a &bogus; b < c A");
    }

    proptest! {
        #[test]
        fn never_panics(s in "[<>/!a-z&#;0-9 \\-pb]{0,80}") {
            let _ = strip_markup(&s);
        }

        #[test]
        fn never_panics_on_any_text(s in "\\PC{0,80}") {
            let _ = strip_markup(&s);
        }
    }
}
