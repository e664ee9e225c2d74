//! Scope classes: the kinds of violence (or of story) that are not
//! militant violence in Pakistan reported as news. Their cues are data
//! (`lexicon/en/scope.tsv`); the rules that read them live in
//! `tally-extract`'s relevance stage.

/// A class of out-of-scope text, with the id written into reports and cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScopeClass {
    /// The violence happened outside the country.
    Abroad,
    /// Fighting between states' regular forces.
    Interstate,
    Accident,
    Disaster,
    /// Ordinary crime, feuds, mob violence.
    Crime,
    Obituary,
    /// Sport, markets, politics: violent words, no violence.
    Figurative,
    /// Totals over a period.
    Statistics,
    /// Threats, arrests and seizures with no attempted attack.
    ThreatArrest,
    /// Court cases and verdicts about an old attack.
    Verdict,
    Anniversary,
    /// Statements, condemnations, policy, opinion.
    Statement,
    /// The article classifier's verdict: not news of an incident.
    NotNews,
}

impl ScopeClass {
    pub const ALL: [ScopeClass; 13] = [
        ScopeClass::Abroad,
        ScopeClass::Interstate,
        ScopeClass::Accident,
        ScopeClass::Disaster,
        ScopeClass::Crime,
        ScopeClass::Obituary,
        ScopeClass::Figurative,
        ScopeClass::Statistics,
        ScopeClass::ThreatArrest,
        ScopeClass::Verdict,
        ScopeClass::Anniversary,
        ScopeClass::Statement,
        ScopeClass::NotNews,
    ];

    pub fn id(self) -> &'static str {
        match self {
            ScopeClass::Abroad => "scope.abroad",
            ScopeClass::Interstate => "scope.interstate",
            ScopeClass::Accident => "scope.accident",
            ScopeClass::Disaster => "scope.disaster",
            ScopeClass::Crime => "scope.crime",
            ScopeClass::Obituary => "scope.obituary",
            ScopeClass::Figurative => "scope.figurative",
            ScopeClass::Statistics => "scope.statistics",
            ScopeClass::ThreatArrest => "scope.threat_arrest",
            ScopeClass::Verdict => "scope.verdict",
            ScopeClass::Anniversary => "scope.anniversary",
            ScopeClass::Statement => "scope.statement",
            ScopeClass::NotNews => "scope.not_news",
        }
    }

    pub fn parse(id: &str) -> Option<ScopeClass> {
        ScopeClass::ALL.into_iter().find(|c| c.id() == id)
    }
}

/// What a scope phrase says about its sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeCue {
    /// Militants, terrorism or their weapons are named.
    Militancy,
    /// Armed attackers or victims named without saying who they are.
    Violence,
    /// Someone was killed, hurt or taken.
    Happened,
    /// An attack verb: set off, fired, stormed, defused.
    Struck,
    /// The two sides fought.
    Clash,
    /// A word that reports violence happening ("attack", "fired").
    Event,
    /// The violence was gunfire.
    Shooting,
    /// Mourning and burial: no new incident.
    Aftermath,
    /// A victim whose killing is militancy's business even unattributed
    /// (an official, a journalist, a minority, a foreigner).
    Protected,
    /// A cue of an out-of-scope class.
    Out(ScopeClass),
}

impl ScopeCue {
    pub fn parse(s: &str) -> Option<ScopeCue> {
        match s {
            "militancy" => return Some(ScopeCue::Militancy),
            "violence" => return Some(ScopeCue::Violence),
            "happened" => return Some(ScopeCue::Happened),
            "struck" => return Some(ScopeCue::Struck),
            "clash" => return Some(ScopeCue::Clash),
            "event" => return Some(ScopeCue::Event),
            "protected" => return Some(ScopeCue::Protected),
            "shooting" => return Some(ScopeCue::Shooting),
            "aftermath" => return Some(ScopeCue::Aftermath),
            _ => {}
        }
        ScopeClass::parse(s).map(ScopeCue::Out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_ids_round_trip() {
        for c in ScopeClass::ALL {
            assert_eq!(ScopeClass::parse(c.id()), Some(c));
        }
        assert_eq!(ScopeCue::parse("militancy"), Some(ScopeCue::Militancy));
        assert_eq!(ScopeCue::parse("scope.nothing"), None);
    }
}
