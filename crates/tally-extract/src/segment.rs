//! Stage: segmentation. Groups sentences into incidents: the article's main
//! story, further clashes it reports as news ("Another shootout took place in
//! Tank"), and older incidents it recalls as background ("weeks after a
//! bombing ... killed more than 80 officers"). Sentences that add up several
//! incidents or give statistics belong to none.

use crate::document::{DateKind, Document};
use tally_lexicon::{Lexicon, PlaceKind, ScopeClass};
use tally_model::{IncidentDate, Precision, Role};

/// A group of sentences that tell one incident.
#[derive(Debug, Clone)]
pub struct Segment {
    pub role: Role,
    pub sentences: Vec<usize>,
    /// The sentence that introduced it.
    pub anchor: usize,
    pub district: Option<String>,
    /// Most specific place below district level seen so far.
    pub local: Option<usize>,
    pub date: Option<IncidentDate>,
    /// The date is when something was said ("the ISPR said on Tuesday"), a fallback.
    pub date_reported: bool,
    /// A follow-up story's lead folded into the attack it recalls: reported
    /// again, so main however old.
    pub follow_up: bool,
    /// The district was set by splitting a sentence that lists several
    /// (`segment.split.district_list`): it is the incident's, whatever else
    /// the sentences name.
    pub locked: bool,
    /// Statements of its sentences that belong to a sibling incident, as
    /// (sentence, first token).
    pub excluded: Vec<(usize, usize)>,
}

/// What the segmenter decided about one sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentenceRole {
    /// Adds up several incidents or gives statistics.
    Summary,
    /// Belongs to segment n.
    Incident(usize),
    /// Not about any incident in particular.
    Other,
}

const PLURAL_EVENTS: &[&str] = &[
    "attacks",
    "operations",
    "ibos",
    "clashes",
    "raids",
    "engagements",
    "incidents",
    "blasts",
    "shootouts",
    "assaults",
    "bombings",
    "killings",
    "ambushes",
];
const MULTI: &[&str] = &[
    "two", "three", "four", "both", "several", "series", "separate", "multiple", "twin",
];
const OVER_TIME: &[&str] = &[
    "since",
    "increased",
    "rise",
    "surge",
    "risen",
    "past",
    "recent",
    "decade",
    "years",
    "statistics",
    "data",
    "report",
    "annual",
    "yearly",
];

pub fn run(doc: &Document, lex: &Lexicon) -> (Vec<Segment>, Vec<SentenceRole>) {
    let mut st = State {
        segs: Vec::new(),
        roles: vec![SentenceRole::Other; doc.sentences.len()],
        current_main: None,
        last_background: None,
        pending_scene: None,
        continued: None,
    };
    let mut body_seen = false;
    let mut body_count = 0;
    let mut subhead: Option<usize> = None;
    let mut announced = false;
    let mut recap = false;
    let mut scene_of_items: Option<String> = None;
    for si in 0..doc.sentences.len() {
        // `segment.skip.subhead`: a heading between paragraphs announces a
        // section its body sentences tell again; it opens no incident.
        // `segment.new.bullet_item`: a bulleted line under the body's
        // dateline ("- Two constables martyred in Bannu") is an item the
        // body lists, no heading (bullets over the dateline are the
        // headline's deck).
        let item = is_bullet(doc, si) && doc.datelines.iter().any(|d| d.sentence < si);
        if doc.sentences[si].headline && body_seen && !item {
            subhead = Some(si);
            continue;
        }
        body_seen |= !doc.sentences[si].headline;
        body_count += usize::from(!doc.sentences[si].headline);
        let parts = district_parts(doc, si, lex);
        if parts.is_none() && continues_summary(doc, si, &st.roles) {
            st.roles[si] = SentenceRole::Summary;
            continue;
        }
        // `segment.scene_summary.alone`: "Security forces killed five
        // terrorists in two separate encounters in North Waziristan", with no
        // sentence after it telling the encounters: the district's news is
        // coded from the count itself.
        let tells = !doc.casualties_in(si).is_empty() || doc.cues[si].happened;
        let summed = parts.is_none()
            && is_summary(doc, si, lex)
            && (doc.sentences[si].headline
                || !tells
                || single_scene(doc, si, lex).is_none()
                || items_follow(doc, si));
        if summed {
            if let Some(districts) = counted_districts(doc, si, lex) {
                st.open_counted(doc, si, &Facts::of(doc, si, lex), districts);
                continue;
            }
            st.roles[si] = SentenceRole::Summary;
            // `segment.scene_summary`: "two separate encounters took place in
            // North Waziristan": a count of events in one district sets the
            // scene of the items that follow.
            scene_of_items = single_scene(doc, si, lex);
            // `segment.recap`: "Earlier this month, seven terrorists were
            // killed in two operations": the sentences after a summary of
            // past events tell those events.
            recap = doc.cues[si].background;
            continue;
        }
        let mut f = Facts::of(doc, si, lex);
        if let Some(d) = scene_of_items.take() {
            if f.eventful && f.district.is_none() && f.local.is_none() {
                f.district = Some(d);
                f.topic = true;
            } else if !f.eventful {
                scene_of_items = Some(d);
            }
        }
        // The first sentence under a subhead ("Terror bid foiled in Bajaur")
        // opens its section: its place is the scene, as "In Bajaur, ..." is.
        if subhead.take().is_some_and(|h| h + 1 == si) && f.district.is_some() {
            f.topic = true;
        }
        let main = st.current_main.map(|m| &st.segs[m]);
        let main_date = main.and_then(|m| m.date);
        let main_date_reported = main.is_some_and(|m| m.date_reported);
        let reference = main_date.or(doc.published);
        let chained = st.last_background == Some(si.wrapping_sub(1))
            && doc.dates_in(si).iter().any(|d| d.kind == DateKind::Chained);
        // A digest's item is its news however old (`segment.new.dated_item`).
        let older = is_older(f.date, reference)
            || is_earlier_day(f.date, main_date)
            || (reference.is_none() && f.date.is_some_and(|d| d.precision() != Precision::Day));
        // A follow-up story: "the attack in Bisham on March 26" names the
        // date of the story the article is about, not another incident.
        let dates_the_main = older
            && f.eventful
            && doc.cues[si].definite_event
            && !doc.cues[si].background
            && !chained
            && !f.has_figures
            && st.current_main.is_some()
            && (main_date.is_none() || main_date_reported);
        // "In another IBO ..." lists the recap's next item; only a marker
        // of a separate incident or a fresh day ends the recap.
        let separate = doc.cues[si].new_incident && !doc.cues[si].ordinal_event;
        let in_recap = recap && !fresh_day(doc, si) && !separate;
        recap &= in_recap || !f.eventful;
        // A lead that counts its attack back ("three weeks ago") is the news.
        if f.eventful
            && st.current_main.is_none()
            && body_count <= LEAD_RECALL_WITHIN
            && counted_recall(doc, si)
            && !chained
        {
            st.open_main(si, f);
            continue;
        }
        if f.eventful
            && !dates_the_main
            && (doc.cues[si].background || chained || older || in_recap)
        {
            st.add_background(doc, si, &f, chained);
            continue;
        }
        if st.continues_background(doc, si, &f) {
            continue;
        }
        if dates_the_main {
            st.attach(si, &f, true);
            continue;
        }
        // A digest's item that names an event type opens an incident
        // even when it says nothing of casualties ("A convoy was hit by an IED").
        let typed = !doc.cues[si].event_scores.is_empty();
        if (f.eventful || typed) && st.opens_dated_item(doc, si) {
            st.open_main(si, f);
            continue;
        }
        if !f.eventful {
            // `segment.new.announced`: "The DPO also confirmed the second
            // incident." announces the incident the next sentence tells.
            let announces = doc.cues[si].ordinal_event && st.current_main.is_some();
            announced |= announces;
            // `segment.new.announced_scene`: "In another incident, armed men
            // blocked the highway in Josak area of Turbat" sets the scene of
            // the incident the next sentence tells, not of the story before.
            if announces && (f.district.is_some() || f.local.is_some()) {
                st.pending_scene = Some((si, f.district.clone(), f.local));
                continue;
            }
            st.attach_quietly(si, &f);
            continue;
        }
        if let Some(parts) = parts {
            st.open_parts(doc, si, &f, parts);
            continue;
        }
        if std::mem::take(&mut announced) || st.starts_new(doc, si, &f, lex) {
            st.open_main(si, f);
        } else {
            st.attach(si, &f, false);
        }
    }
    (st.segs, st.roles)
}

