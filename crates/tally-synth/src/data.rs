//! Word lists and tables the templates draw from: places, outlets, groups,
//! names, victims, filler. Every sentence here was written for this crate.

/// A real place with its district and province.
#[derive(Debug, Clone)]
pub struct Place {
    pub name: String,
    pub district: String,
    pub province: String,
    /// `town`, `city` (same name as its district) or `locality` (part of a city).
    pub kind: String,
}

pub const PLACES_TSV: &str = include_str!("../data/places.tsv");

pub fn places() -> Vec<Place> {
    PLACES_TSV
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Place {
                name: f[0].to_string(),
                district: f[1].to_string(),
                province: f[2].to_string(),
                kind: f.get(3).unwrap_or(&"town").to_string(),
            }
        })
        .collect()
}

/// How an outlet writes: datelines and vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Pakistani paper: `PESHAWAR:` dateline, "martyred", "khawarij".
    Local,
    /// Wire service: `QUETTA, Pakistan (AP) —`, explanatory background.
    Wire,
    /// Aggregator: `(MENAFN)` prefix, no dateline.
    Aggregator,
    /// Broadcaster's site: no dateline.
    Broadcast,
}

pub struct Outlet {
    pub name: &'static str,
    pub slug: &'static str,
    pub style: Style,
    /// What the wire puts in its dateline, e.g. "AP".
    pub tag: &'static str,
}

pub const OUTLETS: [Outlet; 15] = [
    Outlet {
        name: "Dawn",
        slug: "dawn",
        style: Style::Local,
        tag: "",
    },
    Outlet {
        name: "The News",
        slug: "thenews",
        style: Style::Local,
        tag: "",
    },
    Outlet {
        name: "Express Tribune",
        slug: "tribune",
        style: Style::Local,
        tag: "",
    },
    Outlet {
        name: "Geo News",
        slug: "geo",
        style: Style::Broadcast,
        tag: "",
    },
    Outlet {
        name: "Business Recorder",
        slug: "brecorder",
        style: Style::Local,
        tag: "",
    },
    Outlet {
        name: "Pakistan Today",
        slug: "pakistantoday",
        style: Style::Local,
        tag: "",
    },
    Outlet {
        name: "MENAFN",
        slug: "menafn",
        style: Style::Aggregator,
        tag: "",
    },
    Outlet {
        name: "AP",
        slug: "apnews",
        style: Style::Wire,
        tag: "AP",
    },
    Outlet {
        name: "Reuters",
        slug: "reuters",
        style: Style::Wire,
        tag: "Reuters",
    },
    Outlet {
        name: "Arab News",
        slug: "arabnews",
        style: Style::Wire,
        tag: "",
    },
    Outlet {
        name: "The Nation",
        slug: "nation",
        style: Style::Local,
        tag: "",
    },
    Outlet {
        name: "Daily Times",
        slug: "dailytimes",
        style: Style::Local,
        tag: "",
    },
    Outlet {
        name: "Xinhua",
        slug: "xinhua",
        style: Style::Wire,
        tag: "Xinhua",
    },
    Outlet {
        name: "UrduPoint",
        slug: "urdupoint",
        style: Style::Aggregator,
        tag: "",
    },
    Outlet {
        name: "Dunya News",
        slug: "dunyanews",
        style: Style::Broadcast,
        tag: "",
    },
];

pub struct Group {
    pub canonical: &'static str,
    /// Names as they appear mid-sentence, with their article where English wants one.
    pub aliases: &'static [&'static str],
    /// Fighters named by the group, singular and plural, for security operations.
    pub fighters: &'static [(&'static str, &'static str)],
}

pub const TTP: usize = 0;
pub const HGB: usize = 1;
pub const ISKP: usize = 2;
pub const BLA: usize = 3;
pub const BLF: usize = 4;

