//! Synthetic corpora for tally: raw English news articles about militant
//! violence in Pakistan, several outlets per incident, with gold incidents
//! that state exactly what the texts say.
//!
//! [`generate`] writes a corpus in the benchmark's format
//! (`articles/<id>.txt`, `articles/manifest.jsonl`, `gold.jsonl`); it streams,
//! so memory stays constant whatever the size. [`Generator`] yields the same
//! records in memory, one at a time, for callers that want no files.
//!
//! Same config and seed, same bytes.

use serde::Serialize;
use std::collections::VecDeque;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

mod data;
mod date;
mod gold;
mod noise;
mod report;
mod rng;
mod scenario;
mod text;

pub use date::Day;
pub use gold::{GoldCounts, GoldIncident, Range, ADMIN1, EVENT_TYPES, TARGETS};

use data::{Style, GROUPS, OUTLETS};
use gold::{GoldAcc, MIL, SF, TOTAL};
use report::{Body, Ctx, Mention};
use rng::{mix, Rng};
use scenario::{Kind, Truth, TARGET_KINDS};
use text::{counted, num, word_count, NumStyle};

/// Canonical group names the generator can attribute incidents to.
pub fn group_names() -> Vec<&'static str> {
    GROUPS.iter().map(|g| g.canonical).collect()
}

/// Outlet names used in manifests.
pub fn outlet_names() -> Vec<&'static str> {
    OUTLETS.iter().map(|o| o.name).collect()
}

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthConfig {
    /// Number of incidents reported as news (extra ones arise from "in a
    /// separate incident" paragraphs and background mentions).
    pub incidents: usize,
    pub seed: u64,
    /// Each incident is reported by 1..=max_reports articles (skewed towards
    /// fewer), each from a different outlet; at most 15.
    pub max_reports: usize,
    /// Fraction of articles with one background sentence recalling an older
    /// incident.
    pub background_rate: f64,
    /// Fraction of all articles that report no militant incident.
    pub noise_rate: f64,
    /// Fraction of incident articles that also report a second, separate incident.
    pub two_incident_rate: f64,
    /// Fraction of articles whose text starts with a ` date YYYY-MM-DD` line
    /// (articles without a published date in the manifest always have one).
    pub date_line_rate: f64,
    /// Fraction of manifest lines without `published`.
    pub missing_published_rate: f64,
    /// First and last incident day, `YYYY-MM-DD`.
    pub start_date: String,
    pub end_date: String,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            incidents: 100,
            seed: 1,
            max_reports: 5,
            background_rate: 0.2,
            noise_rate: 0.1,
            two_incident_rate: 0.05,
            date_line_rate: 0.4,
            missing_published_rate: 0.1,
            start_date: "2023-01-01".into(),
            end_date: "2024-12-31".into(),
        }
    }
}

/// Counts of what was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SynthSummary {
    pub articles: usize,
    pub noise_articles: usize,
    /// Gold incidents with role `main` (including second incidents of articles).
    pub main_incidents: usize,
    pub mentioned_incidents: usize,
    pub two_incident_articles: usize,
    pub background_articles: usize,
    pub words: u64,
    pub bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("invalid config: {0}")]
    Config(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// One generated article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthArticle {
    pub id: String,
    pub outlet: String,
    /// `YYYY-MM-DD`.
    pub published: String,
    /// Whether the manifest gives `published` (else the text's date line does).
    pub manifest_published: bool,
    pub url: String,
    pub text: String,
}

impl SynthArticle {
    /// The manifest line, without trailing newline.
    pub fn manifest_line(&self) -> String {
        #[derive(Serialize)]
        struct Line<'a> {
            article: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            published: Option<&'a str>,
            outlet: &'a str,
            url: &'a str,
        }
        serde_json::to_string(&Line {
            article: &self.id,
            published: self.manifest_published.then_some(self.published.as_str()),
            outlet: &self.outlet,
            url: &self.url,
        })
        .expect("manifest line serialises")
    }
}

