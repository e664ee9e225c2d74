#!/usr/bin/env python3
"""Fit tally's confidence models on benchmark sets and measure the review queue.

usage: scripts/calibrate.py [--bin target/release/tally] [--bench ../shared/bench]
                            [--sets dev,dev2] [--write data/confidence/weights.tsv]

For every set: run `tally extract` (merged, with its manifest), match the
output to the gold with the benchmark's own scorer, and label each scored
field of each matched gold `main` incident right or wrong (the scorer's
rules), and each output incident real (it matches a gold incident) or not.
The features are the ones `crates/tally-merge/src/confidence.rs` reads from
an incident's doubts: `bias`, `kind:K`, `on_field`, `null` (`mentioned` for
the incident model). One L2-regularised logistic model per field.

It prints: the reliability table (bins of predicted confidence vs observed
accuracy), the review curve (share of wrong fields held by the incidents
the queue flags vs share of incidents flagged) in-sample and with each set
left out, and, with --write, writes the weights and the queue's threshold.
Incidents are flagged by expected wrong fields (sum of 1 - confidence).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIELDS = ["date", "admin1", "admin2", "event_type", "group", "claimed", "targets", "foiled",
          "killed.total", "killed.security_forces", "killed.civilians", "killed.militants",
          "injured.total", "injured.security_forces", "injured.civilians", "injured.militants"]
# The share of incidents the queue flags on the fitting sets.
FLAG_BUDGET = 0.35
L2 = 1.0


def coded(inc, field):
    if "." in field:
        outcome, cat = field.split(".")
        return (inc.get(outcome) or {}).get(cat) is not None
    v = inc.get(field)
    if field == "event_type":
        return v not in (None, "other")
    return v not in (None, [], False)


def features(inc, field):
    kinds = sorted({d["kind"] for d in inc.get("doubts", [])})
    out = ["bias"] + ["kind:" + k for k in kinds]
    if field == "incident":
        if inc.get("role") == "mentioned":
            out.append("mentioned")
        return out
    if any(d.get("field") == field for d in inc.get("doubts", [])):
        out.append("on_field")
    if not coded(inc, field):
        out.append("null")
    return out


def run(binary, bench, name):
    out = os.path.join(tempfile.mkdtemp(prefix="tally-cal-"), name + ".jsonl")
    subprocess.run([binary, "extract", os.path.join(bench, name, "articles"), "--manifest",
                    os.path.join(bench, name, "manifest.jsonl"), "-o", out],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


def samples(S, gold, pred, tag):
    """(field, features, right, incident key) for every label of one set."""
    gm, pm = S.match(gold, pred)
    rows = []
    for pi, p in enumerate(pred):
        key = (tag, pi)
        rows.append(("incident", features(p, "incident"), pi in pm, key))
        gi = pm.get(pi)
        if gi is None or gold[gi]["role"] != "main":
            continue
        for f in S.PLAIN_FIELDS + S.COUNT_FIELDS:
            ok = S.field_score(f, gold[gi], p)
            if ok is None:
                continue
            name = ".".join(f) if isinstance(f, tuple) else f
            rows.append((name, features(p, name), bool(ok), key))
    return rows


def fit(rows, iters=3000, rate=0.5):
    names = sorted({x for _, fs, _, _ in rows for x in fs})
    w = {n: 0.0 for n in names}
    for _ in range(iters):
        grad = {n: 0.0 for n in names}
        for _, fs, y, _ in rows:
            p = 1 / (1 + math.exp(-sum(w[x] for x in fs)))
            for x in fs:
                grad[x] += p - y
        for n in names:
            reg = 0.0 if n == "bias" else L2 * w[n]
            w[n] -= rate * (grad[n] + reg) / len(rows)
    return w


def fit_all(rows):
    by_field = {}
    for r in rows:
        by_field.setdefault(r[0], []).append(r)
    models = {f: fit(rs) for f, rs in by_field.items()}
    models["@platt"] = platt(models, rows)
    return models


def prob(models, field, fs):
    w = models.get(field, {})
    z = sum(w.get(x, 0.0) for x in fs)
    if field != "incident":
        scale = models.get("@platt", {})
        z = scale.get("scale", 1.0) * z + scale.get("shift", 0.0)
    return 1 / (1 + math.exp(-z))


def platt(models, rows, iters=2000, rate=0.05):
    """One scale and shift of every field model's log-odds, fitted on the same labels."""
    zs = [(sum(models[f].get(x, 0.0) for x in fs), y) for f, fs, y, _ in rows if f != "incident"]
    a, b = 1.0, 0.0
    for _ in range(iters):
        ga = gb = 0.0
        for z, y in zs:
            p = 1 / (1 + math.exp(-(a * z + b)))
            ga += (p - y) * z
            gb += p - y
        a -= rate * ga / len(zs)
        b -= rate * gb / len(zs)
    return {"scale": a, "shift": b}


def counted(inc, field):
    """The fields the queue's doubt score sums: plain fields, totals and coded counts."""
    return "." not in field or field.endswith(".total") or coded(inc, field)


