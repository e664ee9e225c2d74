//! What really happened in a synthetic incident: the "truth" that every
//! report of it is drawn from.

use crate::data::{Place, BLA, BLF, GROUPS, HGB, ISKP, TTP};
use crate::date::Day;
use crate::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Armed,
    Bombing,
    Suicide,
    Targeted,
    Kidnap,
    Operation,
}

impl Kind {
    pub fn event_type(self) -> &'static str {
        match self {
            Kind::Armed => "armed_assault",
            Kind::Bombing => "bombing",
            Kind::Suicide => "suicide_bombing",
            Kind::Targeted => "targeted_killing",
            Kind::Kidnap => "kidnapping",
            Kind::Operation => "security_operation",
        }
    }

    /// Attacks whose victims are counted by category.
    pub fn is_attack(self) -> bool {
        matches!(self, Kind::Armed | Kind::Bombing | Kind::Suicide)
    }
}

/// Which security force a victim belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Force {
    Police,
    Soldiers,
    Fc,
    Levies,
}

impl Force {
    pub fn nouns(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Force::Police => &[
                ("policeman", "policemen"),
                ("police official", "police officials"),
                ("police constable", "police constables"),
            ],
            Force::Soldiers => &[("soldier", "soldiers"), ("army soldier", "army soldiers")],
            Force::Fc => &[
                ("FC soldier", "FC soldiers"),
                ("Frontier Corps soldier", "Frontier Corps soldiers"),
            ],
            Force::Levies => &[
                ("Levies official", "Levies officials"),
                ("Levies soldier", "Levies soldiers"),
            ],
        }
    }
}

/// The object of an attack: what the text calls it and who it hits.
pub struct TargetKind {
    pub phrases: &'static [&'static str],
    pub targets: &'static [&'static str],
    pub force: Option<Force>,
    pub civ: &'static [(&'static str, &'static str)],
    pub kinds: &'static [Kind],
    /// Share of victims who are security forces.
    pub sf_share: f64,
    /// No one is hurt (infrastructure).
    pub harmless: bool,
    pub only_province: Option<&'static str>,
}

const CIVILIANS: &[(&str, &str)] = &[("civilian", "civilians"), ("passer-by", "passers-by")];

