#!/usr/bin/env python3
"""Time the JSON API of `tally serve` on a database.

Starts `tally serve --db DB` on a free loopback port, waits until it answers,
requests each query RUNS times (after one untimed warm-up request) and prints
the median and maximum wall time per query in milliseconds, then stops the
server. Standard library only.

    python3 scripts/web_bench.py --db /dev/shm/web.db
    python3 scripts/web_bench.py --db big.db --bin target/release/tally --runs 20 --json out.json
    python3 scripts/web_bench.py --db big.db --only 'stats|offset'   # queries whose name matches
"""

import argparse
import json
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SORT_KEYS = ["date", "killed", "injured", "province", "district", "group", "type", "articles", "id"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(base, path, timeout=120):
    """GET `path`; returns (status, body bytes)."""
    try:
        with urllib.request.urlopen(base + path, timeout=timeout) as res:
            return res.status, res.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def wait_until_up(base, server, seconds=60):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if server.poll() is not None:
            sys.exit(f"tally serve exited with status {server.returncode}")
        try:
            if fetch(base, "/api/options", timeout=5)[0] == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.1)
    sys.exit(f"tally serve did not answer at {base} within {seconds} s")


def get_json(base, path):
    status, body = fetch(base, path)
    if status != 200:
        sys.exit(f"{path}: HTTP {status}: {body[:200]!r}")
    return json.loads(body)


def queries(base):
    """(name, path) pairs covering every endpoint, filter kind, sort and a deep offset."""
    opts = get_json(base, "/api/options")
    total = get_json(base, "/api/incidents?limit=1")["total"]
    middle = get_json(base, f"/api/incidents?limit=1&offset={total // 2}")["incidents"]
    q = urllib.parse.quote
    province, district = q(opts["provinces"][0]), q(opts["districts"][0])
    group = q(opts["groups"][0])
    out = [
        ("options", "/api/options"),
        ("stats", "/api/stats"),
        ("stats province", f"/api/stats?province={province}"),
        ("stats since 2020", "/api/stats?since=2020"),
        ("stats min_killed=5", "/api/stats?min_killed=5"),
        ("incidents default (500, date)", "/api/incidents"),
        ("incidents overview page (100, -date)", "/api/incidents?limit=100&sort=-date"),
    ]
    for key in SORT_KEYS:
        for sort in (key, "-" + key):
            out.append((f"incidents sort={sort}", f"/api/incidents?limit=100&sort={sort}"))
    for name, offset in [("1/4", total // 4), ("1/2", total // 2), ("3/4", 3 * total // 4),
                         ("last", max(total - 100, 0))]:
        out.append((f"incidents offset {name} ({offset})",
                    f"/api/incidents?limit=100&sort=-killed&offset={offset}"))
    out += [
        ("incidents limit=10000", "/api/incidents?limit=10000&sort=-date"),
        ("incidents province", f"/api/incidents?limit=100&sort=-date&province={province}"),
        ("incidents district", f"/api/incidents?limit=100&sort=-date&district={district}"),
        ("incidents group", f"/api/incidents?limit=100&sort=-date&group={group}"),
        ("incidents type", "/api/incidents?limit=100&sort=-date&type=bombing"),
        ("incidents min_killed=5", "/api/incidents?limit=100&sort=-date&min_killed=5"),
        ("incidents 2021..2022", "/api/incidents?limit=100&sort=-date&since=2021&until=2022"),
        ("incidents province+type, offset", f"/api/incidents?limit=100&sort=killed"
                                            f"&province={province}&type=armed_assault&offset=200"),
    ]
    if middle:
        inc_id = middle[0]["id"]
        out.append(("incident by id", f"/api/incidents/{q(inc_id)}"))
        out.append(("incident by id prefix", f"/api/incidents/{q(inc_id[:12])}"))
    return total, out


def time_query(base, path, runs):
    status, body = fetch(base, path)  # warm-up, untimed
    if status != 200:
        sys.exit(f"{path}: HTTP {status}: {body[:200]!r}")
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fetch(base, path)
        times.append((time.perf_counter() - t0) * 1000)
    return {"median_ms": statistics.median(times), "max_ms": max(times), "bytes": len(body)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="database to serve (only read)")
    ap.add_argument("--bin", default=str(REPO / "target/release/tally"), help="tally binary")
    ap.add_argument("--runs", type=int, default=20, help="timed requests per query")
    ap.add_argument("--only", help="time only the queries whose name matches this regular expression")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args()
    if not Path(args.db).is_file():
        sys.exit(f"no database at {args.db}")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([args.bin, "serve", "--db", args.db, "--addr", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(base, server)
        total, todo = queries(base)
        if args.only:
            todo = [(name, path) for name, path in todo if re.search(args.only, name)]
        print(f"{total} incidents in {args.db}; {args.runs} runs per query (ms)")
        print(f"{'query':<44} {'median':>8} {'max':>8} {'bytes':>9}")
        results = []
        for name, path in todo:
            r = time_query(base, path, args.runs)
            results.append({"name": name, "path": path, **r})
            print(f"{name:<44} {r['median_ms']:8.1f} {r['max_ms']:8.1f} {r['bytes']:9}", flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps({"db": args.db, "incidents": total,
                                                   "runs": args.runs, "queries": results}, indent=1))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
