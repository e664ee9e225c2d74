//! RSS, Atom and JSON Feed files: each item is an article.
//!
//! A feed is parsed (by `feed-rs`) when the corpus is planned, because only
//! then is it known how many articles it holds; each item becomes one
//! planned article carrying its own content, so reading it later needs no
//! second parse. The item's text is its content, else its summary
//! (description), turned into text by the page reader's rules; its link is
//! the URL, its date the publication date, its title the title, and the
//! feed's title the outlet.
//!
//! An item's key is a short hash of its guid (else its link, else its
//! title, date and text), so the same item has the same article id in
//! every version of the feed: re-ingesting a feed adds only its new items.

use crate::page::{html_to_text, tidy};
use crate::page_meta::PageMeta;
use crate::published::date_in_pakistan;
use feed_rs::model::{Entry, Text};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Hex digits of the item key: 40 bits, so two items of one feed collide
/// about once in a trillion pairs (and a collision is still told apart by
/// the planner, as files sharing a stem are).
const KEY_HEX_DIGITS: usize = 10;

/// The JSON Feed `version` prefix that tells a JSON Feed from other JSON.
const JSON_FEED_VERSION: &str = "https://jsonfeed.org/version/";

/// One item of a feed, ready to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedItem {
    /// Stable key of the item within its feed (hex hash of its guid).
    pub key: String,
    /// Position in the feed, from 1 (for messages).
    pub number: usize,
    /// What the item says about itself (the outlet is the feed's title).
    #[serde(skip)]
    pub meta: PageMeta,
    /// The item's content, else its summary, as found.
    #[serde(skip)]
    pub content: String,
    /// Whether `content` is HTML (else plain text).
    #[serde(skip)]
    pub html: bool,
}

impl FeedItem {
    /// The item's text, paragraphs separated by a blank line.
    pub fn text(&self) -> String {
        let text = if self.html {
            html_to_text(&self.content)
        } else {
            tidy(&self.content)
        };
        without_feed_footer(text)
    }
}

/// WordPress ends every item of its feeds with "The post TITLE appeared
/// first on SITE.": a link back, not the story (and it repeats the title).
fn without_feed_footer(text: String) -> String {
    let (body, last) = match text.rsplit_once("\n\n") {
        Some((body, last)) => (body, last),
        None => return text,
    };
    if last.starts_with("The post ") && last.contains(" appeared first on ") {
        body.to_string()
    } else {
        text
    }
}

/// A parsed feed: its items, and the ones that cannot be articles.
#[derive(Debug, Clone, Default)]
pub struct Feed {
    pub items: Vec<FeedItem>,
    /// `(item number, reason)` of items left out (no content or summary).
    pub unusable: Vec<(usize, String)>,
}

/// Parse a feed file's bytes. The error is the reason to skip the file.
pub fn parse_feed(bytes: &[u8]) -> Result<Feed, String> {
    let parser = feed_rs::parser::Builder::new()
        // No made-up ids (the default falls back to a random one): an item
        // without a guid is keyed by its link or its text instead.
        .id_generator(|_, _, _| String::new())
        .build();
    let parsed = parser
        .parse(bytes)
        .map_err(|e| format!("not a readable RSS, Atom or JSON feed ({e})"))?;
    let outlet = parsed.title.as_ref().and_then(|t| clean(&t.content));
    let mut feed = Feed::default();
    for (i, entry) in parsed.entries.iter().enumerate() {
        let number = i + 1;
        match item_of(entry, number, &outlet) {
            Some(item) => feed.items.push(item),
            None => feed
                .unusable
                .push((number, "has no content or summary".to_string())),
        }
    }
    Ok(feed)
}

/// Whether JSON bytes are a JSON Feed (its `version` names the spec), so
/// that other `.json` files in a folder are left alone.
pub fn is_json_feed(bytes: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Version {
        version: String,
    }
    serde_json::from_slice::<Version>(bytes).is_ok_and(|v| v.version.starts_with(JSON_FEED_VERSION))
}

