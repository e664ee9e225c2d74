//! Writing one outlet's report of an incident, and recording in the gold
//! incident exactly the figures that report states.

use crate::data::{
    Outlet, Place, Style, ATTACKERS, BOILERPLATE, FILLER_ARMED, FILLER_ATTACK, FILLER_BOMB,
    FILLER_CONTEXT, FILLER_GENERAL, FILLER_OPERATION, FILLER_SUICIDE, FIRST_NAMES, GROUPS,
    HOSPITALS, LAST_NAMES,
};
use crate::date::Day;
use crate::gold::{GoldAcc, CIV, MIL, SF, TOTAL};
use crate::rng::Rng;
use crate::scenario::{Kind, Truth, TARGET_KINDS};
use crate::text::{capitalize, counted, fill, join_and, lower_first, num, word_count, NumStyle};

/// What a report needs to know about where and how it is written.
pub struct Ctx<'a> {
    pub rng: &'a mut Rng,
    pub places: &'a [Place],
    pub outlet: &'static Outlet,
    pub published: Day,
    pub style: NumStyle,
}

/// The incident part of an article: a headline, a lead and more sentences.
pub struct Body {
    pub headline: String,
    pub lead: String,
    pub rest: Vec<String>,
}

/// Words that start a lead and must keep their capital.
pub const PROPER: &[&str] = &[
    "Assistant",
    "Sub-Inspector",
    "Maulana",
    "Dr",
    "Sepoy",
    "Fitna",
    "Daesh",
    "Frontier",
    "FC",
    "Levies",
    "TTP",
    "BLA",
    "BLF",
    "ISKP",
    "ISPR",
];

fn proper_words() -> Vec<&'static str> {
    PROPER
        .iter()
        .chain(FIRST_NAMES.iter())
        .chain(LAST_NAMES.iter())
        .copied()
        .collect()
}

/// "in Mir Ali, North Waziristan district", "in Karachi's Orangi Town area"...
pub fn where_phrase(pl: &Place, rng: &mut Rng) -> String {
    let (p, d, prov) = (&pl.name, &pl.district, &pl.province);
    let prov_adj = match prov.as_str() {
        "Khyber Pakhtunkhwa" => "the northwestern Khyber Pakhtunkhwa province",
        "Balochistan" => "the southwestern Balochistan province",
        "Sindh" => "the southern Sindh province",
        "Punjab" => "Punjab province",
        _ => "the federal capital",
    };
    match pl.kind.as_str() {
        "city" => match rng.below(6) {
            0 => format!("in {p}"),
            1 | 2 => format!("in {p} district"),
            3 => format!("in {prov}'s {p} district"),
            4 => format!("in the {p} district of {prov_adj}"),
            _ => format!("in {p} city"),
        },
        "locality" => match rng.below(4) {
            0 => format!("in {d}'s {p} area"),
            1 => format!("in the {p} area of {d}"),
            2 => format!("in {p}, {d}"),
            _ => format!("in the {p} locality of {d}"),
        },
        _ => match rng.below(9) {
            0 | 1 => format!("in {p}, {d} district"),
            2 | 3 => format!("in the {p} area of {d}"),
            4 => format!("in {d} district's {p} area"),
            5 => format!("in {p} in {d}"),
            6 => format!("in the {p} area of {d} district in {prov_adj}"),
            7 => format!("in {p}, a town in {d} district"),
            _ => format!("in {p}"),
        },
    }
}

/// "on Tuesday", "late on Monday", "in the early hours of Friday", "on March 3".
pub fn when_phrase(day: Day, published: Day, rng: &mut Rng) -> String {
    let k = published.0 - day.0;
    let wd = day.weekday_name();
    let (y, _, d) = day.ymd();
    let month = day.month_name();
    let year = if published.ymd().0 != y {
        format!(", {y}")
    } else {
        String::new()
    };
    let explicit = if rng.chance(0.5) {
        format!("on {month} {d}{year}")
    } else {
        format!("on {d} {month}{}", year.replace(',', ""))
    };
    let mut opts: Vec<String> = vec![format!("on {wd}"), format!("on {wd}"), explicit];
    match k {
        0 => {
            opts.push(format!("early on {wd}"));
            opts.push(format!("in the early hours of {wd}"));
            opts.push(format!("on {wd} morning"));
        }
        1 => {
            opts.push(format!("late on {wd}"));
            opts.push(format!("on {wd} night"));
            opts.push(format!("in the early hours of {wd}"));
            opts.push("last night".to_string());
        }
        2..=6 => {
            opts.push(format!("late on {wd}"));
            opts.push(format!("on {wd} evening"));
        }
        _ => {
            opts.clear();
            opts.push(format!("on {month} {d}, {y}"));
        }
    }
    rng.pick(&opts).clone()
}

/// The dateline city for a place.
pub fn dateline_city(pl: &Place) -> String {
    if pl.kind == "city" {
        return pl.district.to_uppercase();
    }
    match pl.province.as_str() {
        "Khyber Pakhtunkhwa" => {
            if pl.district == "Peshawar"
                || pl.district.contains("Waziristan")
                || pl.district == "Khyber"
            {
                "PESHAWAR".into()
            } else {
                pl.district.to_uppercase()
            }
        }
        "Balochistan" => "QUETTA".into(),
        "Sindh" => "KARACHI".into(),
        "Punjab" => "LAHORE".into(),
        _ => "ISLAMABAD".into(),
    }
}

