//! The metadata a saved page carries about itself: title, publication date,
//! canonical URL and outlet, from its `<meta>` tags, its JSON-LD and its
//! markup.
//!
//! Each field is taken from the first source that has it, the most
//! deliberate first: Open Graph and article tags, then the JSON-LD
//! `NewsArticle` (also inside an `@graph` array), then what the markup
//! shows (`<time datetime>`, `<h1>`, `<title>`).

use crate::published::parse_published;
use dom_query::Document;
use serde_json::Value;
use tally_model::IncidentDate;

/// What a page says about itself; every field may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMeta {
    pub title: Option<String>,
    pub published: Option<IncidentDate>,
    pub url: Option<String>,
    pub outlet: Option<String>,
}

/// JSON-LD types that describe the article itself (not the site).
const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
];

/// `<meta>` keys (`property`, `name` or `itemprop`) giving the publication time.
const PUBLISHED_KEYS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "datePublished",
    "pubdate",
    "publish-date",
    "publish_date",
    "dc.date.issued",
    "date",
];

/// Read the page's metadata. Never fails: a JSON-LD block that is not
/// JSON is ignored (and reported in `warnings`).
pub fn read_page_meta(doc: &Document, warnings: &mut Vec<String>) -> PageMeta {
    let ld = article_json_ld(doc, warnings);
    let ld_str = |key: &str| ld.as_ref().and_then(|v| string_at(v, key));
    let published = PUBLISHED_KEYS
        .iter()
        .find_map(|k| meta_content(doc, k).and_then(|s| parse_published(&s)))
        .or_else(|| ld_str("datePublished").and_then(|s| parse_published(&s)))
        .or_else(|| time_datetime(doc));
    PageMeta {
        title: meta_content(doc, "og:title")
            .or_else(|| ld_str("headline"))
            .or_else(|| element_text(doc, "h1"))
            .or_else(|| element_text(doc, "title")),
        published,
        url: web_url(canonical_link(doc))
            .or_else(|| web_url(meta_content(doc, "og:url")))
            .or_else(|| web_url(ld_str("url")))
            .or_else(|| web_url(ld.as_ref().and_then(main_entity_url))),
        outlet: meta_content(doc, "og:site_name").or_else(|| {
            ld.as_ref()
                .and_then(|v| v.get("publisher"))
                .and_then(|p| string_at(p, "name"))
        }),
    }
}

/// The `content` of the first `<meta>` whose `property`, `name` or
/// `itemprop` is `key` (case-insensitively), trimmed and non-empty.
fn meta_content(doc: &Document, key: &str) -> Option<String> {
    doc.select("meta[content]")
        .iter()
        .filter(|m| {
            ["property", "name", "itemprop"].iter().any(|a| {
                m.attr(a)
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case(key))
            })
        })
        .find_map(|m| m.attr("content").and_then(|c| clean(&c)))
}

/// `href` of `<link rel="canonical">`.
fn canonical_link(doc: &Document) -> Option<String> {
    doc.select("link[rel][href]")
        .iter()
        .filter(|l| {
            l.attr("rel").is_some_and(|r| {
                r.split_whitespace()
                    .any(|w| w.eq_ignore_ascii_case("canonical"))
            })
        })
        .find_map(|l| l.attr("href").and_then(|h| clean(&h)))
}

/// The first readable `<time datetime>`, preferring one inside the article.
fn time_datetime(doc: &Document) -> Option<IncidentDate> {
    ["article time[datetime]", "time[datetime]"]
        .iter()
        .flat_map(|sel| doc.select(sel).iter().collect::<Vec<_>>())
        .find_map(|t| t.attr("datetime").and_then(|d| parse_published(&d)))
}

/// The whitespace-normalised text of the first `tag`, when not empty.
fn element_text(doc: &Document, tag: &str) -> Option<String> {
    let sel = doc.select(tag);
    let first = sel.iter().next()?;
    clean(&first.text())
}

/// The first JSON-LD object describing an article, looking through arrays
/// and `@graph` lists.
fn article_json_ld(doc: &Document, warnings: &mut Vec<String>) -> Option<Value> {
    let mut objects = Vec::new();
    for script in doc.select("script[type]").iter() {
        let is_ld = script
            .attr("type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
        if !is_ld {
            continue;
        }
        match serde_json::from_str::<Value>(script.text().trim()) {
            Ok(v) => collect_objects(v, &mut objects, 0),
            Err(e) => warnings.push(format!("a JSON-LD block is not valid JSON ({e}); ignored")),
        }
    }
    objects.into_iter().find(is_article)
}

/// Deepest nesting of arrays and `@graph`s looked into.
const MAX_LD_DEPTH: usize = 4;

fn collect_objects(v: Value, out: &mut Vec<Value>, depth: usize) {
    if depth > MAX_LD_DEPTH {
        return;
    }
    match v {
        Value::Array(items) => {
            for item in items {
                collect_objects(item, out, depth + 1);
            }
        }
        Value::Object(mut obj) => {
            if let Some(graph) = obj.remove("@graph") {
                collect_objects(graph, out, depth + 1);
            }
            out.push(Value::Object(obj));
        }
        _ => {}
    }
}

/// Whether a JSON-LD object's `@type` (a string or a list) is an article type.
fn is_article(v: &Value) -> bool {
    let is_type = |t: &Value| t.as_str().is_some_and(|s| ARTICLE_TYPES.contains(&s));
    match v.get("@type") {
        Some(Value::Array(types)) => types.iter().any(is_type),
        Some(t) => is_type(t),
        None => false,
    }
}

/// `mainEntityOfPage` as a string or as `{"@id": ...}`.
fn main_entity_url(v: &Value) -> Option<String> {
    let m = v.get("mainEntityOfPage")?;
    m.as_str()
        .map(str::to_string)
        .or_else(|| string_at(m, "@id"))
        .and_then(|s| clean(&s))
}

/// A non-empty string field of a JSON object.
fn string_at(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).and_then(clean)
}

/// Whitespace runs collapsed; `None` when nothing is left.
fn clean(s: &str) -> Option<String> {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// Only an absolute web address is worth keeping as the article's URL (a
/// relative one names no page once the file is saved elsewhere).
fn web_url(u: Option<String>) -> Option<String> {
    u.filter(|u| {
        let lower = u.to_ascii_lowercase();
        lower.starts_with("https://") || lower.starts_with("http://")
    })
}
