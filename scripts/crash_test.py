#!/usr/bin/env python3
"""Crash safety: SIGKILL `tally ingest`, `tally correct`, a dashboard
review POST (`tally serve`) and `tally recode` at random points and check
the database.

After every kill the database must pass `PRAGMA integrity_check` and equal,
in a canonical dump (`canonical_dump`: every table, without timestamps and
row ids), either the state before the command or the state a clean run of
it gives; never anything in between. When the command had not committed,
it is run again to completion and the database must then equal the clean
run.

    python3 scripts/crash_test.py target/release/tally --kills 50
    python3 scripts/crash_test.py BIN --kills 5 --modes ingest,correct,web,recode

The recode is of a database coded with older data (the project's `data/`
without its first group) and corrected once.

Standard library only. Exits 1 on the first failure, printing it.
"""

import argparse
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

DB_SUFFIXES = ("", "-wal", "-shm")


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, check=True, **kw)


def strip_times(text):
    """Incident JSON without the analysts' correction times."""
    if text is None:
        return None
    value = json.loads(text)
    for c in value.get("corrections") or []:
        c.pop("at", None)
    return json.dumps(value, sort_keys=True)


TABLES = {
    # table: (columns compared, order, JSON columns to strip of times)
    "articles": ("id, hash, outlet, url, published, text", "id", ()),
    "reports": ("article, json, coder_version, coder_data", "article", ()),
    "incidents": (None, "id", ()),
    "incident_json": ("id, json", "id", ("json",)),
    "history": ("incident, version, reason, json", "incident, version", ("json",)),
    "overrides": ("anchor, kind, field, value, note, author", "seq", ()),
    "members": ("key, article, incident, sketch", "key", ()),
}


def canonical_dump(db):
    """Every table's rows without what legitimately differs between two runs
    of the same commands: times (ingested_at, history and correction times,
    and the incident hash that covers them) and row ids."""
    conn = sqlite3.connect(db)
    try:
        dump = {"user_version": conn.execute("PRAGMA user_version").fetchone()[0]}
        for table, (columns, order, json_columns) in TABLES.items():
            if columns is None:
                names = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
                columns = ", ".join(f'"{n}"' for n in names if n != "hash")
            order_by = f" ORDER BY {order}" if order else ""
            cur = conn.execute(f"SELECT {columns} FROM {table}{order_by}")
            names = [d[0] for d in cur.description]
            rows = []
            for row in cur:
                row = list(row)
                for i, name in enumerate(names):
                    if name in json_columns:
                        row[i] = strip_times(row[i])
                rows.append(row)
            if order is None:
                rows.sort(key=repr)
            dump[table] = rows
        return dump
    finally:
        conn.close()


def integrity(db):
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def copy_db(src, dst):
    for suffix in DB_SUFFIXES:
        if os.path.exists(dst + suffix):
            os.remove(dst + suffix)
        if os.path.exists(src + suffix):
            shutil.copyfile(src + suffix, dst + suffix)


def describe_difference(a, b):
    for key in a:
        if a[key] != b.get(key):
            return f"table {key} differs ({len(a[key])} vs {len(b.get(key) or [])} rows)"
    return "no difference"


def split_corpus(corpus, work):
    """The synthetic corpus in two folders, each with its manifest: batch
    `a` is stored before the kills, batch `b` is the one killed."""
    articles = sorted(f for f in os.listdir(corpus) if f.endswith(".txt"))
    manifest = {}
    with open(os.path.join(corpus, "manifest.jsonl")) as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                manifest[row["article"]] = line
    cut = len(articles) * 3 // 5
    folders = {}
    for name, part in (("a", articles[:cut]), ("b", articles[cut:])):
        folder = os.path.join(work, name)
        os.makedirs(folder)
        with open(os.path.join(folder, "manifest.jsonl"), "w") as m:
            for a in part:
                shutil.copyfile(os.path.join(corpus, a), os.path.join(folder, a))
                stem = a[: -len(".txt")]
                if stem in manifest:
                    m.write(manifest[stem])
        folders[name] = folder
    return folders


class Scenario:
    """One command to kill: `before` is the database it starts from,
    `clean` the dump a clean run gives, `start` launches it on a database."""

    def __init__(self, name, before, start, rerun):
        self.name = name
        self.before = before
        self.start = start
        self.rerun = rerun
        self.before_dump = canonical_dump(before)
        self.clean_dump = None
        self.duration = None

    def measure(self, work):
        db = os.path.join(work, f"clean-{self.name}.db")
        copy_db(self.before, db)
        proc = self.start(db)
        began = time.monotonic()
        self.wait(proc)
        self.duration = time.monotonic() - began
        self.clean_dump = canonical_dump(db)
        if self.clean_dump == self.before_dump:
            raise SystemExit(f"{self.name}: a clean run changes nothing; nothing to test")

    def wait(self, proc):
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"{self.name} failed ({proc.returncode}): {err or out}")

    def kill_once(self, work, delay):
        """Run, SIGKILL after `delay` s, check; return whether it had committed."""
        db = os.path.join(work, f"kill-{self.name}.db")
        copy_db(self.before, db)
        proc = self.start(db)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        check = integrity(db)
        if check != "ok":
            raise SystemExit(f"{self.name}: integrity_check after a kill at {delay:.3f}s: {check}")
        dump = canonical_dump(db)
        if dump == self.clean_dump:
            return True
        if dump != self.before_dump:
            raise SystemExit(
                f"{self.name}: killed at {delay:.3f}s, the database is neither as before nor as "
                f"after a clean run: {describe_difference(dump, self.clean_dump)}"
            )
        Scenario.wait(self, self.rerun(db))
        dump = canonical_dump(db)
        if dump != self.clean_dump:
            raise SystemExit(
                f"{self.name}: killed at {delay:.3f}s and run again, the database differs from "
                f"a clean run: {describe_difference(dump, self.clean_dump)}"
            )
        return False