fn src_attack(rng: &mut Rng) -> String {
    match rng.below(8) {
        0 | 1 => "police".into(),
        2 => "officials".into(),
        3 => "a police official".into(),
        4 => "rescue officials".into(),
        5 => format!(
            "district police officer {} {}",
            rng.pick(&FIRST_NAMES),
            rng.pick(&LAST_NAMES)
        ),
        6 => "local officials".into(),
        _ => "security sources".into(),
    }
}

fn src_operation(rng: &mut Rng) -> &'static str {
    rng.one(&[
        "the ISPR",
        "the military's media wing",
        "the Inter-Services Public Relations (ISPR)",
        "security officials",
        "the army",
    ])
}

const ATTACK_LEADS: [&str; 10] = [
    "{K} {WERE} {KILLED}{INJ_WHILE} when {CLAUSE} {WHERE} {WHEN}, {SRC} said.",
    "{K} {WERE} {KILLED} {WHEN} in {NP} {WHERE}{INJ_WHILE}, {SRC} said.",
    "{NP} {WHERE} {WHEN} left {K} dead{INJ_AND}, {SRC} said.",
    "{NP} {WHERE} {WHEN} killed {K}{INJ_AND2}, according to {SRC}.",
    "{SRC} said {K} {WERE} {KILLED} after {CLAUSE} {WHERE} {WHEN}{INJ_WHILE}.",
    "{WHEN}, {CLAUSE} {WHERE}, killing {K}{INJ_ING}.",
    "{CLAUSE} {WHERE} {WHEN}, killing {K}{INJ_ING}, {SRC} said.",
    "In {NP} {WHERE} {WHEN}, {K} {WERE} {KILLED}{INJ_WHILE}, {SRC} said.",
    "{K} {WERE} {KILLED} {WHEN} as {CLAUSE} {WHERE}{INJ_WHILE}.",
    "{K} {LOST} {WHEN} when {CLAUSE} {WHERE}{INJ_WHILE}, {SRC} said.",
];

const HARMLESS_LEADS: [&str; 4] = [
    "{CLAUSE} {WHERE} {WHEN}, {SRC} said, adding that no one was hurt.",
    "{NP} {WHERE} {WHEN} caused damage but no casualties were reported, {SRC} said.",
    "{WHEN}, {CLAUSE} {WHERE}; no casualties were reported.",
    "No one was hurt when {CLAUSE} {WHERE} {WHEN}, according to {SRC}.",
];

const TARGETED_LEADS: [&str; 8] = [
    "Unidentified gunmen shot dead {V} {WHERE} {WHEN}, {SRC} said.",
    "{VS} was shot dead by unknown assailants {WHERE} {WHEN}.",
    "{VS} was killed {WHEN} when motorcycle-riding gunmen opened fire on him {WHERE}.",
    "Gunmen on a motorcycle killed {V} near his home {WHERE} {WHEN}, {SRC} said.",
    "{VS} was gunned down {WHERE} {WHEN} in what police described as a targeted attack.",
    "{SRC} said {VS} was shot dead {WHEN} {WHERE} while he was on his way home.",
    "{WHEN}, assailants opened fire on {V} {WHERE}, killing him on the spot.",
    "In a targeted attack {WHERE} {WHEN}, {VS} was killed by unidentified gunmen.",
];

const KIDNAP_LEADS: [&str; 8] = [
    "{ATK} abducted {KV} {WHERE} {WHEN}, {SRC} said.",
    "{KV} {WERE} kidnapped by armed men {WHERE} {WHEN}.",
    "{KV} {WERE} abducted at gunpoint {WHERE} {WHEN}, according to {SRC}.",
    "{WHEN}, gunmen intercepted a vehicle {WHERE} and took away {KV}.",
    "{SRC} said {KV} {WERE} taken hostage {WHERE} {WHEN}.",
    "Unidentified armed men kidnapped {KV} {WHERE} {WHEN} and took {OBJ} to an unknown location.",
    "Armed men set up a roadblock {WHERE} {WHEN} and abducted {KV}, {SRC} said.",
    "In a kidnapping {WHERE} {WHEN}, {KV} {WERE} taken away by gunmen.",
];

const OPERATION_LEADS: [&str; 9] = [
    "Security forces killed {MK} during an intelligence-based operation {WHERE} {WHEN}, {SRC} said.",
    "{MK} {MWERE} killed in an intelligence-based operation (IBO) {WHERE} {WHEN}, according to {SRC}.",
    "{WHEN}, security forces conducted an operation {WHERE} on the reported presence of militants, killing {MK}.",
    "Troops killed {MK} in an exchange of fire {WHERE} {WHEN}, {SRC} said.",
    "{SRC} said security forces had killed {MK} in a raid {WHERE} {WHEN}.",
    "{MK} {MWERE} killed when security forces raided a hideout {WHERE} {WHEN}.",
    "In an intelligence-based operation {WHERE} {WHEN}, security forces sent {MK} to hell, {SRC} said.",
    "A clash between security forces and militants {WHERE} {WHEN} left {MK} dead, {SRC} said.",
    "Security forces foiled an attempt by militants to attack a checkpost {WHERE} {WHEN}, killing {MK}, {SRC} said.",
];

