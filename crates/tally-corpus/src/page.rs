//! A saved web page (`.html`, `.htm`) read as an article: the story's own
//! text, paragraph by paragraph, without the site around it.
//!
//! The page is parsed with a real HTML parser (html5ever, through
//! `dom_query`). What is never the story is removed first by rule
//! (navigation, headers and footers, sidebars, comments, related-story
//! rails, share widgets, ads, forms, scripts and styles); then the
//! readability extractor of `dom_smoothie` picks the main content among
//! what is left. When it finds none, the rest of the page is used, so a
//! page with text never reads as empty. Paragraphs are separated by a
//! blank line, which is what tally's paragraph logic expects.
//!
//! Feed items' HTML goes through [`html_to_text`]: the same rules and
//! rendering, without the choice of a main block (an item has no site
//! around it).

use crate::page_meta::{read_page_meta, PageMeta};
use dom_query::{Document, NodeRef};
use dom_smoothie::{Config, Readability, TextMode};
use std::panic::AssertUnwindSafe;

/// A page's text and what it says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// The story, paragraphs separated by a blank line; empty when the
    /// page has no text.
    pub text: String,
    pub meta: PageMeta,
    /// Harmless oddities (an unreadable JSON-LD block, ...).
    pub warnings: Vec<String>,
}

/// Elements that never hold the story, removed with their content (the
/// head is read for metadata before).
const NOISE_TAGS: &str = "head, title, script, style, noscript, template, iframe, object, \
    embed, svg, canvas, button, select, textarea, input, \
    amp-ad, amp-embed, amp-sidebar, amp-social-share, amp-analytics";

/// Elements that are page furniture on most sites, removed unless they
/// hold most of the page's paragraphs (an ASP.NET page wraps everything in
/// one `<form>`; some sites put the story in a `<header>`).
const FURNITURE_TAGS: &str = "nav, aside, footer, header, form, figure, figcaption, \
    [role=navigation], [role=complementary], [role=banner], [role=contentinfo], [hidden]";

/// Words in a class or id that mark page furniture, not the story.
const NOISE_WORDS: &[&str] = &[
    "comment",
    "share",
    "sharing",
    "social",
    "related",
    "sidebar",
    "widget",
    "newsletter",
    "breadcrumb",
    "most-read",
    "mostread",
    "popular",
    "trending",
    "advert",
    "promo",
    "subscribe",
    "recommended",
    "also-read",
    "read-more",
    "post-navigation",
    "pagination",
    "author-bio",
    "tags",
    "cookie",
];

/// Class or id tokens that are ad slots (`ad`, `ads`, `ad-inline`, `ad_300`).
const AD_TOKENS: &[&str] = &["ad", "ads"];

/// Read a saved page. Never fails: a page with no text gives an empty
/// `text`, which the caller reports.
pub fn read_page(html: &str) -> Page {
    let doc = Document::from(html);
    let mut warnings = Vec::new();
    let meta = read_page_meta(&doc, &mut warnings);
    drop_boilerplate(&doc);
    let text = main_text(doc);
    Page {
        text,
        meta,
        warnings,
    }
}

/// The text of an HTML fragment (a feed item's content), with the same
/// furniture removed and the same paragraph breaks as a page. Plain text
/// comes back tidied, with its entities decoded.
pub fn html_to_text(html: &str) -> String {
    let doc = Document::fragment(html);
    drop_boilerplate(&doc);
    tidy(&doc.root().formatted_text())
}

/// Pages nested deeper than this are not given to the readability
/// extractor, whose scoring slows down with depth (5,000 nested `<div>`s
/// took a minute): hostile or broken pages read as the whole cleaned page.
const MAX_READABLE_DEPTH: usize = 256;

/// Pages with more elements than this read as the whole cleaned page, for
/// the same reason (a real article page has a few thousand).
const MAX_READABLE_ELEMENTS: usize = 50_000;

/// The readability extractor's choice, else the whole cleaned page.
fn main_text(doc: Document) -> String {
    let everything = tidy(&doc.root().formatted_text());
    if depth(&doc.root()) > MAX_READABLE_DEPTH {
        return everything;
    }
    // The extractor is heuristics over hostile input: should it ever
    // panic, the page still reads (as the whole cleaned page).
    let readable = std::panic::catch_unwind(AssertUnwindSafe(|| readable_text(doc)))
        .ok()
        .flatten();
    match readable {
        Some(text) => keep_opening(text, &everything),
        None => everything,
    }
}

