use super::*;
use std::time::Instant;
use tally_model::IncidentDate;
use tempfile::TempDir;

fn write(dir: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&p, bytes).unwrap();
    p
}

fn ids(plan: &CorpusPlan) -> Vec<&str> {
    plan.entries.iter().map(|e| e.meta.id.as_str()).collect()
}

fn read_one(path: &Path) -> Result<Loaded, Skipped> {
    let entry = PlannedArticle {
        path: path.to_path_buf(),
        meta: ArticleMeta {
            id: file_stem(path),
            ..ArticleMeta::default()
        },
        source: Source::Text,
    };
    read_article(&entry, &ReadOptions::default())
}

#[test]
fn folder_with_articles_and_auto_manifest() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    write(d, "b.txt", b"Two killed in Quetta.\n");
    write(d, "a.txt", b"Blast in Peshawar.\n");
    write(d, "notes.md", b"ignored");
    write(d, "sub/c.txt", b"Nested article.\n");
    write(
        d,
        "manifest.jsonl",
        br#"{"article": "a", "published": "2023-02-17", "outlet": "Dawn", "url": "https://example.org/a", "extra": 1}
{"article": "c", "outlet": "The News"}
"#,
    );
    let plan = plan(&[d.to_path_buf()], None).unwrap();
    assert_eq!(ids(&plan), ["a", "b", "c"]);
    assert!(plan.skipped.is_empty(), "{:?}", plan.skipped);
    assert_eq!(plan.manifests, [d.join("manifest.jsonl")]);
    assert_eq!(
        plan.warnings,
        [
            "1 article has no entry in the manifest (b): no outlet or URL, \
          and the publication date only from the text"
        ]
    );
    let a = &plan.entries[0].meta;
    assert_eq!(a.published, Some(IncidentDate::day(2023, 2, 17)));
    assert_eq!(a.outlet.as_deref(), Some("Dawn"));
    assert_eq!(a.url.as_deref(), Some("https://example.org/a"));
    assert_eq!(plan.entries[1].meta.outlet, None);
    assert_eq!(plan.entries[2].meta.outlet.as_deref(), Some("The News"));
    assert_eq!(plan.entries[2].path, d.join("sub/c.txt"));

    let loaded = plan.entries[0].read(&ReadOptions::default()).unwrap();
    assert_eq!(loaded.article.text, "Blast in Peshawar.\n");
    assert_eq!(loaded.article.meta, plan.entries[0].meta);
    assert!(loaded.warnings.is_empty());
}

#[test]
fn nested_folder_manifest_wins_for_its_articles() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    write(d, "a.txt", b"x");
    write(d, "sub/b.txt", b"y");
    write(
        d,
        "manifest.jsonl",
        b"{\"article\":\"a\",\"outlet\":\"Top\"}\n{\"article\":\"b\",\"outlet\":\"Top\"}\n",
    );
    write(
        d,
        "sub/manifest.jsonl",
        b"{\"article\":\"b\",\"outlet\":\"Sub\"}\n",
    );
    let plan = plan(&[d.to_path_buf()], None).unwrap();
    assert_eq!(plan.entries[0].meta.outlet.as_deref(), Some("Top"));
    assert_eq!(plan.entries[1].meta.outlet.as_deref(), Some("Sub"));
}

#[test]
fn explicit_manifest_overrides_folder_manifest() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path().join("corpus");
    write(&d, "a.txt", b"text a");
    write(&d, "b.txt", b"text b");
    write(
        &d,
        "manifest.jsonl",
        b"{\"article\":\"a\",\"outlet\":\"Folder\"}\n",
    );
    let m = write(
        tmp.path(),
        "meta.jsonl",
        b"{\"article\":\"a\",\"outlet\":\"Explicit\",\"published\":\"2020-01-02\"}\n{\"article\":\"zzz\"}\n",
    );
    // An explicit file (any extension) also gets its metadata from the manifest.
    let other = write(tmp.path(), "b2.html", b"<p>text</p>");
    let plan = plan(&[d.clone(), other.clone()], Some(&m)).unwrap();
    assert_eq!(ids(&plan), ["a", "b", "b2"]);
    assert_eq!(plan.entries[0].meta.outlet.as_deref(), Some("Explicit"));
    assert_eq!(
        plan.entries[0].meta.published,
        Some(IncidentDate::day(2020, 1, 2))
    );
    assert_eq!(plan.entries[1].meta.outlet, None);
    assert_eq!(plan.entries[2].path, other);
    // The unmatched entry is reported.
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.contains("1 of 2 entries match no article") && w.contains("zzz")),
        "{:?}",
        plan.warnings
    );
}