/// One entry as an article, `None` when it has neither content nor
/// summary (a title alone is no article).
fn item_of(entry: &Entry, number: usize, outlet: &Option<String>) -> Option<FeedItem> {
    let title = entry.title.as_ref().and_then(|t| clean(&t.content));
    let (content, html) = body_of(entry)?;
    let url = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or(entry.links.first())
        .and_then(|l| clean(&l.href));
    let published = entry.published.or(entry.updated);
    let meta = PageMeta {
        title,
        published: published.as_ref().and_then(date_in_pakistan),
        url,
        outlet: outlet.clone(),
    };
    let key = item_key(entry, &meta, &content);
    Some(FeedItem {
        key,
        number,
        meta,
        content,
        html,
    })
}

/// The content, else the summary: the text and whether it is HTML.
fn body_of(entry: &Entry) -> Option<(String, bool)> {
    let content = entry.content.as_ref().and_then(|c| {
        let body = c.body.as_ref().filter(|b| !b.trim().is_empty())?;
        Some((body.clone(), !is_plain(c.content_type.as_ref())))
    });
    content.or_else(|| {
        let s: &Text = entry.summary.as_ref()?;
        (!s.content.trim().is_empty())
            .then(|| (s.content.clone(), !is_plain(s.content_type.as_ref())))
    })
}

fn is_plain(media_type: &str) -> bool {
    media_type.to_ascii_lowercase().starts_with("text/plain")
}

/// The stable key of an item: a hash of its guid, else of its link, else of
/// its title, date and content.
fn item_key(entry: &Entry, meta: &PageMeta, content: &str) -> String {
    let identity = if !entry.id.trim().is_empty() {
        format!("id:{}", entry.id.trim())
    } else if let Some(url) = &meta.url {
        format!("link:{url}")
    } else {
        let date = meta.published.map(|d| d.to_string()).unwrap_or_default();
        let title = meta.title.as_deref().unwrap_or_default();
        format!("text:{title}\n{date}\n{content}")
    };
    let digest = Sha256::digest(identity.as_bytes());
    digest
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
        .chars()
        .take(KEY_HEX_DIGITS)
        .collect()
}