/// What the segmenter reads off one sentence.
#[derive(Clone)]
struct Facts {
    has_figures: bool,
    eventful: bool,
    district: Option<String>,
    local: Option<usize>,
    date: Option<IncidentDate>,
    date_reported: bool,
    /// Opens with "In Panjgur," / "At Mir Ali,": the scene of what follows.
    topic: bool,
    /// Names a province as where ("elsewhere in Balochistan").
    province: bool,
}

impl Facts {
    fn of(doc: &Document, si: usize, lex: &Lexicon) -> Facts {
        let c = &doc.cues[si];
        let has_figures = !doc.casualties_in(si).is_empty();
        let (date, date_reported) = sentence_date(doc, si);
        // "The Musakhel killings come four months after a similar incident
        // near Noshki": a recalled incident is where the text places it after the marker.
        let from = c
            .background_at
            .filter(|&at| {
                doc.places_in(si)
                    .iter()
                    .any(|p| p.tok_start >= at && !p.weak)
            })
            .unwrap_or(0);
        // `segment.skip.aftermath`: a funeral or a burial is placed where
        // the attack it names was ("policemen martyred in the attack on a
        // checkpost in Karak were laid to rest"), not where it is held;
        // one that names no attack's place tells no incident.
        // An attack verb means something happened now ("militants attacked a
        // funeral procession"): the sentence is news, not mourning.
        let mourning = c.aftermath && !c.struck;
        let (from, pure_aftermath) = match (mourning, c.first_incident_noun) {
            (false, _) => (from, false),
            (true, Some(noun)) => {
                let anchored = doc
                    .places_in(si)
                    .iter()
                    .any(|p| p.tok_start > noun && !p.weak);
                (noun.max(from), !anchored)
            }
            (true, None) => (from, true),
        };
        Facts {
            has_figures,
            // An event word with a type cue, or words that say an attack or
            // clash took place ("were killed in a fire exchange", "defused").
            eventful: !pure_aftermath
                && (has_figures || (c.eventful && !c.event_scores.is_empty()) || c.happened),
            district: sentence_district(doc, si, lex, from),
            local: sentence_local(doc, si, lex, from),
            date,
            date_reported,
            topic: opens_with_place(doc, si),
            province: names_province(doc, si, lex, from),
        }
    }
}

struct State {
    segs: Vec<Segment>,
    roles: Vec<SentenceRole>,
    current_main: Option<usize>,
    last_background: Option<usize>,
    /// A scene set ("In Panjgur, the terrorists attempted ...") before the
    /// sentence that reports the event opens an incident.
    pending_scene: Option<(usize, Option<String>, Option<usize>)>,
    /// The last sentence kept with a recalled incident by `continues_background`.
    continued: Option<usize>,
}