#[test]
fn unreadable_explicit_manifest_is_an_error() {
    let tmp = TempDir::new().unwrap();
    let missing = tmp.path().join("nope.jsonl");
    let err = plan(&[tmp.path().to_path_buf()], Some(&missing)).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("nope.jsonl"), "{msg}");
    let CorpusError::Manifest { path, .. } = err;
    assert_eq!(path, missing);
}

#[test]
fn malformed_manifest_lines_are_reported_and_skipped() {
    let tmp = TempDir::new().unwrap();
    let m = write(
        tmp.path(),
        "manifest.jsonl",
        b"\xEF\xBB\xBF{\"article\":\"a\",\"outlet\":\"Dawn\"}\r\n\
          {not json\n\
          \n\
          [1,2]\n\
          {\"outlet\":\"no id\"}\n\
          {\"article\":\"b\",\"published\":\"2023-02-30\",\"outlet\":\"X\"}\n\
          {\"article\":\"c\",\"published\":20230101,\"url\":5}\n\
          {\"article\":\"a\",\"outlet\":\"Again\"}\n\
          {\"article\":\"d\",\"published\":\"2023-05\",\"outlet\":null}\n",
    );
    let (entries, warnings) = read_manifest(&m).unwrap();
    let at = |n: usize| format!("{}:{n}: ", m.display());
    assert_eq!(entries.len(), 4, "{entries:?}");
    assert_eq!(entries["a"].outlet.as_deref(), Some("Dawn"));
    assert_eq!(entries["b"].published, None);
    assert_eq!(entries["b"].outlet.as_deref(), Some("X"));
    assert_eq!(entries["c"].published, None);
    assert_eq!(entries["c"].url, None);
    assert_eq!(entries["d"].published, Some(IncidentDate::month(2023, 5)));
    assert_eq!(entries["d"].outlet, None);
    let expect = [
        (2, "invalid JSON"),
        (4, "not a JSON object"),
        (5, "no \"article\" key"),
        (6, "bad \"published\" date \"2023-02-30\""),
        (7, "bad \"published\" date"),
        (7, "\"url\" for article c is not a string"),
        (8, "duplicate entry for article a (first at line 1)"),
    ];
    assert_eq!(warnings.len(), expect.len(), "{warnings:#?}");
    for (w, (line, text)) in warnings.iter().zip(expect) {
        assert!(w.starts_with(&at(line)), "{w}");
        assert!(w.contains(text), "{w} should contain {text}");
    }

    // In a plan, the warnings surface and the good entries still apply.
    write(tmp.path(), "a.txt", b"article a");
    let plan = plan(&[tmp.path().to_path_buf()], None).unwrap();
    assert_eq!(plan.entries[0].meta.outlet.as_deref(), Some("Dawn"));
    assert!(plan.warnings.iter().any(|w| w.contains("invalid JSON")));
}

#[test]
fn empty_and_whitespace_files_are_skipped() {
    let tmp = TempDir::new().unwrap();
    for (name, bytes) in [
        ("empty.txt", &b""[..]),
        ("blank.txt", b" \r\n\t\n  "),
        ("bom.txt", b"\xEF\xBB\xBF\n"),
    ] {
        let p = write(tmp.path(), name, bytes);
        let s = read_one(&p).unwrap_err();
        assert_eq!(s.reason, "empty", "{name}");
        assert_eq!(s.path, p);
    }
}

