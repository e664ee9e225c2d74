#!/usr/bin/env python3
"""Remove "status":"fails" from capability cases that pass now.

Runs the capability suite, reads the ids it reports as "passes now", and
rewrites their lines in data/rules/*/*.cases.jsonl without the status and
note. usage: scripts/cases_unmark.py
"""
import glob
import json
import os
import re
import subprocess

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
out = subprocess.run(["cargo", "test", "-q", "-p", "tally-extract", "--test", "capability"],
                     cwd=root, capture_output=True, text=True)
ids = set(re.findall(r"^(\S+) \(.*\): passes now", out.stdout + out.stderr, re.M))
for path in glob.glob(os.path.join(root, "data", "rules", "*", "*.cases.jsonl")):
    lines = open(path, encoding="utf-8").read().splitlines()
    changed = False
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        case = json.loads(line)
        if case.get("id") in ids:
            case.pop("status", None)
            case.pop("note", None)
            lines[i] = json.dumps(case, ensure_ascii=False)
            changed = True
    if changed:
        open(path, "w", encoding="utf-8").write("\n".join(lines) + "\n")
print(f"unmarked {len(ids)} case(s)")
