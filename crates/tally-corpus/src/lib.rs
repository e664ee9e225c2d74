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
//! 1. [`plan`] walks the paths and the manifests and lists the articles with
//!    their metadata (cheap: no text file or page is opened; feeds are
//!    parsed, since only then is it known how many articles they hold);
//! 2. [`read_article`] (or [`PlannedArticle::read`]) reads one of them on
//!    demand. It takes only shared references, so callers may run it in
//!    parallel, e.g. `plan.entries.par_iter().map(|e| e.read(&opts))`.
//!
//! Rules: a folder contributes, recursively and sorted by path, its `.txt`
//! files, its saved web pages (`.html`, `.htm`) and its feeds (`.xml`,
//! `.rss`, `.atom`, and `.json` files that are JSON Feeds); other files in
//! it are ignored (except `manifest.jsonl`), other `.json` included. A file
//! given explicitly is read whatever its extension (as text unless it is a
//! page or a feed). How each is read is its [`Source`]:
//!
//! - a text file as it is, markup stripped ([`strip_markup`]);
//! - a page by [`read_page`]: its main text, paragraphs separated by blank
//!   lines, and its title, date, URL and outlet ([`PageMeta`]);
//! - a feed ([`parse_feed`]) becomes one planned article per item, whose
//!   text is the item's content (else summary) read by [`html_to_text`],
//!   with the item's title, link and date and the feed's title as outlet.
//!   A feed that cannot be parsed and an item with no text are [`Skipped`]
//!   with the reason; a feed without items is a warning.
//!
//! The article id is the file stem, and for a feed item
//! `<feed stem>-<hash of its guid>` (else of its link, else of its text), the
//! same in every version of the feed. When several articles share an id,
//! each is named by its path below the folder given (or as given), or its
//! file name when only the extension differs, so no article is lost and ids
//! stay unique. Metadata comes from the explicit manifest when one is given,
//! otherwise from the innermost `manifest.jsonl` that names the article,
//! looking in its folder, the folders up to the one given on the command
//! line, and that folder's parent (a set laid out as `set/articles/*.txt`
//! beside `set/manifest.jsonl`). The manifest's fields win, field by field,
//! over what a page or feed item says. The plan lists the manifests used and
//! warns, in one line, about articles none of them names.

mod date_line;
mod feed;
mod manifest;
mod markup;
mod page;
mod page_meta;
mod published;
mod read;

pub use date_line::{read_date_line, DateLine};
pub use feed::{is_json_feed, parse_feed, Feed, FeedItem};
pub use manifest::{read_manifest, Manifest, ManifestEntry};
pub use markup::strip_markup;
pub use page::{html_to_text, read_page, Page};
pub use page_meta::PageMeta;
pub use read::{read_article, Loaded, ReadOptions, DEFAULT_MAX_BYTES};

use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
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
    /// Paths that will not be read: missing paths, a file given twice,
    /// unreadable folders.
    pub skipped: Vec<Skipped>,
    /// Harmless problems: bad manifest lines, folders without articles, ...
    pub warnings: Vec<String>,
    /// The manifests the metadata comes from, in the order they were read.
    pub manifests: Vec<PathBuf>,
}

/// One article to read, with its metadata (id from the file stem, the
/// rest from the manifest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedArticle {
    /// The file it is in (a feed's items share their feed's path).
    pub path: PathBuf,
    pub meta: ArticleMeta,
    pub source: Source,
}

/// How an article is stored, which decides how it is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// A text file (markup in it is stripped).
    Text,
    /// A saved web page: its main text and its metadata.
    Page,
    /// One item of an RSS, Atom or JSON feed, with its content (feeds are
    /// parsed when planned).
    FeedItem(FeedItem),
}

