#!/usr/bin/env python3
"""Benchmark gate: run `tally extract` on the shared benchmark sets (each
with its manifest, as users supply one) and on the sealed blind set (through
its own script, aggregates only), and fail when a score falls below its
floor. Floors guard against regressions; the goals are in the issues
(incidents >= 0.95 per article on every set, fields >= 0.95).

usage: scripts/bench_gate.py [--bin target/release/tally] [--bench ../shared/bench]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

# (set, mode, metric path, floor). "per-article": `--no-merge` output scored
# with `--per-article` (issue 2); "merged": the default output (issue 3).
# Floors sit just under what was reached, so any regression fails CI.
FLOORS = [
    ("dev2", "per-article", ("incidents", "f1"), 0.89),
    ("dev2", "per-article", ("fields", "accuracy"), 0.66),
    ("dev2", "merged", ("incidents", "f1"), 0.78),
    ("blind", "per-article", ("incidents", "precision"), 0.88),
    ("blind", "per-article", ("incidents", "recall"), 0.89),
    ("blind", "merged", ("incidents", "f1"), 0.65),
    ("seeds", "per-article", ("incidents", "recall"), 1.0),
    ("seeds", "per-article", ("incidents", "precision"), 0.9),
    ("seeds", "per-article", ("fields", "accuracy"), 0.95),
    ("dev", "per-article", ("incidents", "f1"), 0.97),
    ("dev", "per-article", ("fields", "accuracy"), 0.87),
    ("seeds", "merged", ("dedup", "f1"), 1.0),
    ("seeds", "merged", ("fields", "accuracy"), 0.95),
    ("dev", "merged", ("dedup", "f1"), 0.96),
    ("dev", "merged", ("incidents", "f1"), 0.90),
    ("dev", "merged", ("fields", "accuracy"), 0.92),
]


def score(bench, name, out, per_article):
    cmd = [sys.executable, os.path.join(bench, "score.py"), os.path.join(bench, name, "gold.jsonl"), out, "--json"]
    if per_article:
        cmd.append("--per-article")
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(here, "..", "target")
    ap.add_argument("--bin", default=os.path.join(target, "release", "tally"))
    ap.add_argument("--bench", default=os.path.join(here, "..", "..", "shared", "bench"))
    a = ap.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for name in sorted({f[0] for f in FLOORS}):
            if name == "blind":
                blind = json.loads(subprocess.run(
                    [sys.executable, os.path.join(a.bench, "blind", "score_blind.py"), "--bin", a.bin, "--json"],
                    check=True, capture_output=True, text=True).stdout)
                for mode in ("merged", "per-article"):
                    results[(name, mode)] = blind[mode]
            for mode in sorted({f[1] for f in FLOORS if f[0] == name}):
                if name != "blind":
                    out = os.path.join(tmp, f"{name}-{mode}.jsonl")
                    args = [a.bin, "extract", os.path.join(a.bench, name, "articles"),
                            "--manifest", os.path.join(a.bench, name, "manifest.jsonl"), "-o", out, "-q"]
                    if mode == "per-article":
                        args.append("--no-merge")
                    subprocess.run(args, check=True)
                    results[(name, mode)] = score(a.bench, name, out, mode == "per-article")
                r = results[(name, mode)]
                print(f"{name:6} {mode:12} incidents P {r['incidents']['precision']:.3f} R {r['incidents']['recall']:.3f} "
                      f"F1 {r['incidents']['f1']:.3f}  dedup F1 {r['dedup']['f1']:.3f}  fields {r['fields']['accuracy']:.3f}")
        for name, mode, path, floor in FLOORS:
            value = results[(name, mode)][path[0]][path[1]]
            ok = value + 1e-9 >= floor
            failed |= not ok
            print(f"{'ok  ' if ok else 'FAIL'} {name} {mode} {'.'.join(path)} = {value:.3f} (floor {floor})")
    if failed:
        sys.exit("benchmark gate failed")
    print("benchmark gate passed")


if __name__ == "__main__":
    main()
