#!/usr/bin/env python3
"""Measure tally at scale: a large synthetic ingest, a small ingest into the
result, the reading commands and the dashboard API on it, and the database
bytes per article. Prints a Markdown table (and writes JSON with --json).

    python3 scripts/scale_bench.py --articles 1000000 --work /work/scale
    python3 scripts/scale_bench.py --articles 20000 --work /tmp/scale --bin target/release/tally

The synthetic corpus keeps the density of a real archive: about 50,000
articles a year (so a million articles span twenty years, not two), which
is what blocking's cost depends on. Corpora already written under --work
are reused. Standard library only; peak memory comes from getrusage of the
child, wall time from the clock.
"""

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ARTICLES_PER_YEAR = 50_000
# `tally synth` writes about 2.27 articles per incident.
ARTICLES_PER_INCIDENT = 2.27
LAST_YEAR = 2024


def run(cmd, quiet=True):
    """Run `cmd`; returns (wall seconds, peak RSS of this child in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=quiet, text=True)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{proc.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest child so far: only a new maximum
    # is this child's own, so measure the big runs first.
    return wall, max(peak, before) / 1024.0, proc.stdout


def synth(bin_, out, articles, seed, first_year, last_year):
    if (out / "articles" / "manifest.jsonl").exists():
        return
    incidents = max(1, round(articles / ARTICLES_PER_INCIDENT))
    run([bin_, "synth", out, "--incidents", str(incidents), "--seed", str(seed),
         "--from", f"{first_year}-01-01", "--until", f"{last_year}-12-31"])


def timed_ms(cmd, runs=5):
    """Median wall time of `cmd` in ms over `runs` runs (after one warm-up)."""
    subprocess.run(cmd, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.monotonic()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append((time.monotonic() - start) * 1000)
    return sorted(times)[len(times) // 2]


def db_bytes(db):
    total = sum(p.stat().st_size for p in [db, Path(f"{db}-wal")] if p.exists())
    tables = {}
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        for name, size in con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
            tables[name] = size
        con.close()
    except sqlite3.Error:
        pass
    return total, tables


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--extra", type=int, default=1_000, help="articles of the second ingest")
    ap.add_argument("--work", type=Path, required=True, help="folder for corpora and the database")
    ap.add_argument("--bin", type=Path, default=REPO / "target" / "release" / "tally")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    bin_ = str(args.bin.resolve())
    args.work.mkdir(parents=True, exist_ok=True)
    years = max(1, round(args.articles / ARTICLES_PER_YEAR))
    big = args.work / f"synth-{args.articles}"
    extra = args.work / f"synth-{args.articles}-extra{args.extra}"
    synth(bin_, big, args.articles, 5, LAST_YEAR - years + 1, LAST_YEAR)
    # The next day's news: the last month of the span, other incidents.
    synth(bin_, extra, args.extra, 99, LAST_YEAR, LAST_YEAR)
    db = args.work / f"scale-{args.articles}.db"
    for p in [db, Path(f"{db}-wal"), Path(f"{db}-shm")]:
        p.unlink(missing_ok=True)

    rows = []
    wall, peak, _ = run([bin_, "ingest", big / "articles", "--db", db, "--quiet"])
    n_articles = sqlite3.connect(db).execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    rows.append((f"ingest {n_articles:,} articles into an empty database", f"{wall:.0f} s", f"{peak:,.0f} MB"))
    wall, peak2, _ = run([bin_, "ingest", extra / "articles", "--db", db, "--quiet"])
    rows.append((f"ingest +{args.extra:,} articles into it", f"{wall:.1f} s", "-"))
    for name, cmd in [
        ("list (first page)", [bin_, "list", "--db", db, "--limit", "50"]),
        ("stats", [bin_, "stats", "--db", db]),
        ("stats --by month", [bin_, "stats", "--db", db, "--by", "month"]),
        ("show one incident", None),
    ]:
        if cmd is None:
            inc = sqlite3.connect(db).execute("SELECT id FROM incidents LIMIT 1").fetchone()[0]
            cmd = [bin_, "show", inc, "--db", db]
        rows.append((f"`tally {name}`", f"{timed_ms(cmd):.0f} ms", "-"))
    web = subprocess.run([sys.executable, REPO / "scripts" / "web_bench.py", "--db", db, "--bin", bin_,
                          "--runs", "5", "--json", args.work / "web.json"], capture_output=True, text=True)
    if web.returncode == 0 and (args.work / "web.json").exists():
        queries = json.loads((args.work / "web.json").read_text())["queries"]
        slowest = max(queries, key=lambda q: q["median_ms"])
        rows.append((f"API: {len(queries)} dashboard queries, median of the slowest ({slowest['name']})",
                     f"{slowest['median_ms']:.0f} ms", f"max {slowest['max_ms']:.0f} ms"))
    else:
        rows.append(("API (web_bench.py failed)", web.stderr.strip()[-200:], "-"))
    total, tables = db_bytes(db)
    rows.append(("database bytes per article", f"{total / max(n_articles, 1):,.0f} B", f"{total / 1e9:.2f} GB in all"))
    print("| step | time | memory / size |\n|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} |")
    if tables:
        print("\nlargest tables and indexes (bytes per article):")
        for name, size in sorted(tables.items(), key=lambda x: -x[1])[:8]:
            print(f"  {name:28} {size / max(n_articles, 1):8,.0f}")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "tables": tables}, indent=1))


if __name__ == "__main__":
    main()