fn clause_np(kind: Kind, facility: &str, rng: &mut Rng) -> (String, String) {
    let atk = rng.one(&ATTACKERS);
    let clause = match kind {
        Kind::Armed => match rng.below(4) {
            0 => format!("{atk} attacked {facility}"),
            1 => format!("{atk} stormed {facility}"),
            2 => format!("{atk} opened fire on {facility}"),
            _ => format!("{atk} ambushed {facility}"),
        },
        Kind::Bombing => match rng.below(5) {
            0 => format!("a roadside bomb struck {facility}"),
            1 => format!("an improvised explosive device (IED) went off near {facility}"),
            2 => format!("a remote-controlled bomb exploded near {facility}"),
            3 => format!("a bomb planted on a motorcycle went off near {facility}"),
            _ => format!("an explosive device hit {facility}"),
        },
        _ => match rng.below(3) {
            0 => format!("a suicide bomber blew himself up near {facility}"),
            1 => format!("a suicide bomber rammed an explosives-laden vehicle into {facility}"),
            _ => format!("a suicide attacker detonated his explosives vest at {facility}"),
        },
    };
    let np = match kind {
        Kind::Armed => match rng.below(3) {
            0 => format!("an attack on {facility}"),
            1 => format!("a gun attack on {facility}"),
            _ => format!("an assault on {facility}"),
        },
        Kind::Bombing => match rng.below(4) {
            0 => format!("a roadside bomb attack on {facility}"),
            1 => format!("an IED blast targeting {facility}"),
            2 => format!("a remote-controlled explosion near {facility}"),
            _ => format!("a bomb blast near {facility}"),
        },
        _ => match rng.below(3) {
            0 => format!("a suicide attack on {facility}"),
            1 => format!("a suicide bombing targeting {facility}"),
            _ => format!("a suicide blast at {facility}"),
        },
    };
    (clause, np)
}

fn harmless_clause_np(facility: &str, rng: &mut Rng) -> (String, String) {
    let clause = match rng.below(3) {
        0 => format!("militants blew up {facility} with explosives"),
        1 => format!("a bomb planted by unidentified men damaged {facility}"),
        _ => format!("an explosion damaged {facility}"),
    };
    let np = match rng.below(2) {
        0 => format!("a bomb attack on {facility}"),
        _ => format!("an explosion at {facility}"),
    };
    (clause, np)
}

/// The group sentence of a report: a claim, a blame, or nothing.
fn group_sentence(c: &mut Ctx, t: &Truth, acc: &mut GoldAcc, what: &str) -> Option<String> {
    let rng = &mut *c.rng;
    let Some(g) = t.group else {
        return rng
            .chance(0.35)
            .then(|| format!("No group immediately claimed responsibility for the {what}."));
    };
    let alias = rng.one(GROUPS[g].aliases);
    let r = rng.unit();
    if t.claimed && r < 0.55 {
        acc.group = Some(GROUPS[g].canonical);
        acc.claimed = true;
        let s = match rng.below(4) {
            0 => format!("{alias} claimed responsibility for the {what}."),
            1 => format!(
                "{alias} said it carried out the {what}, in a statement sent to journalists."
            ),
            2 => format!("In a statement, a spokesman for {alias} claimed responsibility."),
            _ => format!("Responsibility for the {what} was claimed by {alias}."),
        };
        Some(capitalize(&s))
    } else if r < 0.8 {
        acc.group = Some(GROUPS[g].canonical);
        let s = match rng.below(4) {
            0 => format!("Officials blamed {alias} for the {what}."),
            1 => format!("Police suspected {alias} of being behind the {what}."),
            2 => format!("Security officials attributed the {what} to {alias}."),
            _ => format!(
                "A senior police officer said militants of {alias} were involved in the {what}."
            ),
        };
        Some(s)
    } else {
        None
    }
}

/// Injured wording chosen by an attack report.
struct Injured {
    inline_while: String,
    inline_ing: String,
    inline_and: String,
    inline_and2: String,
    sentence: Option<String>,
}

