//! The `Document`: an article's text plus the annotation layers each stage
//! adds. Stages run in order and read only the layers before them.

use tally_lexicon::{ScopeClass, Token};
use tally_model::{Category, Count, EventType, IncidentDate, Outcome, Target};

/// A sentence: a byte span of the text and its token range.
#[derive(Debug, Clone)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub tok_start: usize,
    pub tok_end: usize,
    /// A line without closing punctuation (headline, sub-heading, bullet).
    pub headline: bool,
    /// Index of the paragraph (text line) it belongs to.
    pub paragraph: usize,
}

/// A figure in the text: "at least 26", "twenty-three", "a dozen".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberSpan {
    pub tok_start: usize,
    pub tok_end: usize,
    pub count: Count,
    /// "another 14": adds to a figure before it.
    pub additive: bool,
}

/// How a date expression relates to the publication date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKind {
    /// Written out ("February 17, 2023", "Dec 15", "in January").
    Explicit,
    /// A weekday, "yesterday", "today" resolved against publication.
    Relative,
    /// "The day before", "a day earlier": relative to the previous date in the text.
    Chained,
    /// "last year", "last month", "days earlier": vague.
    Vague,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateMention {
    pub sentence: usize,
    pub tok_start: usize,
    pub tok_end: usize,
    pub date: Option<IncidentDate>,
    pub kind: DateKind,
    /// Directly after a reporting verb ("said on Tuesday"): when it was said.
    pub reporting: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaceMention {
    pub sentence: usize,
    pub tok_start: usize,
    pub tok_end: usize,
    /// Index into the gazetteer.
    pub place: usize,
    /// Followed by "district" / "tehsil" / preceded by "district of".
    pub district_word: bool,
    /// Not where the event happened: a journey's end ("bound for Rawalpindi"),
    /// an official's title ("DIG Malakand"), an arrest or a biography.
    pub weak: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupMention {
    pub sentence: usize,
    pub tok_start: usize,
    pub tok_end: usize,
    /// Index into the lexicon's groups.
    pub group: usize,
}

/// One figure bound to an outcome: "two policemen ... were killed".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CasualtyStatement {
    pub sentence: usize,
    pub tok_start: usize,
    pub tok_end: usize,
    pub outcome: Outcome,
    /// `Total` means victims of unstated category.
    pub category: Category,
    pub count: Count,
    /// Part of an earlier figure in the same sentence ("three of them Chinese").
    pub subset: bool,
    /// A toll update ("the death toll rose to 12").
    pub update: bool,
    /// One more victim of no stated category after others of the same
    /// sentence ("a leader and another person"): adds to them, is no total.
    pub additional: bool,
    pub target: Option<Target>,
}

/// What a sentence says about the event, beyond figures.
#[derive(Debug, Clone, Default)]
pub struct SentenceCues {
    pub event_scores: Vec<(EventType, i32)>,
    pub targets: Vec<Target>,
    pub new_incident: bool,
    /// "the second incident", "another IBO": an ordinal before an incident noun.
    pub ordinal_event: bool,
    /// "Meanwhile", "a further": a new incident only where the place changes.
    pub shift: bool,
    pub background: bool,
    /// Token (absolute index) where the first background marker starts.
    pub background_at: Option<usize>,
    pub summary: bool,
    /// "in the same district", "the area had seen": the event is where the
    /// story before it was.
    pub same_place: bool,
    pub claim: bool,
    pub claim_negated: bool,
    pub attribution: bool,
    /// Out-of-scope classes with a cue in the sentence (scope.tsv).
    pub scope: Vec<ScopeClass>,
    /// Names militants, terrorism or their weapons.
    pub in_scope: bool,
    /// Names armed attackers or victims without saying who they are.
    pub violence: bool,
    /// Says someone was killed, hurt or taken, or an attack took place.
    pub happened: bool,
    /// Has an attack verb: set off, fired, stormed, defused.
    pub struck: bool,
    /// Says the two sides fought (exchange of fire, clash, encounter).
    pub clash: bool,
    /// Names a victim whose killing is militancy's business even
    /// unattributed (an official, a journalist, a minority, a foreigner).
    pub protected: bool,
    /// The violence was gunfire.
    pub shooting: bool,
    /// Tells mourning or burial ("laid to rest"): no new incident.
    pub aftermath: bool,
    /// Absolute token index of the first noun naming an incident ("attack",
    /// "blast", "operation"), if any.
    pub first_incident_noun: Option<usize>,
    /// A bomb was defused or an attacker stopped before striking.
    pub foiled: bool,
    /// Something went off ("exploded", "blast").
    pub detonated: bool,
    /// Something went off before any foiled cue of the sentence ("went off
    /// as the squad tried to defuse it").
    pub detonated_first: bool,
    /// Mentions a place abroad (Kabul, Iran...).
    pub foreign: bool,
    /// Has a word that reports an event happening (attack, blast, killed...).
    pub eventful: bool,
    /// Refers back to an attack the reader knows of: "the Besham attack",
    /// "last month's attack", "the March 26 suicide attack".
    pub recalls: bool,
    /// Names an event with a definite article ("the attack", "that blast"):
    /// one the reader already knows of.
    pub definite_event: bool,
}

/// A dateline taken off the front of a line, kept for the date it gives.
#[derive(Debug, Clone)]
pub struct Dateline {
    /// The first sentence of the line.
    pub sentence: usize,
    pub tokens: Vec<Token>,
}

/// An article with its annotation layers.
#[derive(Debug, Default)]
pub struct Document<'a> {
    pub id: String,
    pub text: &'a str,
    pub published: Option<IncidentDate>,
    /// Byte spans of the text that are not article prose (date line, boilerplate).
    pub excluded: Vec<(usize, usize)>,
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
    /// Dateline place ("QUETTA:"), a weak location hint.
    pub dateline_place: Option<usize>,
    /// The datelines taken off the lines that open with one ("QUETTA, May
    /// 3:", "12 Jan —"), each with the first sentence of its line: the
    /// dates stage reads the dates they give.
    pub datelines: Vec<Dateline>,
    pub numbers: Vec<NumberSpan>,
    pub dates: Vec<DateMention>,
    pub places: Vec<PlaceMention>,
    pub groups: Vec<GroupMention>,
    pub casualties: Vec<CasualtyStatement>,
    pub cues: Vec<SentenceCues>,
    pub diagnostics: Vec<String>,
}