impl State {
    fn add_background(&mut self, doc: &Document, si: usize, f: &Facts, chained: bool) {
        let mut f = f.clone();
        // `place.same_place`: "Last year, an attack in the same district
        // killed 42": the recalled event is where the current story is.
        let inherits = f.district.is_none() && f.local.is_none() && doc.cues[si].same_place;
        if inherits {
            f.district = self
                .current_main
                .and_then(|m| self.segs[m].district.clone());
        }
        let locked = inherits && f.district.is_some();
        let has_place = f.district.is_some() || f.local.is_some();
        if !worth_a_mention(doc, si, has_place, f.date.is_some(), f.has_figures) {
            return;
        }
        let continues = self.last_background == Some(si.wrapping_sub(1))
            && last_segment_fits(&self.segs, f.district.as_deref(), f.date, !chained);
        if !continues {
            self.segs.push(Segment {
                role: Role::Mentioned,
                sentences: vec![],
                anchor: si,
                district: f.district.clone(),
                local: f.local,
                date: f.date,
                date_reported: f.date_reported,
                follow_up: false,
                locked,
                excluded: Vec::new(),
            });
        }
        let idx = self.segs.len() - 1;
        self.segs[idx].sentences.push(si);
        self.roles[si] = SentenceRole::Incident(idx);
        self.last_background = Some(si);
    }

    /// "That attack happened as ...", right after a recalled incident, is
    /// still about it, and so is the undated, unplaced sentence after that.
    fn continues_background(&mut self, doc: &Document, si: usize, f: &Facts) -> bool {
        let Some(prev) = si.checked_sub(1) else {
            return false;
        };
        let Some(SentenceRole::Incident(k)) = self.roles.get(prev).copied() else {
            return false;
        };
        if self.segs[k].role != Role::Mentioned {
            return false;
        }
        let toks = doc.sentence_tokens(si);
        let demonstrative = toks.windows(2).any(|w| {
            w[0].lower == "that"
                && matches!(
                    w[1].lower.as_str(),
                    "attack" | "blast" | "bombing" | "incident" | "assault" | "explosion"
                )
        });
        let chained = self.continued == Some(prev)
            && f.date.is_none()
            && (f.district.is_none() || f.district == self.segs[k].district);
        if !(demonstrative || chained) {
            return false;
        }
        self.segs[k].sentences.push(si);
        self.roles[si] = SentenceRole::Incident(k);
        self.continued = Some(si);
        true
    }

    /// A sentence about the current story that does not report the event
    /// itself; "In Naushki, terrorists tried to force their way in" still
    /// moves the scene.
    fn attach_quietly(&mut self, si: usize, f: &Facts) {
        if f.topic {
            self.pending_scene = Some((si, f.district.clone(), f.local));
        }
        let Some(m) = self.current_main else { return };
        let seg = &self.segs[m];
        let has_story = seg.sentences.len() > 1 || seg.district.is_some();
        if f.topic
            && f.district.is_some()
            && seg.district.is_some()
            && f.district != seg.district
            && has_story
        {
            let (date, date_reported) = (seg.date, seg.date_reported);
            self.open_main(
                si,
                Facts {
                    district: f.district.clone(),
                    date,
                    date_reported,
                    ..*f
                },
            );
            return;
        }
        // A sentence that reports no event neither dates nor places the
        // story, unless it sets the scene ("In Panjgur, ...").
        let quiet = Facts {
            date: None,
            district: if f.topic { f.district.clone() } else { None },
            local: if f.topic { f.local } else { None },
            ..f.clone()
        };
        self.attach(si, &quiet, false);
    }

    fn attach(&mut self, si: usize, f: &Facts, take_date: bool) {
        let Some(m) = self.current_main else { return };
        let seg = &mut self.segs[m];
        seg.sentences.push(si);
        if seg.district.is_none() {
            seg.district.clone_from(&f.district);
        }
        if seg.local.is_none() {
            seg.local = f.local;
        }
        if f.date.is_some()
            && (seg.date.is_none()
                || (take_date && seg.date_reported)
                || (seg.date_reported && !f.date_reported))
        {
            seg.date = f.date;
            seg.date_reported = f.date_reported;
        }
        self.roles[si] = SentenceRole::Incident(m);
    }

    fn starts_new(&self, doc: &Document, si: usize, f: &Facts, lex: &Lexicon) -> bool {
        let c = &doc.cues[si];
        let Some(m) = self.current_main else {
            let typed = c.event_scores.iter().any(|(_, w)| *w >= 2);
            return f.has_figures
                || f.district.is_some()
                || f.local.is_some()
                || typed
                || c.in_scope
                || c.violence;
        };
        let seg = &self.segs[m];
        let placed = f.district.is_some() || f.local.is_some();
        let other_district = match (&f.district, &seg.district) {
            (Some(a), Some(b)) => !same_district(a, b),
            _ => false,
        };
        let other_local = f.local.is_some() && seg.local.is_some() && f.local != seg.local;
        (c.new_incident && (placed || f.has_figures || c.happened))
            || (c.shift && (other_district || other_local || (seg.district.is_none() && placed)))
            || (c.shift && shift_event(doc, si, f, seg))
            || (other_district
                && (f.has_figures || f.topic || scene_event(doc, si, lex))
                && !mentions_district(doc, si, seg.district.as_deref(), lex))
            || (other_local && f.has_figures)
    }