fn injured_part(
    c: &mut Ctx,
    t: &Truth,
    acc: &mut GoldAcc,
    early: bool,
    civ_stated: &mut bool,
) -> Injured {
    let mut out = Injured {
        inline_while: String::new(),
        inline_ing: String::new(),
        inline_and: String::new(),
        inline_and2: String::new(),
        sentence: None,
    };
    let mut inj = t.injured;
    if inj.total() == 0 || !c.rng.chance(0.8) {
        return out;
    }
    if early && inj.total() >= 3 && c.rng.chance(0.3) {
        if inj.civ > 0 {
            inj.civ -= 1;
        } else {
            inj.sf -= 1;
        }
    }
    let n = inj.total();
    let style = c.style;
    let rng = &mut *c.rng;
    let form = if inj.sf > 0 && inj.civ > 0 {
        rng.below(3)
    } else {
        rng.below(2) * 2
    };
    match form {
        // A total.
        0 => {
            let open = n >= 10 && rng.chance(0.15);
            let (phrase, lo, hi) = if open {
                let m = n - 1 - rng.below(3) as u32;
                (format!("more than {}", num(m, style, rng)), m + 1, None)
            } else {
                let q = if rng.chance(0.2) { "at least " } else { "" };
                (format!("{q}{}", num(n, style, rng)), n, Some(n))
            };
            acc.injured[TOTAL].add(lo, hi);
            let others = if n == 1 && !open {
                "another person"
            } else {
                "others"
            };
            let phr = if others == "others" {
                format!("{phrase} others")
            } else {
                others.to_string()
            };
            let were = if n == 1 && !open { "was" } else { "were" };
            if rng.chance(0.6) {
                out.inline_while = if rng.chance(0.5) {
                    format!(", while {phr} {were} injured")
                } else {
                    format!(" and {phr} {were} wounded")
                };
                out.inline_ing = format!(", injuring {phr}");
                out.inline_and = format!(" and {phr} injured");
                out.inline_and2 = format!(" and injured {phr}");
            } else {
                let h = rng.pick(&HOSPITALS);
                let ppl = if n == 1 && !open {
                    "one person".to_string()
                } else {
                    format!("{phrase} people")
                };
                out.sentence = Some(capitalize(&match rng.below(3) {
                    0 => format!("{ppl} {were} injured in the attack."),
                    1 => format!("{ppl} sustained injuries and {were} shifted to {h}."),
                    _ => format!(
                        "Another {phrase} {} {were} wounded, officials said.",
                        if n == 1 && !open { "person" } else { "people" }
                    ),
                }));
            }
        }
        // A total including one category.
        1 => {
            let (cat, m, noun) = if rng.chance(0.6) {
                (SF, inj.sf, t.sf_noun)
            } else {
                (CIV, inj.civ, t.civ_noun)
            };
            acc.injured[TOTAL].exact(n);
            acc.injured[cat].exact(m);
            if cat == CIV {
                *civ_stated = true;
            }
            let part = counted(m, noun.0, noun.1, style, rng);
            out.sentence = Some(capitalize(&format!(
                "{} people, including {part}, were injured.",
                num(n, style, rng)
            )));
        }
        // By category.
        _ => {
            let mut parts = Vec::new();
            if inj.sf > 0 {
                acc.injured[SF].exact(inj.sf);
                parts.push(counted(inj.sf, t.sf_noun.0, t.sf_noun.1, style, rng));
            }
            if inj.civ > 0 {
                acc.injured[CIV].exact(inj.civ);
                *civ_stated = true;
                parts.push(counted(inj.civ, t.civ_noun.0, t.civ_noun.1, style, rng));
            }
            acc.injured[TOTAL].exact(n);
            let were = if n == 1 { "was" } else { "were" };
            out.sentence = Some(capitalize(&format!(
                "{} {were} also injured.",
                join_and(&parts)
            )));
        }
    }
    out
}