/// What the generator yields: articles, and gold incidents once no later
/// article can refer to them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum SynthRecord {
    Article(SynthArticle),
    Gold(GoldIncident),
}

/// Incidents kept open so that later articles can recall them.
const WINDOW: usize = 512;

struct Pending {
    day: Day,
    acc: GoldAcc,
    mention: Mention,
}

/// Where a background sentence points.
enum Background {
    /// An incident still in the window, by absolute incident number.
    Pending(u64),
    Fresh(Box<(GoldAcc, Mention)>),
}

/// Streams a synthetic corpus: an iterator of [`SynthRecord`]s in constant memory.
pub struct Generator {
    cfg: SynthConfig,
    rng: Rng,
    places: Vec<data::Place>,
    start: Day,
    span: i64,
    next_incident: usize,
    article_seq: u64,
    id_salt: u64,
    /// Incident number of `ring[0]`.
    ring_base: u64,
    ring: VecDeque<Pending>,
    queue: VecDeque<SynthRecord>,
    done: bool,
    summary: SynthSummary,
}

impl Generator {
    pub fn new(cfg: &SynthConfig) -> Result<Generator, SynthError> {
        let bad = |m: String| Err(SynthError::Config(m));
        let start = Day::parse(&cfg.start_date);
        let end = Day::parse(&cfg.end_date);
        let (Some(start), Some(end)) = (start, end) else {
            return bad(format!(
                "dates must be YYYY-MM-DD: {:?} {:?}",
                cfg.start_date, cfg.end_date
            ));
        };
        if end < start {
            return bad("end_date is before start_date".into());
        }
        if cfg.max_reports == 0 || cfg.max_reports > OUTLETS.len() {
            return bad(format!("max_reports must be in 1..={}", OUTLETS.len()));
        }
        for (name, v) in [
            ("background_rate", cfg.background_rate),
            ("two_incident_rate", cfg.two_incident_rate),
            ("date_line_rate", cfg.date_line_rate),
            ("missing_published_rate", cfg.missing_published_rate),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return bad(format!("{name} must be in [0, 1]"));
            }
        }
        if !(0.0..0.95).contains(&cfg.noise_rate) {
            return bad("noise_rate must be in [0, 0.95)".into());
        }
        Ok(Generator {
            cfg: cfg.clone(),
            rng: Rng::new(cfg.seed),
            places: data::places(),
            start,
            span: end.0 - start.0 + 1,
            next_incident: 0,
            article_seq: 0,
            id_salt: mix(cfg.seed ^ 0x001d_5a17),
            ring_base: 0,
            ring: VecDeque::new(),
            queue: VecDeque::new(),
            done: false,
            summary: SynthSummary::default(),
        })
    }

    /// What has been generated so far (all of it once the iterator is exhausted).
    pub fn summary(&self) -> &SynthSummary {
        &self.summary
    }

    fn next_id(&mut self) -> String {
        let n = self.article_seq;
        self.article_seq += 1;
        format!("{:016x}", mix(self.id_salt ^ n))
    }

    fn emit_gold(&mut self, acc: &GoldAcc) {
        if acc.main {
            self.summary.main_incidents += 1;
        } else {
            self.summary.mentioned_incidents += 1;
        }
        self.queue.push_back(SynthRecord::Gold(acc.finish()));
    }

    /// Picks what an article about `before` recalls: a recent generated
    /// incident when one is older, else a fresh one.
    fn choose_background(&mut self, rng: &mut Rng, before: Day) -> Background {
        if !self.ring.is_empty() && rng.chance(0.5) {
            for _ in 0..8 {
                let i = rng.below(self.ring.len());
                if self.ring[i].day < before {
                    return Background::Pending(self.ring_base + i as u64);
                }
            }
        }
        Background::Fresh(Box::new(fresh_mention(rng, &self.places, before)))
    }

    #[allow(clippy::too_many_arguments)]
    fn background_sentence(
        &mut self,
        bg: &mut Background,
        ctx_rng: &mut Rng,
        outlet: &'static data::Outlet,
        published: Day,
        style: NumStyle,
        act: &str,
        article: &str,
    ) -> String {
        let places = std::mem::take(&mut self.places);
        let s = {
            let (mention, acc) = match bg {
                Background::Pending(n) => {
                    let p = &mut self.ring[(*n - self.ring_base) as usize];
                    (&p.mention, &mut p.acc)
                }
                Background::Fresh(b) => {
                    let (acc, m) = &mut **b;
                    (&*m, acc)
                }
            };
            acc.add_article(article);
            let mut c = Ctx {
                rng: ctx_rng,
                places: &places,
                outlet,
                published,
                style,
            };
            report::mention_sentence(mention, act, &mut c, true)
        };
        self.places = places;
        s
    }

    /// Generates incident `i` with its reports and noise; queues the records.
    fn incident(&mut self, i: usize) {
        let mut rng = self.rng.fork(i as u64);
        let n = self.cfg.incidents as f64;
        let offset = ((i as f64 + rng.unit()) * self.span as f64 / n).floor() as i64;
        let day = self.start.plus(offset.min(self.span - 1));
        let truth = scenario::draw(&mut rng, &self.places, day, None);
        let mut acc = GoldAcc::new(true, truth.kind.event_type(), &self.places[truth.place]);
        acc.date = Some(day.to_string());
        let weights: Vec<f64> = (1..=self.cfg.max_reports)
            .map(|r| 1.0 / (r as f64).powf(1.2))
            .collect();
        let reports = rng.weighted(&weights) + 1;
        let mut outlets: Vec<usize> = (0..OUTLETS.len()).collect();
        for j in 0..reports {
            let k = j + rng.below(outlets.len() - j);
            outlets.swap(j, k);
        }
        let mut background: Option<Background> = None;
        let mut extra: Vec<GoldAcc> = Vec::new();
        let noise_p = self.cfg.noise_rate / (1.0 - self.cfg.noise_rate);
        for &o in outlets.iter().take(reports) {
            let outlet = &OUTLETS[o];
            let published = day.plus(rng.weighted(&[0.45, 0.35, 0.12, 0.08]) as i64);
            let id = self.next_id();
            acc.add_article(&id);
            let style = NumStyle::random(&mut rng);
            let pl = self.places[truth.place].clone();
            let mut c = Ctx {
                rng: &mut rng,
                places: &self.places,
                outlet,
                published,
                style,
            };
            let body = report::body(&mut c, &truth, &mut acc, false);
            let paras: Vec<String> = body.rest.clone();
            let mut separate = None;
            // A second, separate incident.
            if c.rng.chance(self.cfg.two_incident_rate) {
                let d2 = day.plus(-(c.rng.below(2) as i64));
                let t2 = scenario::draw(c.rng, &self.places, d2, Some(&pl.district));
                let mut acc2 = GoldAcc::new(true, t2.kind.event_type(), &self.places[t2.place]);
                acc2.date = Some(d2.to_string());
                acc2.add_article(&id);
                acc2.note("second incident of an article (\"in a separate incident\")".into());
                let b2 = report::body(&mut c, &t2, &mut acc2, true);
                separate = Some(report::separate(&b2));
                extra.push(acc2);
                self.summary.two_incident_articles += 1;
            }
            let mut mention = None;
            if rng.chance(self.cfg.background_rate) {
                let mut bg = match background.take() {
                    Some(b) => b,
                    None => self.choose_background(&mut rng, day),
                };
                let act = if truth.kind == Kind::Operation {
                    "operation"
                } else {
                    "attack"
                };
                mention = Some(
                    self.background_sentence(&mut bg, &mut rng, outlet, published, style, act, &id),
                );
                background = Some(bg);
                self.summary.background_articles += 1;
            }
            let harmless = truth.kind.is_attack() && TARGET_KINDS[truth.target_kind].harmless;
            let article = self.article(
                &mut rng,
                ArticleParts {
                    id,
                    outlet,
                    published,
                    style,
                    place: &pl,
                    kind: Some(truth.kind),
                    harmless,
                    body,
                    paras,
                    separate,
                    mention,
                },
            );
            self.push_article(article);
            if rng.chance(noise_p) {
                self.noise(&mut rng, day);
            }
        }
        acc.note(format!(
            "synthetic incident {i}; {reports} news report(s), other articles may recall it; ranges span every figure the texts state"
        ));
        if truth.kind == Kind::Suicide {
            acc.note(
                "suicide bomber not counted in militants; total high allows the bomber".into(),
            );
        }
        let mention = mention_of(&truth, &acc, &mut rng);
        if let Some(Background::Fresh(b)) = background {
            let (facc, _) = *b;
            self.emit_gold(&facc);
        }
        for a in &extra {
            self.emit_gold(a);
        }
        self.ring.push_back(Pending { day, acc, mention });
        if self.ring.len() > WINDOW {
            self.pop_ring();
        }
    }

    fn pop_ring(&mut self) {
        if let Some(p) = self.ring.pop_front() {
            self.ring_base += 1;
            self.emit_gold(&p.acc);
        }
    }

    fn noise(&mut self, rng: &mut Rng, near: Day) {
        let outlet = &OUTLETS[rng.below(OUTLETS.len())];
        let published = near.plus(rng.below(3) as i64);
        let day = published.plus(-(rng.below(2) as i64));
        let id = self.next_id();
        let style = NumStyle::random(rng);
        let pl = self.places[rng.below(self.places.len())].clone();
        let (headline, lead, rest) = {
            let mut c = Ctx {
                rng: &mut *rng,
                places: &self.places,
                outlet,
                published,
                style,
            };
            noise::body(&mut c, &pl, day)
        };
        let mut mention = None;
        let mut fresh = None;
        if rng.chance(self.cfg.background_rate) {
            let mut bg = self.choose_background(rng, day);
            mention = Some(self.background_sentence(
                &mut bg,
                rng,
                outlet,
                published,
                style,
                "statement",
                &id,
            ));
            if let Background::Fresh(b) = bg {
                fresh = Some(b.0);
            }
            self.summary.background_articles += 1;
        }
        let article = self.article(
            rng,
            ArticleParts {
                id,
                outlet,
                published,
                style,
                place: &pl,
                kind: None,
                harmless: true,
                body: Body {
                    headline,
                    lead,
                    rest: Vec::new(),
                },
                paras: rest,
                separate: None,
                mention,
            },
        );
        self.summary.noise_articles += 1;
        self.push_article(article);
        if let Some(acc) = fresh {
            self.emit_gold(&acc);
        }
    }

    fn push_article(&mut self, a: SynthArticle) {
        self.summary.articles += 1;
        self.summary.words += word_count(&a.text) as u64;
        self.summary.bytes += a.text.len() as u64;
        self.queue.push_back(SynthRecord::Article(a));
    }

    /// Lays out an article: date line, headline, dateline, lead, paragraphs,
    /// filler and boilerplate.
    fn article(&self, rng: &mut Rng, p: ArticleParts) -> SynthArticle {
        let manifest_published = !rng.chance(self.cfg.missing_published_rate);
        let date_line = !manifest_published || rng.chance(self.cfg.date_line_rate);
        let words = word_count(&p.body.lead)
            + p.paras.iter().map(|s| word_count(s)).sum::<usize>()
            + p.separate.as_deref().map_or(0, word_count)
            + p.mention.as_deref().map_or(0, word_count);
        let target = if p.kind.is_some() {
            rng.range(125, 330)
        } else {
            rng.range(120, 220)
        } as usize;
        let mut fill = {
            let mut c = Ctx {
                rng: &mut *rng,
                places: &self.places,
                outlet: p.outlet,
                published: p.published,
                style: p.style,
            };
            report::filler(
                &mut c,
                p.kind,
                p.harmless,
                &p.place.province,
                &p.place.district,
                words,
                target,
            )
        };
        if let Some(m) = p.mention {
            let at = rng.below(fill.len() + 1);
            fill.insert(at, m);
        }
        // Paragraphs: the report's own sentences, the separate incident, then filler.
        let mut blocks: Vec<String> = Vec::new();
        let mut paragraphs = |group: Vec<String>, blocks: &mut Vec<String>| {
            let mut i = 0;
            while i < group.len() {
                let end = (i + 1 + rng.below(3)).min(group.len());
                blocks.push(group[i..end].join(" "));
                i = end;
            }
        };
        paragraphs(p.paras, &mut blocks);
        blocks.extend(p.separate);
        paragraphs(fill, &mut blocks);
        let mut text = String::with_capacity(2400);
        if date_line {
            text.push_str(" date ");
            text.push_str(&p.published.to_string());
            text.push_str(if rng.chance(0.3) { " " } else { "\n" });
        }
        let sep = if p.outlet.style == Style::Aggregator {
            "\n"
        } else {
            "\n\n"
        };
        if rng.chance(0.6) {
            text.push_str(&p.body.headline);
            text.push_str(sep);
        }
        let city = report::dateline_city(p.place);
        let (_, pm, pd) = p.published.ymd();
        match (p.outlet.style, p.outlet.tag) {
            (Style::Aggregator, _) if p.outlet.slug == "menafn" => text.push_str("(MENAFN) "),
            (Style::Aggregator, _) => {
                text.push_str(&format!("{city} (UrduPoint / Pakistan Point News) - "))
            }
            (Style::Wire, "Xinhua") => text.push_str(&format!(
                "{city}, {} {pd} (Xinhua) -- ",
                date::MONTHS[pm as usize - 1]
            )),
            (Style::Wire, "") => text.push_str(&format!("{city}: ")),
            (Style::Wire, tag) => text.push_str(&format!("{city}, Pakistan ({tag}) — ")),
            (Style::Local, _) => text.push_str(&format!("{city}: ")),
            (Style::Broadcast, _) => {}
        }
        text.push_str(&p.body.lead);
        for b in &blocks {
            text.push_str(sep);
            if rng.chance(0.06) {
                text.push_str(report::boilerplate(rng));
                text.push_str(sep);
            }
            text.push_str(b);
        }
        if rng.chance(0.25) {
            text.push_str(sep);
            text.push_str(report::boilerplate(rng));
        }
        text.push('\n');
        let (y, m, _) = p.published.ymd();
        let url = format!(
            "https://example.org/{}/{y:04}/{m:02}/{}",
            p.outlet.slug, p.id
        );
        SynthArticle {
            id: p.id,
            outlet: p.outlet.name.to_string(),
            published: p.published.to_string(),
            manifest_published,
            url,
            text,
        }
    }
}