    /// `segment.new.dated_item`: a line that opens with a day of its own
    /// ("12 Jan — Peshawar: ...", "July 9 - Two ...", "Thursday, September
    /// 3, 2020: ...") is an item of a digest: another incident when the
    /// story before it happened on another day.
    fn opens_dated_item(&self, doc: &Document, si: usize) -> bool {
        let Some(current) = self.current_main.and_then(|m| self.segs[m].date) else {
            return false;
        };
        item_head(doc, si)
            && doc
                .dates_in(si)
                .first()
                .is_some_and(|d| d.date != Some(current))
    }

    fn open_main(&mut self, si: usize, mut f: Facts) {
        let mut sentences = vec![si];
        if let Some((scene, district, local)) = self.pending_scene.take() {
            if f.district.is_none()
                && f.local.is_none()
                && scene + 3 >= si
                && self.roles[scene] == SentenceRole::Other
            {
                f.district = district;
                f.local = local;
                sentences.insert(0, scene);
                self.roles[scene] = SentenceRole::Incident(self.segs.len());
            }
        }
        // `place.same_area`: "In another operation in the same general
        // area": a further incident that names no place is where the one
        // before it was; one placed only in a province ("elsewhere in
        // Balochistan") is not.
        let mut inherited = None;
        if f.district.is_none() && f.local.is_none() && !f.province {
            inherited = self
                .current_main
                .and_then(|m| self.segs[m].district.clone());
        }
        let locked = inherited.is_some();
        if locked {
            f.district = inherited;
        }
        self.segs.push(Segment {
            role: Role::Main,
            sentences,
            anchor: si,
            district: f.district,
            local: f.local,
            date: f.date,
            date_reported: f.date_reported,
            follow_up: false,
            locked,
            excluded: Vec::new(),
        });
        self.current_main = Some(self.segs.len() - 1);
        self.roles[si] = SentenceRole::Incident(self.segs.len() - 1);
    }
}

impl State {
    /// One incident per district of a split sentence: the first joins the
    /// current story when it is in the same district (or the story has
    /// none), the others open incidents of their own.
    /// `segment.scene_summary.districts`: one incident per district of a
    /// counted summary; the figure they share is none of theirs alone.
    fn open_counted(&mut self, doc: &Document, si: usize, f: &Facts, districts: Vec<String>) {
        let shared: Vec<(usize, usize)> = doc
            .casualties_in(si)
            .iter()
            .map(|c| (c.sentence, c.tok_start))
            .collect();
        for d in districts {
            self.open_main(
                si,
                Facts {
                    district: Some(d),
                    local: None,
                    ..f.clone()
                },
            );
            if let Some(m) = self.current_main {
                self.segs[m].locked = true;
                self.segs[m].excluded.clone_from(&shared);
            }
        }
    }

    fn open_parts(&mut self, doc: &Document, si: usize, f: &Facts, parts: Vec<Part>) {
        let key = |k: usize| (doc.casualties[k].sentence, doc.casualties[k].tok_start);
        let all: Vec<(usize, usize)> = parts
            .iter()
            .flat_map(|p| p.statements.iter().map(|&k| key(k)))
            .collect();
        for (n, part) in parts.into_iter().enumerate() {
            let mine: Vec<(usize, usize)> = part.statements.iter().map(|&k| key(k)).collect();
            let excluded: Vec<(usize, usize)> =
                all.iter().copied().filter(|x| !mine.contains(x)).collect();
            let joins = n == 0
                && !doc.cues[si].new_incident
                && self.current_main.is_some_and(|m| {
                    self.segs[m]
                        .district
                        .as_ref()
                        .is_none_or(|d| *d == part.district)
                });
            if joins {
                if let Some(m) = self.current_main {
                    self.attach(si, f, false);
                    let seg = &mut self.segs[m];
                    seg.district = Some(part.district);
                    seg.locked = true;
                    seg.excluded.extend(excluded);
                }
                continue;
            }
            self.open_main(
                si,
                Facts {
                    district: Some(part.district),
                    local: None,
                    ..f.clone()
                },
            );
            if let Some(m) = self.current_main {
                self.segs[m].locked = true;
                self.segs[m].excluded = excluded;
            }
        }
    }
}

/// The figures of one district in a sentence that lists several.
pub struct Part {
    pub district: String,
    /// Indexes into `doc.casualties`.
    pub statements: Vec<usize>,
}

/// How far after a figure its place may stand ("two policemen were
/// martyred in Tank": three words).
const FIGURE_PLACE_REACH: usize = 6;

/// `segment.split.district_list`: one sentence names several districts as
/// scenes, each with its own figures ("four were killed in North Waziristan,
/// three in Bannu", "killed five, three and two terrorists respectively");
/// each district is an incident. Every figure must find its district, else
/// the sentence is not split (a figure the text does not split stays whole).
fn district_parts(doc: &Document, si: usize, lex: &Lexicon) -> Option<Vec<Part>> {
    let first = doc.casualties.partition_point(|c| c.sentence < si);
    let stmts: Vec<usize> = (first..doc.casualties.len())
        .take_while(|&k| doc.casualties[k].sentence == si)
        .filter(|&k| !doc.casualties[k].subset && !doc.casualties[k].update)
        .collect();
    if stmts.len() < 2 {
        return None;
    }
    let scenes: Vec<(usize, String)> = doc
        .places_in(si)
        .iter()
        .filter(|p| !p.weak)
        .filter_map(|p| {
            let pl = lex.gazetteer.places.get(p.place)?;
            (pl.kind >= PlaceKind::District)
                .then(|| pl.admin2.clone())
                .flatten()
                .map(|d| (p.tok_start, d))
        })
        .collect();
    let mut districts: Vec<&str> = Vec::new();
    for (_, d) in &scenes {
        if !districts.contains(&d.as_str()) {
            districts.push(d);
        }
    }
    if districts.len() < 2 {
        return None;
    }
    let respectively = doc
        .sentence_tokens(si)
        .iter()
        .any(|t| t.lower == "respectively");
    let assigned: Vec<String> = if respectively && districts.len() == stmts.len() {
        districts.iter().map(|d| d.to_string()).collect()
    } else {
        scenes_after(doc, &stmts, &scenes)
            .filter(|a| distinct(a) >= 2)
            .or_else(|| scenes_before(doc, si, &stmts, &scenes))?
    };
    let mut parts: Vec<Part> = Vec::new();
    for (k, d) in stmts.into_iter().zip(assigned) {
        match parts.iter_mut().find(|p| p.district == d) {
            Some(p) => p.statements.push(k),
            None => parts.push(Part {
                district: d,
                statements: vec![k],
            }),
        }
    }
    (parts.len() >= 2).then_some(parts)
}

