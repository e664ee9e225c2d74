//! Reading one planned article: size limit, binary sniffing, decoding,
//! then the text of a text file, a saved page or a feed item.

use crate::date_line::{read_date_line, DateLine};
use crate::markup::strip_markup;
use crate::page::read_page;
use crate::page_meta::PageMeta;
use crate::{io_reason, PlannedArticle, Skipped, Source};
use std::fs::File;
use std::io::Read;
use tally_model::{Article, ArticleMeta};

/// Default for [`ReadOptions::max_bytes`]: 64 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 64 * MIB;

const MIB: u64 = 1024 * 1024;

/// How many leading bytes are sniffed for control characters.
const SNIFF_BYTES: usize = 8 * 1024;

/// How articles are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// Files larger than this are skipped ("larger than 64 MiB").
    pub max_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// An article read from disk, with what was not quite right about it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub article: Article,
    /// E.g. "PATH: not valid UTF-8, decoded with replacement characters".
    pub warnings: Vec<String>,
}

/// Read one planned article.
///
/// A text file is read as it is, minus a leading UTF-8 BOM; invalid UTF-8 is
/// decoded lossily (with a warning) and line endings are kept as they are, so
/// offsets into the text match the file. A text with HTML tags has them
/// removed (with a warning). A saved page ([`Source::Page`]) is read by
/// [`crate::read_page`]: its main text, and its title, date, URL and outlet
/// wherever the manifest gives none. A feed item's text and metadata come
/// from the feed, in the same way. A first line that gives the publication
/// date (`Date: June 12, 2025`, see [`read_date_line`]) sets it unless the
/// manifest or the page already did; one that looks like a date but cannot
/// be read is a warning. Empty or whitespace-only articles,
/// binary-looking files, files over `opts.max_bytes` and unreadable files are
/// returned as [`Skipped`] with the reason. Never panics on input.
///
/// Takes only shared references and does no shared mutation, so callers can
/// run it over [`crate::CorpusPlan::entries`] in parallel.
pub fn read_article(entry: &PlannedArticle, opts: &ReadOptions) -> Result<Loaded, Skipped> {
    let mut warnings = Vec::new();
    let mut meta = entry.meta.clone();
    let text = match &entry.source {
        Source::Text => read_text(entry, opts, &mut warnings)?,
        Source::Page => {
            let html = read_file(entry, opts, &mut warnings)?;
            let page = read_page(&html);
            let at = entry.label();
            warnings.extend(page.warnings.iter().map(|w| format!("{at}: {w}")));
            fill_missing(&mut meta, &page.meta);
            page.text
        }
        Source::FeedItem(item) => {
            fill_missing(&mut meta, &item.meta);
            item.text()
        }
    };
    if text.trim().is_empty() {
        return Err(skipped(entry, empty_reason(&entry.source)));
    }
    match read_date_line(&text) {
        // The manifest's (or the page's) date wins over the text's.
        DateLine::Date(date) => {
            meta.published.get_or_insert(date);
        }
        DateLine::Unreadable(line) => warnings.push(format!(
            "{}: the first line {line:?} looks like a date but cannot be read; \
             write it as `date YYYY-MM-DD` (or give the date in a manifest)",
            entry.label()
        )),
        DateLine::Absent => {}
    }
    Ok(Loaded {
        article: Article { meta, text },
        warnings,
    })
}

/// The manifest's fields win; the page's (or feed item's) fill the gaps.
fn fill_missing(meta: &mut ArticleMeta, from: &PageMeta) {
    if meta.title.is_none() {
        meta.title.clone_from(&from.title);
    }
    if meta.published.is_none() {
        meta.published = from.published;
    }
    if meta.url.is_none() {
        meta.url.clone_from(&from.url);
    }
    if meta.outlet.is_none() {
        meta.outlet.clone_from(&from.outlet);
    }
}

fn empty_reason(source: &Source) -> String {
    match source {
        Source::Text => "empty".to_string(),
        Source::Page => "no article text found in the page".to_string(),
        Source::FeedItem(_) => "the feed item has no text".to_string(),
    }
}

/// A skip of this article; a feed item's reason names the item.
fn skipped(entry: &PlannedArticle, reason: String) -> Skipped {
    let reason = match &entry.source {
        Source::FeedItem(item) => format!("item {} ({}): {reason}", item.number, entry.meta.id),
        _ => reason,
    };
    Skipped {
        path: entry.path.clone(),
        reason,
    }
}

/// A text file's text, its markup stripped (with a warning) if it has any.
fn read_text(
    entry: &PlannedArticle,
    opts: &ReadOptions,
    warnings: &mut Vec<String>,
) -> Result<String, Skipped> {
    let text = read_file(entry, opts, warnings)?;
    Ok(match strip_markup(&text) {
        Some(plain) => {
            warnings.push(format!(
                "{}: looks like HTML; its tags were removed to read it as text \
                 (save the article as plain text for best results)",
                entry.path.display()
            ));
            plain
        }
        None => text,
    })
}

/// The file's bytes as text: size limit, BOM, binary sniffing, decoding.
fn read_file(
    entry: &PlannedArticle,
    opts: &ReadOptions,
    warnings: &mut Vec<String>,
) -> Result<String, Skipped> {
    let skip = |reason: String| skipped(entry, reason);
    let file = File::open(&entry.path).map_err(|e| skip(io_reason(&e)))?;
    let len = file.metadata().map_err(|e| skip(io_reason(&e)))?.len();
    if len > opts.max_bytes {
        return Err(skip(too_large(opts.max_bytes)));
    }
    // Read at most one byte past the limit, in case the file grew.
    let cap = usize::try_from(len).unwrap_or(0);
    let mut bytes = Vec::with_capacity(cap);
    file.take(opts.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| skip(io_reason(&e)))?;
    if bytes.len() as u64 > opts.max_bytes {
        return Err(skip(too_large(opts.max_bytes)));
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    if let Some(reason) = looks_binary(&bytes) {
        return Err(skip(reason));
    }
    if bytes.len() > SNIFF_BYTES && bytes[SNIFF_BYTES..].contains(&0) {
        warnings.push(format!(
            "{}: contains NUL bytes after the first 8 KiB; kept as text",
            entry.path.display()
        ));
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            warnings.push(format!(
                "{}: not valid UTF-8, decoded with replacement characters",
                entry.path.display()
            ));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    })
}

fn too_large(max: u64) -> String {
    if max >= MIB && max % MIB == 0 {
        format!("larger than {} MiB", max / MIB)
    } else {
        format!("larger than {max} bytes")
    }
}

/// `Some(reason)` when the first 8 KiB hold a NUL byte or more than 10%
/// control characters other than `\n`, `\r`, `\t`.
fn looks_binary(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Some("looks binary (UTF-16 text is not supported; convert it to UTF-8)".into());
    }
    if head.contains(&0) {
        return Some("looks binary".into());
    }
    let controls = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t')) || b == 0x7F)
        .count();
    (controls * 10 > head.len()).then(|| "looks binary".into())
}
