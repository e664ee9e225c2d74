//! The JSON Lines manifest: one `{"article": ..., "published": ..., "outlet": ..., "url": ...}`
//! object per line giving metadata the article files do not carry.

use crate::CorpusError;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use tally_model::IncidentDate;

/// One manifest line: the metadata of the article whose id is `article`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ManifestEntry {
    /// The article id (file stem) this line describes.
    pub article: String,
    /// Publication date (`YYYY-MM-DD`; `YYYY-MM` and `YYYY` are accepted too).
    pub published: Option<IncidentDate>,
    pub outlet: Option<String>,
    pub url: Option<String>,
}

/// Manifest entries by article id.
pub type Manifest = HashMap<String, ManifestEntry>;

/// Read a JSON Lines manifest.
///
/// Blank lines are ignored. A line that is not a JSON object with a
/// non-empty string `article` is reported as `PATH:LINE: reason` and
/// skipped; a bad `published`, `outlet` or `url` value is reported and that
/// field alone is ignored; unknown keys are ignored silently. When an article
/// appears on several lines the first one is kept and the others reported.
///
/// Returns the entries and the warnings. Fails only when the file cannot be
/// opened or read.
pub fn read_manifest(path: &Path) -> Result<(Manifest, Vec<String>), CorpusError> {
    let io_err = |source| CorpusError::Manifest {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io_err)?;
    let mut reader = BufReader::new(file);
    let mut entries = Manifest::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let mut warnings = Vec::new();
    let mut buf = Vec::new();
    let mut lineno = 0usize;
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(io_err)?;
        if n == 0 {
            break;
        }
        lineno += 1;
        let mut line: &[u8] = &buf;
        if lineno == 1 {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let at = format!("{}:{}", path.display(), lineno);
        let obj: Map<String, Value> = match serde_json::from_slice(line) {
            Ok(Value::Object(obj)) => obj,
            Ok(_) => {
                warnings.push(format!("{at}: not a JSON object, line skipped"));
                continue;
            }
            Err(e) => {
                warnings.push(format!("{at}: invalid JSON ({e}), line skipped"));
                continue;
            }
        };
        let article = match obj.get("article") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(Value::String(_)) => {
                warnings.push(format!("{at}: empty \"article\", line skipped"));
                continue;
            }
            Some(_) => {
                warnings.push(format!("{at}: \"article\" is not a string, line skipped"));
                continue;
            }
            None => {
                warnings.push(format!("{at}: no \"article\" key, line skipped"));
                continue;
            }
        };
        if let Some(first) = first_line.get(&article) {
            warnings.push(format!(
                "{at}: duplicate entry for article {article} (first at line {first}), line skipped"
            ));
            continue;
        }
        let published = match obj.get("published") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => IncidentDate::parse(s).or_else(|| {
                warnings.push(format!(
                    "{at}: bad \"published\" date {s:?} for article {article} \
                     (expected YYYY-MM-DD), ignored"
                ));
                None
            }),
            Some(other) => {
                warnings.push(format!(
                    "{at}: bad \"published\" date {other} for article {article} \
                     (expected a \"YYYY-MM-DD\" string), ignored"
                ));
                None
            }
        };
        let outlet = string_field(&obj, "outlet", &at, &article, &mut warnings);
        let url = string_field(&obj, "url", &at, &article, &mut warnings);
        first_line.insert(article.clone(), lineno);
        entries.insert(
            article.clone(),
            ManifestEntry {
                article,
                published,
                outlet,
                url,
            },
        );
    }
    Ok((entries, warnings))
}

/// An optional string field: absent, `null` or blank give `None`; any other
/// non-string value is reported and ignored.
fn string_field(
    obj: &Map<String, Value>,
    key: &str,
    at: &str,
    article: &str,
    warnings: &mut Vec<String>,
) -> Option<String> {
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_string())
        }
        Some(other) => {
            warnings.push(format!(
                "{at}: \"{key}\" for article {article} is not a string ({other}), ignored"
            ));
            None
        }
    }
}