/// One report's account of an attack (armed assault, bombing, suicide bombing).
fn attack(c: &mut Ctx, t: &Truth, acc: &mut GoldAcc, brief: bool) -> Body {
    let tk = &TARGET_KINDS[t.target_kind];
    let pl = &c.places[t.place];
    let wh = where_phrase(pl, c.rng);
    let wn = when_phrase(t.day, c.published, c.rng);
    let src = src_attack(c.rng);
    for tg in tk.targets {
        acc.target(tg);
    }
    if tk.harmless {
        let (clause, np) = harmless_clause_np(t.facility, c.rng);
        acc.killed[TOTAL].exact(0);
        acc.injured[TOTAL].exact(0);
        let tpl = c.rng.one(&HARMLESS_LEADS);
        let lead = fill(
            tpl,
            &[
                ("CLAUSE", &clause),
                ("NP", &np),
                ("WHERE", &wh),
                ("WHEN", &wn),
                ("SRC", &src),
            ],
        );
        let mut rest = Vec::new();
        if !brief {
            if let Some(s) = group_sentence(c, t, acc, "attack") {
                rest.push(s);
            }
        }
        let headline = format!(
            "Blast damages {} in {}",
            t.facility
                .trim_start_matches("a ")
                .trim_start_matches("an "),
            pl.name
        );
        return Body {
            headline,
            lead,
            rest,
        };
    }
    let style = c.style;
    let early = c.published == t.day;
    let use_initial = t.initial != t.killed && c.rng.chance(if early { 0.6 } else { 0.2 });
    let mut toll = if use_initial { t.initial } else { t.killed };
    if !use_initial && c.rng.chance(0.1) {
        if toll.civ > 0 && c.rng.chance(0.5) {
            toll.civ += 1;
        } else if toll.sf > 0 {
            toll.sf += 1;
        }
    }
    let n = toll.total();
    let mut civ_stated = false;
    let rng = &mut *c.rng;
    // 0 total, 1 by category, 2 total including one category
    let form = if n == 1 {
        1
    } else if toll.sf > 0 && toll.civ > 0 {
        rng.weighted(&[0.4, 0.4, 0.2])
    } else {
        rng.weighted(&[0.5, 0.5])
    };
    let qual = if n >= 2 && rng.chance(0.3) {
        "at least "
    } else {
        ""
    };
    let mut open = false;
    let (phrase, v_lo, v_hi) = match form {
        0 => {
            if n >= 10 && rng.chance(0.12) {
                open = true;
                let m = n - 1 - rng.below(3) as u32;
                let over = if rng.chance(0.7) { "more than" } else { "over" };
                (format!("{over} {} people", num(m, style, rng)), m + 1, None)
            } else {
                (format!("{qual}{} people", num(n, style, rng)), n, Some(n))
            }
        }
        1 => {
            let mut parts = Vec::new();
            if toll.sf > 0 {
                acc.killed[SF].exact(toll.sf);
                parts.push(counted(toll.sf, t.sf_noun.0, t.sf_noun.1, style, rng));
            }
            if toll.civ > 0 {
                acc.killed[CIV].exact(toll.civ);
                civ_stated = true;
                parts.push(counted(toll.civ, t.civ_noun.0, t.civ_noun.1, style, rng));
            }
            if rng.chance(0.3) {
                parts.reverse();
            }
            (format!("{qual}{}", join_and(&parts)), n, Some(n))
        }
        _ => {
            let (cat, m, noun) = if rng.chance(0.6) {
                (SF, toll.sf, t.sf_noun)
            } else {
                (CIV, toll.civ, t.civ_noun)
            };
            acc.killed[cat].exact(m);
            if cat == CIV {
                civ_stated = true;
            }
            let part = counted(m, noun.0, noun.1, style, rng);
            (
                format!("{qual}{} people, including {part},", num(n, style, rng)),
                n,
                Some(n),
            )
        }
    };
    let singular = n == 1 && !open;
    let militants = if t.militants > 0 && rng.chance(0.6) {
        t.militants
    } else {
        0
    };
    let bomber = u32::from(t.kind == Kind::Suicide);
    acc.killed[TOTAL].add(v_lo, v_hi.map(|h| h + militants + bomber));
    if militants > 0 {
        acc.killed[MIL].exact(militants);
    }
    let killed_word =
        if toll.civ == 0 && form != 0 && c.outlet.style == Style::Local && rng.chance(0.6) {
            "martyred"
        } else {
            "killed"
        };
    let inj = injured_part(c, t, acc, early, &mut civ_stated);
    let rng = &mut *c.rng;
    let (clause, np) = clause_np(t.kind, t.facility, rng);
    let mut tpl = rng.one(&ATTACK_LEADS);
    if form == 2 && (tpl.contains("{K} {LOST}") || tpl.contains("left {K} dead")) {
        tpl = ATTACK_LEADS[0];
    }
    let were = if singular { "was" } else { "were" };
    let lost = if singular {
        "lost his life"
    } else {
        "lost their lives"
    };
    let lead = fill(
        tpl,
        &[
            ("K", &phrase),
            ("WERE", were),
            ("KILLED", killed_word),
            ("LOST", lost),
            ("CLAUSE", &clause),
            ("NP", &np),
            ("WHERE", &wh),
            ("WHEN", &wn),
            ("SRC", &src),
            ("INJ_WHILE", &inj.inline_while),
            ("INJ_ING", &inj.inline_ing),
            ("INJ_AND", &inj.inline_and),
            ("INJ_AND2", &inj.inline_and2),
        ],
    )
    .replace(",,", ",")
    .replace(", ,", ",")
    .replace(",.", ".");
    let mut rest = Vec::new();
    if form == 0 && !open && !brief && rng.chance(0.35) {
        let mut parts = Vec::new();
        if toll.sf > 0 {
            acc.killed[SF].exact(toll.sf);
            parts.push(counted(toll.sf, t.sf_noun.0, t.sf_noun.1, style, rng));
        }
        if toll.civ > 0 {
            acc.killed[CIV].exact(toll.civ);
            civ_stated = true;
            parts.push(counted(toll.civ, t.civ_noun.0, t.civ_noun.1, style, rng));
        }
        rest.push(format!("The dead included {}.", join_and(&parts)));
    }
    if form != 0 && toll.sf > 0 && toll.sf <= 4 && !brief && rng.chance(0.35) {
        let rank: &[&str] = match t.force {
            crate::scenario::Force::Police => {
                &["Constable", "Head Constable", "Assistant Sub-Inspector"]
            }
            crate::scenario::Force::Soldiers => &["Sepoy", "Naik", "Lance Naik"],
            _ => &["Sepoy", "Naik", "Havaldar"],
        };
        let names: Vec<String> = (0..toll.sf)
            .map(|_| {
                format!(
                    "{} {} {}",
                    rng.pick(rank),
                    rng.pick(&FIRST_NAMES),
                    rng.pick(&LAST_NAMES)
                )
            })
            .collect();
        let who = if toll.sf == 1 {
            "The slain official was identified as"
        } else {
            "The slain personnel were identified as"
        };
        rest.push(format!("{who} {}.", join_and(&names)));
    }
    if let Some(s) = inj.sentence {
        rest.push(s);
    }
    if militants > 0 {
        let m = counted(militants, "attacker", "attackers", style, rng);
        let mt = counted(militants, "terrorist", "terrorists", style, rng);
        let s = match rng.below(3) {
            0 => format!(
                "{} also killed in retaliatory fire.",
                if militants == 1 {
                    format!("{m} was")
                } else {
                    format!("{m} were")
                }
            ),
            1 => format!(
                "Police said {} of the assailants {} killed when personnel returned fire.",
                num(militants, style, rng),
                if militants == 1 { "was" } else { "were" }
            ),
            _ => format!("Security personnel responded swiftly, killing {mt}, officials said."),
        };
        rest.push(capitalize(&s));
    }
    if use_initial && t.killed.total() > toll.total() && !brief && rng.chance(0.6) {
        let f = t.killed.total();
        acc.killed[TOTAL].add(f, Some(f + militants + bomber));
        let s = match rng.below(3) {
            0 => format!(
                "The death toll later rose to {}, a hospital official said.",
                num(f, style, rng)
            ),
            1 => format!(
                "Officials later said the death toll had risen to {}.",
                num(f, style, rng)
            ),
            _ => format!(
                "The toll climbed to {} as more bodies were recovered from the debris.",
                num(f, style, rng)
            ),
        };
        rest.push(s);
    }
    if civ_stated {
        acc.target("civilians");
    }
    if !brief {
        if let Some(s) = group_sentence(c, t, acc, "attack") {
            rest.push(s);
        }
    }
    let rng = &mut *c.rng;
    let headline = if open || form == 2 || rng.chance(0.3) {
        match t.kind {
            Kind::Suicide => format!("Suicide attack rocks {}", pl.name),
            Kind::Bombing => format!(
                "Blast targets {} in {}",
                t.facility
                    .trim_start_matches("a ")
                    .trim_start_matches("an "),
                pl.name
            ),
            _ => format!(
                "Militants attack {} in {}",
                t.facility
                    .trim_start_matches("a ")
                    .trim_start_matches("an "),
                pl.name
            ),
        }
    } else if form == 1 && (toll.sf == 0 || toll.civ == 0) {
        let (s, p) = if toll.sf > 0 { t.sf_noun } else { t.civ_noun };
        let k = if toll.sf > 0 && killed_word == "martyred" {
            "martyred"
        } else {
            "killed"
        };
        capitalize(&format!(
            "{} {k} in {} attack",
            counted(n, s, p, NumStyle::Words, rng)
                .trim_start_matches("a ")
                .trim_start_matches("an "),
            pl.name
        ))
    } else {
        capitalize(&format!(
            "{} killed in {} attack",
            num(n, NumStyle::Words, rng),
            pl.name
        ))
    };
    Body {
        headline,
        lead,
        rest,
    }
}

