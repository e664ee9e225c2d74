use super::*;
use proptest::prelude::*;
use tally_model::{ArticleMeta, Casualties, Count, EventType, Incident, Role};

fn incident(
    article: &str,
    n: usize,
    district: &str,
    date: &str,
    killed: u32,
    event: EventType,
) -> Incident {
    Incident {
        id: format!("{article}#{n}"),
        articles: vec![article.into()],
        role: Role::Main,
        date: IncidentDate::parse(date),
        country: "Pakistan".into(),
        admin1: Some("Khyber Pakhtunkhwa".into()),
        admin2: Some(district.into()),
        place: None,
        lat: None,
        lon: None,
        event_type: event,
        group: None,
        claimed: false,
        foiled: false,
        targets: vec![],
        killed: Casualties {
            total: Some(Count::exact(killed)),
            ..Default::default()
        },
        injured: Casualties::default(),
        corrections: Vec::new(),
        doubts: Vec::new(),
        confidence: None,
        // The text states the date (not only the publication day).
        evidence: vec![tally_model::Evidence {
            article: article.into(),
            start: 0,
            end: 10,
            field: "date".into(),
            value: Some(date.into()),
            source: None,
        }],
    }
}

fn report(article: &str, published: &str, incidents: Vec<Incident>) -> ArticleReport {
    ArticleReport {
        meta: ArticleMeta {
            id: article.into(),
            ..Default::default()
        },
        published: IncidentDate::parse(published),
        incidents,
        diagnostics: vec![],
        relevance: tally_model::Relevance {
            score: 0.95,
            news: true,
            ..Default::default()
        },
    }
}

fn linkage() -> &'static Linkage {
    match Linkage::try_embedded() {
        Ok(l) => l,
        Err(e) => panic!("embedded linkage data broken: {e}"),
    }
}

fn corpus() -> Vec<ArticleReport> {
    vec![
        report(
            "a",
            "2025-03-01",
            vec![incident(
                "a",
                1,
                "Bannu",
                "2025-03-01",
                5,
                EventType::Bombing,
            )],
        ),
        report(
            "b",
            "2025-03-02",
            vec![incident(
                "b",
                1,
                "Bannu",
                "2025-03-01",
                9,
                EventType::SuicideBombing,
            )],
        ),
        report(
            "c",
            "2025-03-01",
            vec![
                incident(
                    "c",
                    1,
                    "Tank",
                    "2025-03-01",
                    3,
                    EventType::SecurityOperation,
                ),
                incident(
                    "c",
                    2,
                    "Khyber",
                    "2025-03-01",
                    2,
                    EventType::SecurityOperation,
                ),
            ],
        ),
        report(
            "d",
            "2025-03-02",
            vec![incident(
                "d",
                1,
                "Tank",
                "2025-03-01",
                3,
                EventType::SecurityOperation,
            )],
        ),
    ]
}

#[test]
fn reports_of_one_incident_merge_and_clashes_stay_apart() {
    let merged = merge(&corpus(), linkage());
    let sets: Vec<Vec<String>> = merged.iter().map(|i| i.articles.clone()).collect();
    assert!(sets.contains(&vec!["a".to_string(), "b".to_string()]));
    assert!(sets.contains(&vec!["c".to_string(), "d".to_string()]));
    assert!(sets.contains(&vec!["c".to_string()]));
    assert_eq!(merged.len(), 3);
}

#[test]
fn latest_report_gives_best() {
    let merged = merge(&corpus(), linkage());
    let bannu = merged
        .iter()
        .find(|i| i.admin2.as_deref() == Some("Bannu"))
        .map(|i| i.killed.total);
    assert_eq!(
        bannu,
        Some(Some(Count {
            low: 5,
            best: 9,
            high: Some(9)
        }))
    );
}

#[test]
fn unrelated_article_changes_no_id() {
    let before = merge(&corpus(), linkage());
    let mut more = corpus();
    more.push(report(
        "z",
        "2025-06-01",
        vec![incident(
            "z",
            1,
            "Quetta",
            "2025-06-01",
            1,
            EventType::Bombing,
        )],
    ));
    let after = merge(&more, linkage());
    for inc in &before {
        assert!(after
            .iter()
            .any(|a| a.id == inc.id && a.articles == inc.articles));
    }
}

proptest! {
    #[test]
    fn order_does_not_matter(seed in 0u64..1000) {
        let base = merge(&corpus(), linkage());
        let mut shuffled = corpus();
        // Deterministic shuffle from the seed.
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let j = (s >> 33) as usize % (i + 1);
            shuffled.swap(i, j);
        }
        prop_assert_eq!(merge(&shuffled, linkage()), base);
    }
}

