//! End-to-end tests of saved pages and feeds: a story saved as text and as
//! a page codes to the same incident, a folder mixing text, pages and a
//! feed is coded whole, and re-ingesting a feed (or a later version of it)
//! adds only the items the database does not have.

mod common;
use common::{ok, s};

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// The example pages and feed of these tests (invented stories).
fn pages() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages_feeds")
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// The coded fields of an incident, without ids and evidence offsets.
fn coded_fields(incident: &Value) -> Value {
    let keys = [
        "role",
        "date",
        "country",
        "admin1",
        "admin2",
        "place",
        "event_type",
        "group",
        "claimed",
        "targets",
        "killed",
        "injured",
    ];
    keys.iter()
        .map(|k| (k.to_string(), incident[k].clone()))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

#[test]
fn a_story_saved_as_text_and_as_a_page_codes_the_same_incident() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports.jsonl");
    let from_text = json_lines(&ok(&[
        "extract",
        s(&pages().join("bannu.txt")),
        "--no-merge",
        "-q",
    ]));
    let from_page = json_lines(&ok(&[
        "extract",
        s(&pages().join("bannu.html")),
        "--no-merge",
        "-q",
        "--reports",
        s(&reports),
    ]));
    assert_eq!(from_text.len(), 1, "{from_text:?}");
    assert_eq!(from_page.len(), 1, "{from_page:?}");
    assert_eq!(coded_fields(&from_text[0]), coded_fields(&from_page[0]));
    assert_eq!(from_page[0]["date"], "2026-03-10");
    assert_eq!(from_page[0]["admin2"], "Bannu");
    assert_eq!(from_page[0]["killed"]["total"]["best"], 2);

    // The page's own metadata reached the report; its comments did not
    // reach the text (they name other places and tolls).
    let report = &json_lines(&fs::read_to_string(&reports).unwrap())[0];
    assert_eq!(report["meta"]["outlet"], "Frontier Ledger");
    assert_eq!(
        report["meta"]["url"],
        "https://frontier-ledger.example/2026/03/10/bannu-checkpost-attack/"
    );
    assert_eq!(
        report["meta"]["title"],
        "Two policemen martyred in Bannu checkpost attack"
    );
    assert_eq!(report["published"], "2026-03-10");
}

#[test]
fn a_folder_mixing_text_pages_and_a_feed_is_coded_whole() {
    let out = json_lines(&ok(&["extract", s(&pages()), "--no-merge", "-q"]));
    let mut articles: Vec<String> = out
        .iter()
        .flat_map(|i| i["articles"].as_array().unwrap().clone())
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    articles.sort();
    assert_eq!(articles[..2], ["bannu.html", "bannu.txt"]);
    assert!(
        articles[2].starts_with("khyber-") && articles[2].len() == "khyber-".len() + 10,
        "{articles:?}"
    );
    let tank = out
        .iter()
        .find(|i| i["admin2"] == "Tank")
        .expect("the Tank item is coded");
    assert_eq!(tank["killed"]["militants"]["best"], 4);
    assert_eq!(tank["date"], "2026-02-14");

    // Merged, the two copies of the Bannu story are one incident.
    let merged = json_lines(&ok(&["extract", s(&pages()), "-q"]));
    let bannu: Vec<&Value> = merged.iter().filter(|i| i["admin2"] == "Bannu").collect();
    assert_eq!(bannu.len(), 1, "{merged:?}");
    assert_eq!(bannu[0]["articles"].as_array().unwrap().len(), 2);
}

/// `khyber.rss` with two newer items on top, as the outlet's next version
/// of its feed would be.
fn later_version_of_the_feed() -> String {
    let feed = fs::read_to_string(pages().join("khyber.rss")).unwrap();
    let new_items = r#"<item>
    <title>Constable shot dead in Lakki Marwat</title>
    <link>https://khyberpost.example/2026/02/lakki-constable</link>
    <guid isPermaLink="false">kep-20260216-0007</guid>
    <pubDate>Mon, 16 Feb 2026 18:00:00 +0500</pubDate>
    <description>&lt;p&gt;LAKKI MARWAT: A police constable was shot dead by militants near the Pezu checkpost in Lakki Marwat district on Monday, police said.&lt;/p&gt;</description>
  </item>
  <item>
    <title>Two soldiers injured in Dera Ismail Khan blast</title>
    <link>https://khyberpost.example/2026/02/di-khan-blast</link>
    <guid isPermaLink="false">kep-20260216-0004</guid>
    <pubDate>Mon, 16 Feb 2026 11:00:00 +0500</pubDate>
    <description>&lt;p&gt;DERA ISMAIL KHAN: Two soldiers were injured when a roadside bomb went off near their vehicle in the Kulachi area of Dera Ismail Khan on Monday, officials said.&lt;/p&gt;</description>
  </item>
  <item>"#;
    feed.replacen("<item>", new_items, 1)
}

fn ingest(path: &Path, db: &Path) -> String {
    let out = ok(&["ingest", s(path), "--db", s(db), "-q"]);
    out.lines().next().unwrap_or_default().to_string()
}

#[test]
fn reingesting_a_feed_adds_only_its_new_items() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pk.db");
    let feeds = dir.path().join("feeds");
    fs::create_dir(&feeds).unwrap();
    let feed = feeds.join("khyber.rss");
    fs::copy(pages().join("khyber.rss"), &feed).unwrap();

    let first = ingest(&feed, &db);
    assert_eq!(
        first,
        "articles: 2 read, 0 already in the database, 0 skipped"
    );
    // The same feed again, as a file or in its folder: nothing new.
    let again = ingest(&feed, &db);
    assert_eq!(
        again,
        "articles: 0 read, 2 already in the database, 0 skipped"
    );
    let folder = ingest(&feeds, &db);
    assert_eq!(
        folder,
        "articles: 0 read, 2 already in the database, 0 skipped"
    );

    // The next version of the feed: only its two new items are added.
    fs::write(&feed, later_version_of_the_feed()).unwrap();
    let later = ingest(&feed, &db);
    assert_eq!(
        later,
        "articles: 2 read, 2 already in the database, 0 skipped"
    );
    let stats = ok(&["list", "--db", s(&db), "--format", "csv"]);
    assert!(stats.contains("Lakki Marwat"), "{stats}");
    assert!(stats.contains("Dera Ismail Khan"), "{stats}");
    let last = ingest(&feed, &db);
    assert_eq!(
        last,
        "articles: 0 read, 4 already in the database, 0 skipped"
    );
}