fn targeted(c: &mut Ctx, t: &Truth, acc: &mut GoldAcc, brief: bool) -> Body {
    let v = t.victim.as_ref().expect("targeted killing has a victim");
    let pl = &c.places[t.place];
    let wh = where_phrase(pl, c.rng);
    let wn = when_phrase(t.day, c.published, c.rng);
    let src = src_attack(c.rng);
    let tpl = c.rng.one(&TARGETED_LEADS);
    // An appositive ("X, a schoolteacher") closes with a comma before the next phrase.
    let subject = if v.full.contains(", ") {
        format!("{},", v.full)
    } else {
        v.full.clone()
    };
    let lead = fill(
        tpl,
        &[
            ("V", &subject),
            ("VS", &subject),
            ("WHERE", &wh),
            ("WHEN", &wn),
            ("SRC", &src),
        ],
    );
    acc.killed[TOTAL].exact(1);
    acc.killed[if v.security { SF } else { CIV }].exact(1);
    acc.target(v.target);
    if !v.security {
        acc.target("civilians");
    }
    let mut rest = Vec::new();
    if t.bystander_hurt && c.rng.chance(0.7) {
        acc.injured[TOTAL].exact(1);
        acc.injured[CIV].exact(1);
        acc.target("civilians");
        rest.push("A passer-by was also injured in the firing.".to_string());
    }
    if !brief {
        rest.push(
            c.rng
                .pick(&[
                    "The body was shifted to hospital for autopsy.",
                    "Police registered a case against unknown persons and began an investigation.",
                    "The attackers fled the scene after the shooting.",
                ])
                .to_string(),
        );
        if let Some(s) = group_sentence(c, t, acc, "killing") {
            rest.push(s);
        }
    }
    let headline = capitalize(&format!(
        "{} shot dead in {}",
        v.short.trim_start_matches("a ").trim_start_matches("an "),
        pl.name
    ));
    Body {
        headline,
        lead,
        rest,
    }
}

fn kidnap(c: &mut Ctx, t: &Truth, acc: &mut GoldAcc, brief: bool) -> Body {
    let a = t.abductees.as_ref().expect("kidnapping has abductees");
    let pl = &c.places[t.place];
    let wh = where_phrase(pl, c.rng);
    let wn = when_phrase(t.day, c.published, c.rng);
    let src = src_attack(c.rng);
    let kv = if a.count == 1 {
        a.phrase_sing.to_string()
    } else {
        format!("{} {}", num(a.count, c.style, c.rng), a.phrase_plural)
    };
    let atk = capitalize(c.rng.one(&ATTACKERS));
    let tpl = c.rng.one(&KIDNAP_LEADS);
    let lead = fill(
        tpl,
        &[
            ("ATK", &atk),
            ("KV", &kv),
            ("WERE", if a.count == 1 { "was" } else { "were" }),
            ("OBJ", if a.count == 1 { "him" } else { "them" }),
            ("WHERE", &wh),
            ("WHEN", &wn),
            ("SRC", &src),
        ],
    );
    acc.target(a.target);
    let mut rest = Vec::new();
    if !brief {
        rest.push(
            c.rng
                .pick(&[
                    "Police launched a search operation to recover the abductees.",
                    "No ransom demand had been received so far, officials said.",
                    "Relatives of the abductees protested and blocked the main road.",
                ])
                .to_string(),
        );
        if let Some(s) = group_sentence(c, t, acc, "kidnapping") {
            rest.push(s);
        }
    }
    let headline = capitalize(&format!(
        "{} abducted in {}",
        kv.trim_start_matches("a ").trim_start_matches("an "),
        pl.name
    ));
    Body {
        headline,
        lead,
        rest,
    }
}