impl PlannedArticle {
    /// How messages name this article: its path, and for a feed item its
    /// number and id too.
    pub fn label(&self) -> String {
        match &self.source {
            Source::FeedItem(item) => format!(
                "{} (item {}, {})",
                self.path.display(),
                item.number,
                self.meta.id
            ),
            _ => self.path.display().to_string(),
        }
    }
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
        planner
            .manifests
            .push(LoadedManifest::new(path, entries, true));
    }
    let explicit = manifest.map(|_| 0usize);
    let mut found = Vec::new();
    for path in paths {
        let path = path.as_ref();
        match fs::metadata(path) {
            Err(e) => planner.skip(path, io_reason(&e)),
            Ok(md) if md.is_dir() => found.extend(planner.walk_folder(path, explicit)),
            Ok(_) => {
                let chain = match explicit {
                    Some(i) => vec![i],
                    None => planner.chain_of_file(path),
                };
                let kind = FileKind::of(path).unwrap_or(FileKind::Text);
                found.push(Found::file(path.to_path_buf(), chain, kind));
            }
        }
    }
    let found = planner.drop_repeated_files(found);
    let found = planner.expand_feeds(found);
    let ids = unique_ids(&found);
    planner.report_shared_stems(&found, &ids);
    let mut unnamed = Vec::new();
    for (f, id) in found.into_iter().zip(ids) {
        let (meta, named) = planner.meta_for(&f, id);
        // Pages and feed items carry their own metadata: only text files
        // are worth the warning.
        if !named && !f.chain.is_empty() && f.kind == FileKind::Text {
            unnamed.push(meta.id.clone());
        }
        let (path, source) = f.into_parts();
        planner
            .plan
            .entries
            .push(PlannedArticle { path, meta, source });
    }
    planner.report_unnamed(&unnamed);
    planner.report_unused();
    planner.plan.manifests = planner.manifests.iter().map(|m| m.path.clone()).collect();
    Ok(planner.plan)
}

/// What a file holds, told by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Text,
    Page,
    /// RSS or Atom (`.xml`, `.rss`, `.atom`), or a JSON Feed (`.json`).
    Feed,
}

impl FileKind {
    /// The kind of an article file, `None` for a file a folder does not
    /// contribute. A `.json` file is a feed only when it reads as a JSON
    /// Feed (checked by the walk).
    fn of(path: &Path) -> Option<FileKind> {
        let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
        match ext.as_str() {
            "txt" => Some(FileKind::Text),
            "html" | "htm" => Some(FileKind::Page),
            "xml" | "rss" | "atom" | "json" => Some(FileKind::Feed),
            _ => None,
        }
    }
}

/// An article found (a file, or one item of a feed), before it has an id.
struct Found {
    path: PathBuf,
    chain: Chain,
    kind: FileKind,
    /// The id it asks for: the file stem, or `<feed stem>-<item key>`.
    stem: String,
    /// The feed item, once a feed is expanded.
    item: Option<FeedItem>,
}

impl Found {
    fn file(path: PathBuf, chain: Chain, kind: FileKind) -> Found {
        let stem = file_stem(&path);
        Found {
            path,
            chain,
            kind,
            stem,
            item: None,
        }
    }

    /// The folders and stem to tell it apart from articles sharing its stem.
    fn parts(&self) -> Vec<String> {
        let mut parts = path_parts(&self.path);
        if let Some(last) = parts.last_mut() {
            last.clone_from(&self.stem);
        }
        parts
    }

    /// The file name with its extension; `None` for a feed item, which
    /// its feed's name does not tell apart.
    fn file_name(&self) -> Option<String> {
        match self.item {
            Some(_) => None,
            None => self
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned()),
        }
    }

    /// The path and how the article is read.
    fn into_parts(self) -> (PathBuf, Source) {
        let source = match (self.kind, self.item) {
            (_, Some(item)) => Source::FeedItem(item),
            (FileKind::Page, None) => Source::Page,
            _ => Source::Text,
        };
        (self.path, source)
    }
}

/// Each file's id: its stem, unless other files share it; then the end of
/// its path long enough to tell it apart (`2024/x`, `b/2024/x`), without
/// the extension, with a counter as the last resort. The benchmark matches
/// ids by stem, so a stem no other file has is kept as the id.
fn unique_ids(found: &[Found]) -> Vec<String> {
    let stems: Vec<String> = found.iter().map(|f| f.stem.clone()).collect();
    let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, stem) in stems.iter().enumerate() {
        groups.entry(stem.as_str()).or_default().push(i);
    }
    let mut ids: Vec<Option<String>> = vec![None; found.len()];
    let mut taken: HashSet<String> = HashSet::new();
    for members in groups.values().filter(|m| m.len() == 1) {
        ids[members[0]] = Some(stems[members[0]].clone());
        taken.insert(stems[members[0]].clone());
    }
    // Groups in file order, so the ids do not depend on hashing.
    let mut shared: Vec<&Vec<usize>> = groups.values().filter(|m| m.len() > 1).collect();
    shared.sort_by_key(|m| m[0]);
    for members in shared {
        for (i, id) in distinct_tails(found, members) {
            let mut unique = id.clone();
            let mut n = 2;
            while taken.contains(&unique) {
                unique = format!("{id}~{n}");
                n += 1;
            }
            taken.insert(unique.clone());
            ids[i] = Some(unique);
        }
    }
    ids.into_iter()
        .zip(stems)
        .map(|(id, stem)| id.unwrap_or(stem))
        .collect()
}