pub const TARGET_KINDS: [TargetKind; 11] = [
    TargetKind {
        phrases: &["a police post", "a police checkpost", "a police checkpoint"],
        targets: &["police"],
        force: Some(Force::Police),
        civ: CIVILIANS,
        kinds: &[Kind::Armed, Kind::Armed, Kind::Suicide, Kind::Bombing],
        sf_share: 0.85,
        harmless: false,
        only_province: None,
    },
    TargetKind {
        phrases: &["a police station", "the city police station"],
        targets: &["police"],
        force: Some(Force::Police),
        civ: CIVILIANS,
        kinds: &[Kind::Armed, Kind::Armed, Kind::Suicide],
        sf_share: 0.8,
        harmless: false,
        only_province: None,
    },
    TargetKind {
        phrases: &[
            "a police van",
            "a police mobile",
            "a vehicle carrying police personnel",
        ],
        targets: &["police"],
        force: Some(Force::Police),
        civ: CIVILIANS,
        kinds: &[Kind::Bombing, Kind::Bombing, Kind::Armed],
        sf_share: 0.9,
        harmless: false,
        only_province: None,
    },
    TargetKind {
        phrases: &[
            "a police team escorting polio vaccinators",
            "a polio vaccination team and its police escort",
        ],
        targets: &["police", "health_workers"],
        force: Some(Force::Police),
        civ: &[("polio worker", "polio workers")],
        kinds: &[Kind::Armed, Kind::Bombing],
        sf_share: 0.6,
        harmless: false,
        only_province: Some("Khyber Pakhtunkhwa"),
    },
    TargetKind {
        phrases: &[
            "a security forces convoy",
            "a military convoy",
            "an army vehicle",
        ],
        targets: &["military"],
        force: Some(Force::Soldiers),
        civ: CIVILIANS,
        kinds: &[Kind::Bombing, Kind::Suicide, Kind::Armed],
        sf_share: 0.9,
        harmless: false,
        only_province: None,
    },
    TargetKind {
        phrases: &[
            "a Frontier Corps (FC) checkpost",
            "an FC camp",
            "a paramilitary checkpoint",
        ],
        targets: &["paramilitary"],
        force: Some(Force::Fc),
        civ: CIVILIANS,
        kinds: &[Kind::Armed, Kind::Suicide],
        sf_share: 0.9,
        harmless: false,
        only_province: None,
    },
    TargetKind {
        phrases: &["a Levies checkpost", "a Levies station"],
        targets: &["paramilitary"],
        force: Some(Force::Levies),
        civ: CIVILIANS,
        kinds: &[Kind::Armed],
        sf_share: 0.9,
        harmless: false,
        only_province: Some("Balochistan"),
    },
    TargetKind {
        phrases: &["a passenger bus", "a passenger coach"],
        targets: &["civilians"],
        force: None,
        civ: &[("passenger", "passengers")],
        kinds: &[Kind::Armed, Kind::Bombing],
        sf_share: 0.0,
        harmless: false,
        only_province: None,
    },
    TargetKind {
        phrases: &["a busy market", "a crowded bazaar", "a vegetable market"],
        targets: &["civilians"],
        force: None,
        civ: &[("civilian", "civilians"), ("shopkeeper", "shopkeepers")],
        kinds: &[Kind::Bombing, Kind::Suicide],
        sf_share: 0.0,
        harmless: false,
        only_province: None,
    },
    TargetKind {
        phrases: &["a mosque", "a local mosque", "a seminary"],
        targets: &["religious", "civilians"],
        force: None,
        civ: &[("worshipper", "worshippers")],
        kinds: &[Kind::Suicide, Kind::Bombing],
        sf_share: 0.0,
        harmless: false,
        only_province: None,
    },
    TargetKind {
        phrases: &[
            "a gas pipeline",
            "a railway track",
            "an electricity pylon",
            "a mobile phone tower",
        ],
        targets: &["infrastructure"],
        force: None,
        civ: CIVILIANS,
        kinds: &[Kind::Bombing],
        sf_share: 0.0,
        harmless: true,
        only_province: None,
    },
];

/// The one person killed in a targeted killing.
#[derive(Debug, Clone)]
pub struct Victim {
    /// "Maulana Abdul Rehman Shah, a prayer leader at a local mosque"
    pub full: String,
    /// "a prayer leader" (for background mentions)
    pub short: String,
    pub security: bool,
    pub target: &'static str,
}

/// Who was abducted.
#[derive(Debug, Clone)]
pub struct Abductees {
    pub phrase_sing: &'static str,
    pub phrase_plural: &'static str,
    pub count: u32,
    pub target: &'static str,
}

/// Casualties of one version of events (initial or final).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Toll {
    pub sf: u32,
    pub civ: u32,
}

impl Toll {
    pub fn total(&self) -> u32 {
        self.sf + self.civ
    }
}

/// An incident as it happened.
#[derive(Debug, Clone)]
pub struct Truth {
    pub day: Day,
    pub place: usize,
    pub kind: Kind,
    pub target_kind: usize,
    pub facility: &'static str,
    pub group: Option<usize>,
    pub claimed: bool,
    pub force: Force,
    pub civ_noun: (&'static str, &'static str),
    pub sf_noun: (&'static str, &'static str),
    /// First figures, later revised upwards to `killed`.
    pub initial: Toll,
    pub killed: Toll,
    pub militants: u32,
    pub injured: Toll,
    pub victim: Option<Victim>,
    pub abductees: Option<Abductees>,
    /// Someone other than the victim was hurt (targeted killings).
    pub bystander_hurt: bool,
}

fn name(rng: &mut Rng) -> String {
    format!(
        "{} {}",
        rng.pick(&crate::data::FIRST_NAMES),
        rng.pick(&crate::data::LAST_NAMES)
    )
}

