"""Shared helpers for the time/counts tests: real segment+parse, hand-placed events.

The events stage is someone else's; these tests point events at trigger tokens themselves
so that dates and counts are checked independently of event detection.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from eventwire.config import Config
from eventwire.model import Article, Event
from eventwire.resources import Resources
from eventwire.stages import get_stage, run_stage

GOLDEN = Path(__file__).resolve().parent / "golden"


@lru_cache(maxsize=1)
def resources() -> Resources:
    """One parser for the whole session; the prefilter is off so every sentence is parsed."""
    try:
        from eventwire.nlp import load_model

        load_model()
    except Exception as exc:  # noqa: BLE001 - any missing model skips these tests
        pytest.skip(f"no spaCy model: {exc}")
    return Resources(Config(prefilter=False))


def build(text: str, published: str | None) -> Article:
    """An article taken through the real `segment` and `parse` stages."""
    a = Article(id="t", text=text, published=dt.date.fromisoformat(published) if published else None)
    for name in ("segment", "parse"):
        run_stage(get_stage(name), a, resources())
    return a


def event_at(a: Article, word: str, type_: str = "ASSAULT", nth: int = 0) -> Event:
    """An event whose trigger is the `nth` token spelled `word` (case-insensitive)."""
    assert a.sentences is not None
    k = 0
    for s in a.sentences:
        for t in s.doc or []:
            if t.lower_ == word.lower():
                if k == nth:
                    return Event(type=type_, sentence_index=s.index, _trigger_i=t.i,
                                 _trigger_start=s.start + t.idx, trigger=t.text)
                k += 1
    raise AssertionError(f"trigger {word!r} not in {a.text!r}")


def golden(name: str) -> list[dict[str, Any]]:
    lines = (GOLDEN / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def give(a: Article, events: list[Event]) -> None:
    """Attach hand-made events as if the events stage had run."""
    a.events = events
    a.provided.add("events")
