#!/usr/bin/env bash
# Rebuild the relevance classifier's training corpus from the real-news
# snapshot and train data/relevance/en/model.tsv on data/relevance/labels/train.tsv.
# The training corpus is two samples (3,000 random articles, seed 101, and
# every keyword-positive article, seed 5) minus the two audit samples.
# usage: REALNEWS_MIRROR=<git dir of gitcodeuu/xai_articles> scripts/train_relevance.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
: "${REALNEWS_MIRROR:?set REALNEWS_MIRROR to the git dir of the gitcodeuu/xai_articles snapshot}"
out="${1:-../rn/train}"
sample=../shared/realnews/sample.py
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 "$sample" "$tmp/random" -n 3000 --seed 101 >/dev/null
python3 "$sample" "$tmp/attacks" -n 1300 --attacks-only --seed 5 >/dev/null
python3 "$sample" "$tmp/audit-a" -n 2000 >/dev/null
python3 "$sample" "$tmp/audit-b" -n 400 --attacks-only --seed 3 >/dev/null
python3 - "$tmp" "$out" <<'PY'
import json, os, shutil, sys
tmp, out = sys.argv[1], sys.argv[2]
held = set(os.listdir(f"{tmp}/audit-a")) | set(os.listdir(f"{tmp}/audit-b"))
os.makedirs(out, exist_ok=True)
meta = {}
for d in ("random", "attacks"):
    for line in open(f"{tmp}/{d}/manifest.jsonl"):
        r = json.loads(line)
        meta[r["article"]] = r
    for f in os.listdir(f"{tmp}/{d}"):
        if f.endswith(".txt") and f not in held:
            shutil.copy(f"{tmp}/{d}/{f}", f"{out}/{f}")
ids = sorted(f[:-4] for f in os.listdir(out) if f.endswith(".txt"))
with open(f"{out}/manifest.jsonl", "w") as o:
    for i in ids:
        o.write(json.dumps(meta[i]) + "\n")
print(f"training corpus: {len(ids)} articles in {out}")
PY
cargo build --release -p tally-cli
bin="${CARGO_TARGET_DIR:-target}/release/tally"
"$bin" relevance train "$out" --labels data/relevance/labels/train.tsv -o data/relevance/en/model.tsv
echo "rebuild tally to embed the new model: cargo build --release -p tally-cli"
