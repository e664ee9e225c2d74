#!/usr/bin/env python3
"""Concurrency: a large `tally ingest` while `tally serve` answers the
dashboard's reads and an analyst posts corrections through the API.

Checks: the ingest exits 0 and says nothing about a locked database; every
HTTP answer is 2xx (a 404 for an incident whose id moved when the ingest
merged reports into it is counted apart, and the analyst moves on); every
accepted correction is in the database at the end (an override with its
note, a history row naming it); the dashboard shows the ingest's incidents
once it commits; the database passes `PRAGMA integrity_check`.

    python3 scripts/concurrency_test.py target/release/tally --incidents 4500 --seed 7
    python3 scripts/concurrency_test.py BIN --incidents 600     # ~1,000 articles, for CI

Standard library only. Exits 1 if a check fails.
"""

import argparse
import collections
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

BASE_ARTICLES = 300


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def split_corpus(articles_dir, work):
    """The first articles (with their manifest lines) to a base folder
    stored before the test; the rest to the folder ingested during it."""
    names = sorted(f for f in os.listdir(articles_dir) if f.endswith(".txt"))
    manifest = {}
    with open(os.path.join(articles_dir, "manifest.jsonl")) as f:
        for line in f:
            if line.strip():
                manifest[json.loads(line)["article"]] = line
    folders = {}
    for name, part in (("base", names[:BASE_ARTICLES]), ("batch", names[BASE_ARTICLES:])):
        folder = os.path.join(work, name)
        os.makedirs(folder)
        with open(os.path.join(folder, "manifest.jsonl"), "w") as m:
            for a in part:
                os.link(os.path.join(articles_dir, a), os.path.join(folder, a))
                m.write(manifest.get(a[: -len(".txt")], ""))
        folders[name] = (folder, len(part))
    return folders


class Client:
    """HTTP calls that record every status (and any answer that mentions a
    locked database)."""

    def __init__(self, base):
        self.base = base
        self.statuses = collections.Counter()
        self.locked = []
        self.errors = []
        self.slowest = collections.defaultdict(float)
        self.lock = threading.Lock()

    def call(self, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path,
            data=data,
            headers={"Content-Type": "application/json"} if data else {},
            method="POST" if data else "GET",
        )
        kind = "POST" if data else "GET"
        began = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                status, text = answer.status, answer.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        except OSError as e:
            status, text = "no answer", str(e)
        took = time.monotonic() - began
        with self.lock:
            self.slowest[kind] = max(self.slowest[kind], took)
            self.statuses[f"{kind} {status}"] += 1
            if "locked" in text.lower() or "busy" in text.lower():
                self.locked.append(f"{kind} {path}: {status} {text[:200]}")
            if status not in (200, 404):
                self.errors.append(f"{kind} {path}: {status} {text[:200]}")
        try:
            return status, json.loads(text)
        except ValueError:
            return status, None

    def total(self):
        status, answer = self.call("/api/incidents?limit=1")
        return answer.get("total") if status == 200 and answer else None


def wait_until_up(client, proc):
    deadline = time.monotonic() + 30
    while client.total() is None:
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("tally serve did not start")
        time.sleep(0.1)
    client.statuses.clear()
    client.errors.clear()


def reader(client, stop, seen):
    """The dashboard: stats and the first page, over and over; records when
    the incident count moves."""
    while not stop.is_set():
        client.call("/api/stats")
        total = client.total()
        if total is not None and (not seen or seen[-1][1] != total):
            seen.append((time.monotonic(), total))
        time.sleep(0.2)


def analyst(client, stop, accepted, gap):
    """Corrections, one after another, each with its own note; after a 404
    (the incident's id moved) the next incident of a fresh page is used."""
    k = 0
    ids = []
    while not stop.is_set():
        if not ids:
            status, page = client.call("/api/incidents?limit=50&sort=id")
            ids = [row["id"] for row in (page or {}).get("incidents", [])] if status == 200 else []
            if not ids:
                time.sleep(gap)
                continue
        incident = ids.pop(0)
        k += 1
        note = f"concurrency test correction {k}"
        body = {"field": "killed.total", "value": k % 40, "note": note}
        status, answer = client.call(f"/api/incidents/{incident}/corrections", body)
        if status == 200:
            accepted.append((answer["incident"], note))
            ids.append(answer["incident"])
        time.sleep(gap)