/// Whitespace runs collapsed; `None` when nothing is left.
fn clean(s: &str) -> Option<String> {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!joined.is_empty()).then_some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tally_model::IncidentDate;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => panic!("{path}: {e}"),
        }
    }

    fn parse(name: &str) -> Feed {
        match parse_feed(&fixture(name)) {
            Ok(feed) => feed,
            Err(e) => panic!("{name}: {e}"),
        }
    }

    #[test]
    fn rss_items_read_content_then_description() {
        let feed = parse("rss.xml");
        assert_eq!(feed.items.len(), 2);
        assert_eq!(
            feed.unusable,
            vec![(3, "has no content or summary".to_string())]
        );

        let tank = &feed.items[0];
        let text = tank.text();
        assert!(
            text.starts_with("TANK: Security forces killed four militants"),
            "{text}"
        );
        assert!(text.contains("\n\nA soldier was injured"), "{text}");
        assert!(!text.contains("Share on Facebook"), "{text}");
        assert!(!text.contains("appeared first on"), "{text}");
        assert_eq!(
            tank.meta.title.as_deref(),
            Some("Four militants killed in Tank operation")
        );
        assert_eq!(
            tank.meta.url.as_deref(),
            Some("https://khyberpost.example/2026/02/tank-operation")
        );
        assert_eq!(tank.meta.outlet.as_deref(), Some("Khyber Evening Post"));
        // 21:30 UTC on the 14th is 02:30 on the 15th in Pakistan.
        assert_eq!(tank.meta.published, Some(IncidentDate::day(2026, 2, 15)));

        let kohat = feed.items[1].text();
        assert_eq!(
            kohat,
            "KOHAT: A shopkeeper was shot dead by two gunmen outside his shop in the main \
             bazaar on Friday, police said.\n\nThe motive was not known."
        );
        assert_eq!(
            feed.items[1].meta.published,
            Some(IncidentDate::day(2026, 2, 13))
        );
    }

    #[test]
    fn atom_entries_use_published_else_updated() {
        let feed = parse("atom.xml");
        assert_eq!(feed.items.len(), 2);
        let mastung = &feed.items[0];
        assert!(mastung
            .text()
            .starts_with("MASTUNG: Three Levies personnel were killed"));
        assert_eq!(mastung.meta.published, Some(IncidentDate::day(2026, 1, 10)));
        assert_eq!(
            mastung.meta.outlet.as_deref(),
            Some("Balochistan Daily Monitor")
        );
        assert_eq!(
            mastung.meta.url.as_deref(),
            Some("https://bdmonitor.example/levies-post-mastung")
        );
        let pipeline = &feed.items[1];
        assert!(!pipeline.html);
        assert!(pipeline
            .text()
            .starts_with("DERA BUGTI: An explosion damaged"));
        assert_eq!(pipeline.meta.published, Some(IncidentDate::day(2026, 1, 9)));
    }

    #[test]
    fn json_feed_items_with_html_or_text() {
        let feed = parse("feed.json");
        assert_eq!(feed.items.len(), 2);
        assert_eq!(
            feed.items[0].text(),
            "KARACHI: Two policemen were injured when a hand grenade was thrown at their van \
             in Orangi Town on Sunday night.\n\nPolice said the attackers escaped on a motorcycle."
        );
        assert_eq!(
            feed.items[0].meta.outlet.as_deref(),
            Some("Sindh Night Desk")
        );
        assert_eq!(
            feed.items[0].meta.published,
            Some(IncidentDate::day(2025, 10, 5))
        );
        assert_eq!(
            feed.items[1].text(),
            "KARACHI: Traffic was diverted around Numaish on Sunday for a rally.\n\n\
             No incident was reported."
        );
    }

    #[test]
    fn keys_are_stable_distinct_and_follow_the_guid() {
        let a = parse("rss.xml");
        let b = parse("rss.xml");
        let keys: Vec<&str> = a.items.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(
            keys,
            b.items.iter().map(|i| i.key.as_str()).collect::<Vec<_>>()
        );
        assert_ne!(keys[0], keys[1]);
        assert!(keys.iter().all(|k| k.len() == KEY_HEX_DIGITS));
        // The same guid with another text (an edited item) keeps its key.
        let edited = String::from_utf8_lossy(&fixture("rss.xml"))
            .replace("A soldier was injured", "Two soldiers were injured");
        let c = parse_feed(edited.as_bytes()).unwrap_or_default();
        assert_eq!(c.items[0].key, keys[0]);
    }

    #[test]
    fn an_item_without_guid_is_keyed_by_its_link_then_its_text() {
        let rss = |link: &str| {
            format!(
                "<rss version=\"2.0\"><channel><title>T</title><item>{link}\
                 <description>Two killed.</description></item></channel></rss>"
            )
        };
        let key = |xml: String| {
            parse_feed(xml.as_bytes()).unwrap_or_default().items[0]
                .key
                .clone()
        };
        let linked = key(rss("<link>https://x.example/1</link>"));
        assert_eq!(linked, key(rss("<link>https://x.example/1</link>")));
        assert_ne!(linked, key(rss("<link>https://x.example/2</link>")));
        assert_eq!(key(rss("")), key(rss("")));
    }

    #[test]
    fn what_is_not_a_feed_is_an_error_and_an_empty_feed_has_no_items() {
        for bytes in [
            &b""[..],
            b"<html><body>hi</body></html>",
            b"{\"article\": \"a\"}",
            b"\xff\xfe",
        ] {
            assert!(parse_feed(bytes).is_err(), "{bytes:?}");
        }
        let empty = parse_feed(b"<rss version=\"2.0\"><channel><title>T</title></channel></rss>");
        assert!(empty.is_ok_and(|f| f.items.is_empty() && f.unusable.is_empty()));
    }

    #[test]
    fn json_feeds_are_told_from_other_json() {
        assert!(is_json_feed(&fixture("feed.json")));
        for other in [
            &b"{\"article\": \"a1\", \"outlet\": \"X\"}"[..],
            b"{\"version\": 2}",
            b"{\"version\": \"1.0\"}",
            b"[1, 2]",
            b"not json",
        ] {
            assert!(!is_json_feed(other), "{other:?}");
        }
    }
}