#[test]
fn binary_files_are_skipped() {
    let tmp = TempDir::new().unwrap();
    let png = write(
        tmp.path(),
        "image.txt",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06",
    );
    assert_eq!(read_one(&png).unwrap_err().reason, "looks binary");

    // No NUL, but many control characters.
    let mut ctl = b"text ".repeat(10);
    ctl.extend(std::iter::repeat_n(0x01u8, 20));
    let ctl = write(tmp.path(), "ctl.txt", &ctl);
    assert_eq!(read_one(&ctl).unwrap_err().reason, "looks binary");

    // A few control characters in text are fine.
    let mut ok = b"text ".repeat(100);
    ok.extend([0x0c, 0x1b]);
    let ok = write(tmp.path(), "ok.txt", &ok);
    assert!(read_one(&ok).is_ok());

    let utf16 = write(tmp.path(), "u16.txt", b"\xFF\xFEh\x00i\x00");
    assert!(read_one(&utf16)
        .unwrap_err()
        .reason
        .starts_with("looks binary"));
}

#[test]
fn invalid_utf8_is_decoded_lossily_with_a_warning() {
    let tmp = TempDir::new().unwrap();
    let p = write(
        tmp.path(),
        "latin1.txt",
        b"Caf\xe9 blast\r\nTwo killed in Quetta.\r\n",
    );
    let loaded = read_one(&p).unwrap();
    assert_eq!(
        loaded.article.text,
        "Caf\u{FFFD} blast\r\nTwo killed in Quetta.\r\n"
    );
    assert_eq!(
        loaded.warnings,
        [format!(
            "{}: not valid UTF-8, decoded with replacement characters",
            p.display()
        )]
    );
}

#[test]
fn bom_is_stripped_and_crlf_kept() {
    let tmp = TempDir::new().unwrap();
    let p = write(
        tmp.path(),
        "bom.txt",
        "\u{FEFF}Peshawar\r\n date 2023-01-30\r\n".as_bytes(),
    );
    let loaded = read_one(&p).unwrap();
    assert_eq!(loaded.article.text, "Peshawar\r\n date 2023-01-30\r\n");
    assert!(loaded.warnings.is_empty());
}

#[test]
fn files_sharing_a_stem_are_all_kept_under_their_paths() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    let first = write(d, "a/x.txt", b"first");
    let second = write(d, "b/x.txt", b"second");
    let third = write(d, "x.html", b"third");
    let alone = write(d, "b/y.txt", b"no other y");
    let plan = plan(&[d.join("a"), d.join("b"), third.clone()], None).unwrap();
    let dir_name = d.file_name().unwrap().to_string_lossy();
    assert_eq!(
        ids(&plan),
        [
            "a/x".to_string(),
            "b/x".into(),
            "y".into(),
            format!("{dir_name}/x")
        ]
    );
    let paths: Vec<&Path> = plan.entries.iter().map(|e| e.path.as_path()).collect();
    assert_eq!(paths, [&first, &second, &alone, &third]);
    assert!(plan.skipped.is_empty(), "{:?}", plan.skipped);
    assert!(plan.warnings[0].starts_with("3 articles share a file name"));
}

#[test]
fn a_story_saved_as_text_and_as_a_page_is_named_by_file_name() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    write(d, "s/x.txt", b"Blast in Swat.\n");
    write(d, "s/x.html", b"<p>Blast in Swat.</p>");
    let plan = plan(&[d.join("s")], None).unwrap();
    assert_eq!(ids(&plan), ["x.html", "x.txt"]);
}

#[test]
fn the_same_file_found_twice_is_read_once() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    let x = write(d, "a/x.txt", b"first");
    let plan = plan(&[d.join("a"), x.clone()], None).unwrap();
    assert_eq!(ids(&plan), ["x"]);
    assert_eq!(plan.skipped.len(), 1);
    assert!(plan.skipped[0].reason.starts_with("the same file as"));
}

#[test]
fn one_file_given_alone_uses_its_folders_manifest() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    let a = write(d, "set/a.txt", b"Blast in Peshawar.\n");
    write(
        d,
        "set/manifest.jsonl",
        br#"{"article": "a", "published": "2023-02-17"}
{"article": "b", "published": "2023-02-18"}
"#,
    );
    let plan = plan(&[&a], None).unwrap();
    assert_eq!(plan.manifests, [d.join("set/manifest.jsonl")]);
    let a_meta = &plan.entries[0].meta;
    assert_eq!(a_meta.published, Some(IncidentDate::day(2023, 2, 17)));
    // The manifest names the file's siblings too: no warning for that.
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
}