fn operation(c: &mut Ctx, t: &Truth, acc: &mut GoldAcc, _brief: bool) -> Body {
    let pl = &c.places[t.place];
    let wh = where_phrase(pl, c.rng);
    let wn = when_phrase(t.day, c.published, c.rng);
    let src = src_operation(c.rng).to_string();
    let style = c.style;
    let rng = &mut *c.rng;
    let mut m = t.militants;
    if m > 1 && rng.chance(0.15) {
        m -= 1;
    }
    let named = t.group.filter(|_| rng.chance(0.7));
    let generic: &[(&str, &str)] = if pl.province == "Balochistan" {
        &[("terrorist", "terrorists"), ("insurgent", "insurgents")]
    } else {
        &[("terrorist", "terrorists"), ("militant", "militants")]
    };
    let noun = match named {
        Some(g) => {
            acc.group = Some(GROUPS[g].canonical);
            rng.one(GROUPS[g].fighters)
        }
        None => rng.one(generic),
    };
    let q = if m >= 2 && rng.chance(0.2) {
        "at least "
    } else {
        ""
    };
    let mk = format!("{q}{}", counted(m, noun.0, noun.1, style, rng));
    acc.killed[MIL].exact(m);
    acc.target("militants");
    let tpl = rng.one(&OPERATION_LEADS);
    let lead = fill(
        tpl,
        &[
            ("MK", &mk),
            ("MWERE", if m == 1 { "was" } else { "were" }),
            ("WHERE", &wh),
            ("WHEN", &wn),
            ("SRC", &src),
        ],
    );
    let mut rest = Vec::new();
    let mut s_stated = 0;
    if t.killed.sf > 0 && rng.chance(0.8) {
        s_stated = t.killed.sf;
        acc.killed[SF].exact(s_stated);
        let s = if s_stated == 1 && rng.chance(0.5) {
            format!(
                "During the exchange of fire, Sepoy {} {}, 24, embraced martyrdom.",
                rng.pick(&FIRST_NAMES),
                rng.pick(&LAST_NAMES)
            )
        } else {
            let soldiers = counted(s_stated, "soldier", "soldiers", style, rng);
            match rng.below(3) {
                0 => format!("During the exchange of fire, {soldiers} embraced martyrdom."),
                1 => capitalize(&format!(
                    "{soldiers} {} martyred in the operation, the statement added.",
                    if s_stated == 1 { "was" } else { "were" }
                )),
                _ => capitalize(&format!(
                    "{soldiers} also lost their lives in the fighting."
                )),
            }
        };
        rest.push(s);
    }
    acc.killed[TOTAL].exact(m + s_stated);
    if named.is_none() {
        if let Some(g) = t.group {
            if rng.chance(0.3) {
                acc.group = Some(GROUPS[g].canonical);
                rest.push(format!(
                    "Officials said the militants belonged to {}.",
                    rng.pick(GROUPS[g].aliases)
                ));
            }
        }
    }
    let who = counted(m, noun.0, noun.1, NumStyle::Words, rng);
    let headline = capitalize(&format!(
        "{} killed in {} operation",
        who.trim_start_matches("a ").trim_start_matches("an "),
        pl.name
    ));
    Body {
        headline,
        lead,
        rest,
    }
}

/// One report's account of `t`; records what it states in `acc`. A `brief`
/// account (the second story of an article) has no optional extras.
pub fn body(c: &mut Ctx, t: &Truth, acc: &mut GoldAcc, brief: bool) -> Body {
    match t.kind {
        Kind::Armed | Kind::Bombing | Kind::Suicide => attack(c, t, acc, brief),
        Kind::Targeted => targeted(c, t, acc, brief),
        Kind::Kidnap => kidnap(c, t, acc, brief),
        Kind::Operation => operation(c, t, acc, brief),
    }
}

/// "In a separate incident, ..." paragraph.
pub fn separate(b: &Body) -> String {
    let proper = proper_words();
    let lead = lower_first(&b.lead, &proper);
    let opener = if lead.starts_with("in ") || lead.starts_with("on ") {
        "Separately, "
    } else {
        "In a separate incident, "
    };
    let mut s = format!("{opener}{lead}");
    for r in &b.rest {
        s.push(' ');
        s.push_str(r);
    }
    s
}

/// A way of referring to an older incident in one sentence.
#[derive(Debug, Clone)]
pub struct Mention {
    pub day: Day,
    /// 0 day, 1 month, 2 year.
    pub precision: u8,
    pub place: usize,
    /// "an attack on a police post"
    pub np: String,
    /// " that killed three people" (relative) and "killed three people" (predicate).
    pub fig_rel: String,
    pub fig_pred: String,
    /// Alias to cite as claimant, for fresh mentions that have one.
    pub claimant: Option<&'static str>,
}