impl Document<'_> {
    pub fn sentence_tokens(&self, s: usize) -> &[Token] {
        let sent = &self.sentences[s];
        &self.tokens[sent.tok_start..sent.tok_end]
    }

    /// Statements of sentence `si` (layers are sorted by sentence).
    pub fn casualties_in(&self, si: usize) -> &[CasualtyStatement] {
        slice_by(&self.casualties, si, |c| c.sentence)
    }

    pub fn places_in(&self, si: usize) -> &[PlaceMention] {
        slice_by(&self.places, si, |p| p.sentence)
    }

    pub fn dates_in(&self, si: usize) -> &[DateMention] {
        slice_by(&self.dates, si, |d| d.sentence)
    }

    pub fn groups_in(&self, si: usize) -> &[GroupMention] {
        slice_by(&self.groups, si, |g| g.sentence)
    }

    pub fn sentence_text(&self, s: usize) -> &str {
        let sent = &self.sentences[s];
        self.text.get(sent.start..sent.end).unwrap_or("")
    }
}

/// The run of `items` (sorted by sentence) that belongs to sentence `si`.
fn slice_by<T>(items: &[T], si: usize, key: impl Fn(&T) -> usize) -> &[T] {
    let start = items.partition_point(|x| key(x) < si);
    let end = items.partition_point(|x| key(x) <= si);
    &items[start..end]
}
