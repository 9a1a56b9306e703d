"""Loading the actor knowledge base (shipped YAML files plus user files) into flat entries.

Every named thing an alias can point at becomes one `Entry`: a state (`state:ISO3`), a state
organ (`state:ISO3:SECTOR`), an organization (`org:...`), a person (`person:...`) or a generic
agent (`agent:...`). Ids are stable across releases: renaming an entry keeps its id, and a
removed id is never reused for something else.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import pickle
import re
import tempfile
from dataclasses import dataclass, field
from importlib import resources as ir
from pathlib import Path
from typing import Any

import yaml

try:  # the C loader is about 10x faster; fall back when PyYAML was built without libyaml
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

KB_FILES = ("countries.yaml", "agents.yaml", "organizations.yaml", "persons.yaml")
CACHE_VERSION = "1"  # bump when Entry/Role change shape, so old pickles are ignored


@dataclass
class Role:
    """A person's office: `of` is `state:ISO3` or an org id; dates bound when it applies."""

    title: str
    of: str | None
    sector: str | None
    start: dt.date | None = None
    end: dt.date | None = None

    def active(self, when: dt.date | None) -> bool:
        if when is None:
            return self.end is None
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)


@dataclass
class Entry:
    """One resolvable actor of the knowledge base."""

    id: str | None
    name: str
    type: str  # country | organ | org | person | agent
    country: str | None = None
    sector: str | None = None
    kind: str = "group"
    aliases: list[str] = field(default_factory=list)
    category: str | None = None
    affiliations: list[dict[str, str]] = field(default_factory=list)
    designations: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    # countries only
    adjectives: list[str] = field(default_factory=list)
    demonyms: list[str] = field(default_factory=list)
    capitals: list[str] = field(default_factory=list)
    capital_metonym: bool = False
    # agents only
    with_country: str | None = None
    organ: bool = False
    role_title: bool = False
    source: str = "kb"  # kb file name or user file path


def _date(v: Any) -> dt.date | None:
    if v is None or v == "":
        return None
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])


def _read_yaml_text(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - safe loader (C or Python)


def kb_dir() -> Path:
    """Directory of the shipped knowledge base files."""
    return Path(str(ir.files("eventwire") / "data" / "kb"))


def data_fingerprint(paths: list[Path]) -> str:
    """Hash of the given files' bytes, to key caches of anything built from them."""
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p).encode())
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def countries_entries(rows: list[dict[str, Any]], source: str) -> list[Entry]:
    out = []
    for r in rows:
        iso = r["iso3"]
        caps = [r["capital"]] if r.get("capital") else []
        caps += list(r.get("capital_aliases") or [])
        e = Entry(
            id=f"state:{iso}",
            name=r["name"],
            type="country",
            country=iso,
            sector=None,
            kind="state",
            aliases=list(r.get("aliases") or []),
            adjectives=list(r.get("adjectives") or []),
            demonyms=list(r.get("demonyms") or []),
            capitals=caps,
            capital_metonym=bool(r.get("capital_metonym")),
            source=source,
        )
        out.append(e)
        for o in r.get("organs") or []:
            out.append(
                Entry(
                    id=f"state:{iso}:{o['sector']}",
                    name=o["name"],
                    type="organ",
                    country=iso,
                    sector=o["sector"],
                    kind="state",
                    aliases=list(o.get("aliases") or []),
                    source=source,
                )
            )
    return out


def agents_entries(rows: list[dict[str, Any]], source: str) -> list[Entry]:
    return [
        Entry(
            id=r["id"],
            name=r["name"],
            type="agent",
            sector=r.get("sector"),
            kind=r.get("kind", "group"),
            aliases=list(r.get("terms") or []),
            with_country=r.get("with_country"),
            organ=bool(r.get("organ")),
            role_title=bool(r.get("role_title")),
            source=source,
        )
        for r in rows
    ]


def org_entries(rows: list[dict[str, Any]], source: str) -> list[Entry]:
    out = []
    for r in rows:
        if not isinstance(r, dict) or not r.get("name"):
            continue
        aliases = r.get("aliases") or []
        if isinstance(aliases, str):
            aliases = [a.strip() for a in aliases.split("|") if a.strip()]
        out.append(
            Entry(
                id=r.get("id") or None,
                name=str(r["name"]),
                type="org",
                country=r.get("country") or None,
                sector=r.get("sector") or None,
                kind=r.get("kind") or "organization",
                aliases=[str(a) for a in aliases],
                category=r.get("category"),
                affiliations=list(r.get("affiliations") or []),
                designations=[str(d) for d in r.get("designations") or []],
                source=source,
            )
        )
    return out