#[test]
fn a_manifest_beside_the_articles_folder_is_found() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    write(d, "dev/articles/a.txt", b"Blast in Peshawar.\n");
    write(d, "dev/articles/b.txt", b"Blast in Quetta.\n");
    let c = write(d, "dev/articles/c.txt", b"Blast in Swat.\n");
    write(
        d,
        "dev/manifest.jsonl",
        br#"{"article": "a", "published": "2023-02-17"}
"#,
    );
    let plan = plan(&[d.join("dev/articles")], None).unwrap();
    assert_eq!(plan.manifests, [d.join("dev/manifest.jsonl")]);
    assert_eq!(
        plan.entries[0].meta.published,
        Some(IncidentDate::day(2023, 2, 17))
    );
    assert_eq!(
        plan.warnings,
        [
            "2 articles have no entry in the manifest (b, c): no outlet or URL, \
          and the publication date only from the text"
        ]
    );
    // A file of that folder given alone finds it too (its folder's parent).
    let alone = super::plan(&[&c], None).unwrap();
    assert_eq!(alone.manifests, [d.join("dev/manifest.jsonl")]);
    assert_eq!(alone.warnings.len(), 1, "{:?}", alone.warnings);
}

#[test]
fn the_first_line_dates_an_article_unless_the_manifest_does() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    write(d, "a.txt", b"Date: June 12, 2025\nBlast in Peshawar.\n");
    write(d, "b.txt", b"12 Jun 2025\nBlast in Quetta.\n");
    write(d, "c.txt", b"date: 2025-13-45\nBlast in Swat.\n");
    write(
        d,
        "manifest.jsonl",
        br#"{"article": "b", "published": "2024-01-02"}
{"article": "a"}
{"article": "c"}
"#,
    );
    let plan = plan(&[d], None).unwrap();
    let read: Vec<Loaded> = plan
        .entries
        .iter()
        .map(|e| e.read(&ReadOptions::default()).unwrap())
        .collect();
    assert_eq!(
        read[0].article.meta.published,
        Some(IncidentDate::day(2025, 6, 12))
    );
    assert_eq!(
        read[1].article.meta.published,
        Some(IncidentDate::day(2024, 1, 2))
    );
    assert_eq!(read[2].article.meta.published, None);
    assert!(read[2].warnings[0].contains("looks like a date but cannot be read"));
    // The text is kept as written: evidence offsets point into the file.
    assert!(read[0].article.text.starts_with("Date: June 12, 2025\n"));
}

#[test]
fn html_is_read_as_text_with_a_warning() {
    let tmp = TempDir::new().unwrap();
    let p = write(
        tmp.path(),
        "page.txt",
        b"<p><b>QUETTA:</b> Two men were injured in Turbat.</p>",
    );
    let loaded = read_one(&p).unwrap();
    assert_eq!(
        loaded.article.text,
        "QUETTA: Two men were injured in Turbat.\n"
    );
    assert_eq!(loaded.warnings.len(), 1);
    assert!(loaded.warnings[0].contains("page.txt: looks like HTML"));
}

#[test]
fn missing_path_is_skipped() {
    let tmp = TempDir::new().unwrap();
    let missing = tmp.path().join("missing.txt");
    let ok = write(tmp.path(), "ok.txt", b"fine");
    let plan = plan(&[missing.clone(), ok], None).unwrap();
    assert_eq!(ids(&plan), ["ok"]);
    assert_eq!(
        plan.skipped,
        [Skipped {
            path: missing.clone(),
            reason: "no such file or directory".into()
        }]
    );
    assert_eq!(
        plan.skipped[0].to_string(),
        format!("{}: no such file or directory", missing.display())
    );

    // A file removed between plan and read is skipped the same way.
    let gone = write(tmp.path(), "gone.txt", b"soon gone");
    fs::remove_file(&gone).unwrap();
    assert_eq!(
        read_one(&gone).unwrap_err().reason,
        "no such file or directory"
    );
}

