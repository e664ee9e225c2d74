#!/usr/bin/env python3
"""Estimate the merging weights (data/linkage/levels.tsv) from labelled corpora.

Merging compares two reports field by field (crates/tally-merge/src/linkage.rs
computes the level of each comparison). This script:

1. codes each labelled corpus article by article (`tally extract --no-merge`)
   and matches every per-article incident to a gold incident with the
   benchmark's own matching (`score.py`, per-article mode);
2. lists the candidate pairs merging may compare and their levels
   (`tally linkage pairs`); a pair is a match when both reports match the
   same gold incident, a non-match when they match different ones (pairs
   with an unmatched report are left out);
3. estimates m = P(level | match) and u = P(level | non-match) for every
   level, with add-one smoothing, pooling the corpora with equal weight
   per corpus, and the prior P(match);
4. chooses the threshold (posterior log2-odds) that gives the best mean of
   incidents F1 and dedup F1 over the corpora, merging with each candidate;
5. writes data/linkage/levels.tsv with the figures in its header.

Corpora: the benchmark sets dev and dev2 (with their manifests) and a
synthetic corpus written by `tally synth` (seeded, so reproducible).

usage: scripts/estimate_linkage.py [--bin target/release/tally] [--synth-incidents 1500]
       [--write]   (without --write, prints the table and the choice only)
"""
import argparse
import collections
import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
BENCH = os.path.join(ROOT, "..", "shared", "bench")
LEVELS = os.path.join(ROOT, "data", "linkage", "levels.tsv")
COMPARISONS = [
    ("district", ["null", "same", "adjacent", "else"]),
    ("day", ["null", "same", "one", "two_three", "assumed_fits", "same_month", "else"]),
    ("place", ["null", "same", "else"]),
    ("type", ["null", "same", "compatible", "operation_vs_attack", "else"]),
    ("group", ["null", "same", "else"]),
    ("figures", ["null", "equal", "close", "fits", "else"]),
    ("role", ["both_main", "mention", "else"]),
]
NULL_IS_EVIDENCE = set()
# Levels that forbid a link outright (hard rules, not estimated): attacks on
# one day in two districts are two incidents however alike they are, and
# the independence assumption lets day, type and role outvote the district.
VETOES = [("district", "else")]
THRESHOLDS = [x / 2 for x in range(-6, 17)]