def expected_wrong(models, inc):
    """The queue's doubt score; background (`mentioned`) incidents are not
    queued unless dated within a week of their article (`recent_background`)."""
    recent = any(d["kind"] == "recent_background" for d in inc.get("doubts", []))
    if inc.get("role") != "main" and not recent:
        return 0.0
    return sum(1 - prob(models, f, features(inc, f)) for f in FIELDS if counted(inc, f))


def reliability(models, rows):
    bins = [[0, 0, 0.0] for _ in range(10)]
    for field, fs, y, _ in rows:
        if field == "incident":
            continue
        p = prob(models, field, fs)
        b = bins[min(9, int(p * 10))]
        b[0] += 1
        b[1] += y
        b[2] += p
    print("  confidence bin   fields   mean predicted   observed accuracy")
    for i, (n, right, psum) in enumerate(bins):
        if n:
            print(f"  {i / 10:.1f}-{(i + 1) / 10:.1f}        {n:6}   {psum / n:14.3f}   {right / n:17.3f}"
                  f"{'' if n < 20 or abs(right / n - psum / n) <= 0.1 else '   OFF'}")


def curve(models, sets, threshold=None):
    """(share flagged, share of wrong fields caught) at each cut, and at `threshold`."""
    incs = []
    for tag, pred, rows in sets:
        wrong = {}
        for field, _, y, key in rows:
            if field != "incident" and not y:
                wrong[key] = wrong.get(key, 0) + 1
        for pi, p in enumerate(pred):
            incs.append((expected_wrong(models, p), wrong.get((tag, pi), 0)))
    incs.sort(key=lambda x: -x[0])
    total = sum(w for _, w in incs) or 1
    points, caught = [], 0
    for i, (score, w) in enumerate(incs, 1):
        caught += w
        points.append((i / len(incs), caught / total, score))
    at = None
    if threshold is not None:
        flagged = [w for s, w in incs if s >= threshold]
        at = (len(flagged) / len(incs), sum(flagged) / total)
    return points, at


def print_curve(points, label):
    marks = [0.1, 0.2, 0.3, 0.35, 0.5, 0.75, 1.0]
    cells = []
    for m in marks:
        best = max((c for s, c, _ in points if s <= m + 1e-9), default=0.0)
        cells.append(f"{int(m * 100)}%:{best:.2f}")
    print(f"  {label:28} " + "  ".join(cells))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(HERE, "..", "target")
    ap.add_argument("--bin", default=os.path.join(target, "release", "tally"))
    ap.add_argument("--bench", default=os.path.join(HERE, "..", "..", "shared", "bench"))
    ap.add_argument("--sets", default="dev,dev2")
    ap.add_argument("--write", metavar="TSV")
    a = ap.parse_args()
    sys.path.insert(0, a.bench)
    import score as S  # the benchmark's own matching and field rules

    sets = []
    for name in a.sets.split(","):
        gold, pred = S.load(os.path.join(a.bench, name, "gold.jsonl")), S.load(run(a.bin, a.bench, name))
        sets.append((name, pred, samples(S, gold, pred, name)))
    rows = [r for _, _, rs in sets for r in rs]
    models = fit_all(rows)
    scores = sorted((expected_wrong(models, p) for _, pred, _ in sets for p in pred), reverse=True)
    threshold = scores[max(0, int(FLAG_BUDGET * len(scores)) - 1)]

    print(f"fields labelled: {sum(r[0] != 'incident' for r in rows)}, incidents: {len(scores)}")
    print("reliability (in sample), both sets")
    reliability(models, rows)
    for name, _, set_rows in sets:
        print(f"reliability, {name} alone")
        reliability(models, set_rows)
    print("review curve: share of wrong fields held by the flagged incidents, by share flagged")
    print_curve(curve(models, sets)[0], "in sample")
    for i, (name, _, _) in enumerate(sets):
        held_out = [s for j, s in enumerate(sets) if j != i]
        trained = fit_all([r for _, _, rs in held_out for r in rs])
        print_curve(curve(trained, [sets[i]])[0], f"{name} (fitted without it)")
    _, at = curve(models, sets, threshold)
    print(f"queue threshold {threshold:.3f} expected wrong fields: flags {at[0]:.2f} of incidents, "
          f"holding {at[1]:.2f} of wrong fields")
    if a.write:
        with open(a.write, "w", encoding="utf-8") as fh:
            fh.write("# field\tfeature\tweight: per-field logistic models over an incident's doubts,\n")
            fh.write(f"# fitted by scripts/calibrate.py on {a.sets} (see data/confidence/README.md).\n")
            fh.write(f"@review\tthreshold\t{threshold:.4f}\n")
            for feat, w in sorted(models["@platt"].items()):
                fh.write(f"@platt\t{feat}\t{w:.4f}\n")
            for field in ["incident"] + FIELDS:
                for feat, w in sorted(models.get(field, {}).items()):
                    fh.write(f"{field}\t{feat}\t{w:.4f}\n")
        print(f"wrote {a.write}")


if __name__ == "__main__":
    main()
