//! Finding and reading the articles tally codes.
//!
//! This crate has one job: turn the paths given on the command line (files
//! or folders) and an optional manifest into articles, and never lose one
//! silently. Every file that is not coded is returned as [`Skipped`] with a
//! reason; everything odd but harmless is returned as a warning.
//!
//! It works in two steps so that a run over 100,000 articles need not hold
//! every text at once:
//!
//! 1. [`plan`] walks the paths and the manifests and lists the article files
//!    with their metadata (cheap: no article is opened);
//! 2. [`read_article`] (or [`PlannedArticle::read`]) reads one of them on
//!    demand. It takes only shared references, so callers may run it in
//!    parallel, e.g. `plan.entries.par_iter().map(|e| e.read(&opts))`.
//!
//! Rules: a folder contributes its `.txt` files, recursively, sorted by path;
//! other files in it are ignored (except `manifest.jsonl`). A file given
//! explicitly is read whatever its extension. The article id is the file
//! stem; of two files with the same stem the first is kept. Metadata comes
//! from the explicit manifest when one is given, otherwise from the
//! `manifest.jsonl` of the folder an article was found in or of the nearest
//! enclosing folder that names it (up to the folder given on the command line).

mod manifest;
mod read;

pub use manifest::{read_manifest, Manifest, ManifestEntry};
pub use read::{read_article, Loaded, ReadOptions, DEFAULT_MAX_BYTES};

use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use tally_model::ArticleMeta;

/// Name of the per-folder manifest picked up when no manifest is given.
pub const FOLDER_MANIFEST: &str = "manifest.jsonl";

/// What to read: the article files found under the given paths, with their
/// metadata, plus everything that was left out and why.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CorpusPlan {
    /// Articles to read, in a deterministic order (paths in the order given,
    /// each folder's files sorted by path).
    pub entries: Vec<PlannedArticle>,
    /// Paths that will not be read: missing paths, duplicate ids, unreadable
    /// folders.
    pub skipped: Vec<Skipped>,
    /// Harmless problems: bad manifest lines, folders without articles, ...
    pub warnings: Vec<String>,
}

/// One article file to read, with its metadata (id from the file stem, the
/// rest from the manifest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedArticle {
    pub path: PathBuf,
    pub meta: ArticleMeta,
}

impl PlannedArticle {
    /// Read this article; see [`read_article`].
    pub fn read(&self, opts: &ReadOptions) -> Result<Loaded, Skipped> {
        read_article(self, opts)
    }
}

/// A path that was not coded, and why ("empty", "looks binary", ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