pub const GROUPS: [Group; 5] = [
    Group {
        canonical: "Tehrik-i-Taliban Pakistan",
        aliases: &[
            "the banned Tehreek-e-Taliban Pakistan (TTP)",
            "the TTP",
            "the Pakistani Taliban",
            "the outlawed Tehrik-i-Taliban Pakistan",
            "Fitna al-Khawarij",
            "the proscribed Tehrik-e-Taliban Pakistan",
        ],
        fighters: &[
            ("khariji", "khawarij"),
            (
                "terrorist belonging to Fitna al-Khawarij",
                "terrorists belonging to Fitna al-Khawarij",
            ),
            ("TTP militant", "TTP militants"),
        ],
    },
    Group {
        canonical: "Hafiz Gul Bahadur group",
        aliases: &["the Hafiz Gul Bahadur group", "the Gul Bahadur group"],
        fighters: &[(
            "militant of the Hafiz Gul Bahadur group",
            "militants of the Hafiz Gul Bahadur group",
        )],
    },
    Group {
        canonical: "Islamic State Khorasan Province",
        aliases: &[
            "the Islamic State Khorasan Province (ISKP)",
            "Daesh",
            "the ISKP",
            "the Islamic State group",
        ],
        fighters: &[
            ("Daesh militant", "Daesh militants"),
            ("ISKP militant", "ISKP militants"),
        ],
    },
    Group {
        canonical: "Balochistan Liberation Army",
        aliases: &[
            "the Balochistan Liberation Army (BLA)",
            "the Baloch Liberation Army",
            "the banned BLA",
            "the outlawed Balochistan Liberation Army",
        ],
        fighters: &[
            (
                "terrorist of Fitna al-Hindustan",
                "terrorists of Fitna al-Hindustan",
            ),
            ("BLA militant", "BLA militants"),
        ],
    },
    Group {
        canonical: "Balochistan Liberation Front",
        aliases: &[
            "the Balochistan Liberation Front (BLF)",
            "the BLF",
            "the separatist BLF",
        ],
        fighters: &[("BLF insurgent", "BLF insurgents")],
    },
];

pub const FIRST_NAMES: [&str; 24] = [
    "Muhammad",
    "Abdul Rehman",
    "Gul Zaman",
    "Sher Ali",
    "Noor Muhammad",
    "Zahid",
    "Imran",
    "Asif",
    "Tariq",
    "Fazal",
    "Rehmat Ullah",
    "Hazrat Ali",
    "Saeed",
    "Khalid",
    "Javed",
    "Naseer",
    "Bilal",
    "Amjad",
    "Shahid",
    "Waqar",
    "Ikramullah",
    "Habib",
    "Zafar",
    "Qadir",
];

pub const LAST_NAMES: [&str; 22] = [
    "Khan",
    "Shah",
    "Afridi",
    "Wazir",
    "Marwat",
    "Baloch",
    "Bugti",
    "Mengal",
    "Jamali",
    "Ahmed",
    "Hussain",
    "Khattak",
    "Yousafzai",
    "Durrani",
    "Kakar",
    "Achakzai",
    "Mehsud",
    "Dawar",
    "Bangash",
    "Orakzai",
    "Rind",
    "Zehri",
];

pub const HOSPITALS: [&str; 5] = [
    "the District Headquarters Hospital",
    "the Combined Military Hospital (CMH)",
    "a nearby hospital",
    "the civil hospital",
    "a trauma centre",
];

pub const ATTACKERS: [&str; 7] = [
    "militants",
    "terrorists",
    "unidentified gunmen",
    "heavily armed militants",
    "armed assailants",
    "unknown attackers",
    "a group of armed men",
];

/// Filler about the attack itself; `{P}` province, `{D}` district.
pub const FILLER_ATTACK: [&str; 22] = [
    "Police and rescue teams reached the site soon after and cordoned off the area.",
    "A search operation was launched to trace the attackers, who fled under cover of darkness.",
    "The bodies were shifted to the hospital for medico-legal formalities.",
    "The provincial chief minister condemned the attack and sought a report from the inspector general of police.",
    "The prime minister strongly condemned the incident and expressed grief over the loss of lives.",
    "The interior minister said those responsible would be brought to justice.",
    "Senior officials visited the hospital and inquired after the health of the injured.",
    "An emergency was declared at hospitals in {D}.",
    "The area was sealed off and a case was registered at the local police station.",
    "Officials said the attackers used sophisticated weapons, including night-vision equipment.",
    "A police official, requesting anonymity, said reinforcements had been rushed to the area.",
    "Residents said they heard heavy gunfire and a loud explosion that shattered windows nearby.",
    "The Counter-Terrorism Department (CTD) has started an investigation.",
    "Funeral prayers for the victims were offered later in the day.",
    "The governor of {P} also condemned the attack and prayed for the departed souls.",
    "Traffic on the main road remained suspended for several hours.",
    "Security was tightened across {D} following the incident.",
    "Officials said a high-level meeting would review security arrangements in the district.",
    "Local elders condemned the violence and demanded better protection for residents.",
    "Bomb disposal squad personnel collected evidence from the scene.",
    "Opposition leaders also condemned the incident and called for a review of the security policy.",
    "Police said the attackers had been hiding in a nearby orchard before the assault.",
];