def scorer():
    spec = importlib.util.spec_from_file_location("score", os.path.join(BENCH, "score.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


def corpora(bin_, tmp, synth_incidents):
    out = []
    for name in ("dev", "dev2"):
        d = os.path.join(BENCH, name)
        out.append((name, os.path.join(d, "articles"), os.path.join(d, "manifest.jsonl"),
                    os.path.join(d, "gold.jsonl")))
    syn = os.path.join(tmp, "synth")
    run([bin_, "synth", syn, "--incidents", str(synth_incidents), "--seed", "11"])
    out.append(("synth", os.path.join(syn, "articles"), os.path.join(syn, "articles", "manifest.jsonl"),
                os.path.join(syn, "gold.jsonl")))
    return out


def labelled_pairs(bin_, sc, corpus, tmp):
    name, articles, manifest, gold_path = corpus
    pred_path = os.path.join(tmp, f"{name}-per.jsonl")
    pairs_path = os.path.join(tmp, f"{name}-pairs.jsonl")
    run([bin_, "extract", articles, "--manifest", manifest, "--no-merge", "-q", "-o", pred_path])
    run([bin_, "linkage", "pairs", articles, "--manifest", manifest, "-o", pairs_path])
    gold = [json.loads(l) for l in open(gold_path, encoding="utf-8")]
    pred = [json.loads(l) for l in open(pred_path, encoding="utf-8")]
    _, pm = sc.match(gold, pred, per_article=True)
    gold_of = {pred[pi]["id"]: gi for pi, gi in pm.items()}
    out = []
    for line in open(pairs_path, encoding="utf-8"):
        p = json.loads(line)
        ga, gb = gold_of.get(p["a"]), gold_of.get(p["b"])
        if ga is None or gb is None:
            continue
        out.append((ga == gb, p["levels"]))
    return out, len(gold_of)


def estimate(per_corpus):
    """m per level with each corpus weighing the same (how reports of one
    incident differ depends on the reporting style); u pooled over every
    labelled non-match (how different incidents resemble each other depends
    on how dense the corpus is, and the large synthetic corpus is the one
    with a database's density); the prior likewise from the pooled pairs."""
    m = collections.defaultdict(float)
    counted = 0
    cu = collections.Counter()
    n_others = n_matches = 0
    for pairs in per_corpus.values():
        matches = [lv for ok, lv in pairs if ok]
        others = [lv for ok, lv in pairs if not ok]
        n_matches += len(matches)
        n_others += len(others)
        for lv in others:
            for cmp, _ in COMPARISONS:
                cu[(cmp, lv[cmp])] += 1
        if not matches:
            continue
        counted += 1
        for cmp, levels in COMPARISONS:
            cm = collections.Counter(lv[cmp] for lv in matches)
            for lvl in levels:
                m[(cmp, lvl)] += (cm[lvl] + 1) / (len(matches) + len(levels))
    m = {k: v / max(counted, 1) for k, v in m.items()}
    u = {}
    for cmp, levels in COMPARISONS:
        for lvl in levels:
            u[(cmp, lvl)] = (cu[(cmp, lvl)] + 1) / (n_others + len(levels))
    # A null level (either side lacks the field) is no evidence, as in
    # Splink: its weight is zero whatever the corpora's mix. Except the day:
    # a report without a day is mostly a vague recollection ("last year's
    # attack"), and that is evidence against joining a dated incident.
    for cmp, _ in COMPARISONS:
        if (cmp, "null") in m and cmp not in NULL_IS_EVIDENCE:
            u[(cmp, "null")] = m[(cmp, "null")]
    prior = n_matches / max(n_matches + n_others, 1)
    return m, u, prior


def levels_text(m, u, prior, per_report, threshold, header):
    lines = ["# Fellegi-Sunter weights of the merging comparisons (crates/tally-merge/src/linkage.rs).",
             "# Written by scripts/estimate_linkage.py; do not edit by hand."]
    lines += [f"# {h}" for h in header]
    lines += ["# comparison\tlevel\tm\tu\t(weight = log2(m/u))",
              f"@prior\t{prior:.5f}", f"@matches_per_report\t{per_report:.4f}",
              f"@threshold\t{threshold:.2f}"]
    lines += [f"@veto\t{cmp}\t{lvl}" for cmp, lvl in VETOES]
    for cmp, levels in COMPARISONS:
        for lvl in levels:
            w = math.log2(m[(cmp, lvl)] / u[(cmp, lvl)])
            lines.append(f"{cmp}\t{lvl}\t{m[(cmp, lvl)]:.5f}\t{u[(cmp, lvl)]:.5f}\t{w:+.2f}")
    return "\n".join(lines) + "\n"


def evaluate(bin_, sc, data_dir, corpora_list, tmp):
    scores = {}
    for name, articles, manifest, gold_path in corpora_list:
        out = os.path.join(tmp, f"{name}-merged.jsonl")
        run([bin_, "--data", data_dir, "extract", articles, "--manifest", manifest, "-q", "-o", out])
        gold = [json.loads(l) for l in open(gold_path, encoding="utf-8")]
        pred = [json.loads(l) for l in open(out, encoding="utf-8")]
        res, _ = sc.score(gold, pred)
        scores[name] = (res["incidents"]["f1"], res["dedup"]["f1"])
    return scores


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
    ap.add_argument("--bin", default=os.path.join(target, "release", "tally"))
    ap.add_argument("--synth-incidents", type=int, default=1500)
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()
    sc = scorer()
    with tempfile.TemporaryDirectory() as tmp:
        cs = corpora(a.bin, tmp, a.synth_incidents)
        labelled = {c[0]: labelled_pairs(a.bin, sc, c, tmp) for c in cs}
        per_corpus = {k: v[0] for k, v in labelled.items()}
        # Pairs of one incident per labelled report, each corpus weighing
        # the same: with the pairs blocking compares in the corpus at hand,
        # tally derives that corpus's prior (Weights::prior_shift).
        per_report = sum(sum(ok for ok, _ in v[0]) / max(v[1], 1) for v in labelled.values()) / len(labelled)
        for name, pairs in per_corpus.items():
            print(f"{name}: {len(pairs)} labelled pairs, {sum(ok for ok, _ in pairs)} matches")
        m, u, prior = estimate(per_corpus)
        data_dir = os.path.join(tmp, "data")
        shutil.copytree(os.path.join(ROOT, "data"), data_dir)
        best = None
        for t in THRESHOLDS:
            open(os.path.join(data_dir, "linkage", "levels.tsv"), "w").write(levels_text(m, u, prior, per_report, t, []))
            s = evaluate(a.bin, sc, data_dir, cs, tmp)
            mean = sum(i + d for i, d in s.values()) / (2 * len(s))
            print(f"threshold {t:+.1f}: " + "  ".join(f"{k} inc {i:.3f} dedup {d:.3f}" for k, (i, d) in s.items())
                  + f"  mean {mean:.3f}")
            if best is None or mean > best[0] + 1e-9:
                best = (mean, t, s)
        mean, t, s = best
        header = [
            "corpora: dev, dev2 (shared/bench, with manifests), synthetic "
            f"(tally synth --incidents {a.synth_incidents} --seed 11); pairs within blocking, "
            "labelled by score.py's per-article matching; each corpus weighs the same",
            "pairs: " + ", ".join(f"{k} {len(v)} ({sum(ok for ok, _ in v)} matches)" for k, v in per_corpus.items()),
            f"threshold {t:+.2f} chosen for the best mean of incidents F1 and dedup F1: "
            + ", ".join(f"{k} {i:.3f}/{d:.3f}" for k, (i, d) in s.items()),
        ]
        text = levels_text(m, u, prior, per_report, t, header)
        print(text)
        if a.write:
            open(LEVELS, "w", encoding="utf-8").write(text)
            print(f"wrote {LEVELS}; rebuild tally to embed it")


if __name__ == "__main__":
    sys.exit(main())