/// The main block chosen by `dom_smoothie`'s readability, when it finds one.
fn readable_text(doc: Document) -> Option<String> {
    let config = Config {
        text_mode: TextMode::Formatted,
        // The metadata is read by `page_meta`.
        disable_json_ld: true,
        max_elements_to_parse: MAX_READABLE_ELEMENTS,
        ..Config::default()
    };
    let mut readability = Readability::with_document(doc, None, Some(config)).ok()?;
    let article = readability.parse().ok()?;
    Some(tidy(&article.text_content)).filter(|t| !t.is_empty())
}

/// The first paragraph carries the dateline and usually the figures: when
/// the extractor kept the story but left out the paragraph that opens it
/// on the page, that paragraph is put back in front. (An opening whose
/// next paragraph the extractor dropped too belongs to something else.)
fn keep_opening(text: String, everything: &str) -> String {
    let paragraphs: Vec<&str> = everything.split("\n\n").collect();
    let Some(at) = paragraphs.iter().position(|p| p.len() >= MIN_OPENING_CHARS) else {
        return text;
    };
    let opening = paragraphs[at];
    let next_kept = paragraphs
        .get(at + 1)
        .is_some_and(|next| text.contains(next));
    if text.contains(opening) || !next_kept {
        return text;
    }
    format!("{opening}\n\n{text}")
}

/// An opening paragraph is a real one (not a menu or a byline) from this
/// length on.
const MIN_OPENING_CHARS: usize = 80;

/// How deeply elements nest under `root` (walked without recursion).
fn depth(root: &NodeRef) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(*root, 0usize)];
    while let Some((node, d)) = stack.pop() {
        deepest = deepest.max(d);
        if deepest > MAX_READABLE_DEPTH {
            break;
        }
        stack.extend(node.element_children().into_iter().map(|c| (c, d + 1)));
    }
    deepest
}

/// Remove the page furniture in place. An element holding most of the
/// page's paragraph text is kept whatever its tag or class says (a `<body
/// class="has-comments">` is not furniture).
fn drop_boilerplate(doc: &Document) {
    doc.select(NOISE_TAGS).remove();
    strip_comments(doc);
    let total = paragraph_chars(&doc.root());
    let mut furniture: Vec<NodeRef> = doc.select(FURNITURE_TAGS).nodes().to_vec();
    furniture.extend(
        doc.select("[class], [id]")
            .nodes()
            .iter()
            .filter(|n| is_furniture(n))
            .copied(),
    );
    for node in furniture {
        if paragraph_chars(&node) * 2 <= total {
            node.remove_from_parent();
        }
    }
}

/// HTML comments hold templates and ad code, never the story.
fn strip_comments(doc: &Document) {
    let comments: Vec<NodeRef> = doc
        .root()
        .descendants_it()
        .filter(NodeRef::is_comment)
        .collect();
    for c in comments {
        c.remove_from_parent();
    }
}

/// Whether an element's class or id names page furniture.
fn is_furniture(node: &NodeRef) -> bool {
    let names = [node.attr("class"), node.attr("id")];
    names.iter().flatten().any(|value| {
        value.split_whitespace().any(|token| {
            let token = token.to_ascii_lowercase();
            NOISE_WORDS.iter().any(|w| token.contains(w)) || is_ad_token(&token)
        })
    })
}

/// `ad`, `ads`, `ad-slot`, `ads_top`, but not `add` or `header`.
fn is_ad_token(token: &str) -> bool {
    AD_TOKENS.iter().any(|ad| {
        token == *ad
            || token
                .strip_prefix(ad)
                .is_some_and(|rest| rest.starts_with(['-', '_']))
    })
}

/// Characters of paragraph text under `node`.
fn paragraph_chars(node: &NodeRef) -> usize {
    node.descendants_it()
        .filter(|n| n.node_name().is_some_and(|name| &*name == "p"))
        .map(|p| p.text().len())
        .sum()
}