/// Context lines and the provinces (K, B, S, P, I; empty for any) where they
/// fit. Some name a group only as background, which does not attribute the
/// incident. `{P}` province.
pub const FILLER_CONTEXT: [(&str, &str); 14] = [
    ("{P} has witnessed a surge in militant violence over the past two years.", "KB"),
    ("Militant attacks have increased in the province since the collapse of a ceasefire between the government and the TTP in November 2022.", "K"),
    ("According to a report by an Islamabad-based think tank, more than 1,500 people were killed in militant violence across the country last year.", ""),
    ("Security analysts say militants have regrouped in the former tribal districts bordering Afghanistan.", "K"),
    ("Islamabad has repeatedly accused Kabul of allowing militants to use Afghan soil for attacks, a charge the Taliban government denies.", "KBPI"),
    ("Police in the province have long complained of a shortage of equipment and armoured vehicles.", "KB"),
    ("The government has announced several operations against militants in recent months.", ""),
    ("Separatist groups in Balochistan have for decades waged an insurgency, demanding a greater share of the province's resources.", "B"),
    ("The region has been the scene of frequent attacks on security forces.", "KB"),
    ("Officials say the number of attacks on police stations has risen sharply this year.", "K"),
    ("The Pakistani Taliban are a separate group from, but closely allied with, the Afghan Taliban.", "K"),
    ("Rights groups have called on the authorities to protect civilians caught up in the violence.", ""),
    ("Chinese nationals working on projects in the country have been targeted in the past.", "SB"),
    ("Law enforcement agencies in {P} have been on high alert following threats of attacks.", "SPI"),
];

/// Detail lines by kind of attack: armed assault, bombing, suicide bombing.
pub const FILLER_ARMED: [&str; 5] = [
    "The attackers used heavy weapons, including rocket-propelled grenades.",
    "The exchange of fire continued for nearly an hour, officials said.",
    "Police said the attackers came from the nearby mountains and fled after the assault.",
    "Reinforcements reached the post after the attackers had escaped.",
    "The attack took place shortly after midnight, officials said.",
];
pub const FILLER_BOMB: [&str; 4] = [
    "The device had been planted on the roadside and was detonated by remote control, bomb disposal officials said.",
    "The blast damaged the vehicle and nearby shops.",
    "The bomb disposal squad said several kilograms of explosives had been used.",
    "The explosion was heard several kilometres away.",
];
pub const FILLER_SUICIDE: [&str; 4] = [
    "Police said the bomber was on foot and approached the target before blowing himself up.",
    "Body parts believed to be of the bomber were collected from the site.",
    "The force of the blast shattered windows of nearby buildings.",
    "Officials said the bomber appeared to be in his early twenties.",
];
/// Lines for articles about accidents, weather, crime and policy.
pub const FILLER_GENERAL: [&str; 8] = [
    "The district administration said it was monitoring the situation.",
    "Officials said a detailed report would be submitted to the provincial government.",
    "Residents complained that the authorities had ignored their demands for years.",
    "The chief minister took notice of the incident and directed officials to submit a report.",
    "Local traders said business in the area had been badly affected.",
    "Officials said the matter would be taken up at the next cabinet meeting.",
    "Rescue 1122 said its teams were on alert across the province.",
    "The opposition demanded an inquiry into the matter.",
];

pub const FILLER_OPERATION: [&str; 8] = [
    "Weapons, ammunition and explosives were also recovered from the killed terrorists.",
    "A sanitisation operation was being carried out to eliminate any other terrorists in the area.",
    "The killed terrorists remained actively involved in numerous terrorist activities against security forces, the statement said.",
    "Security forces are determined to wipe out the menace of terrorism from the country, the military's media wing added.",
    "The prime minister lauded the security forces for the successful operation.",
    "The statement said the operation was carried out on the reported presence of terrorists.",
    "The military said the area was being cleared and locals had been asked to cooperate.",
    "Pakistan has repeatedly asked the interim Afghan government to ensure effective border management.",
];

pub const BOILERPLATE: [&str; 9] = [
    "Share.",
    "Related Articles",
    "Leave a Reply",
    "Also Read: Govt unveils new security plan for merged districts",
    "Also Read: PSX ends week on positive note",
    "Follow us on WhatsApp for the latest updates.",
    "Subscribe to our newsletter",
    "Adblock Detected",
    "Copyright belongs to the original source.",
];