#[test]
fn folder_without_articles_is_a_warning() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path().join("docs");
    write(&d, "readme.md", b"not an article");
    let plan = plan(&[&d], None).unwrap();
    assert!(plan.entries.is_empty());
    assert!(plan.skipped.is_empty());
    assert_eq!(
        plan.warnings,
        [format!(
            "{}: no articles found (.txt, .html, .htm or feed files)",
            d.display()
        )]
    );
}

#[test]
fn explicit_file_is_read_whatever_its_extension() {
    let tmp = TempDir::new().unwrap();
    let p = write(tmp.path(), "story.md", b"<p>Blast</p>");
    let plan = plan(&[&p], None).unwrap();
    assert_eq!(ids(&plan), ["story"]);
    let loaded = plan.entries[0].read(&ReadOptions::default()).unwrap();
    assert_eq!(loaded.article.text, "Blast\n");
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    fs::read(&path).unwrap()
}

fn reasons(plan: &CorpusPlan) -> Vec<String> {
    plan.skipped.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_folder_contributes_pages_and_feeds_beside_text() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    write(d, "a.txt", b"Two killed in Quetta.\n");
    write(d, "b.html", &fixture("wordpress.html"));
    write(d, "c.HTM", &fixture("comments.html"));
    write(d, "news.rss", &fixture("rss.xml"));
    write(d, "desk.json", &fixture("feed.json"));
    write(d, "monitor.atom", &fixture("atom.xml"));
    write(d, "settings.json", b"{\"theme\": \"dark\"}");
    write(
        d,
        "sitemap.xml",
        b"<urlset><url><loc>x</loc></url></urlset>",
    );
    write(
        d,
        "empty.xml",
        b"<rss version=\"2.0\"><channel><title>E</title></channel></rss>",
    );
    let plan = plan(&[d], None).unwrap();
    let ids = ids(&plan);
    assert_eq!(ids.len(), 3 + 2 + 2 + 2, "{ids:?}");
    assert_eq!(&ids[..3], ["a", "b", "c"]);
    let feed_ids: Vec<&&str> = ids[3..].iter().collect();
    assert_eq!(
        feed_ids.iter().filter(|i| i.starts_with("desk-")).count(),
        2
    );
    assert_eq!(
        feed_ids
            .iter()
            .filter(|i| i.starts_with("monitor-"))
            .count(),
        2
    );
    assert_eq!(
        feed_ids.iter().filter(|i| i.starts_with("news-")).count(),
        2
    );
    assert!(ids.iter().all(|i| i.len() < 20), "{ids:?}");

    // The malformed feed and the item without text are skipped with a
    // reason, the empty feed is a warning, other JSON is left alone.
    let skipped = reasons(&plan);
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(skipped
        .iter()
        .any(|s| s.contains("news.rss: feed item 3 has no content")));
    assert!(skipped
        .iter()
        .any(|s| s.contains("sitemap.xml: not a readable RSS, Atom or JSON feed")));
    assert!(plan
        .warnings
        .iter()
        .any(|w| w.contains("empty.xml: the feed has no items")));
    assert!(!format!("{plan:?}").contains("settings.json"));

    // Every planned article reads, with the page's and the feed's metadata.
    let read: Vec<Loaded> = plan
        .entries
        .iter()
        .map(|e| e.read(&ReadOptions::default()).unwrap())
        .collect();
    let b = &read[1].article;
    assert!(b.text.starts_with("BANNU: Two policemen were killed"));
    assert_eq!(b.meta.outlet.as_deref(), Some("Frontier Ledger"));
    assert_eq!(b.meta.published, Some(IncidentDate::day(2026, 3, 10)));
    let tank = read
        .iter()
        .find(|l| l.article.text.starts_with("TANK:"))
        .unwrap();
    assert_eq!(
        tank.article.meta.outlet.as_deref(),
        Some("Khyber Evening Post")
    );
    assert_eq!(
        tank.article.meta.title.as_deref(),
        Some("Four militants killed in Tank operation")
    );
}