struct ArticleParts<'a> {
    id: String,
    outlet: &'static data::Outlet,
    published: Day,
    style: NumStyle,
    place: &'a data::Place,
    kind: Option<Kind>,
    harmless: bool,
    body: Body,
    paras: Vec<String>,
    separate: Option<String>,
    mention: Option<String>,
}

impl Iterator for Generator {
    type Item = SynthRecord;

    fn next(&mut self) -> Option<SynthRecord> {
        loop {
            if let Some(r) = self.queue.pop_front() {
                return Some(r);
            }
            if self.done {
                return None;
            }
            if self.next_incident < self.cfg.incidents {
                let i = self.next_incident;
                self.next_incident += 1;
                self.incident(i);
            } else {
                while !self.ring.is_empty() {
                    self.pop_ring();
                }
                self.done = true;
            }
        }
    }
}

fn people(n: u32, rng: &mut Rng) -> String {
    if n == 1 {
        "one person".into()
    } else {
        format!("{} people", num(n, NumStyle::Press, rng))
    }
}

/// How later articles refer to a generated incident; any figure it gives is
/// one its reports stated, so the gold stays right.
fn mention_of(t: &Truth, acc: &GoldAcc, rng: &mut Rng) -> Mention {
    let f = t.facility;
    let (np, rel, pred) = match t.kind {
        Kind::Armed | Kind::Bombing | Kind::Suicide => {
            let np = match t.kind {
                Kind::Armed => format!("an attack on {f}"),
                Kind::Bombing => format!("a bomb blast targeting {f}"),
                _ => format!("a suicide bombing at {f}"),
            };
            match acc.killed[TOTAL].range() {
                Some((lo, _)) if lo > 0 => {
                    let p = people(lo, rng);
                    (np, format!(" that killed {p}"), format!("killed {p}"))
                }
                _ => (np, String::new(), String::new()),
            }
        }
        Kind::Targeted => {
            let v = t
                .victim
                .as_ref()
                .map_or("a local man", |v| v.short.as_str());
            (format!("the killing of {v}"), String::new(), String::new())
        }
        Kind::Kidnap => {
            let a = t.abductees.as_ref().expect("abductees");
            let who = if a.count == 1 {
                a.phrase_sing.to_string()
            } else {
                format!("{} {}", num(a.count, NumStyle::Press, rng), a.phrase_plural)
            };
            (
                format!("the abduction of {who}"),
                String::new(),
                String::new(),
            )
        }
        Kind::Operation => match acc.killed[MIL].range() {
            Some((lo, _)) => {
                let m = counted(lo, "militant", "militants", NumStyle::Press, rng);
                (
                    "a security operation".to_string(),
                    format!(
                        " in which {m} {} killed",
                        if lo == 1 { "was" } else { "were" }
                    ),
                    format!("left {m} dead"),
                )
            }
            None => (
                "a security operation".to_string(),
                String::new(),
                String::new(),
            ),
        },
    };
    Mention {
        day: t.day,
        precision: if rng.chance(0.75) { 0 } else { 1 },
        place: t.place,
        np,
        fig_rel: rel,
        fig_pred: pred,
        claimant: None,
    }
}