def person_entries(rows: list[dict[str, Any]], source: str) -> list[Entry]:
    out = []
    for r in rows:
        if not isinstance(r, dict) or not r.get("name"):
            continue
        roles = []
        for ro in r.get("roles") or []:
            try:
                roles.append(
                    Role(
                        str(ro.get("title", "")).lower(),
                        ro.get("of"),
                        ro.get("sector"),
                        _date(ro.get("start")),
                        _date(ro.get("end")),
                    )
                )
            except ValueError:
                continue
        sector = next((ro.sector for ro in roles if ro.end is None and ro.sector), None)
        sector = sector or (roles[0].sector if roles else None)
        out.append(
            Entry(
                id=r.get("id"),
                name=str(r["name"]),
                type="person",
                country=r.get("country"),
                sector=sector,
                kind="person",
                aliases=[str(a) for a in r.get("aliases") or []],
                roles=roles,
                source=source,
            )
        )
    return out


def load_user_file(path: Path) -> list[Entry]:
    """A user actor file: YAML (organizations format, persons allowed), CSV, or a PETRARCH dictionary."""
    path = Path(path)
    suffix = path.suffix.lower()
    text = path.read_text(encoding="utf-8")
    if suffix in (".yaml", ".yml", ".json"):
        rows = _read_yaml_text(text) or []
        if not isinstance(rows, list):
            raise ValueError(f"{path}: expected a list of actors")
        orgs = [r for r in rows if not str(r.get("id") or "").startswith("person:") and not r.get("roles")]
        persons = [r for r in rows if r not in orgs]
        return org_entries(orgs, str(path)) + person_entries(persons, str(path))
    if suffix in (".csv", ".tsv"):
        reader = csv.DictReader(text.splitlines(), delimiter="\t" if suffix == ".tsv" else ",")
        rows = [
            {
                "id": r.get("id") or None,
                "name": r.get("name"),
                "aliases": r.get("aliases") or "",
                "country": r.get("country") or None,
                "kind": r.get("kind") or "organization",
                "sector": r.get("sector") or None,
            }
            for r in reader
        ]
        return org_entries(rows, str(path))
    from .petrarch import parse_petrarch

    return org_entries(parse_petrarch(text), str(path))


def default_cache_dir() -> Path:
    """Per-user cache directory for the parsed knowledge base (XDG convention)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "eventwire"


def load_entries(extra: tuple[Path, ...] | list[Path] = (), cache_dir: Path | None = None) -> list[Entry]:
    """All entries of the shipped KB (missing optional files are skipped) plus user files.

    Parsing the YAML is most of the load time, so the parsed entries are pickled in `cache_dir`
    under a key made of the data files' bytes; any change to a file gives a new key. A cache that
    cannot be read or written is ignored (the files are parsed instead).
    """
    base = kb_dir()
    sources = [base / n for n in KB_FILES] + [Path(p) for p in extra]
    cache_file = None
    if cache_dir is not None:
        key = data_fingerprint(sources) + CACHE_VERSION
        cache_file = Path(cache_dir) / f"kb-{key}.pickle"
        try:
            with open(cache_file, "rb") as fh:
                cached = pickle.load(fh)  # noqa: S301 - our own file, keyed by content hash
            if isinstance(cached, list):
                return cached
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass
    entries = _parse_entries(base, extra)
    if cache_file is not None:
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cache_file.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(entries, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cache_file)
            old = sorted(cache_file.parent.glob("kb-*.pickle"), key=lambda q: q.stat().st_mtime)[:-4]
            for q in old:  # keep the few most recent variants (several user-file sets may alternate)
                q.unlink(missing_ok=True)
        except OSError:
            pass
    return entries


def _parse_entries(base: Path, extra: tuple[Path, ...] | list[Path]) -> list[Entry]:
    entries: list[Entry] = []
    readers = {
        "countries.yaml": countries_entries,
        "agents.yaml": agents_entries,
        "organizations.yaml": org_entries,
        "persons.yaml": person_entries,
    }
    for name in KB_FILES:
        p = base / name
        if not p.exists():
            continue
        rows = _read_yaml_text(p.read_text(encoding="utf-8")) or []
        entries.extend(readers[name](rows, name))
    for p in extra:
        entries.extend(load_user_file(Path(p)))
    return entries


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")
