//! Whole-corpus checks: determinism, gold validity, scale.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use tally_synth::{
    generate, group_names, Generator, SynthConfig, SynthRecord, ADMIN1, EVENT_TYPES, TARGETS,
};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tally-synth-test-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    d
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for sub in ["", "articles"] {
        for e in fs::read_dir(dir.join(sub)).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_file() {
                out.insert(
                    format!("{sub}/{}", e.file_name().to_string_lossy()),
                    fs::read(e.path()).unwrap(),
                );
            }
        }
    }
    out
}

fn config(incidents: usize, seed: u64) -> SynthConfig {
    SynthConfig {
        incidents,
        seed,
        ..SynthConfig::default()
    }
}

#[test]
fn same_seed_same_bytes() {
    let (a, b, c) = (tmp("det-a"), tmp("det-b"), tmp("det-c"));
    let sa = generate(&config(60, 42), &a).unwrap();
    let sb = generate(&config(60, 42), &b).unwrap();
    generate(&config(60, 43), &c).unwrap();
    assert_eq!(sa, sb);
    let (fa, fb, fc) = (files(&a), files(&b), files(&c));
    assert_eq!(fa, fb);
    assert_ne!(fa, fc);
    for d in [a, b, c] {
        fs::remove_dir_all(d).unwrap();
    }
}

#[test]
fn gold_is_valid() {
    let dir = tmp("valid");
    let cfg = SynthConfig {
        background_rate: 0.4,
        two_incident_rate: 0.15,
        ..config(200, 9)
    };
    let summary = generate(&cfg, &dir).unwrap();
    let manifest = fs::read_to_string(dir.join("articles/manifest.jsonl")).unwrap();
    let mut ids = BTreeSet::new();
    let mut missing_published = 0;
    for line in manifest.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = v["article"].as_str().unwrap().to_string();
        let text = fs::read_to_string(dir.join("articles").join(format!("{id}.txt"))).unwrap();
        let words = text.split_whitespace().count();
        assert!((100..=420).contains(&words), "{id}: {words} words");
        match v.get("published") {
            Some(p) => assert_eq!(p.as_str().unwrap().len(), 10),
            None => {
                missing_published += 1;
                assert!(text.starts_with(" date "), "{id} has no date at all");
            }
        }
        assert!(v["url"]
            .as_str()
            .unwrap()
            .starts_with("https://example.org/"));
        assert!(ids.insert(id), "duplicate article id");
    }
    assert_eq!(ids.len(), summary.articles);
    assert!(missing_published > 0);
    let groups = group_names();
    let gold = fs::read_to_string(dir.join("gold.jsonl")).unwrap();
    let mut reported = BTreeSet::new();
    let (mut main, mut mentioned, mut multi) = (0, 0, 0);
    for line in gold.lines() {
        let g: serde_json::Value = serde_json::from_str(line).unwrap();
        let arts = g["articles"].as_array().unwrap();
        assert!(!arts.is_empty());
        for a in arts {
            assert!(
                ids.contains(a.as_str().unwrap()),
                "gold names a missing article"
            );
            reported.insert(a.as_str().unwrap().to_string());
        }
        match g["role"].as_str().unwrap() {
            "main" => main += 1,
            "mentioned" => mentioned += 1,
            r => panic!("bad role {r}"),
        }
        if arts.len() > 1 {
            multi += 1;
        }
        assert_eq!(g["country"], "Pakistan");
        assert!(ADMIN1.contains(&g["admin1"].as_str().unwrap()));
        assert!(g["admin2"].is_string() && g["place"].is_string());
        assert!(EVENT_TYPES.contains(&g["event_type"].as_str().unwrap()));
        if let Some(gr) = g["group"].as_str() {
            assert!(groups.contains(&gr));
        } else {
            assert_eq!(g["claimed"], false);
        }
        let date = g["date"].as_str().unwrap();
        assert!(matches!(date.len(), 4 | 7 | 10), "{date}");
        for t in g["targets"].as_array().unwrap() {
            assert!(TARGETS.contains(&t.as_str().unwrap()));
        }
        for k in ["killed", "injured"] {
            for c in ["total", "security_forces", "civilians", "militants"] {
                let v = &g[k][c];
                if v.is_null() {
                    continue;
                }
                let lo = v[0].as_u64().unwrap();
                if let Some(hi) = v[1].as_u64() {
                    assert!(lo <= hi, "{k}.{c} {v}");
                }
            }
            // A category figure never exceeds the largest total.
            if let Some(hi) = g[k]["total"][1].as_u64() {
                for c in ["security_forces", "civilians", "militants"] {
                    if let Some(lo) = g[k][c][0].as_u64() {
                        assert!(lo <= hi, "{k}.{c} above total: {line}");
                    }
                }
            }
        }
    }
    assert_eq!(main, summary.main_incidents);
    assert_eq!(mentioned, summary.mentioned_incidents);
    assert!(main >= 200 && mentioned > 0 && multi > 20);
    // Every article but noise reports an incident (noise may recall one).
    assert!(ids.len() - reported.len() <= summary.noise_articles);
    assert!(summary.noise_articles > 0);
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn iterator_matches_files_and_scales() {
    let cfg = config(200, 3);
    let start = std::time::Instant::now();
    let mut articles = 0;
    let mut gold = 0;
    let mut seen_mentions: BTreeSet<String> = BTreeSet::new();
    let mut arts: BTreeSet<String> = BTreeSet::new();
    for r in Generator::new(&cfg).unwrap() {
        match r {
            SynthRecord::Article(a) => {
                articles += 1;
                assert!(a.text.ends_with('\n'));
                arts.insert(a.id);
            }
            SynthRecord::Gold(g) => {
                gold += 1;
                // Gold records come after every article they list.
                for a in &g.articles {
                    assert!(arts.contains(a));
                }
                if g.role == "mentioned" {
                    seen_mentions.insert(g.articles[0].clone());
                }
            }
        }
    }
    assert!(articles > 200 && gold > 200);
    assert!(!seen_mentions.is_empty());
    assert!(start.elapsed().as_secs() < 20);
}

#[test]
fn bad_configs_are_refused() {
    let mut c = config(1, 1);
    c.max_reports = 0;
    assert!(Generator::new(&c).is_err());
    let mut c = config(1, 1);
    c.start_date = "2024-13-01".into();
    assert!(Generator::new(&c).is_err());
    let mut c = config(1, 1);
    c.noise_rate = 1.0;
    assert!(Generator::new(&c).is_err());
    let c = config(0, 1);
    assert_eq!(Generator::new(&c).unwrap().count(), 0);
}
