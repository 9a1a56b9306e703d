"""Checks on the shipped actor knowledge base data (organizations.yaml, persons.yaml).

The resolver trusts these files, so a typo in an id, an ISO3 code or a sector would silently
produce wrong actor codes; these tests catch such slips when the data is edited.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pycountry
import pytest
import yaml

try:  # libyaml's loader is much faster on these large files
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

KB_DIR = Path(__file__).resolve().parents[1] / "src" / "eventwire" / "data" / "kb"

# Sector codes from the output contract (PLOVER actor sectors).
SECTORS = set(
    "COP GOV JUD LEG MIL PRM PTY REB SPY UAF UNK AGR BUS CRM CVL EDU ELI JRN LAB MED REF OPP PRE REL SOC"
    .split()
)
ORG_KINDS = {"armed_group", "organization"}
ORG_CATEGORIES = {
    "militia", "rebel", "jihadist", "separatist", "paramilitary", "party", "igo", "ngo", "media",
    "company", "union", "religious", "intelligence", "security_force", "criminal", "government",
}
RELATIONS = {"patron", "umbrella", "parent"}
# Codes pycountry lacks but news coding needs.
EXTRA_ISO3 = {"XKX"}
ORG_ID = re.compile(r"^org:[a-z0-9]+(-[a-z0-9]+)*$")
PERSON_ID = re.compile(r"^person:[a-z0-9]+(-[a-z0-9]+)*$")
MIN_ORGS = 400
MIN_PERSONS = 500


def _match_key(form: str) -> str:
    """Short forms with capitals (JEM vs JeM) are matched case-sensitively; the rest ignore case."""
    form = form.strip()
    if len(form) <= 5 and any(c.isupper() for c in form):
        return form
    return form.casefold()


@functools.cache
def _load(name: str) -> list[dict[str, Any]]:
    data = yaml.load((KB_DIR / name).read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - safe loader
    assert isinstance(data, list), f"{name} must be a YAML list"
    return data


@pytest.fixture(scope="module")
def orgs() -> list[dict[str, Any]]:
    return _load("organizations.yaml")


@pytest.fixture(scope="module")
def persons() -> list[dict[str, Any]]:
    return _load("persons.yaml")


def _is_iso3(code: object) -> bool:
    return isinstance(code, str) and (code in EXTRA_ISO3 or pycountry.countries.get(alpha_3=code) is not None)


def _is_target(ref: object, org_ids: set[str]) -> bool:
    if not isinstance(ref, str):
        return False
    if ref.startswith("state:"):
        return _is_iso3(ref[len("state:"):])
    return ref in org_ids


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value)
    raise AssertionError(f"bad date {value!r}")


def test_counts(orgs: list[dict[str, Any]], persons: list[dict[str, Any]]) -> None:
    assert len(orgs) >= MIN_ORGS
    assert len(persons) >= MIN_PERSONS


def test_ids_unique_and_well_formed(orgs: list[dict[str, Any]], persons: list[dict[str, Any]]) -> None:
    ids = [o["id"] for o in orgs] + [p["id"] for p in persons]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"duplicate ids: {dupes}"
    assert [o["id"] for o in orgs if not ORG_ID.match(o["id"])] == []
    assert [p["id"] for p in persons if not PERSON_ID.match(p["id"])] == []


def test_org_fields(orgs: list[dict[str, Any]]) -> None:
    org_ids = {o["id"] for o in orgs}
    problems = []
    for o in orgs:
        oid = o["id"]
        if not isinstance(o.get("name"), str) or not o["name"].strip():
            problems.append((oid, "name"))
        aliases = o.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            problems.append((oid, "aliases must be strings"))
        if o.get("country") is not None and not _is_iso3(o["country"]):
            problems.append((oid, f"country {o['country']!r}"))
        if o.get("kind") not in ORG_KINDS:
            problems.append((oid, f"kind {o.get('kind')!r}"))
        if o.get("category") not in ORG_CATEGORIES:
            problems.append((oid, f"category {o.get('category')!r}"))
        if o.get("sector") not in SECTORS:
            problems.append((oid, f"sector {o.get('sector')!r}"))
        for aff in o.get("affiliations") or []:
            if aff.get("relation") not in RELATIONS:
                problems.append((oid, f"relation {aff.get('relation')!r}"))
            if not _is_target(aff.get("id"), org_ids) or aff.get("id") == oid:
                problems.append((oid, f"affiliation target {aff.get('id')!r}"))
        des = o.get("designations")
        if not isinstance(des, list):
            problems.append((oid, "designations must be a list"))
        else:
            bad = [d for d in des if d not in ("EU", "UN") and not _is_iso3(d)]
            problems.extend((oid, f"designation {d!r}") for d in bad)
    assert not problems, problems


def test_person_fields(orgs: list[dict[str, Any]], persons: list[dict[str, Any]]) -> None:
    org_ids = {o["id"] for o in orgs}
    problems = []
    for p in persons:
        pid = p["id"]
        if not isinstance(p.get("name"), str) or not p["name"].strip():
            problems.append((pid, "name"))
        if not all(isinstance(a, str) for a in p.get("aliases") or []):
            problems.append((pid, "aliases must be strings"))
        if p.get("country") is not None and not _is_iso3(p["country"]):
            problems.append((pid, f"country {p['country']!r}"))
        roles = p.get("roles") or []
        if not roles:
            problems.append((pid, "no roles"))
        for r in roles:
            title = r.get("title")
            if not isinstance(title, str) or title != title.lower():
                problems.append((pid, f"title {title!r}"))
            if not _is_target(r.get("of"), org_ids):
                problems.append((pid, f"role of {r.get('of')!r}"))
            if r.get("sector") not in SECTORS:
                problems.append((pid, f"role sector {r.get('sector')!r}"))
            start = _as_date(r.get("start")) if r.get("start") is not None else None
            end = _as_date(r.get("end")) if r.get("end") is not None else None
            if start is None:
                problems.append((pid, f"role {title} has no start"))
            elif end is not None and end < start:
                problems.append((pid, f"role {title} ends before it starts"))
    assert not problems, problems


def test_aliases_unambiguous(orgs: list[dict[str, Any]], persons: list[dict[str, Any]]) -> None:
    """A surface form that names two different entries would make resolution a coin toss."""
    owners: dict[str, set[str]] = defaultdict(set)
    for entry in orgs + persons:
        for form in [entry["name"], *(entry.get("aliases") or [])]:
            owners[_match_key(form)].add(entry["id"])
    clashes = {form: sorted(ids) for form, ids in owners.items() if len(ids) > 1}
    assert not clashes, clashes


def test_aliases_not_common_words(orgs: list[dict[str, Any]], persons: list[dict[str, Any]]) -> None:
    """Lower-case aliases that are ordinary English words would fire on every article."""
    common = {"the", "a", "it", "is", "us", "un", "army", "police", "party", "state", "group", "front",
              "movement", "government", "forces", "militia", "rebels", "may", "will", "new", "free"}
    bad = [(e["id"], a) for e in orgs + persons for a in e.get("aliases") or []
           if a.lower() == a and a in common]
    assert not bad, bad


@pytest.mark.parametrize("name", ["organizations", "persons"])
def test_matches_json_schema(name: str) -> None:
    """The data must satisfy the loader's JSON schema (dates quoted, no stray keys)."""
    jsonschema = pytest.importorskip("jsonschema")
    schema_path = KB_DIR / "schema" / f"{name}.schema.json"
    if not schema_path.exists():
        pytest.skip("schema not present")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.validate(_load(f"{name}.yaml"), schema)


def test_heads_of_state_cover_g20(persons: list[dict[str, Any]]) -> None:
    """Every G20 member state has at least one head of state or government in the base."""
    g20 = {"ARG", "AUS", "BRA", "CAN", "CHN", "FRA", "DEU", "IND", "IDN", "ITA", "JPN", "KOR", "MEX",
           "RUS", "SAU", "ZAF", "TUR", "GBR", "USA"}
    heads = {"president", "prime minister", "king", "chancellor", "crown prince", "emperor"}
    covered = {r["of"][len("state:"):] for p in persons for r in p.get("roles") or []
               if r.get("title") in heads and str(r.get("of", "")).startswith("state:")}
    assert g20 - covered == set()