#[test]
fn transliterated_place_names_are_one_place() {
    use crate::similarity::same_place;
    assert!(same_place("bisham", "besham"));
    assert!(same_place("mirali", "mirali"));
    assert!(same_place("kalaya", "kalayabazaar"));
    assert!(!same_place("mirali", "miranshah"));
}

#[test]
fn explain_names_the_partner_and_the_best_report_left_out() {
    let reports = corpus();
    let sketches: Vec<Sketch> = reports.iter().flat_map(Sketch::of_report).collect();
    let clusters = cluster(&sketches, linkage());
    let tank = clusters
        .iter()
        .find(|c| c.iter().any(|&i| sketches[i].key == "d#1"))
        .expect("d#1 is clustered");
    let placements = explain_cluster(
        &sketches,
        tank,
        linkage(),
        prior_shift(&sketches, linkage()),
    );
    let d = placements
        .iter()
        .find(|p| p.key == "d#1")
        .expect("d#1 is explained");
    let partner = d.partner.as_ref().expect("d#1 has a partner");
    assert_eq!(partner.key, "c#1");
    assert_eq!(partner.why, "linked");
    // c#2 (Khyber) is blocked with d#1 but belongs to c, which is already here.
    let left_out = d.rejected.as_ref().expect("a candidate was left out");
    assert_ne!(left_out.key, "c#1");
}

// ------------------------------------------------------------ doubts

/// The doubt kinds of the incidents these reports merge into, per incident.
fn doubt_kinds(reports: &[ArticleReport]) -> Vec<Vec<String>> {
    merge(reports, linkage())
        .iter()
        .map(|i| i.doubts.iter().map(|d| d.kind.clone()).collect())
        .collect()
}

/// One article's report of a bombing in Bannu on 1 March 2025, published the next day.
fn bannu_bombing(article: &str, killed: u32) -> ArticleReport {
    report(
        article,
        "2025-03-02",
        vec![incident(
            article,
            1,
            "Bannu",
            "2025-03-01",
            killed,
            EventType::Bombing,
        )],
    )
}

fn with<F: FnOnce(&mut Incident)>(mut inc: Incident, f: F) -> Incident {
    f(&mut inc);
    inc
}

#[test]
fn doubt_figures_disagree_beyond_the_margin_only() {
    let two = |a: u32, b: u32| vec![bannu_bombing("a", a), bannu_bombing("b", b)];
    // "5 or 6 killed" is within the margin; "5 or 12" is not.
    assert!(!doubt_kinds(&two(5, 6))[0].contains(&"figures_disagree".to_string()));
    let kinds = doubt_kinds(&two(5, 12));
    assert_eq!(kinds.len(), 1, "one incident");
    assert!(kinds[0].contains(&"figures_disagree".to_string()));
    assert!(!kinds[0].contains(&"single_source".to_string()));
}

#[test]
fn doubt_categories_against_the_total() {
    let split = |sf: u32, mil: u32| {
        with(
            incident("a", 1, "Bannu", "2025-03-01", 10, EventType::ArmedAssault),
            |i| {
                i.killed.security_forces = Some(Count::exact(sf));
                i.killed.militants = Some(Count::exact(mil));
            },
        )
    };
    let kinds = |inc| doubt_kinds(&[report("a", "2025-03-02", vec![inc])]).remove(0);
    assert!(
        kinds(split(8, 6)).contains(&"figures_inconsistent".to_string()),
        "14 > 10"
    );
    assert!(
        kinds(split(2, 3)).contains(&"figures_unexplained".to_string()),
        "5 < 10"
    );
    let whole = kinds(split(4, 6));
    assert!(
        !whole.iter().any(|k| k.starts_with("figures_")),
        "4 + 6 = 10: {whole:?}"
    );
    let unsplit = kinds(incident(
        "a",
        1,
        "Bannu",
        "2025-03-01",
        3,
        EventType::Bombing,
    ));
    assert!(unsplit.contains(&"figures_unsplit".to_string()));
}

#[test]
fn doubt_single_source_and_a_large_toll_from_it() {
    let one = |killed| doubt_kinds(&[bannu_bombing("a", killed)]).remove(0);
    assert!(one(3).contains(&"single_source".to_string()));
    assert!(!one(3).contains(&"large_toll_one_report".to_string()));
    assert!(one(40).contains(&"large_toll_one_report".to_string()));
}