/// Each figure's district when every figure is followed by its place
/// ("four were killed in North Waziristan, three in Bannu").
fn scenes_after(
    doc: &Document,
    stmts: &[usize],
    scenes: &[(usize, String)],
) -> Option<Vec<String>> {
    let mut out = Vec::with_capacity(stmts.len());
    for (n, &k) in stmts.iter().enumerate() {
        let c = &doc.casualties[k];
        let next_figure = stmts.get(n + 1).map(|&j| doc.casualties[j].tok_start);
        let d = scenes.iter().find(|(at, _)| {
            *at >= c.tok_end
                && *at <= c.tok_end + FIGURE_PLACE_REACH
                && next_figure.is_none_or(|nf| *at < nf)
        })?;
        out.push(d.1.clone());
    }
    Some(out)
}

/// Each figure's district when every clause opens with its place ("In the
/// third operation in Lakki Marwat, two were killed, while in Khyber
/// district troops killed one more"): the first scene after the figure before.
fn scenes_before(
    doc: &Document,
    si: usize,
    stmts: &[usize],
    scenes: &[(usize, String)],
) -> Option<Vec<String>> {
    let mut out = Vec::with_capacity(stmts.len());
    let mut from = doc.sentences[si].tok_start;
    for &k in stmts {
        let c = &doc.casualties[k];
        let d = scenes
            .iter()
            .find(|(at, _)| *at >= from && *at < c.tok_start)?;
        out.push(d.1.clone());
        from = c.tok_end;
    }
    Some(out)
}

fn distinct(districts: &[String]) -> usize {
    let mut seen: Vec<&String> = Vec::new();
    for d in districts {
        if !seen.contains(&d) {
            seen.push(d);
        }
    }
    seen.len()
}

