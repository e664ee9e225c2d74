//! Articles with no militant incident: accidents, floods, crime, policy.

use crate::data::Place;
use crate::date::Day;
use crate::report::{when_phrase, where_phrase, Ctx};
use crate::text::{capitalize, fill, num};

/// Headline, lead and follow-up sentences of a noise article about `place`.
pub fn body(c: &mut Ctx, place: &Place, day: Day) -> (String, String, Vec<String>) {
    let wh = where_phrase(place, c.rng);
    let wn = when_phrase(day, c.published, c.rng);
    let n = c.rng.range(2, 14);
    let m = c.rng.range(2, 20);
    let ns = num(n, c.style, c.rng);
    let ms = num(m, c.style, c.rng);
    let vars = [
        ("WHERE", wh.as_str()),
        ("WHEN", wn.as_str()),
        ("N", ns.as_str()),
        ("M", ms.as_str()),
    ];
    let scenario = c.rng.below(6);
    let (headline, leads, follow): (String, &[&str], &[&str]) = match scenario {
        0 => (
            format!("{} die in road accident near {}", capitalize(&ns), place.name),
            &[
                "{N} people were killed and {M} others injured when a passenger van plunged into a ravine {WHERE} {WHEN}, rescue officials said.",
                "A speeding bus overturned on the highway {WHERE} {WHEN}, killing {N} passengers and injuring {M} others.",
                "{WHEN}, a truck collided with a passenger coach {WHERE}, leaving {N} people dead, officials said.",
            ],
            &[
                "Rescue 1122 teams shifted the injured to hospital.",
                "Officials said over-speeding appeared to be the cause of the accident.",
                "The deceased included women and children.",
                "The driver fled the scene and police have registered a case.",
            ],
        ),
        1 => (
            format!("Rains wreak havoc in {}", place.district),
            &[
                "Flash floods triggered by heavy monsoon rains killed {N} people {WHERE} {WHEN}, the Provincial Disaster Management Authority said.",
                "{N} people drowned after a swollen stream swept away their vehicle {WHERE} {WHEN}, officials said.",
                "Torrential rains caused the roof of a house to collapse {WHERE} {WHEN}, killing {N} members of a family.",
            ],
            &[
                "Several houses were damaged and roads were washed away.",
                "The Met Office has forecast more rain in the coming days.",
                "Relief goods were being distributed among the affected families.",
                "The district administration declared an emergency in the affected areas.",
            ],
        ),
        2 => (
            format!("Man killed over land dispute in {}", place.name),
            &[
                "A man was shot dead by his relatives over a land dispute {WHERE} {WHEN}, police said.",
                "Police said a property dealer was killed {WHERE} {WHEN} in a quarrel over money.",
                "Two brothers were wounded in a clash between rival families {WHERE} {WHEN}.",
            ],
            &[
                "Police said the two families had been feuding for years.",
                "A case was registered and raids were being conducted to arrest the accused.",
                "The body was handed over to the family after a post-mortem examination.",
            ],
        ),
        3 => (
            format!("Police arrest {} suspects in {}", ns, place.district),
            &[
                "Police arrested {N} suspects allegedly involved in street crimes {WHERE} {WHEN}.",
                "{WHEN}, police busted a gang of car thieves {WHERE} and recovered {M} stolen vehicles.",
                "A gang of robbers was arrested {WHERE} {WHEN}, police said.",
            ],
            &[
                "Stolen goods and weapons were recovered from their possession.",
                "The suspects were shifted to the police station for further investigation.",
                "The police chief announced cash rewards for the team.",
            ],
        ),
        4 => (
            "Govt vows to strengthen counter-terrorism police".to_string(),
            &[
                "The federal cabinet {WHEN} approved a plan to strengthen the counter-terrorism departments of the provinces.",
                "The interior minister said {WHEN} that the government would not allow anyone to challenge the writ of the state.",
                "The provincial government {WHEN} announced a special package for the families of police martyrs.",
            ],
            &[
                "The meeting was attended by senior civil and military officials.",
                "Officials said funds would be released in the current fiscal year.",
                "The minister said the police would be provided with modern equipment and training.",
                "The opposition criticised the plan, saying it lacked details.",
            ],
        ),
        _ => (
            format!("Fire guts factory in {}", place.district),
            &[
                "A fire broke out at a garment factory {WHERE} {WHEN}, but firefighters brought it under control after several hours.",
                "Goods worth millions of rupees were destroyed when a blaze erupted in a warehouse {WHERE} {WHEN}.",
            ],
            &[
                "The cause of the fire could not be ascertained immediately.",
                "Fire tenders from adjoining areas were called in to help.",
                "Workers managed to escape unhurt, officials said.",
            ],
        ),
    };
    let lead = fill(c.rng.one(leads), &vars);
    let mut rest: Vec<String> = follow.iter().map(|s| s.to_string()).collect();
    // Keep a random subset, in order.
    rest.retain(|_| c.rng.chance(0.75));
    (headline, lead, rest)
}