/// An older incident invented for a background sentence, gold role `mentioned`.
fn fresh_mention(rng: &mut Rng, places: &[data::Place], before: Day) -> (GoldAcc, Mention) {
    let day = before.plus(-(rng.range(5, 500) as i64));
    let kind = rng.one(&[
        Kind::Armed,
        Kind::Bombing,
        Kind::Suicide,
        Kind::Operation,
        Kind::Armed,
    ]);
    let place = rng.below(places.len());
    let pl = &places[place];
    let mut acc = GoldAcc::new(false, kind.event_type(), pl);
    let precision = match rng.below(20) {
        0..=10 => 0,
        11..=17 => 1,
        _ if day.ymd().0 < before.ymd().0 => 2,
        _ => 1,
    };
    acc.date = Some(match precision {
        0 => day.to_string(),
        1 => day.month_string(),
        _ => day.ymd().0.to_string(),
    });
    acc.note("background mention".into());
    let mut claimant = None;
    let (np, rel, pred) = if kind == Kind::Operation {
        acc.target("militants");
        let np = if rng.chance(0.5) {
            "a security operation"
        } else {
            "an intelligence-based operation"
        };
        if rng.chance(0.85) {
            let n = scenario::small(rng, 25);
            acc.killed[MIL].exact(n);
            acc.killed[TOTAL].exact(n);
            let m = counted(n, "militant", "militants", NumStyle::Press, rng);
            (
                np.to_string(),
                format!(
                    " in which {m} {} killed",
                    if n == 1 { "was" } else { "were" }
                ),
                format!("left {m} dead"),
            )
        } else {
            (np.to_string(), String::new(), String::new())
        }
    } else {
        let tk = loop {
            let i = rng.below(TARGET_KINDS.len());
            let k = &TARGET_KINDS[i];
            if k.kinds.contains(&kind)
                && !k.harmless
                && k.only_province.is_none_or(|p| p == pl.province)
            {
                break k;
            }
        };
        for t in tk.targets {
            acc.target(t);
        }
        let f = rng.pick(tk.phrases);
        let np = match kind {
            Kind::Armed => format!("an attack on {f}"),
            Kind::Bombing => format!("a roadside bombing targeting {f}"),
            _ => format!("a suicide bombing at {f}"),
        };
        let bomber = u32::from(kind == Kind::Suicide);
        if rng.chance(0.3) {
            let g = scenario::group_for(pl, rng);
            acc.group = Some(GROUPS[g].canonical);
            acc.claimed = true;
            claimant = Some(rng.one(GROUPS[g].aliases));
        }
        if rng.chance(0.85) {
            let n = scenario::small(rng, 30);
            acc.killed[TOTAL].add(n, Some(n + bomber));
            let who = match tk.force {
                Some(force) if rng.chance(0.5) => {
                    acc.killed[SF].exact(n);
                    let (s, p) = force.nouns()[0];
                    counted(n, s, p, NumStyle::Press, rng)
                }
                _ => people(n, rng),
            };
            (np, format!(" that killed {who}"), format!("killed {who}"))
        } else {
            (np, String::new(), String::new())
        }
    };
    let m = Mention {
        day,
        precision,
        place,
        np,
        fig_rel: rel,
        fig_pred: pred,
        claimant,
    };
    (acc, m)
}