def cli_analyst(tally, db, client, stop, accepted, failures, gap):
    """A second analyst at the command line (`tally correct`, its own
    process and connection), on other incidents than the dashboard's."""
    k = 0
    ids = []
    while not stop.is_set():
        if not ids:
            status, page = client.call("/api/incidents?limit=50&offset=100&sort=id")
            ids = [row["id"] for row in (page or {}).get("incidents", [])] if status == 200 else []
            if not ids:
                time.sleep(gap)
                continue
        incident = ids.pop(0)
        k += 1
        note = f"concurrency test command-line correction {k}"
        done = subprocess.run([tally, "correct", incident, "--set", f"injured.total={k % 30}",
                               "--note", note, "--db", db], capture_output=True, text=True)
        if done.returncode == 0:
            accepted.append((incident, note))
            ids.append(incident)
        elif "locked" in done.stderr.lower() or "busy" in done.stderr.lower() or "no incident" not in done.stderr:
            failures.append(f"tally correct {incident} exited {done.returncode}: {done.stderr.strip()[:300]}")
        time.sleep(gap)


def check_database(db, accepted):
    conn = sqlite3.connect(db)
    try:
        problems = []
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            problems.append(f"integrity_check: {check}")
        notes = {r[0] for r in conn.execute("SELECT note FROM overrides")}
        reasons = [r[0] for r in conn.execute("SELECT reason FROM history")]
        in_history = {n for _, n in accepted if any(f"({n})" in r for r in reasons)}
        for _, note in accepted:
            if note not in notes:
                problems.append(f"lost correction (no override): {note}")
            elif note not in in_history:
                problems.append(f"correction without a history row: {note}")
        return problems
    finally:
        conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tally", help="the tally binary")
    parser.add_argument("--incidents", type=int, default=4500, help="synthetic incidents (~2.3 articles each)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--gap", type=float, default=0.1, help="seconds between corrections")
    args = parser.parse_args()
    tally = os.path.abspath(args.tally)
    work = tempfile.mkdtemp(prefix="tally-concurrency-")
    server = None
    try:
        corpus = os.path.join(work, "corpus")
        subprocess.run([tally, "synth", corpus, "--incidents", str(args.incidents), "--seed", str(args.seed)],
                       check=True, capture_output=True)
        articles = os.path.join(corpus, "articles")
        folders = split_corpus(articles if os.path.isdir(articles) else corpus, work)
        db = os.path.join(work, "tally.db")
        subprocess.run([tally, "ingest", folders["base"][0], "--db", db, "-q"], check=True, capture_output=True)

        port = free_port()
        server = subprocess.Popen([tally, "serve", "--db", db, "--addr", f"127.0.0.1:{port}"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        client = Client(f"http://127.0.0.1:{port}")
        wait_until_up(client, server)
        before = client.total()

        stop = threading.Event()
        seen, accepted, cli_accepted, cli_failures = [], [], [], []
        threads = [threading.Thread(target=reader, args=(client, stop, seen)),
                   threading.Thread(target=analyst, args=(client, stop, accepted, args.gap)),
                   threading.Thread(target=cli_analyst,
                                    args=(tally, db, client, stop, cli_accepted, cli_failures, args.gap))]
        for t in threads:
            t.start()
        began = time.monotonic()
        ingest = subprocess.run([tally, "ingest", folders["batch"][0], "--db", db, "-q"],
                                capture_output=True, text=True)
        ingest_done = time.monotonic()
        # The dashboard must show the committed ingest within a few polls.
        deadline = ingest_done + 30
        while (not seen or seen[-1][1] == before) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(2)  # a few corrections after the commit, too
        stop.set()
        for t in threads:
            t.join()
        server.terminate()
        server.communicate(timeout=30)
        server = None

        problems = []
        if ingest.returncode != 0:
            problems.append(f"ingest exited {ingest.returncode}: {ingest.stderr.strip()[:500]}")
        if "locked" in ingest.stderr.lower() or "busy" in ingest.stderr.lower():
            problems.append(f"ingest: {ingest.stderr.strip()[:500]}")
        problems += client.locked + client.errors + cli_failures
        shown = [t for t in seen if t[1] != before]
        if not shown:
            problems.append(f"the dashboard never showed the ingest (still {before} incidents)")
        problems += check_database(db, accepted + cli_accepted)
        after_commit = [t for t, total in shown[:1]]
        print(f"ingest of {folders['batch'][1]} articles into {folders['base'][1]}: "
              f"{ingest_done - began:.1f} s, exit {ingest.returncode}; {ingest.stdout.strip()}")
        print(f"dashboard: incidents {before} -> {seen[-1][1] if seen else '?'}"
              + (f", new count seen {after_commit[0] - ingest_done:+.2f} s from the ingest's exit"
                 if after_commit else ""))
        print(f"corrections accepted: {len(accepted)} posted, {len(cli_accepted)} by `tally correct`; HTTP statuses: {dict(sorted(client.statuses.items()))}; "
              + ", ".join(f"slowest {k} {v:.2f} s" for k, v in sorted(client.slowest.items())))
        for p in problems[:20]:
            print("FAIL:", p)
        if problems:
            print(f"{len(problems)} problems")
            return 1
        print("ok: no lock errors, no lost correction, the dashboard followed the ingest")
        return 0
    finally:
        if server is not None:
            server.kill()
            server.communicate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