/// For files sharing a stem, the shortest end of each path (two parts at
/// least) that no other member of the group shares, else the file name
/// when only the extension tells them apart, else the whole path.
fn distinct_tails(found: &[Found], members: &[usize]) -> Vec<(usize, String)> {
    let parts: Vec<Vec<String>> = members.iter().map(|&i| found[i].parts()).collect();
    let deepest = parts.iter().map(Vec::len).max().unwrap_or(0);
    let mut chosen: Vec<Option<String>> = vec![None; members.len()];
    for k in 2..=deepest {
        let tails: Vec<String> = parts.iter().map(|p| tail(p, k)).collect();
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for t in &tails {
            *counts.entry(t.as_str()).or_default() += 1;
        }
        for (slot, t) in chosen.iter_mut().zip(&tails) {
            if slot.is_none() && counts[t.as_str()] == 1 {
                *slot = Some(t.clone());
            }
        }
    }
    // Files in one folder that differ only by extension (`x.txt` beside a
    // saved `x.html`) are named by their file name.
    let names: Vec<Option<String>> = members.iter().map(|&i| found[i].file_name()).collect();
    let unique_name = |name: &Option<String>| {
        name.as_ref()
            .filter(|n| names.iter().flatten().filter(|m| m == n).count() == 1)
            .cloned()
    };
    members
        .iter()
        .zip(chosen)
        .zip(&parts)
        .zip(&names)
        .map(|(((&i, id), p), name)| {
            let id = id
                .or_else(|| unique_name(name))
                .unwrap_or_else(|| p.join("/"));
            (i, id)
        })
        .collect()
}