/// The only fatal error: a manifest given explicitly that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("cannot read manifest {}: {source}", path.display())]
    Manifest {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// List the articles under `paths` (files or folders, in the order given) and their metadata, without reading them.
///
/// `manifest`, when given, supplies the metadata of every article and the
/// folders' own `manifest.jsonl` files are not used. Fails only when that
/// explicit manifest cannot be read; every other problem is reported in the
/// plan's `skipped` or `warnings`.
pub fn plan<P: AsRef<Path>>(
    paths: &[P],
    manifest: Option<&Path>,
) -> Result<CorpusPlan, CorpusError> {
    let mut planner = Planner::default();
    if let Some(path) = manifest {
        let (entries, warnings) = read_manifest(path)?;
        planner.plan.warnings.extend(warnings);
        planner.manifests.push(LoadedManifest::new(path, entries));
    }
    let explicit = manifest.map(|_| 0usize);
    let mut seen: HashMap<String, PathBuf> = HashMap::new();

    for path in paths {
        let path = path.as_ref();
        let found = match fs::metadata(path) {
            Err(e) => {
                planner.skip(path, io_reason(&e));
                continue;
            }
            Ok(md) if md.is_dir() => planner.walk_folder(path, explicit),
            Ok(_) => vec![(path.to_path_buf(), explicit.into_iter().collect())],
        };
        for (file, chain) in found {
            let id = file_stem(&file);
            if let Some(first) = seen.get(&id) {
                let reason = format!(
                    "duplicate article id {id}, first seen at {}",
                    first.display()
                );
                planner.skip(&file, reason);
                continue;
            }
            seen.insert(id.clone(), file.clone());
            let meta = planner.meta_for(&file, id, &chain);
            planner
                .plan
                .entries
                .push(PlannedArticle { path: file, meta });
        }
    }
    planner.report_unused();
    Ok(planner.plan)
}

/// A manifest in use, with the ids that matched an article.
struct LoadedManifest {
    path: PathBuf,
    entries: Manifest,
    used: HashSet<String>,
}

impl LoadedManifest {
    fn new(path: &Path, entries: Manifest) -> Self {
        LoadedManifest {
            path: path.to_path_buf(),
            entries,
            used: HashSet::new(),
        }
    }
}

#[derive(Default)]
struct Planner {
    plan: CorpusPlan,
    manifests: Vec<LoadedManifest>,
    /// Folder manifests already loaded, by canonical path (a folder given
    /// twice reads its manifest once).
    loaded: HashMap<PathBuf, usize>,
}

/// Indices into `Planner::manifests`, innermost folder last.
type Chain = Vec<usize>;

impl Planner {
    fn skip(&mut self, path: &Path, reason: String) {
        self.plan.skipped.push(Skipped {
            path: path.to_path_buf(),
            reason,
        });
    }

    /// The `.txt` files under `root`, sorted by path, each with the manifests
    /// that apply to it.
    fn walk_folder(&mut self, root: &Path, explicit: Option<usize>) -> Vec<(PathBuf, Chain)> {
        let mut found = Vec::new();
        let mut visited = HashSet::new();
        let chain: Chain = explicit.into_iter().collect();
        let skipped_before = self.plan.skipped.len();
        self.walk(root, &chain, explicit.is_none(), &mut visited, &mut found);
        // An unreadable folder is already reported as skipped.
        if found.is_empty() && self.plan.skipped.len() == skipped_before {
            self.plan
                .warnings
                .push(format!("{}: no .txt articles found", root.display()));
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found
    }

    fn walk(
        &mut self,
        dir: &Path,
        chain: &Chain,
        folder_manifests: bool,
        visited: &mut HashSet<PathBuf>,
        found: &mut Vec<(PathBuf, Chain)>,
    ) {
        // Guard against symlink loops.
        if let Ok(canon) = fs::canonicalize(dir) {
            if !visited.insert(canon) {
                return;
            }
        }
        let reader = match fs::read_dir(dir) {
            Ok(r) => r,
            Err(e) => {
                self.skip(dir, format!("cannot read folder: {}", io_reason(&e)));
                return;
            }
        };
        let mut children = Vec::new();
        for entry in reader {
            match entry {
                Ok(entry) => children.push(entry.path()),
                Err(e) => self.skip(dir, format!("cannot list folder: {}", io_reason(&e))),
            }
        }
        children.sort();

        let mut chain = chain.clone();
        if folder_manifests {
            let mpath = dir.join(FOLDER_MANIFEST);
            if mpath.is_file() {
                let key = fs::canonicalize(&mpath).unwrap_or_else(|_| mpath.clone());
                if let Some(&i) = self.loaded.get(&key) {
                    chain.push(i);
                } else {
                    match read_manifest(&mpath) {
                        Ok((entries, warnings)) => {
                            self.plan.warnings.extend(warnings);
                            self.manifests.push(LoadedManifest::new(&mpath, entries));
                            let i = self.manifests.len() - 1;
                            self.loaded.insert(key, i);
                            chain.push(i);
                        }
                        Err(e) => self.plan.warnings.push(format!("{e}; ignored")),
                    }
                }
            }
        }

        for child in children {
            let is_txt = child
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("txt"));
            match fs::metadata(&child) {
                Ok(md) if md.is_dir() => {
                    self.walk(&child, &chain, folder_manifests, visited, found)
                }
                Ok(md) if md.is_file() && is_txt => found.push((child, chain.clone())),
                Ok(_) => {}
                // A broken link or unreadable entry that would have been an article.
                Err(e) if is_txt => self.skip(&child, io_reason(&e)),
                Err(_) => {}
            }
        }
    }

    /// Metadata for the article at `file`: the entry of the innermost manifest
    /// that names it (by stem, or by file name as a fallback).
    fn meta_for(&mut self, file: &Path, id: String, chain: &Chain) -> ArticleMeta {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for &i in chain.iter().rev() {
            let m = &mut self.manifests[i];
            let key = if m.entries.contains_key(&id) {
                &id
            } else if m.entries.contains_key(&name) {
                &name
            } else {
                continue;
            };
            m.used.insert(key.clone());
            if let Some(e) = m.entries.get(key) {
                return ArticleMeta {
                    id,
                    outlet: e.outlet.clone(),
                    url: e.url.clone(),
                    published: e.published,
                };
            }
        }
        ArticleMeta {
            id,
            ..ArticleMeta::default()
        }
    }

    /// Warn about manifest entries that matched no article.
    fn report_unused(&mut self) {
        for m in &self.manifests {
            let mut unused: Vec<&String> =
                m.entries.keys().filter(|k| !m.used.contains(*k)).collect();
            if unused.is_empty() {
                continue;
            }
            unused.sort();
            let examples: Vec<&str> = unused.iter().take(3).map(|s| s.as_str()).collect();
            let more = if unused.len() > 3 { ", ..." } else { "" };
            self.plan.warnings.push(format!(
                "{}: {} of {} entries match no article found ({}{more})",
                m.path.display(),
                unused.len(),
                m.entries.len(),
                examples.join(", ")
            ));
        }
    }
}

/// Article id of a file: its stem (lossily decoded).
fn file_stem(path: &Path) -> String {
    path.file_stem()
        .or_else(|| path.file_name())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The reason to give for an io error.
pub(crate) fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests;
