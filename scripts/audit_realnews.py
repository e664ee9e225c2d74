#!/usr/bin/env python3
"""Audit tally on real news against hand verdicts (issue 9).

Codes a real-news sample article by article (`tally extract --no-merge`) and
compares every `main` incident with the article's verdict in a label file
(`data/relevance/labels/*.tsv`: article, verdict, class, incidents, note).

- precision: share of coded main incidents that are real in-scope incidents
  the article reports: the verdict is `incident` and one of its listed
  incidents (DISTRICT|TYPE) is in the same district (or province, when either
  side names only a province). Each listed incident backs one coded incident.
- recall: share of listed incidents that a coded main incident matches
  (over `report` articles, and over all `incident` articles).

False incidents are counted by the verdict's class (abroad, crime, ...), so
the note can say what still fails by class. Prints a JSON summary with --json.

usage: scripts/audit_realnews.py CORPUS LABELS [--bin target/release/tally] [--list] [--json]
The corpus is written by ../shared/realnews/sample.py (see data/relevance/README.md).
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
# Districts split or renamed since 2018 that news and labellers still name
# either way: one place for matching.
SAME_DISTRICT = [
    {"South Waziristan", "Lower South Waziristan", "Upper South Waziristan"},
    {"Kurram", "Lower Kurram", "Upper Kurram", "Central Kurram"},
    {"Kohistan", "Upper Kohistan", "Lower Kohistan", "Kolai-Palas", "Kolai Palas"},
    {"Chaman", "Qila Abdullah", "Killa Abdullah"},
    {"Qila Saifullah", "Killa Saifullah"},
    {"Noshki", "Nushki"},
    {"Kachhi", "Bolan"},
    {"Dera Ismail Khan", "Paharpur"},
]
PROVINCES = {"Khyber Pakhtunkhwa", "Balochistan", "Sindh", "Punjab", "Islamabad Capital Territory",
             "Gilgit-Baltistan", "Azad Kashmir"}


def gazetteer():
    """name or variant (lowercase) -> (admin1, admin2) of district-level-or-finer places."""
    names = {}
    path = os.path.join(ROOT, "data", "gazetteer", "places.tsv")
    rank = {"province": 0, "district": 1, "tehsil": 2, "city": 3, "town": 4, "locality": 5}
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or line.startswith("name\t"):
            continue
        c = line.rstrip("\n").split("\t")
        if len(c) < 4 or c[1] not in rank:
            continue
        key = (c[2] or None, c[3] or None)
        for n in [c[0]] + (c[6].split("|") if len(c) > 6 and c[6] else []):
            n = n.strip().lower()
            # the coarsest reading of a name wins (a district over a village of the same name)
            if n and (n not in names or rank[c[1]] < names[n][1]):
                names[n] = (key, rank[c[1]])
    return {n: v[0] for n, v in names.items()}


def read_labels(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        c = line.rstrip("\n").split("\t")
        items = [] if c[3] in ("-", "") else [x.split("|")[0].strip() for x in c[3].split(";")]
        out[c[0]] = {"verdict": c[1], "class": c[2], "items": items, "auto": c[4].startswith("auto")}
    return out


def locate(name, gaz):
    """(admin1, admin2) for a label's place: a province, a district, '?' or unknown."""
    if name in ("?", ""):
        return (None, None)
    if name in PROVINCES:
        return (name, None)
    return gaz.get(name.lower(), (None, name))


def same_district(a, b):
    return a == b or any(a in g and b in g for g in SAME_DISTRICT)


def same_place(coded, listed):
    (a1, a2), (b1, b2) = coded, listed
    if a2 and b2:
        return same_district(a2, b2)
    if a1 and b1:
        return a1 == b1
    return True  # one side has no place at all: nothing contradicts