#[test]
fn feed_item_ids_are_stable_across_runs_and_versions() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    let p = write(d, "news.xml", &fixture("rss.xml"));
    let first = plan(&[&p], None).unwrap();
    let again = plan(&[&p], None).unwrap();
    assert_eq!(ids(&first), ids(&again));
    // A later version: one new item on top; the old items keep their ids.
    let later = String::from_utf8(fixture("rss.xml")).unwrap().replacen(
        "<item>",
        "<item><title>New</title><guid>kep-new-1</guid>\
         <description>PESHAWAR: A man was hurt.</description></item><item>",
        1,
    );
    write(d, "news.xml", later.as_bytes());
    let next = plan(&[&p], None).unwrap();
    assert_eq!(next.entries.len(), 3);
    assert_eq!(ids(&next)[1..], ids(&first)[..]);
}

#[test]
fn feeds_sharing_a_stem_give_distinct_ids() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    write(d, "x/feed.xml", &fixture("rss.xml"));
    write(d, "y/feed.xml", &fixture("rss.xml"));
    let plan = plan(&[d], None).unwrap();
    let ids = ids(&plan);
    assert_eq!(ids.len(), 4);
    let unique: HashSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), 4, "{ids:?}");
    assert!(ids[0].starts_with("x/feed-"), "{ids:?}");
}

#[test]
fn the_manifest_wins_field_by_field_over_the_page() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    write(d, "b.html", &fixture("jsonld.html"));
    write(d, "c.html", &fixture("amp.html"));
    write(
        d,
        "manifest.jsonl",
        b"{\"article\": \"b\", \"outlet\": \"Manifest Outlet\", \"published\": \"2026-01-21\"}\n",
    );
    let plan = plan(&[d], None).unwrap();
    let article = plan.entries[0]
        .read(&ReadOptions::default())
        .unwrap()
        .article;
    assert_eq!(article.meta.outlet.as_deref(), Some("Manifest Outlet"));
    // A page the manifest does not name is no cause for a warning: it has
    // its own metadata.
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    // The manifest's date and outlet win; the URL it leaves out is the page's.
    assert_eq!(article.meta.published, Some(IncidentDate::day(2026, 1, 21)));
    assert_eq!(
        article.meta.url.as_deref(),
        Some("https://induscourier.example/news/quetta-bus-stand-blast-9-injured")
    );
}

#[test]
fn a_page_or_feed_item_without_text_is_skipped_with_a_reason() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    let page = write(
        d,
        "blank.html",
        b"<html><head><title>Only a title</title></head><body><nav>Home</nav></body></html>",
    );
    let feed = write(
        d,
        "f.rss",
        b"<rss version=\"2.0\"><channel><title>T</title><item><guid>g</guid>\
          <description>&lt;script&gt;x()&lt;/script&gt;</description></item></channel></rss>",
    );
    let plan = plan(&[&page, &feed], None).unwrap();
    let errors: Vec<String> = plan
        .entries
        .iter()
        .map(|e| e.read(&ReadOptions::default()).unwrap_err().to_string())
        .collect();
    assert!(
        errors[0].ends_with("blank.html: no article text found in the page"),
        "{errors:?}"
    );
    assert!(errors[1].contains("f.rss: item 1 (f-"), "{errors:?}");
    assert!(
        errors[1].ends_with("): the feed item has no text"),
        "{errors:?}"
    );
}

#[test]
fn large_text_file_is_read_and_oversized_is_skipped() {
    let tmp = TempDir::new().unwrap();
    let line = "Two policemen were killed in Peshawar on Monday, police said.\r\n";
    let n = 50_000_000 / line.len() + 1;
    let big = line.repeat(n);
    let p = write(tmp.path(), "big.txt", big.as_bytes());
    let start = Instant::now();
    let loaded = read_one(&p).unwrap();
    assert!(start.elapsed().as_secs_f64() < 2.0, "{:?}", start.elapsed());
    assert_eq!(loaded.article.text.len(), big.len());
    assert!(loaded.article.text == big);
    assert!(loaded.warnings.is_empty());

    // Over a configured limit.
    let entry = PlannedArticle {
        path: p.clone(),
        meta: ArticleMeta::default(),
        source: Source::Text,
    };
    let small = ReadOptions { max_bytes: 1000 };
    assert_eq!(
        read_article(&entry, &small).unwrap_err().reason,
        "larger than 1000 bytes"
    );
    let mib = ReadOptions {
        max_bytes: 10 * 1024 * 1024,
    };
    assert_eq!(
        read_article(&entry, &mib).unwrap_err().reason,
        "larger than 10 MiB"
    );

    // Over the default limit (sparse file: nothing is written).
    let huge = tmp.path().join("huge.txt");
    fs::File::create(&huge)
        .unwrap()
        .set_len(DEFAULT_MAX_BYTES + 1)
        .unwrap();
    assert_eq!(read_one(&huge).unwrap_err().reason, "larger than 64 MiB");
}

