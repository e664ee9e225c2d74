//! Places of the country with their province, district and coordinates.

use crate::phrases::{PhraseMatch, PhraseTable};
use crate::tokens::Token;
use crate::LexiconError;

/// How large a place is; smaller places are more specific.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PlaceKind {
    Country,
    Province,
    District,
    Tehsil,
    City,
    Town,
    Locality,
}

impl PlaceKind {
    fn parse(s: &str) -> Option<PlaceKind> {
        Some(match s {
            "country" => PlaceKind::Country,
            "province" => PlaceKind::Province,
            "district" => PlaceKind::District,
            "tehsil" => PlaceKind::Tehsil,
            "city" => PlaceKind::City,
            "town" => PlaceKind::Town,
            "locality" => PlaceKind::Locality,
            _ => return None,
        })
    }

    /// Below district level.
    pub fn is_local(self) -> bool {
        self > PlaceKind::District
    }
}

/// One gazetteer row.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub name: String,
    pub kind: PlaceKind,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The name is also a common word: match it only capitalised and in context.
    pub needs_context: bool,
}

/// All places, and every name and variant pointing at them.
#[derive(Debug, Default)]
pub struct Gazetteer {
    pub places: Vec<Place>,
    names: PhraseTable<usize>,
}

impl Gazetteer {
    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// Parse `places.tsv` (columns: name kind admin1 admin2 lat lon variants context).
    pub fn parse(text: &str) -> Result<Gazetteer, LexiconError> {
        let mut g = Gazetteer::default();
        let bad = |line: usize, message: String| LexiconError::BadLine {
            file: "places.tsv".into(),
            line,
            message,
        };
        for (i, line) in text.lines().enumerate() {
            if i == 0 || line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let c: Vec<&str> = line.split('\t').map(str::trim).collect();
            if c.len() < 6 {
                return Err(bad(i + 1, "expected at least 6 columns".into()));
            }
            let kind =
                PlaceKind::parse(c[1]).ok_or_else(|| bad(i + 1, format!("kind {:?}", c[1])))?;
            let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
            let place = Place {
                name: c[0].to_string(),
                kind,
                admin1: opt(c[2]),
                admin2: opt(c[3]),
                lat: c[4].parse().ok(),
                lon: c[5].parse().ok(),
                needs_context: c.get(7).is_some_and(|v| *v == "1"),
            };
            let idx = g.places.len();
            g.names.insert(&place.name, idx);
            for v in c.get(6).map(|v| v.split('|')).into_iter().flatten() {
                if !v.trim().is_empty() {
                    g.names.insert(v.trim(), idx);
                }
            }
            g.places.push(place);
        }
        Ok(g)
    }

    /// The places whose name is the longest match at token `i` (several when
    /// a name is shared, e.g. a district and its headquarters town).
    pub fn matches_at<'a>(&'a self, tokens: &[Token], i: usize) -> Vec<PhraseMatch<'a, usize>> {
        // Matches come longest first; nearly every token has none.
        let mut found = self.names.matches_at(tokens, i);
        let Some(longest) = found.next() else {
            return Vec::new();
        };
        let mut all = vec![longest];
        all.extend(found.take_while(|m| m.len == longest.len));
        all
    }

    /// The district row of a district name.
    pub fn district(&self, name: &str) -> Option<&Place> {
        self.places
            .iter()
            .find(|p| p.kind == PlaceKind::District && p.name.eq_ignore_ascii_case(name))
    }

    /// The province row of a province name.
    pub fn province(&self, name: &str) -> Option<&Place> {
        self.places
            .iter()
            .find(|p| p.kind == PlaceKind::Province && p.name.eq_ignore_ascii_case(name))
    }
}