def older_data(work):
    """The project's data/ without the first group of groups.tsv: coded
    with it, a database changes when recoded with the embedded data."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
    old = os.path.join(work, "old-data")
    shutil.copytree(src, old)
    path = os.path.join(old, "groups.tsv")
    with open(path) as f:
        lines = f.read().splitlines()
    first = next(i for i, l in enumerate(lines) if l.strip() and not l.startswith("#"))
    with open(path, "w") as f:
        f.write("\n".join(lines[:first] + lines[first + 1:]) + "\n")
    return old


def coded_with_older_data(tally, folders, work):
    """A database ingested with older data and corrected once."""
    old = older_data(work)
    db = os.path.join(work, "old.db")
    for name in ("a", "b"):
        run([tally, "--data", old, "ingest", folders[name], "--db", db, "-q"])
    conn = sqlite3.connect(db)
    incident = conn.execute(
        "SELECT id FROM incidents WHERE role = 'main' ORDER BY articles DESC, id LIMIT 1"
    ).fetchone()[0]
    conn.close()
    run([tally, "correct", incident, "--set", "killed.total=17", "--note", "crash test",
         "--db", db])
    return db


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def web_review(tally, incident, note):
    """Start `tally serve`, wait until it answers, then POST a correction
    in the background: the process to kill is the server."""

    def start(db):
        port = free_port()
        proc = subprocess.Popen(
            [tally, "serve", "--db", db, "--addr", f"127.0.0.1:{port}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(base + "/api/stats", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("tally serve did not start")
                time.sleep(0.02)
        body = json.dumps({"field": "killed.total", "value": 17, "note": note}).encode()
        request = urllib.request.Request(
            f"{base}/api/incidents/{incident}/corrections",
            data=body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )

        def post():
            try:
                answer = urllib.request.urlopen(request, timeout=60)
                answer.read()
                proc.posted = answer.status
            except OSError as e:
                proc.posted = e

        proc.posted = None
        proc.poster = threading.Thread(target=post, daemon=True)
        proc.poster.start()
        return proc

    return start


def finish_web(scenario):
    """A web run is over when the POST has answered; then stop the server."""

    def wait(proc):
        proc.poster.join(timeout=60)
        status = proc.posted
        proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
        if status != 200:
            raise SystemExit(f"{scenario.name}: the review POST answered {status}")

    scenario.wait = wait


def popen(cmd):
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def delays(rng, duration, kills):
    """Kill times: half over the whole run, half over its last third, where
    the final transaction and its commit are."""
    for i in range(kills):
        if i % 2 == 0:
            yield rng.uniform(0.0, duration * 1.1)
        else:
            yield rng.uniform(duration * 0.66, duration * 1.05)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tally", help="the tally binary")
    parser.add_argument("--kills", type=int, default=50, help="kills per command")
    parser.add_argument("--modes", default="ingest,correct,web,recode")
    parser.add_argument("--incidents", type=int, default=300, help="size of the synthetic corpus")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    tally = os.path.abspath(args.tally)
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="tally-crash-")
    try:
        corpus = os.path.join(work, "corpus")
        run([tally, "synth", corpus, "--incidents", str(args.incidents), "--seed", str(args.seed)])
        articles = os.path.join(corpus, "articles") if os.path.isdir(os.path.join(corpus, "articles")) else corpus
        folders = split_corpus(articles, work)
        base = os.path.join(work, "base.db")
        run([tally, "ingest", folders["a"], "--db", base, "-q"])
        full = os.path.join(work, "full.db")
        copy_db(base, full)
        run([tally, "ingest", folders["b"], "--db", full, "-q"])
        conn = sqlite3.connect(full)
        incident = conn.execute(
            "SELECT id FROM incidents WHERE role = 'main' ORDER BY articles DESC, id LIMIT 1"
        ).fetchone()[0]
        conn.close()

        def ingest(db):
            return popen([tally, "ingest", folders["b"], "--db", db, "-q"])

        def correct(db):
            return popen([tally, "correct", incident, "--set", "killed.total=17",
                          "--note", "crash test", "--db", db])

        scenarios = []
        modes = args.modes.split(",")
        if "ingest" in modes:
            scenarios.append(Scenario("ingest", base, ingest, ingest))
        if "correct" in modes:
            scenarios.append(Scenario("correct", full, correct, correct))
        if "web" in modes:
            web = Scenario("web", full, web_review(tally, incident, "crash test"), correct)
            finish_web(web)
            # The CLI and the POST store the same override: the rerun is `tally correct`.
            scenarios.append(web)
        if "recode" in modes:
            def recode(db):
                return popen([tally, "recode", "--db", db, "-q"])

            old = coded_with_older_data(tally, folders, work)
            scenarios.append(Scenario("recode", old, recode, recode))
        for s in scenarios:
            s.measure(work)
            committed = 0
            began = time.monotonic()
            for delay in delays(rng, s.duration, args.kills):
                committed += s.kill_once(work, delay)
            print(
                f"{s.name}: {args.kills} kills (clean run {s.duration:.2f} s), integrity ok every time; "
                f"{committed} had committed, {args.kills - committed} left the database as before "
                f"and their rerun equals the clean run ({time.monotonic() - began:.0f} s)"
            )
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