/// Groups plausible in a province, with weights.
pub fn group_for(place: &Place, rng: &mut Rng) -> usize {
    match place.province.as_str() {
        "Balochistan" => {
            let w = if place.district == "Zhob" || place.district == "Quetta" {
                [0.4, 0.0, 0.15, 0.3, 0.15]
            } else {
                [0.1, 0.0, 0.1, 0.5, 0.3]
            };
            rng.weighted(&w)
        }
        "Sindh" => rng.weighted(&[0.4, 0.0, 0.1, 0.5, 0.0]),
        "Khyber Pakhtunkhwa" => {
            let hgb = matches!(
                place.district.as_str(),
                "North Waziristan" | "Bannu" | "Lakki Marwat"
            );
            let iskp = matches!(place.district.as_str(), "Bajaur" | "Peshawar" | "Khyber");
            rng.weighted(&[
                0.75,
                if hgb { 0.25 } else { 0.0 },
                if iskp { 0.2 } else { 0.02 },
                0.0,
                0.0,
            ])
        }
        _ => TTP,
    }
}

const _: () = assert!(TTP == 0 && HGB == 1 && ISKP == 2 && BLA == 3 && BLF == 4);

/// A random count skewed towards small numbers, at most `max`.
pub fn small(rng: &mut Rng, max: u32) -> u32 {
    static CUMULATIVE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    let cum = CUMULATIVE.get_or_init(|| {
        let mut acc = 0.0;
        (1..=200)
            .map(|i| {
                acc += 1.0 / (i as f64).powf(1.3);
                acc
            })
            .collect()
    });
    let max = max.clamp(1, cum.len() as u32) as usize;
    let x = rng.unit() * cum[max - 1];
    cum[..max].partition_point(|c| *c <= x) as u32 + 1
}

