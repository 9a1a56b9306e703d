"""Golden factuality cases (tests/golden/status.jsonl), hand-written wire-style sentences.

Unit cases build the article with the real `segment` and `parse` stages, place an event on
the named trigger token themselves (so they do not depend on the events stage), run the
`status` stage and check the status, the removal, and the attributed speaker. Cases marked
`e2e` run the whole pipeline and skip while the events stage finds nothing in a plain
sentence (i.e. is not there yet).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from eventwire.config import Config
from eventwire.model import Article, Event
from eventwire.resources import Resources
from eventwire.stages import get_stage, run_stage

GOLDEN = Path(__file__).parent / "golden" / "status.jsonl"
CASES = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]
UNIT = [c for c in CASES if not c.get("e2e")]
E2E = [c for c in CASES if c.get("e2e")]


@pytest.fixture(scope="module")
def resources() -> Resources:
    try:
        res = Resources(Config(prefilter=False))
        res.nlp  # noqa: B018 - load once, skip cleanly without a model
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no spaCy model: {exc}")
    return res


def build(case: dict[str, Any], res: Resources) -> tuple[Article, list[Event]]:
    """Segment and parse the case text, then put one event on each named trigger token."""
    pub = dt.date.fromisoformat(case["published"]) if case.get("published") else None
    a = Article(id=case["id"], text=case["text"], published=pub)
    for name in ("segment", "parse"):
        run_stage(get_stage(name), a, res)
    a.mentions = []
    events: list[Event] = []
    assert a.sentences is not None
    for spec in case["events"]:
        hit = None
        for s in a.sentences:
            for tok in s.doc:
                if tok.text == spec["trigger"]:
                    hit = (s, tok)
                    break
            if hit:
                break
        assert hit is not None, f"{case['id']}: trigger {spec['trigger']!r} not found"
        s, tok = hit
        ev = Event(type=spec.get("type", "ASSAULT"), sentence_index=s.index, _trigger_i=tok.i,
                   trigger=tok.text, sentence_start=s.start, sentence_end=s.end, evidence_text=s.text,
                   confidence=0.8)
        if spec.get("date"):
            ev.date, ev.date_precision, ev.date_text = spec["date"], spec["date_precision"], spec["date_text"]
        elif pub is not None:  # what the time stage does when the text gives no date
            ev.date, ev.date_precision = pub.isoformat(), "day"
        events.append(ev)
    a.events = list(events)
    a.provided |= {"mentions", "events", "events.date"}
    return a, events


def test_golden_has_enough_cases() -> None:
    statuses = {e["expect"] for c in UNIT for e in c["events"]}
    assert len(CASES) >= 200
    assert {"asserted", "claimed", "denied", "future", "hypothetical", "historical", "uncertain",
            "removed"} <= statuses


@pytest.mark.parametrize("case", UNIT, ids=[c["id"] for c in UNIT])
def test_status_golden(case: dict[str, Any], resources: Resources) -> None:
    article, events = build(case, resources)
    run_stage(get_stage("status"), article, resources)
    kept = {id(e) for e in article.events or []}
    limits = []
    for spec, ev in zip(case["events"], events, strict=True):
        where = f"{case['id']} trigger {spec['trigger']!r} ({ev._notes.get('status_cues')})"
        if spec.get("known_limit"):
            got = "removed" if id(ev) not in kept else ev.status
            if got != spec["expect"]:
                limits.append(f"{spec['trigger']}: {spec['known_limit']}")
            continue
        if spec["expect"] == "removed":
            assert id(ev) not in kept, f"{where}: expected no event, got {ev.status}"
            continue
        assert id(ev) in kept, f"{where}: removed ({article.meta.get('status_removed')})"
        assert ev.status == spec["expect"], where
        if spec.get("attributed_to"):
            # the phrase the stage found, and the actor the resolver made of it
            assert ev.attributed_to is not None, f"{where}: no speaker"
            said = f"{ev._notes.get('speaker_text', '')} {ev.attributed_to.text} {ev.attributed_to.name}"
            assert spec["attributed_to"].lower() in said.lower(), f"{where}: speaker {said!r}"
    if limits:
        pytest.xfail("known limit: " + "; ".join(limits))


def _events_stage_ready() -> bool:
    from eventwire.pipeline import extract

    try:
        evs = extract("Gunmen killed four police officers and wounded two others in the town on Sunday.",
                      stages=("segment", "parse", "actors", "events"))
    except Exception:  # noqa: BLE001 - an unfinished events stage counts as absent
        return False
    return bool(evs)


@pytest.mark.parametrize("case", E2E, ids=[c["id"] for c in E2E])
def test_status_end_to_end(case: dict[str, Any]) -> None:
    if not _events_stage_ready():
        pytest.skip("events stage not implemented yet (it finds no event in a plain attack sentence)")
    from eventwire.pipeline import extract

    evs = extract(case["text"], case.get("published"))
    exp = case["e2e_expect"]
    got = [(e.type, e.status, e.trigger) for e in evs]
    if exp.get("no_events"):
        assert not evs, got
    if "some_event" in exp:
        want = exp["some_event"]
        assert any(e.type == want["type"] and e.status == want["status"] for e in evs), got
    if "none_with" in exp:
        bad = exp["none_with"]
        assert not any(all(getattr(e, k) == v for k, v in bad.items()) for e in evs), got