/// The folders and stem of a path: `a/b/x.txt` -> `[a, b, x]`.
fn path_parts(path: &Path) -> Vec<String> {
    path.with_extension("")
        .components()
        .filter(|c| matches!(c, Component::Normal(_) | Component::ParentDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect()
}

/// The last `k` parts joined with `/` (on every system).
fn tail(parts: &[String], k: usize) -> String {
    parts[parts.len().saturating_sub(k)..].join("/")
}

/// A manifest in use, with the ids that matched an article.
struct LoadedManifest {
    path: PathBuf,
    entries: Manifest,
    used: HashSet<String>,
    /// Whether entries that match no article are worth a warning: not for
    /// a manifest found beside one file given alone (it names its siblings).
    report_unused: bool,
}

impl LoadedManifest {
    fn new(path: &Path, entries: Manifest, report_unused: bool) -> Self {
        LoadedManifest {
            path: path.to_path_buf(),
            entries,
            used: HashSet::new(),
            report_unused,
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

    /// The article files under `root` (see [`FileKind`]), sorted by path,
    /// each with the manifests that apply to it.
    fn walk_folder(&mut self, root: &Path, explicit: Option<usize>) -> Vec<Found> {
        let mut found = Vec::new();
        let mut visited = HashSet::new();
        let chain: Chain = match explicit {
            Some(i) => vec![i],
            None => parent_folder(root)
                .and_then(|p| self.folder_manifest(&p, true))
                .into_iter()
                .collect(),
        };
        let skipped_before = self.plan.skipped.len();
        self.walk(root, &chain, explicit.is_none(), &mut visited, &mut found);
        // An unreadable folder is already reported as skipped.
        if found.is_empty() && self.plan.skipped.len() == skipped_before {
            self.plan.warnings.push(format!(
                "{}: no articles found (.txt, .html, .htm or feed files)",
                root.display()
            ));
        }
        found.sort_by(|a, b| a.path.cmp(&b.path));
        found
    }

    /// The manifests of a file given alone: its folder's and that folder's
    /// parent's, innermost last.
    fn chain_of_file(&mut self, file: &Path) -> Chain {
        let Some(folder) = parent_folder(file) else {
            return Chain::new();
        };
        let outer = parent_folder(&folder).and_then(|p| self.folder_manifest(&p, false));
        let inner = self.folder_manifest(&folder, false);
        outer.into_iter().chain(inner).collect()
    }

    /// The `manifest.jsonl` of `dir`, read once, as an index into
    /// `self.manifests`; `None` when there is none or it cannot be read
    /// (a warning then).
    fn folder_manifest(&mut self, dir: &Path, report_unused: bool) -> Option<usize> {
        let mpath = dir.join(FOLDER_MANIFEST);
        if !mpath.is_file() {
            return None;
        }
        let key = fs::canonicalize(&mpath).unwrap_or_else(|_| mpath.clone());
        if let Some(&i) = self.loaded.get(&key) {
            self.manifests[i].report_unused |= report_unused;
            return Some(i);
        }
        match read_manifest(&mpath) {
            Ok((entries, warnings)) => {
                self.plan.warnings.extend(warnings);
                let manifest = LoadedManifest::new(&mpath, entries, report_unused);
                self.manifests.push(manifest);
                let i = self.manifests.len() - 1;
                self.loaded.insert(key, i);
                Some(i)
            }
            Err(e) => {
                self.plan.warnings.push(format!("{e}; ignored"));
                None
            }
        }
    }

    fn walk(
        &mut self,
        dir: &Path,
        chain: &Chain,
        folder_manifests: bool,
        visited: &mut HashSet<PathBuf>,
        found: &mut Vec<Found>,
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
            // A manifest already in the chain (a parent's) is not pushed twice.
            if let Some(i) = self.folder_manifest(dir, true) {
                if !chain.contains(&i) {
                    chain.push(i);
                }
            }
        }

        for child in children {
            let kind = FileKind::of(&child);
            match fs::metadata(&child) {
                Ok(md) if md.is_dir() => {
                    self.walk(&child, &chain, folder_manifests, visited, found)
                }
                Ok(md) if md.is_file() => match kind {
                    // Other JSON (settings, data) is not ours to read.
                    Some(FileKind::Feed) if is_other_json(&child) => {}
                    Some(kind) => found.push(Found::file(child, chain.clone(), kind)),
                    None => {}
                },
                Ok(_) => {}
                // A broken link or unreadable entry that would have been an article.
                Err(e) if kind.is_some() => self.skip(&child, io_reason(&e)),
                Err(_) => {}
            }
        }
    }

    /// The same file found twice (a folder given twice, or a file and its
    /// folder) is read once; the repeat is reported as skipped.
    fn drop_repeated_files(&mut self, found: Vec<Found>) -> Vec<Found> {
        let mut first_seen: HashMap<PathBuf, PathBuf> = HashMap::new();
        let mut kept = Vec::with_capacity(found.len());
        for f in found {
            let key = fs::canonicalize(&f.path).unwrap_or_else(|_| f.path.clone());
            if let Some(first) = first_seen.get(&key) {
                let reason = format!("the same file as {}, read once", first.display());
                self.skip(&f.path, reason);
                continue;
            }
            first_seen.insert(key, f.path.clone());
            kept.push(f);
        }
        kept
    }

    /// Each feed replaced by its items; a feed that cannot be read is
    /// skipped with the reason, an item without text too, and a feed
    /// without items is a warning.
    fn expand_feeds(&mut self, found: Vec<Found>) -> Vec<Found> {
        let mut out = Vec::with_capacity(found.len());
        for f in found {
            if f.kind != FileKind::Feed {
                out.push(f);
                continue;
            }
            let feed = match read_feed_file(&f.path) {
                Ok(feed) => feed,
                Err(reason) => {
                    self.skip(&f.path, reason);
                    continue;
                }
            };
            if feed.items.is_empty() && feed.unusable.is_empty() {
                let warning = format!("{}: the feed has no items", f.path.display());
                self.plan.warnings.push(warning);
            }
            for (number, reason) in &feed.unusable {
                self.skip(&f.path, format!("feed item {number} {reason}"));
            }
            for item in feed.items {
                out.push(Found {
                    path: f.path.clone(),
                    chain: f.chain.clone(),
                    kind: FileKind::Feed,
                    stem: format!("{}-{}", file_stem(&f.path), item.key),
                    item: Some(item),
                });
            }
        }
        out
    }

    /// One warning naming a few of the articles whose stem another file has.
    fn report_shared_stems(&mut self, found: &[Found], ids: &[String]) {
        let renamed: Vec<&str> = found
            .iter()
            .zip(ids)
            .filter(|(f, id)| f.stem != **id)
            .map(|(_, id)| id.as_str())
            .collect();
        if renamed.is_empty() {
            return;
        }
        self.plan.warnings.push(format!(
            "{} share a file name with another article; they are named by their path ({})",
            articles(renamed.len()),
            examples(&renamed)
        ));
    }

    /// One warning for the articles no manifest in use names.
    fn report_unnamed(&mut self, unnamed: &[String]) {
        if unnamed.is_empty() {
            return;
        }
        let ids: Vec<&str> = unnamed.iter().map(String::as_str).collect();
        self.plan.warnings.push(format!(
            "{} no entry in the manifest ({}): no outlet or URL, \
             and the publication date only from the text",
            match unnamed.len() {
                1 => "1 article has".to_string(),
                n => format!("{n} articles have"),
            },
            examples(&ids)
        ));
    }

    /// Metadata for an article found: the entry of the innermost manifest
    /// that names it (by id, stem, or file name as a fallback; a feed item
    /// by its id or `<feed stem>-<item key>` only, as its feed's name names
    /// every item), and whether one did.
    fn meta_for(&mut self, found: &Found, id: String) -> (ArticleMeta, bool) {
        let name = match found.item {
            Some(_) => String::new(),
            None => found
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        let stem = &found.stem;
        for &i in found.chain.iter().rev() {
            let m = &mut self.manifests[i];
            let Some(key) = [&id, stem, &name]
                .into_iter()
                .find(|k| !k.is_empty() && m.entries.contains_key(*k))
            else {
                continue;
            };
            m.used.insert(key.clone());
            if let Some(e) = m.entries.get(key) {
                let meta = ArticleMeta {
                    id,
                    outlet: e.outlet.clone(),
                    url: e.url.clone(),
                    published: e.published,
                    title: None,
                };
                return (meta, true);
            }
        }
        let meta = ArticleMeta {
            id,
            ..ArticleMeta::default()
        };
        (meta, false)
    }

    /// Warn about manifest entries that matched no article.
    fn report_unused(&mut self) {
        for m in self.manifests.iter().filter(|m| m.report_unused) {
            let mut unused: Vec<&String> =
                m.entries.keys().filter(|k| !m.used.contains(*k)).collect();
            if unused.is_empty() {
                continue;
            }
            unused.sort();
            let ids: Vec<&str> = unused.iter().map(|s| s.as_str()).collect();
            self.plan.warnings.push(format!(
                "{}: {} of {} entries match no article found ({})",
                m.path.display(),
                unused.len(),
                m.entries.len(),
                examples(&ids)
            ));
        }
    }
}

/// "1 article", "3 articles".
fn articles(n: usize) -> String {
    if n == 1 {
        "1 article".to_string()
    } else {
        format!("{n} articles")
    }
}

/// The first three of `ids`, then "..." if there are more.
fn examples(ids: &[&str]) -> String {
    let more = if ids.len() > 3 { ", ..." } else { "" };
    format!("{}{more}", ids[..ids.len().min(3)].join(", "))
}

/// The folder holding `path`: `.` for a bare name, `None` at the root.
fn parent_folder(path: &Path) -> Option<PathBuf> {
    // `.`, `..` and `/` name no entry of their parent: ask the file system.
    if path.file_name().is_none() {
        return fs::canonicalize(path).ok()?.parent().map(Path::to_path_buf);
    }
    match path.parent() {
        Some(p) if p.as_os_str().is_empty() => Some(PathBuf::from(".")),
        p => p.map(Path::to_path_buf),
    }
}

/// Article id of a file: its stem (lossily decoded).
fn file_stem(path: &Path) -> String {
    path.file_stem()
        .or_else(|| path.file_name())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// A `.json` file that is not a JSON Feed (or cannot be read to tell).
fn is_other_json(path: &Path) -> bool {
    let is_json = path
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("json"));
    is_json && !read_capped(path).is_ok_and(|bytes| is_json_feed(&bytes))
}

/// A feed file parsed; the error is the reason to skip it.
fn read_feed_file(path: &Path) -> Result<Feed, String> {
    let bytes = read_capped(path)?;
    parse_feed(&bytes)
}

/// A whole file, when it is no larger than [`DEFAULT_MAX_BYTES`] (feeds are
/// read when planned, before any read options apply).
fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    let len = fs::metadata(path).map_err(|e| io_reason(&e))?.len();
    if len > DEFAULT_MAX_BYTES {
        return Err(format!(
            "larger than {} MiB",
            DEFAULT_MAX_BYTES / (1024 * 1024)
        ));
    }
    fs::read(path).map_err(|e| io_reason(&e))
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