def audit(incidents, labels, gaz):
    by_article = collections.defaultdict(list)
    for inc in incidents:
        if inc["role"] == "main":
            by_article[inc["articles"][0]].append(inc)
    coded = tp = 0
    false_by_class = collections.Counter()
    false_list, auto_hits, unlabelled = [], [], 0
    listed_report = matched_report = listed_all = matched_all = 0
    districts_listed = districts_found = 0
    missed_list = []
    for art, lab in labels.items():
        incs = by_article.get(art, [])
        items = [locate(x, gaz) for x in lab["items"]] if lab["verdict"] == "incident" else []
        used = [False] * len(items)
        for inc in incs:
            coded += 1
            place = (inc.get("admin1"), inc.get("admin2"))
            hit = next((i for i, it in enumerate(items) if not used[i] and same_place(place, it)), None)
            if hit is None:
                cls = lab["class"] if lab["verdict"] == "none" else "extra_in_incident_article"
                false_by_class[cls] += 1
                false_list.append((art, cls, inc.get("admin2") or inc.get("admin1"), inc["event_type"]))
                if lab["auto"]:
                    auto_hits.append(art)
            else:
                used[hit] = True
                tp += 1
        listed_all += len(items)
        matched_all += sum(used)
        # Coarser: the districts the article reports incidents in, found or not
        # (labellers split "four encounters in one district" differently).
        places = []
        for it in items:
            if not any(same_place(it, q) and it[1] == q[1] for q in places):
                places.append(it)
        if lab["class"] == "report":
            for it in places:
                districts_listed += 1
                coded_places = [(i.get("admin1"), i.get("admin2")) for i in incs]
                districts_found += any(same_place(c, it) for c in coded_places)
        if lab["class"] == "report":
            listed_report += len(items)
            matched_report += sum(used)
        for it, u in zip(lab["items"], used):
            if not u:
                missed_list.append((art, lab["class"], it))
    unlabelled = sum(len(v) for a, v in by_article.items() if a not in labels)
    return {
        "articles": len(labels),
        "coded_main": coded,
        "true_main": tp,
        "precision": tp / coded if coded else 1.0,
        "recall_report": matched_report / listed_report if listed_report else 1.0,
        "listed_report": listed_report,
        "recall_all": matched_all / listed_all if listed_all else 1.0,
        "recall_districts": districts_found / districts_listed if districts_listed else 1.0,
        "districts_listed": districts_listed,
        "listed_all": listed_all,
        "false_by_class": dict(false_by_class.most_common()),
        "coded_in_auto_labelled": sorted(set(auto_hits)),
        "coded_in_unlabelled": unlabelled,
        "false": false_list,
        "missed": missed_list,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
    ap.add_argument("corpus")
    ap.add_argument("labels")
    ap.add_argument("--bin", default=os.path.join(target, "release", "tally"))
    ap.add_argument("--list", action="store_true", help="list every false and missed incident")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.jsonl")
        subprocess.run([a.bin, "extract", a.corpus, "--no-merge", "-q", "-o", out], check=True)
        incidents = [json.loads(l) for l in open(out, encoding="utf-8")]
    r = audit(incidents, read_labels(a.labels), gazetteer())
    if a.json:
        print(json.dumps({k: v for k, v in r.items() if k not in ("false", "missed")}, indent=1))
        return
    print(f"articles {r['articles']}  coded main {r['coded_main']}  real {r['true_main']}  "
          f"precision {r['precision']:.3f}")
    print(f"recall: report articles {r['recall_report']:.3f} of {r['listed_report']} listed; "
          f"all incident articles {r['recall_all']:.3f} of {r['listed_all']}; "
          f"districts of report articles {r['recall_districts']:.3f} of {r['districts_listed']}")
    print("false main incidents by verdict class:", r["false_by_class"])
    if r["coded_in_auto_labelled"]:
        print("coded in auto-labelled articles (read them and label by hand):", " ".join(r["coded_in_auto_labelled"]))
    if a.list:
        for f in r["false"]:
            print("FALSE ", *f, sep="\t")
        for m in r["missed"]:
            print("MISSED", *m, sep="\t")


if __name__ == "__main__":
    sys.exit(main())
