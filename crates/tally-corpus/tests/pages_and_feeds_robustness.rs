//! Saved pages and feeds never make the reader panic: hostile or broken
//! markup (a bounded property run over tag soup, truncated and spliced
//! copies of the fixtures) and arbitrary bytes under every page and feed
//! extension. Each planned article either reads to a non-blank text or is
//! skipped with a reason.

use proptest::prelude::*;
use std::path::Path;
use tally_corpus::{html_to_text, parse_feed, plan, read_page, ReadOptions};
use tempfile::TempDir;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

/// Write `bytes` as `name` in a scratch folder, plan the folder and read
/// every entry.
fn plan_and_read(name: &str, bytes: &[u8]) {
    let dir = match TempDir::new() {
        Ok(dir) => dir,
        Err(e) => panic!("no temporary folder: {e}"),
    };
    if let Err(e) = std::fs::write(dir.path().join(name), bytes) {
        panic!("cannot write {name}: {e}");
    }
    let Ok(found) = plan(&[dir.path()], None) else {
        panic!("planning a folder never fails");
    };
    for entry in &found.entries {
        match entry.read(&ReadOptions::default()) {
            Ok(loaded) => assert!(!loaded.article.text.trim().is_empty()),
            Err(skipped) => assert!(!skipped.reason.is_empty()),
        }
    }
    for skipped in &found.skipped {
        assert!(!skipped.reason.is_empty());
    }
}

/// Pieces of HTML that parsers and extractors find awkward.
fn tag_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<div class=\"comments\">".to_string()),
        Just("<div class=\"entry-content\">".to_string()),
        Just("</div>".to_string()),
        Just("<script type=\"application/ld+json\">{\"@graph\": [".to_string()),
        Just("</script>".to_string()),
        Just("<meta property=\"article:published_time\" content=\"2025-02-30T99\">".to_string()),
        Just("<time datetime=\"\">".to_string()),
        Just("<!-- ".to_string()),
        Just("<![CDATA[".to_string()),
        Just("<table><tr><td>".to_string()),
        Just("&#x110000;&#0;&amp".to_string()),
        Just("<br/>".to_string()),
        "\\PC{0,30}".prop_map(|s| s.to_string()),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|ps| ps.concat())
}

/// Feed fragments in the same spirit.
fn feed_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<rss version=\"2.0\"><channel><title>T</title>".to_string()),
        Just("<item>".to_string()),
        Just("</item>".to_string()),
        Just("<guid></guid>".to_string()),
        Just("<pubDate>not a date</pubDate>".to_string()),
        Just("<description>&lt;p&gt;BANNU: Two killed.&lt;/p&gt;</description>".to_string()),
        Just("<content:encoded><![CDATA[<p>x</p>".to_string()),
        Just("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>".to_string()),
        Just("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [".to_string()),
        Just("{\"id\": 5, \"content_html\": null}".to_string()),
        "\\PC{0,30}".prop_map(|s| s.to_string()),
    ];
    proptest::collection::vec(piece, 0..25).prop_map(|ps| ps.concat())
}

#[test]
fn deeply_nested_markup_is_read() {
    let deep = format!(
        "{}<p>KARAK: One killed.</p>{}",
        "<div>".repeat(5000),
        "</div>".repeat(5000)
    );
    assert!(read_page(&deep).text.contains("KARAK: One killed."));
    let ld = format!(
        "<script type=\"application/ld+json\">{}1{}</script><p>x</p>",
        "[".repeat(2000),
        "]".repeat(2000)
    );
    let _ = read_page(&ld);
}

#[test]
fn every_prefix_of_the_fixtures_is_handled() {
    for name in ["wordpress.html", "jsonld.html", "amp.html", "comments.html"] {
        let html = fixture(name);
        for end in (0..html.len())
            .step_by(97)
            .filter(|&e| html.is_char_boundary(e))
        {
            let _ = read_page(&html[..end]);
        }
    }
    for name in ["rss.xml", "atom.xml", "feed.json"] {
        let feed = fixture(name);
        for end in (0..feed.len()).step_by(53) {
            if let Ok(parsed) = parse_feed(&feed.as_bytes()[..end]) {
                for item in parsed.items {
                    let _ = item.text();
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn tag_soup_pages_never_panic(html in tag_soup()) {
        let page = read_page(&html);
        prop_assert!(!page.text.contains("\n\n\n"));
        let _ = html_to_text(&html);
    }

    #[test]
    fn tag_soup_feeds_never_panic(xml in feed_soup()) {
        if let Ok(feed) = parse_feed(xml.as_bytes()) {
            for item in feed.items {
                let _ = item.text();
            }
        }
    }

    #[test]
    fn arbitrary_bytes_as_pages_and_feeds_read_or_skip(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        ext in prop_oneof![Just("html"), Just("htm"), Just("xml"), Just("rss"), Just("atom"), Just("json")],
    ) {
        plan_and_read(&format!("a.{ext}"), &bytes);
    }

    #[test]
    fn soup_files_read_or_skip(html in tag_soup(), xml in feed_soup()) {
        plan_and_read("page.html", html.as_bytes());
        plan_and_read("feed.xml", xml.as_bytes());
        plan_and_read("feed.json", xml.as_bytes());
    }
}