/// Lines trimmed with their spaces collapsed, paragraphs separated by one
/// blank line, no blank line at either end.
pub(crate) fn tidy(text: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current.join("\n"));
    }
    paragraphs.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use tally_model::IncidentDate;

    fn fixture(name: &str) -> Page {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        match std::fs::read_to_string(&path) {
            Ok(html) => read_page(&html),
            Err(e) => panic!("{path}: {e}"),
        }
    }

    fn paragraphs(text: &str) -> Vec<&str> {
        text.split("\n\n").collect()
    }

    fn assert_absent(text: &str, furniture: &[&str]) {
        for f in furniture {
            assert!(!text.contains(f), "{f:?} left in:\n{text}");
        }
    }

    #[test]
    fn wordpress_page_keeps_entry_content_and_drops_the_rest() {
        let page = fixture("wordpress.html");
        let paras = paragraphs(&page.text);
        assert_eq!(paras.len(), 4, "{}", page.text);
        assert_eq!(
            paras[0],
            "BANNU: Two policemen were killed when militants attacked a checkpost \
             in Bannu district on Tuesday, police said."
        );
        assert!(paras[2].contains("\u{201c}A search operation is under way,\u{201d}"));
        assert_absent(
            &page.text,
            &[
                "Share this",
                "WhatsApp",
                "Eleven people were killed",
                "Leave a Reply",
                "Recent Posts",
                "Five militants killed in Khyber",
                "Previous:",
                "All rights reserved",
                "Posted in",
                "dataLayer",
                "margin",
            ],
        );
        assert_eq!(
            page.meta,
            PageMeta {
                title: Some("Two policemen martyred in Bannu checkpost attack".into()),
                published: Some(IncidentDate::day(2026, 3, 10)),
                url: Some(
                    "https://frontier-ledger.example/2026/03/10/bannu-checkpost-attack/".into()
                ),
                outlet: Some("Frontier Ledger".into()),
            }
        );
        assert!(page.warnings.is_empty(), "{:?}", page.warnings);
    }

    #[test]
    fn news_page_reads_its_json_ld_graph() {
        let page = fixture("jsonld.html");
        assert!(page
            .text
            .starts_with("QUETTA: Nine people, including two children, were injured"));
        assert!(page
            .text
            .contains("Balochistan Liberation Front claimed responsibility"));
        assert_absent(
            &page.text,
            &[
                "Related Stories",
                "Four soldiers killed in Kech",
                "Twelve injured in Turbat",
                "Most Read",
                "Advertisement",
                "Photo: file",
                "E-Paper",
                "Copyright",
            ],
        );
        // The date, headline and publisher come from the NewsArticle inside
        // `@graph`, not from the WebSite next to it.
        assert_eq!(page.meta.published, Some(IncidentDate::day(2026, 1, 22)));
        assert_eq!(page.meta.outlet.as_deref(), Some("The Indus Courier"));
        assert_eq!(
            page.meta.url.as_deref(),
            Some("https://induscourier.example/news/quetta-bus-stand-blast-9-injured")
        );
        assert_eq!(
            page.meta.title.as_deref(),
            Some("Bomb blast near Quetta bus stand injures nine")
        );
    }

    #[test]
    fn amp_page_drops_amp_furniture() {
        let page = fixture("amp.html");
        assert_eq!(paragraphs(&page.text).len(), 2, "{}", page.text);
        assert!(page
            .text
            .starts_with("MIRAN SHAH: Three soldiers were martyred"));
        assert_absent(
            &page.text,
            &["Advertisement", "Back to top", "Latest", "amp-start"],
        );
        assert_eq!(page.meta.published, Some(IncidentDate::day(2025, 12, 4)));
        assert_eq!(page.meta.outlet.as_deref(), Some("Pak News Wire"));
        assert_eq!(
            page.meta.url.as_deref(),
            Some("https://paknewswire.example/story/north-waziristan-ied-three-soldiers")
        );
    }

    #[test]
    fn comments_and_related_rail_are_dropped_and_time_gives_the_date() {
        let page = fixture("comments.html");
        assert_eq!(paragraphs(&page.text).len(), 3, "{}", page.text);
        assert!(page.text.starts_with("LAKKI MARWAT: Unidentified gunmen"));
        assert_absent(
            &page.text,
            &[
                "Four workers were shot",
                "Shameful",
                "Six killed in Kurram",
                "Six people were killed",
                "newsletter",
                "Log in",
            ],
        );
        assert_eq!(page.meta.published, Some(IncidentDate::day(2025, 11, 26)));
        assert_eq!(
            page.meta.url.as_deref(),
            Some("https://valleytimes.example/2025/11/polio-worker-lakki")
        );
        assert_eq!(page.meta.outlet, None);
        assert_eq!(
            page.meta.title.as_deref(),
            Some("Gunmen kill polio worker in Lakki Marwat")
        );
    }

    #[test]
    fn a_page_without_an_article_block_still_gives_its_text() {
        let page =
            read_page("<html><body>PESHAWAR: One man was hurt.<br>Police said.</body></html>");
        assert_eq!(page.text, "PESHAWAR: One man was hurt.\nPolice said.");
    }

    #[test]
    fn a_class_naming_furniture_does_not_remove_the_story_it_holds() {
        let html = "<body class=\"single has-comments\"><div class=\"post-tags-wrap\">\
                    <p>KOHAT: Two men were killed in a clash over land on Monday, police said.</p>\
                    <p>A case was registered.</p></div>\
                    <div class=\"comments\"><p>First!</p></div></body>";
        let page = read_page(html);
        assert!(
            page.text.starts_with("KOHAT: Two men were killed"),
            "{}",
            page.text
        );
        assert!(page.text.contains("A case was registered."));
        assert!(!page.text.contains("First!"));
    }

    #[test]
    fn a_page_wrapped_in_one_form_keeps_its_story() {
        let html = "<body><form id=\"aspnetForm\" method=\"post\"><div class=\"menu\">Home</div>\
                    <div id=\"story\"><p>KHUZDAR: One person was killed and four injured when a \
                    bomb exploded in a market on Thursday, police said.</p>\
                    <p>The bomb was planted on a motorcycle.</p></div>\
                    <form class=\"search\"><p>Search the site</p></form></form></body>";
        let page = read_page(html);
        assert!(
            page.text.starts_with("KHUZDAR: One person was killed"),
            "{}",
            page.text
        );
        assert!(
            page.text.contains("planted on a motorcycle"),
            "{}",
            page.text
        );
        assert!(!page.text.contains("Search the site"), "{}", page.text);
    }

    #[test]
    fn the_opening_paragraph_is_put_back_when_the_extractor_drops_it() {
        let everything = "Menu\n\nBANNU: Two policemen were killed when militants attacked \
                          a checkpost on Tuesday, police said.\n\nThe attack lasted an hour.\n\nMore.";
        let kept = keep_opening("The attack lasted an hour.\n\nMore.".into(), everything);
        assert!(kept.starts_with("BANNU: Two policemen"), "{kept}");
        // Not when the extractor kept the story's opening, nor when it
        // dropped what follows the opening too (another block).
        let full = "BANNU: Two policemen were killed when militants attacked a checkpost \
                    on Tuesday, police said.\n\nThe attack lasted an hour.";
        assert_eq!(keep_opening(full.into(), everything), full);
        assert_eq!(keep_opening("More.".into(), everything), "More.");
    }

    #[test]
    fn metadata_sources_in_order_and_bad_json_ld_is_a_warning() {
        let html = r#"<html><head>
            <link rel="canonical" href="/relative/path">
            <meta property="og:url" content="https://outlet.example/a">
            <meta name="pubdate" content="2025-07-01">
            <script type="application/ld+json">{not json</script>
            <script type="application/ld+json">[{"@type": ["NewsArticle"], "datePublished": "2025-06-30",
              "mainEntityOfPage": {"@id": "https://outlet.example/b"},
              "publisher": {"name": "LD Outlet"}}]</script>
            <title>Page title</title></head><body><h1>Headline</h1><p>Text.</p></body></html>"#;
        let mut warnings = Vec::new();
        let meta = read_page_meta(&Document::from(html), &mut warnings);
        assert_eq!(meta.url.as_deref(), Some("https://outlet.example/a"));
        assert_eq!(meta.published, Some(IncidentDate::day(2025, 7, 1)));
        assert_eq!(meta.outlet.as_deref(), Some("LD Outlet"));
        assert_eq!(meta.title.as_deref(), Some("Headline"));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("JSON-LD"));
    }

    #[test]
    fn fragments_keep_breaks_and_decode_entities() {
        assert_eq!(
            html_to_text("<p>A &amp; B</p><p>one<br/>two</p><script>x()</script>"),
            "A & B\n\none\ntwo"
        );
        assert_eq!(html_to_text("plain words, 3 < 4"), "plain words, 3 < 4");
        assert_eq!(html_to_text(""), "");
    }

    #[test]
    fn ad_tokens() {
        for t in ["ad", "ads", "ad-slot", "ads_top"] {
            assert!(is_ad_token(t), "{t}");
        }
        for t in ["add", "header", "adam", "load"] {
            assert!(!is_ad_token(t), "{t}");
        }
    }
}