/// Draws a new incident at `place` on `day`; `exclude_district` keeps it
/// out of one district (for "in a separate incident").
pub fn draw(rng: &mut Rng, places: &[Place], day: Day, exclude_district: Option<&str>) -> Truth {
    let place = loop {
        let p = rng.below(places.len());
        if Some(places[p].district.as_str()) != exclude_district {
            break p;
        }
    };
    let pl = &places[place];
    let kind = match rng.weighted(&[0.25, 0.2, 0.1, 0.12, 0.06, 0.27]) {
        0 => Kind::Armed,
        1 => Kind::Bombing,
        2 => Kind::Suicide,
        3 => Kind::Targeted,
        4 => Kind::Kidnap,
        _ => Kind::Operation,
    };
    let mut t = Truth {
        day,
        place,
        kind,
        target_kind: 0,
        facility: "",
        group: None,
        claimed: false,
        force: Force::Police,
        civ_noun: ("civilian", "civilians"),
        sf_noun: ("policeman", "policemen"),
        initial: Toll::default(),
        killed: Toll::default(),
        militants: 0,
        injured: Toll::default(),
        victim: None,
        abductees: None,
        bystander_hurt: false,
    };
    // About half the incidents name a group; operations more often (khawarij).
    let named = match kind {
        Kind::Operation => rng.chance(0.6),
        Kind::Targeted | Kind::Kidnap => rng.chance(0.3),
        _ => rng.chance(0.5),
    };
    if named {
        t.group = Some(group_for(pl, rng));
        t.claimed = kind != Kind::Operation && rng.chance(0.6);
    }
    match kind {
        Kind::Armed | Kind::Bombing | Kind::Suicide => {
            let tk = loop {
                let i = rng.below(TARGET_KINDS.len());
                let k = &TARGET_KINDS[i];
                if k.kinds.contains(&kind) && k.only_province.is_none_or(|p| p == pl.province) {
                    break i;
                }
            };
            let k = &TARGET_KINDS[tk];
            t.target_kind = tk;
            t.facility = rng.one(k.phrases);
            t.force = k.force.unwrap_or(Force::Police);
            t.sf_noun = rng.one(t.force.nouns());
            t.civ_noun = rng.one(k.civ);
            if !k.harmless {
                let max = match kind {
                    Kind::Suicide => 40,
                    Kind::Bombing => 15,
                    _ => 12,
                };
                let n = small(rng, max);
                let sf = if k.force.is_none() {
                    0
                } else {
                    (0..n).filter(|_| rng.chance(k.sf_share)).count() as u32
                };
                t.killed = Toll { sf, civ: n - sf };
                // An early figure a little lower.
                t.initial = t.killed;
                if n >= 2 && rng.chance(0.35) {
                    let drop = rng.range(1, (n / 3).max(1));
                    if t.initial.civ >= drop {
                        t.initial.civ -= drop;
                    } else {
                        t.initial.sf = t.initial.sf.saturating_sub(drop - t.initial.civ);
                        t.initial.civ = 0;
                    }
                    if t.initial.total() == 0 {
                        t.initial = t.killed;
                    }
                }
                if rng.chance(0.75) {
                    let m = small(rng, (n * 3).clamp(3, 60));
                    let isf = if k.force.is_none() {
                        0
                    } else {
                        (0..m).filter(|_| rng.chance(k.sf_share)).count() as u32
                    };
                    t.injured = Toll {
                        sf: isf,
                        civ: m - isf,
                    };
                }
                if kind == Kind::Armed && rng.chance(0.4) {
                    t.militants = small(rng, 8);
                }
            }
        }
        Kind::Targeted => {
            let n = name(rng);
            let (full, short, security, target) = match rng.below(7) {
                0 => (
                    format!("Assistant Sub-Inspector {n}"),
                    "a police officer",
                    true,
                    "police",
                ),
                1 => (
                    format!("Sub-Inspector {n}, a station house officer"),
                    "a police officer",
                    true,
                    "police",
                ),
                2 => (
                    format!("Maulana {n}, a prayer leader at a local mosque"),
                    "a prayer leader",
                    false,
                    "religious",
                ),
                3 => (
                    format!("{n}, an official of the district administration"),
                    "a government official",
                    false,
                    "government",
                ),
                4 => (
                    format!("Dr {n}, who headed a local health facility"),
                    "a doctor",
                    false,
                    "health_workers",
                ),
                5 => (
                    format!("{n}, a schoolteacher"),
                    "a schoolteacher",
                    false,
                    "education",
                ),
                _ => (
                    format!("tribal elder {n}"),
                    "a tribal elder",
                    false,
                    "civilians",
                ),
            };
            t.killed = if security {
                Toll { sf: 1, civ: 0 }
            } else {
                Toll { sf: 0, civ: 1 }
            };
            t.initial = t.killed;
            t.bystander_hurt = rng.chance(0.3);
            t.victim = Some(Victim {
                full,
                short: short.to_string(),
                security,
                target,
            });
        }
        Kind::Kidnap => {
            let (s, p, target, max) = rng.one(&[
                (
                    "a government official",
                    "government officials",
                    "government",
                    3,
                ),
                (
                    "a labourer working on a road project",
                    "labourers working on a road project",
                    "civilians",
                    12,
                ),
                ("a polio worker", "polio workers", "health_workers", 4),
                ("a civil judge", "civil judges", "government", 1),
                ("a passenger", "passengers", "civilians", 15),
                (
                    "an employee of a telecom company",
                    "employees of a telecom company",
                    "civilians",
                    6,
                ),
                ("a policeman", "policemen", "police", 4),
            ]);
            t.abductees = Some(Abductees {
                phrase_sing: s,
                phrase_plural: p,
                count: small(rng, max),
                target,
            });
        }
        Kind::Operation => {
            t.militants = small(rng, 30);
            t.force = Force::Soldiers;
            t.sf_noun = ("soldier", "soldiers");
            if rng.chance(0.3) {
                t.killed.sf = small(rng, 6);
            }
            t.initial = t.killed;
        }
    }
    if kind == Kind::Operation {
        // Groups an operation is said to target.
        if let Some(g) = t.group {
            if g == ISKP || g == BLF {
                t.group = Some(if pl.province == "Balochistan" {
                    BLA
                } else {
                    TTP
                });
            }
        }
    }
    let _ = GROUPS.len();
    t
}
