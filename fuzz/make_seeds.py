#!/usr/bin/env python3
"""Write the fuzz seed corpus: the project's example articles and manifest,
plus short texts written for fuzzing (odd dates, figures, encodings).

Extract inputs start with a 4-byte date header (see src/input.rs):
precision (0 none, 1 day, 2 month, 3 year), year - 1990, month - 1, day - 1.
Usage: python3 fuzz/make_seeds.py  (rewrites fuzz/seeds/)."""

import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent
EXAMPLES = ROOT.parent / "examples" / "articles"

# Invented texts: edge shapes for every stage, no real news.
OWN = [
    " date 2024-02-29 QUETTA: Two Levies men were martyred and 3 injured when militants attacked a checkpost on Sunday.",
    " date 2024-13-45 Gunmen killed four people in Kohat.",
    " date 99999-01-01\nA bomb blast in Swat killed 12 and injured dozens.",
    " date\n\n\nMeanwhile, in another incident in Bannu, 7 soldiers were killed.",
    "At least 99999999999999999999999 people were killed in Peshawar on 31/02/2024.",
    "More than 1,000,000,000 militants were killed, 3 days ago, 2 Thursdays ago, the first Monday of last month.",
    "Five (5) policemen, aged 35, 40 and 41, were martyred; two others were injured - ISPR said.\r\nShare.\r\n",
    "KARACHI (Agency): \u0645\u0642\u062a\u0648\u0644 three killed \u200b\u200b in Lyari \U0001F4A5 blast.",
    "One. Two. Three. " * 200,
    "killed " * 500,
    "In another incident in " * 100 + "Kurram.",
    "Militants attacked; a day after the attack, the wounded died of his wounds. A dozen were injured.",
    "\u00a0\u2009\u2028\u2029\ufeff Dera Ismail Khan - 16 Feb - X: militants rammed an explosive-laden vehicle into a post.",
    "",
]

MANIFEST_ODD = [
    '{"article": "a1", "published": "2025-02-30"}',
    '{"article": "a1", "published": 20250101, "outlet": ["x"], "url": null}',
    '{"article": "", "published": "2025"}\n{"article": "a1", "published": "2025-06"}',
    '\ufeff{"article": "a1"}\r\n\r\n[1, 2]\n"text"\n{"article": 5}',
    '{"article": "a1", "published": "99999-99-99", "outlet": "\\u0000"}',
]


def header(published):
    if not published:
        return bytes([0, 0, 0, 0])
    parts = [int(p) for p in published.split("-")]
    year = max(0, min(255, parts[0] - 1990))
    if len(parts) == 3:
        return bytes([1, year, parts[1] - 1, parts[2] - 1])
    if len(parts) == 2:
        return bytes([2, year, parts[1] - 1, 0])
    return bytes([3, year, 0, 0])


def write(folder, name, data):
    path = ROOT / "seeds" / folder
    path.mkdir(parents=True, exist_ok=True)
    (path / name).write_bytes(data)


def main():
    shutil.rmtree(ROOT / "seeds", ignore_errors=True)
    manifest_path = EXAMPLES / "manifest.jsonl"
    published = {}
    for line in manifest_path.read_text().splitlines():
        row = json.loads(line)
        published[row["article"]] = row.get("published")
    for path in sorted(EXAMPLES.glob("*.txt")):
        text = path.read_bytes()
        write("extract", path.stem, header(published.get(path.stem)) + text)
        write("extract", path.stem + "_undated", header(None) + text)
        write("article", path.stem, text)
    for i, text in enumerate(OWN):
        data = text.encode()
        write("extract", f"own_{i:02}", header("2024-03-10") + data)
        write("extract", f"own_{i:02}_undated", header(None) + data)
        write("article", f"own_{i:02}", data)
    write("article", "bom_crlf", b"\xef\xbb\xbf date 2025-01-02\r\nGunmen killed 2 in Bannu.\r\n")
    write("article", "latin1", b" date 2025-01-02\nCaf\xe9 blast killed 3 in Quetta.\n")
    write("article", "utf16", "Blast in Swat".encode("utf-16"))
    write("manifest", "examples", manifest_path.read_bytes())
    for i, text in enumerate(MANIFEST_ODD):
        write("manifest", f"odd_{i:02}", text.encode())


if __name__ == "__main__":
    main()