fn mention_date(m: &Mention, published: Day, rng: &mut Rng) -> String {
    let (y, mo, d) = m.day.ymd();
    let (py, pm, _) = published.ymd();
    let month = m.day.month_name();
    match m.precision {
        0 => {
            if y == py {
                if rng.chance(0.5) {
                    format!("on {month} {d}")
                } else {
                    format!("on {d} {month}")
                }
            } else if rng.chance(0.5) {
                format!("on {month} {d}, {y}")
            } else {
                format!("on {d} {month} {y}")
            }
        }
        1 => {
            let prev = if pm == 1 { (py - 1, 12) } else { (py, pm - 1) };
            if (y, mo) == (py, pm) {
                "earlier this month".into()
            } else if (y, mo) == prev && rng.chance(0.5) {
                "last month".into()
            } else if y == py {
                format!("in {month}")
            } else {
                format!("in {month} {y}")
            }
        }
        _ => {
            if y == py - 1 {
                "last year".into()
            } else {
                format!("in {y}")
            }
        }
    }
}

/// A background sentence recalling `m`; `act` is what the article is about
/// ("attack", "operation", "statement").
pub fn mention_sentence(m: &Mention, act: &str, c: &mut Ctx, with_claim: bool) -> String {
    let pl = &c.places[m.place];
    let wh = where_phrase(pl, c.rng);
    let wn = mention_date(m, c.published, c.rng);
    let gap = c.published.0 - m.day.0;
    let ago = match gap {
        0..=13 => "days",
        14..=59 => "weeks",
        60..=700 => "months",
        _ => "years",
    };
    let pred = if m.fig_pred.is_empty() {
        "drew widespread condemnation"
    } else {
        &m.fig_pred
    };
    let tpl = c.rng.one(&[
        "The {ACT} came {AGO} after {NP} {WHERE} {WHEN}{REL}.",
        "It followed {NP} {WHERE} {WHEN}{REL}.",
        "Officials recalled {NP} {WHERE} {WHEN}{REL}.",
        "{WHEN}, {NP} {WHERE} {PRED}.",
        "The area has seen similar violence before: {NP} {WHERE} {WHEN} {PRED}.",
    ]);
    let mut s = fill(
        tpl,
        &[
            ("ACT", act),
            ("AGO", ago),
            ("NP", &m.np),
            ("WHERE", &wh),
            ("WHEN", &wn),
            ("REL", &m.fig_rel),
            ("PRED", pred),
        ],
    );
    if with_claim {
        if let Some(a) = m.claimant {
            s.push(' ');
            s.push_str(&capitalize(&format!(
                "{a} had claimed responsibility for that attack."
            )));
        }
    }
    s
}

/// Filler sentences to bring an article to about `target` words.
#[allow(clippy::too_many_arguments)]
pub fn filler(
    c: &mut Ctx,
    kind: Option<Kind>,
    harmless: bool,
    province: &str,
    district: &str,
    words: usize,
    target: usize,
) -> Vec<String> {
    let mut pool: Vec<&str> = Vec::new();
    let hurtful = [
        "bodies",
        "injured",
        "victims",
        "Funeral",
        "loss of lives",
        "departed",
    ];
    match kind {
        Some(Kind::Operation) => pool.extend(FILLER_OPERATION.iter()),
        Some(k) => {
            pool.extend(FILLER_ATTACK.iter().filter(|s| {
                !(harmless || k == Kind::Kidnap) || !hurtful.iter().any(|w| s.contains(w))
            }));
            match k {
                Kind::Armed => pool.extend(FILLER_ARMED.iter()),
                Kind::Bombing if !harmless => pool.extend(FILLER_BOMB.iter()),
                Kind::Suicide => pool.extend(FILLER_SUICIDE.iter()),
                _ => {}
            }
        }
        None => pool.extend(FILLER_GENERAL.iter()),
    }
    let letter = match province {
        "Khyber Pakhtunkhwa" => 'K',
        "Balochistan" => 'B',
        "Sindh" => 'S',
        "Punjab" => 'P',
        _ => 'I',
    };
    let context: Vec<&str> = FILLER_CONTEXT
        .iter()
        .filter(|(_, p)| p.is_empty() || p.contains(letter))
        .map(|(s, _)| *s)
        .collect();
    // Context lines are a minority: at most three per article.
    let mut context_left = if kind.is_some() { 3 } else { 1 };
    let mut out = Vec::new();
    let mut n = words;
    let mut ctx_pool = context;
    while n < target && (!pool.is_empty() || (context_left > 0 && !ctx_pool.is_empty())) {
        let use_ctx =
            context_left > 0 && !ctx_pool.is_empty() && (pool.is_empty() || c.rng.chance(0.3));
        let s = if use_ctx {
            context_left -= 1;
            let i = c.rng.below(ctx_pool.len());
            ctx_pool.swap_remove(i)
        } else {
            let i = c.rng.below(pool.len());
            pool.swap_remove(i)
        };
        let s = s.replace("{P}", province).replace("{D}", district);
        let w = word_count(&s);
        if n + w > 390 {
            break;
        }
        n += w;
        out.push(s);
    }
    out
}

pub fn boilerplate(rng: &mut Rng) -> &'static str {
    rng.one(&BOILERPLATE)
}