#[test]
fn doubt_group_unclaimed_contested_and_not_for_operations() {
    let blamed = |t: EventType, group: &str, claimed: bool, article: &str| {
        with(incident(article, 1, "Bannu", "2025-03-01", 3, t), |i| {
            i.group = Some(group.into());
            i.claimed = claimed;
        })
    };
    let kinds = |incs: Vec<(Incident, &str)>| {
        let reports: Vec<ArticleReport> = incs
            .into_iter()
            .map(|(i, a)| report(a, "2025-03-02", vec![i]))
            .collect();
        doubt_kinds(&reports).remove(0)
    };
    let k = kinds(vec![(blamed(EventType::Bombing, "TTP", false, "a"), "a")]);
    assert!(k.contains(&"group_unclaimed".to_string()));
    let k = kinds(vec![(
        blamed(EventType::SecurityOperation, "TTP", false, "a"),
        "a",
    )]);
    assert!(
        !k.contains(&"group_unclaimed".to_string()),
        "nobody claims being raided"
    );
    let k = kinds(vec![(blamed(EventType::Bombing, "TTP", true, "a"), "a")]);
    assert!(!k.iter().any(|k| k.starts_with("group_")), "claimed: {k:?}");
    let k = kinds(vec![
        (blamed(EventType::Bombing, "TTP", true, "a"), "a"),
        (blamed(EventType::Bombing, "ISKP", true, "b"), "b"),
    ]);
    assert!(
        k.contains(&"group_contested".to_string()),
        "two claims: {k:?}"
    );
}

#[test]
fn doubt_place_and_date() {
    let no_district = with(
        incident("a", 1, "Bannu", "2025-03-01", 3, EventType::Bombing),
        |i| {
            i.admin2 = None;
        },
    );
    let k = doubt_kinds(&[report("a", "2025-03-02", vec![no_district])]).remove(0);
    assert!(k.contains(&"place_province_only".to_string()));
    let undated = with(
        incident("a", 1, "Bannu", "2025-03-02", 3, EventType::Bombing),
        |i| {
            i.evidence.clear();
        },
    );
    let k = doubt_kinds(&[report("a", "2025-03-02", vec![undated])]).remove(0);
    assert!(k.contains(&"date_from_publication".to_string()));
}

#[test]
fn doubt_borderline_relevance_and_crowded_article() {
    let mut r = report(
        "a",
        "2025-03-02",
        vec![
            incident("a", 1, "Bannu", "2025-03-01", 3, EventType::Bombing),
            incident("a", 2, "Kohat", "2025-03-01", 2, EventType::ArmedAssault),
        ],
    );
    r.relevance.score = 0.2;
    for kinds in doubt_kinds(&[r]) {
        assert!(kinds.contains(&"relevance_borderline".to_string()));
        assert!(kinds.contains(&"crowded_article".to_string()));
    }
}

#[test]
fn confidence_is_given_for_every_field_and_falls_with_doubts() {
    let sure = merge(&[bannu_bombing("a", 5), bannu_bombing("b", 5)], linkage());
    let unsure = merge(&[bannu_bombing("a", 5), bannu_bombing("b", 12)], linkage());
    let (Some(s), Some(u)) = (&sure[0].confidence, &unsure[0].confidence) else {
        panic!("folded incidents carry a confidence");
    };
    assert_eq!(s.fields.len(), CONFIDENCE_FIELDS.len());
    assert!(s.fields.values().all(|p| (0.0..=1.0).contains(p)));
    assert!(
        u.fields["killed.total"] < s.fields["killed.total"],
        "{:?} vs {:?}",
        unsure[0].doubts,
        sure[0].doubts
    );
    assert!(doubt_score(&unsure[0]) > 0.0);
}

#[test]
fn doubt_recent_background_only_within_a_week_of_publication() {
    let recalled = |date: &str| {
        with(
            incident("a", 1, "Bannu", date, 3, EventType::Bombing),
            |i| {
                i.role = Role::Mentioned;
            },
        )
    };
    let kinds =
        |date: &str| doubt_kinds(&[report("a", "2025-03-10", vec![recalled(date)])]).remove(0);
    assert!(kinds("2025-03-07").contains(&"recent_background".to_string()));
    assert!(!kinds("2024-03-07").contains(&"recent_background".to_string()));
    assert!(
        !kinds("2025-03-12").contains(&"recent_background".to_string()),
        "after publication"
    );
}