/// Writes a corpus to `out_dir`: `articles/<id>.txt`,
/// `articles/manifest.jsonl` and `gold.jsonl`. Streams: memory does not grow
/// with the corpus.
pub fn generate(config: &SynthConfig, out_dir: &Path) -> Result<SynthSummary, SynthError> {
    let mut generator = Generator::new(config)?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SynthError::Io { path, source }
    };
    let articles = out_dir.join("articles");
    fs::create_dir_all(&articles).map_err(io(&articles))?;
    let manifest_path = articles.join("manifest.jsonl");
    let gold_path = out_dir.join("gold.jsonl");
    let mut manifest =
        BufWriter::new(fs::File::create(&manifest_path).map_err(io(&manifest_path))?);
    let mut gold = BufWriter::new(fs::File::create(&gold_path).map_err(io(&gold_path))?);
    // Creating many small files is what costs most; writer threads overlap it
    // with generation. File contents do not depend on the order of writes.
    let writers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    std::thread::scope(|scope| -> Result<(), SynthError> {
        let mut senders = Vec::new();
        let mut handles = Vec::new();
        for _ in 0..writers {
            let (tx, rx) = std::sync::mpsc::sync_channel::<(PathBuf, String)>(256);
            senders.push(tx);
            handles.push(scope.spawn(move || -> Result<(), SynthError> {
                for (path, text) in rx {
                    fs::write(&path, text.as_bytes())
                        .map_err(|source| SynthError::Io { path, source })?;
                }
                Ok(())
            }));
        }
        let mut result = Ok(());
        for (n, record) in generator.by_ref().enumerate() {
            match record {
                SynthRecord::Article(a) => {
                    if let Err(e) = manifest
                        .write_all(a.manifest_line().as_bytes())
                        .and_then(|_| manifest.write_all(b"\n"))
                    {
                        result = Err(io(&manifest_path)(e));
                        break;
                    }
                    let path = articles.join(format!("{}.txt", a.id));
                    if senders[n % writers].send((path, a.text)).is_err() {
                        // The writer stopped on an error, reported below.
                        break;
                    }
                }
                SynthRecord::Gold(g) => {
                    if let Err(e) = serde_json::to_writer(&mut gold, &g)
                        .map_err(std::io::Error::from)
                        .and_then(|_| gold.write_all(b"\n"))
                    {
                        result = Err(io(&gold_path)(e));
                        break;
                    }
                }
            }
        }
        drop(senders);
        for h in handles {
            h.join().expect("writer thread panicked")?;
        }
        result
    })?;
    manifest.flush().map_err(io(&manifest_path))?;
    gold.flush().map_err(io(&gold_path))?;
    Ok(generator.summary().clone())
}
