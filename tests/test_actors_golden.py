"""Golden actor mentions (tests/golden/actors.jsonl): hand-written sentences, expected resolutions.

Each line gives a sentence (plus optional earlier sentences for coreference), the phrase to
resolve and the expected id/country/sector/kind (keys left out are not checked; `"expect": null`
means the phrase is not an actor). Mode `phrase` (default) asks `resolve_phrase` as the events
stage does; mode `mention` checks what `find_mentions` reports for that span. Lines expecting an
organization or person id the shipped KB does not (yet) contain are skipped, not failed.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from eventwire.actors import Resolver, load_resolver
from eventwire.model import Actor, Article

GOLDEN = Path(__file__).parent / "golden" / "actors.jsonl"
CASES = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return load_resolver(None)


def _run(resolver: Resolver, case: dict[str, Any]) -> Actor | None:
    sentences = list(case.get("context") or []) + [case["sentence"]]
    text = " ".join(sentences)
    pub = dt.date.fromisoformat(case["published"]) if case.get("published") else None
    article = Article(id="golden", text=text, published=pub)
    offset = 0
    last_mentions = []
    for i, s in enumerate(sentences):
        last_mentions = resolver.find_mentions(s, offset, i, article)
        offset += len(s) + 1
    sent_start = offset - len(case["sentence"]) - 1
    local = case["sentence"].find(case["phrase"])
    assert local >= 0, "phrase must occur in the sentence"
    start = sent_start + local
    end = start + len(case["phrase"])
    if case.get("mode") == "mention":
        hits = [m for m in last_mentions if m.start < end and start < m.end]
        return hits[0].actor if hits else None
    return resolver.resolve_phrase(case["phrase"], article, start=start)


def test_golden_has_enough_cases() -> None:
    assert len(CASES) >= 150


@pytest.mark.parametrize("case", CASES, ids=[f"{i}:{c['phrase'][:30]}" for i, c in enumerate(CASES)])
def test_golden_actor(resolver: Resolver, case: dict[str, Any]) -> None:
    expect = case["expect"]
    want_id = (expect or {}).get("id")
    if want_id and want_id.split(":")[0] in ("org", "person") and want_id not in resolver.by_id:
        pytest.skip(f"{want_id} not in the shipped KB yet")
    actor = _run(resolver, case)
    if expect is None:
        assert actor is None, f"{case['phrase']!r} should not be an actor, got {actor}"
        return
    assert actor is not None, f"{case['phrase']!r} not resolved"
    got = actor.to_dict()
    for key, value in expect.items():
        assert got[key] == value, f"{key}: expected {value!r}, got {got[key]!r} ({got})"