#[test]
fn order_is_deterministic() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    for name in [
        "m.txt",
        "b/z.txt",
        "b/a.txt",
        "a.txt",
        "Z.txt",
        "c/d/e.TXT",
        "k.txt",
    ] {
        write(d, name, name.as_bytes());
    }
    let first = plan(&[d.to_path_buf()], None).unwrap();
    // b/a.txt has the same stem as a.txt: both are named by their paths.
    let top = format!("{}/a", d.file_name().unwrap().to_string_lossy());
    assert_eq!(ids(&first), ["Z", top.as_str(), "b/a", "z", "e", "k", "m"]);
    assert!(first.skipped.is_empty());
    for _ in 0..3 {
        let again = plan(&[d.to_path_buf()], None).unwrap();
        assert_eq!(again.entries, first.entries);
        assert_eq!(again.skipped, first.skipped);
    }
    // Paths are taken in the order given.
    let swapped = plan(&[d.join("k.txt"), d.join("b")], None).unwrap();
    assert_eq!(ids(&swapped), ["k", "a", "z"]);
}

#[test]
fn articles_can_be_read_in_parallel() {
    use rayon::prelude::*;
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<PlannedArticle>();
    assert_send_sync::<ReadOptions>();
    assert_send_sync::<Loaded>();
    assert_send_sync::<Skipped>();

    let tmp = TempDir::new().unwrap();
    for i in 0..50 {
        write(
            tmp.path(),
            &format!("{i:03}.txt"),
            format!("article {i}").as_bytes(),
        );
    }
    write(tmp.path(), "zempty.txt", b"");
    let plan = plan(&[tmp.path().to_path_buf()], None).unwrap();
    let opts = ReadOptions::default();
    let results: Vec<_> = plan.entries.par_iter().map(|e| e.read(&opts)).collect();
    assert_eq!(results.len(), 51);
    for (i, r) in results.iter().take(50).enumerate() {
        assert_eq!(r.as_ref().unwrap().article.text, format!("article {i}"));
    }
    assert_eq!(results[50].as_ref().unwrap_err().reason, "empty");
}

#[cfg(unix)]
#[test]
fn unreadable_file_reports_the_io_error() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = TempDir::new().unwrap();
    let p = write(tmp.path(), "locked.txt", b"secret");
    fs::set_permissions(&p, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&p).is_ok() {
        return; // running as root: permissions are not enforced
    }
    let s = read_one(&p).unwrap_err();
    assert!(s.reason.contains("ermission denied"), "{}", s.reason);
}

#[test]
fn a_path_that_cannot_be_read_as_a_file_reports_the_io_error() {
    let tmp = TempDir::new().unwrap();
    let s = read_one(tmp.path()).unwrap_err();
    assert_eq!(s.path, tmp.path());
    assert!(!s.reason.is_empty());
    assert_ne!(s.reason, "empty");
}

#[test]
fn many_files_sharing_one_name_get_distinct_ids() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    for i in 0..500 {
        write(d, &format!("{i:03}/article.txt"), b"text");
    }
    write(d, "x/000/article.txt", b"deeper");
    let start = Instant::now();
    let plan = plan(&[d], None).unwrap();
    assert!(start.elapsed().as_secs() < 10);
    let ids = ids(&plan);
    let distinct: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(distinct.len(), 501);
    assert_eq!(ids[1], "001/article");
    // 000/article is shared by two paths: one more folder tells them apart.
    let dir_name = d.file_name().unwrap().to_string_lossy();
    assert_eq!(ids[0], format!("{dir_name}/000/article"));
    assert_eq!(ids[500], "x/000/article");
}
