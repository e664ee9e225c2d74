//! Reading one planned article: size limit, binary sniffing, decoding.

use crate::date_line::{read_date_line, DateLine};
use crate::markup::strip_markup;
use crate::{io_reason, PlannedArticle, Skipped};
use std::fs::File;
use std::io::Read;
use tally_model::Article;

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
/// The text is the file as read, minus a leading UTF-8 BOM; invalid UTF-8 is
/// decoded lossily (with a warning) and line endings are kept as they are, so
/// offsets into the text match the file. A text with HTML tags has them
/// removed (with a warning). A first line that gives the publication date
/// (`Date: June 12, 2025`, see [`read_date_line`]) sets it unless the
/// manifest already did; one that looks like a date but cannot be read is
/// a warning. Empty or whitespace-only files,
/// binary-looking files, files over `opts.max_bytes` and unreadable files are
/// returned as [`Skipped`] with the reason. Never panics on input.
///
/// Takes only shared references and does no shared mutation, so callers can
/// run it over [`crate::CorpusPlan::entries`] in parallel.
pub fn read_article(entry: &PlannedArticle, opts: &ReadOptions) -> Result<Loaded, Skipped> {
    let skip = |reason: String| Skipped {
        path: entry.path.clone(),
        reason,
    };
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

    let mut warnings = Vec::new();
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
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            warnings.push(format!(
                "{}: not valid UTF-8, decoded with replacement characters",
                entry.path.display()
            ));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let text = match strip_markup(&text) {
        Some(plain) => {
            warnings.push(format!(
                "{}: looks like HTML; its tags were removed to read it as text \
                 (save the article as plain text for best results)",
                entry.path.display()
            ));
            plain
        }
        None => text,
    };
    if text.trim().is_empty() {
        return Err(skip("empty".to_string()));
    }
    let mut meta = entry.meta.clone();
    match read_date_line(&text) {
        // The manifest's date wins over the text's.
        DateLine::Date(date) => {
            meta.published.get_or_insert(date);
        }
        DateLine::Unreadable(line) => warnings.push(format!(
            "{}: the first line {line:?} looks like a date but cannot be read; \
             write it as `date YYYY-MM-DD` (or give the date in a manifest)",
            entry.path.display()
        )),
        DateLine::Absent => {}
    }
    Ok(Loaded {
        article: Article { meta, text },
        warnings,
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