/// The one district a summary sentence names as a scene, when it names
/// exactly one and counts no period ("in 2024", "this year").
fn single_scene(doc: &Document, si: usize, lex: &Lexicon) -> Option<String> {
    let c = &doc.cues[si];
    if c.background || c.scope.contains(&ScopeClass::Statistics) {
        return None;
    }
    let period = doc
        .dates_in(si)
        .iter()
        .any(|d| d.date.is_some_and(|x| x.precision() == Precision::Year));
    // "Several attacks have taken place in North Waziristan since January":
    // a count over a period sets no scene for what follows.
    let since = doc.sentence_tokens(si).iter().any(|t| t.lower == "since");
    if period || since {
        return None;
    }
    let mut districts: Vec<String> = doc
        .places_in(si)
        .iter()
        .filter(|p| !p.weak)
        .filter_map(|p| lex.gazetteer.places.get(p.place))
        .filter(|pl| pl.kind >= PlaceKind::District)
        .filter_map(|pl| pl.admin2.clone())
        .collect();
    districts.sort();
    districts.dedup();
    match districts.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// `place.split_district`: "Lower South Waziristan" and "South
/// Waziristan" (Wana's district as news names it), "Upper Kurram" and
/// "Kurram": a district split in two keeps its old name as the end of the
/// new ones' names, and news names the place either way.
fn same_district(a: &str, b: &str) -> bool {
    let ends_with = |long: &str, short: &str| {
        long.len() > short.len()
            && long.ends_with(short)
            && long[..long.len() - short.len()].ends_with(' ')
    };
    a == b || ends_with(a, b) || ends_with(b, a)
}

/// How many body sentences may open with a counted recall that is still
/// the article's news (`date.counted_ago`).
const LEAD_RECALL_WITHIN: usize = 2;

/// `date.counted_ago`: "two policemen were martyred three weeks ago, police
/// said on Wednesday", "Two days earlier, terrorists had attacked ...": an
/// attack counted back in days or weeks from the report is older news, yet
/// told in the lead before any other story it is the article's news. Only
/// a count of days or weeks: "ten years ago" recalls.
fn counted_recall(doc: &Document, si: usize) -> bool {
    let Some(at) = doc.cues[si].background_at else {
        return false;
    };
    let w = |k: usize| doc.tokens.get(k).map_or("", |t| t.lower.as_str());
    let span = |k: usize| matches!(w(k), "days" | "weeks" | "day" | "week");
    span(at)
        || (matches!(w(at), "just" | "a") && span(at + 1))
        || (w(at) == "a" && w(at + 1) == "few" && span(at + 2))
}

/// `segment.new.shift_event`: "Meanwhile, eleven people were wounded when
/// a mortar shell hit a house on Friday" after Thursday's pipeline bombing
/// in the same district: a shift marker opens another incident when the
/// sentence tells an event of its own (its figures, or an attack verb) of
/// another kind or on another day than the story's. A bare "Meanwhile,
/// police said ..." tells nothing and stays with the story.
fn shift_event(doc: &Document, si: usize, f: &Facts, seg: &Segment) -> bool {
    let own_event = f.has_figures || doc.cues[si].struck;
    own_event && (other_kind(doc, si, seg.anchor) || other_day(f.date, seg.date))
}

/// Two day-precise dates that differ: two days of events.
fn other_day(a: Option<IncidentDate>, b: Option<IncidentDate>) -> bool {
    matches!((a, b), (Some(x), Some(y))
        if x.precision() == Precision::Day && y.precision() == Precision::Day && x != y)
}

/// `segment.new.shift_other_kind`: "An hour later, a bomb exploded near an
/// FC vehicle in the same district, killing one soldier", after a gun
/// attack: a time shift, an attack verb, figures of its own and another
/// kind of attack than the story's make another incident, even in the
/// same place.
fn other_kind(doc: &Document, si: usize, anchor: usize) -> bool {
    let kind = |k: usize| {
        doc.cues.get(k).and_then(|c| {
            c.event_scores
                .iter()
                .max_by_key(|(_, w)| *w)
                .map(|(t, _)| *t)
        })
    };
    matches!((kind(si), kind(anchor)), (Some(a), Some(b)) if a != b)
}

/// `segment.scene_summary.districts`: "Two more engagements took place in
/// Khyber and Bannu districts, resulting in the killing of three": a count
/// of events that names as many districts, none told in another sentence
/// before it or soon after, is one event in each.
fn counted_districts(doc: &Document, si: usize, lex: &Lexicon) -> Option<Vec<String>> {
    let c = &doc.cues[si];
    if doc.sentences[si].headline || c.background || c.scope.contains(&ScopeClass::Statistics) {
        return None;
    }
    let dated_period = doc
        .dates_in(si)
        .iter()
        .any(|d| d.date.is_some_and(|x| x.precision() != Precision::Day));
    if dated_period {
        return None;
    }
    let n = event_count(doc, si)?;
    let mut districts: Vec<String> = Vec::new();
    for p in doc.places_in(si).iter().filter(|p| !p.weak) {
        let Some(pl) = lex.gazetteer.places.get(p.place) else {
            continue;
        };
        if pl.kind == PlaceKind::District {
            if let Some(d) = pl.admin2.clone().filter(|d| !districts.contains(d)) {
                districts.push(d);
            }
        }
    }
    // Items told before or after it ("the attacks in Panjgur and Noshki",
    // recalled) make it a summary of them.
    let told_elsewhere = (0..si)
        .chain((si + 1..doc.sentences.len()).take(ITEMS_WITHIN))
        .any(|k| {
            districts
                .iter()
                .any(|d| mentions_district(doc, k, Some(d), lex))
        });
    (n >= 2 && districts.len() == n && !told_elsewhere).then_some(districts)
}

/// The number of events a sentence counts: "two more engagements", "three
/// separate attacks" (a number at most two words before a plural event noun).
fn event_count(doc: &Document, si: usize) -> Option<usize> {
    let s = &doc.sentences[si];
    let toks = doc.sentence_tokens(si);
    let plural = |k: usize| {
        toks.get(k - s.tok_start)
            .is_some_and(|t| PLURAL_EVENTS.contains(&t.lower.as_str()) || t.lower == "encounters")
    };
    doc.numbers
        .iter()
        .filter(|n| n.tok_start >= s.tok_start && n.tok_end <= s.tok_end)
        .find(|n| (n.tok_end..n.tok_end + 3).any(plural))
        .and_then(|n| usize::try_from(n.count.best).ok())
}

/// Sentences after a summary in which its items may be told.
const ITEMS_WITHIN: usize = 4;

/// Does a sentence soon after summary `si` tell an event of its own (its
/// figures, or someone killed, hurt or taken)?
fn items_follow(doc: &Document, si: usize) -> bool {
    (si + 1..doc.sentences.len())
        .take(ITEMS_WITHIN)
        .filter(|&k| !doc.sentences[k].headline)
        .any(|k| !doc.casualties_in(k).is_empty() || doc.cues[k].happened)
}

/// Does the sentence date something within the last few days (not when
/// something was said)?
pub(crate) fn fresh_day(doc: &Document, si: usize) -> bool {
    const FRESH_DAYS: i64 = 3;
    let Some(p) = doc.published else { return false };
    doc.dates_in(si).iter().any(|d| {
        !d.reporting
            && d.kind != DateKind::Vague
            && d.date.is_some_and(|x| {
                x.precision() == Precision::Day
                    && (0..=FRESH_DAYS).contains(&(p.ordinal() - x.ordinal()))
            })
    })
}

/// `segment.new.scene_event`: the sentence has an attack verb ("defused",
/// "attacked", "opened fire"; casualty words go by their figures) and names
/// a district-level place as where ("in Bannu district", "at Mir Ali"), not
/// as an origin or a title.
fn scene_event(doc: &Document, si: usize, lex: &Lexicon) -> bool {
    if !doc.cues[si].struck {
        return false;
    }
    doc.places_in(si).iter().any(|p| {
        !p.weak
            && p.tok_start > 0
            && doc
                .tokens
                .get(p.tok_start - 1)
                .is_some_and(|t| matches!(t.lower.as_str(), "in" | "at" | "near"))
            && lex
                .gazetteer
                .places
                .get(p.place)
                .is_some_and(|pl| pl.kind >= PlaceKind::District)
    })
}

/// Does the sentence open its line with a bullet mark ("- ", "• ", "* ")?
fn is_bullet(doc: &Document, si: usize) -> bool {
    let first_of_line = si == 0 || doc.sentences[si - 1].paragraph != doc.sentences[si].paragraph;
    first_of_line
        && doc
            .sentence_tokens(si)
            .first()
            .is_some_and(|t| matches!(t.lower.as_str(), "-" | "\u{2022}" | "*" | "\u{2013}"))
}

/// Does the sentence open a line with a written date of its own, as a
/// digest's items do ("12 Jan — Peshawar: ...", "July 9 - Two ...")?
fn item_head(doc: &Document, si: usize) -> bool {
    let s = &doc.sentences[si];
    let first_of_line = si == 0 || doc.sentences[si - 1].paragraph != s.paragraph;
    first_of_line
        && doc.dates_in(si).first().is_some_and(|d| {
            d.tok_start == s.tok_start
                && !d.reporting
                && d.kind == DateKind::Explicit
                && d.date.is_some_and(|x| x.precision() == Precision::Day)
        })
}

/// "In Panjgur, ...", "At Mir Ali, ...", "Near Besham, ...".
fn opens_with_place(doc: &Document, si: usize) -> bool {
    let s = &doc.sentences[si];
    let toks = doc.sentence_tokens(si);
    let lead = toks
        .first()
        .is_some_and(|t| matches!(t.lower.as_str(), "in" | "at" | "near" | "meanwhile"));
    lead && doc
        .places_in(si)
        .first()
        .is_some_and(|p| p.tok_start <= s.tok_start + 3 && !p.weak)
}

/// "A total of seven soldiers and 23 militants", "two separate attacks",
/// "over 1,600 people were killed in attacks in 2023".
fn is_summary(doc: &Document, si: usize, lex: &Lexicon) -> bool {
    let c = &doc.cues[si];
    if c.summary {
        return true;
    }
    // "between 2006 and 2023", "from 2019 to 2024": figures over a period.
    let years = doc
        .dates_in(si)
        .iter()
        .filter(|d| d.date.is_some_and(|x| x.precision() == Precision::Year))
        .count();
    let period = years >= 2;
    let toks = doc.sentence_tokens(si);
    // "In the first of the three operations, ...": one item of a list, not its sum.
    let item_of = |k: usize| {
        k >= 3
            && toks[k - 1].lower == "the"
            && toks[k - 2].lower == "of"
            && matches!(
                toks[k - 3].lower.as_str(),
                "first" | "second" | "third" | "fourth" | "one" | "last"
            )
    };
    let mut plurals = (0..toks.len()).filter(|&i| PLURAL_EVENTS.contains(&toks[i].lower.as_str()));
    // Every test but the period needs a plural event noun: most sentences
    // have none, and are answered after one pass over their words.
    let Some(first_plural) = plurals.next() else {
        return period;
    };
    let multi = std::iter::once(first_plural).chain(plurals).any(|i| {
        (i.saturating_sub(3)..i).any(|k| MULTI.contains(&toks[k].lower.as_str()) && !item_of(k))
            || counted_events(toks, i)
    });
    let over_time = toks.iter().any(|t| OVER_TIME.contains(&t.lower.as_str()))
        || doc
            .dates_in(si)
            .iter()
            .any(|d| d.date.is_some_and(|x| x.precision() == Precision::Year));
    let distinct_districts = {
        let mut ds: Vec<&str> = doc
            .places_in(si)
            .iter()
            .filter_map(|p| {
                lex.gazetteer
                    .places
                    .get(p.place)
                    .and_then(|pl| pl.admin2.as_deref())
            })
            .collect();
        ds.sort_unstable();
        ds.dedup();
        ds.len()
    };
    let headline = doc.sentences[si].headline;
    multi || period || over_time || headline || distinct_districts >= 3
}

/// `segment.summary.anaphora`: "In these attacks, 139 militants were also
/// killed", "These included 52 soldiers", right after a sentence that adds
/// up the incidents of a year or of a report, counts the same incidents. (After a count of a campaign's
/// operations, "these operations" may be the campaign, reported as one.)
fn continues_summary(doc: &Document, si: usize, roles: &[SentenceRole]) -> bool {
    if si == 0 || roles[si - 1] != SentenceRole::Summary {
        return false;
    }
    let toks = doc.sentence_tokens(si);
    // "These included 52 security personnel, ...": the summary's figures, broken down.
    let opens_anaphor = toks
        .first()
        .is_some_and(|t| matches!(t.lower.as_str(), "these" | "those"));
    let period = doc
        .dates_in(si - 1)
        .iter()
        .any(|d| d.date.is_some_and(|x| x.precision() == Precision::Year))
        || doc.cues[si - 1].scope.contains(&ScopeClass::Statistics);
    if !period {
        return false;
    }
    opens_anaphor
        || toks.windows(2).any(|w| {
            matches!(w[0].lower.as_str(), "these" | "those")
                && PLURAL_EVENTS.contains(&w[1].lower.as_str())
        })
}

/// `scope.statistics`: a figure written in digits just before a plural
/// event noun, at most a modifier between ("171 terrorist attacks", "97
/// intelligence-based operations"): a count of incidents, not one of them.
fn counted_events(toks: &[tally_lexicon::Token], plural: usize) -> bool {
    let digits = |k: usize| {
        let w = toks[k].lower.as_str();
        w.starts_with(|ch: char| ch.is_ascii_digit())
            && w.chars().all(|ch| ch.is_ascii_digit() || ch == ',')
    };
    // An adjective between ("terrorist", "separate"), not a preposition
    // ("killed 12 in attacks").
    let word = |k: usize| {
        let w = toks[k].lower.as_str();
        w.chars().all(|ch| ch.is_alphabetic() || ch == '-')
            && !matches!(
                w,
                "in" | "of" | "on" | "at" | "by" | "for" | "from" | "and" | "during"
            )
    };
    // Back over the words of one modifier ("intelligence-based").
    let mut k = plural;
    while k > 0 && plural - k < 4 {
        k -= 1;
        if digits(k) {
            return true;
        }
        if !(word(k) || toks[k].lower == "-") {
            return false;
        }
    }
    false
}

/// A mentioned incident needs a place or date, and a type or a figure; a
/// place that is only a province and no date is too vague.
fn worth_a_mention(
    doc: &Document,
    si: usize,
    has_place: bool,
    has_date: bool,
    has_figures: bool,
) -> bool {
    let typed = doc.cues[si].event_scores.iter().any(|(_, w)| *w >= 2);
    (has_figures && (has_place || has_date)) || (typed && has_place && has_date)
}

fn last_segment_fits(
    segs: &[Segment],
    district: Option<&str>,
    date: Option<IncidentDate>,
    strict: bool,
) -> bool {
    let Some(last) = segs.last() else {
        return false;
    };
    if last.role != Role::Mentioned {
        return false;
    }
    let district_ok =
        district.is_none() || last.district.is_none() || last.district.as_deref() == district;
    let date_ok = date.is_none() || last.date.is_none() || last.date == date;
    district_ok && (date_ok || !strict) && (district.is_none() || date.is_none() || date_ok)
}

/// A day-precise date two or more days before the current story's day: another incident.
fn is_earlier_day(date: Option<IncidentDate>, main: Option<IncidentDate>) -> bool {
    match (date, main) {
        (Some(d), Some(m))
            if d.precision() == Precision::Day && m.precision() == Precision::Day =>
        {
            d.ordinal() <= m.ordinal() - 2
        }
        _ => false,
    }
}

/// Is `date` clearly before `reference` (not the same news)?
fn is_older(date: Option<IncidentDate>, reference: Option<IncidentDate>) -> bool {
    let (Some(d), Some(r)) = (date, reference) else {
        return false;
    };
    match d.precision() {
        Precision::Day => d.ordinal() < r.ordinal() - 10,
        Precision::Month => (d.year, d.month) < (r.year, r.month) && r.ordinal() - d.ordinal() > 40,
        Precision::Year => d.year < r.year,
    }
}

/// The district a sentence locates its event in (first district-level or
/// finer place), ignoring travel origins ("from Islamabad").
pub fn sentence_district(doc: &Document, si: usize, lex: &Lexicon, from: usize) -> Option<String> {
    doc.places_in(si)
        .iter()
        .filter(|p| !p.weak && p.tok_start >= from)
        .filter_map(|p| lex.gazetteer.places.get(p.place))
        .find(|pl| pl.kind >= PlaceKind::District)
        .and_then(|pl| pl.admin2.clone())
}

/// Does the sentence name a province as a scene (not an origin or a title)?
fn names_province(doc: &Document, si: usize, lex: &Lexicon, from: usize) -> bool {
    doc.places_in(si)
        .iter()
        .filter(|p| !p.weak && p.tok_start >= from)
        .filter_map(|p| lex.gazetteer.places.get(p.place))
        .any(|pl| pl.kind == PlaceKind::Province)
}

fn sentence_local(doc: &Document, si: usize, lex: &Lexicon, from: usize) -> Option<usize> {
    doc.places_in(si)
        .iter()
        .filter(|p| !p.weak && p.tok_start >= from)
        .map(|p| p.place)
        .find(|&i| {
            let pl = &lex.gazetteer.places[i];
            pl.kind.is_local() && pl.admin2.as_deref() != Some(pl.name.as_str())
        })
}

fn mentions_district(doc: &Document, si: usize, district: Option<&str>, lex: &Lexicon) -> bool {
    let Some(d) = district else { return false };
    doc.places_in(si)
        .iter()
        .any(|p| lex.gazetteer.places[p.place].admin2.as_deref() == Some(d))
}

/// The date a sentence gives its event: a date that names the event ("the
/// January 30 mosque bombing", "Monday's attack") first, then any date that
/// is not when something was said; the flag says the date is only when
/// something was said ("the ISPR said on Tuesday").
pub fn sentence_date(doc: &Document, si: usize) -> (Option<IncidentDate>, bool) {
    let dated = || doc.dates_in(si).iter().filter(|d| d.date.is_some());
    // `date.reporting`: "said on Wednesday that the attack on Monday":
    // the day something was said names no event after it.
    // `date.after_event`: "a day after the attack" names it within.
    let names_event = |d: &&crate::document::DateMention| {
        !d.reporting
            && (d.tok_start..d.tok_end + 4).any(|k| {
                doc.tokens
                    .get(k)
                    .is_some_and(|t| EVENT_NOUNS.contains(&t.lower.as_str()))
            })
    };
    if let Some(d) = dated().find(names_event) {
        return (d.date, false);
    }
    match dated().find(|d| !d.reporting) {
        Some(d) => (d.date, false),
        None => (dated().next().and_then(|d| d.date), true),
    }
}

const EVENT_NOUNS: &[&str] = &[
    "attack",
    "attacks",
    "bombing",
    "blast",
    "explosion",
    "assault",
    "ambush",
    "shooting",
    "raid",
    "operation",
    "killing",
    "killings",
    "massacre",
];
