"""Golden sentences for the events stage (tests/golden/events.jsonl), hand-written in wire style.

Each line is one sentence and what the whole pipeline (`eventwire.extract`) must find in it:

    {"id": ..., "text": ..., "published": "YYYY-MM-DD", "tags": [...],
     "expect": {"type": PLOVER type, "mode": ..., "acled_sub_event_type": ... or null,
                "source_contains": str or [str, ...], "target_contains": str or [str, ...],
                "source_country": ISO3, "target_country": ISO3}}

or `"expect": null` for a sentence that must produce no event at all. Keys other than `type`
are optional. An expectation holds when *some* event of the sentence has the expected type (and,
when the key is present, the expected ACLED sub-event type; an explicit null means "ACLED would
not code it") and also satisfies every other key: `*_contains` are lower-case substrings of some
actor's `text` or `name` on that side (a list: every substring must be found, for coordinated
actors); `*_country` must be the country of some actor on that side. Status (factuality) belongs
to another stage and is not asserted here.

`python tests/test_events_golden.py` prints pass rates by PLOVER type, ACLED sub-type and tag,
and the failing ids with the reason, without pytest.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pytest

GOLDEN = Path(__file__).parent / "golden" / "events.jsonl"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "contract"
CASES: list[dict[str, Any]] = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()
                               if line.strip()]

PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
# ACLED's 25 sub-event types (a fact of the ACLED codebook; also checked against the shared contract)
ACLED_SUB_TYPES = (
    "Armed clash", "Government regains territory", "Non-state actor overtakes territory", "Sexual violence",
    "Attack", "Abduction/forced disappearance", "Chemical weapon", "Air/drone strike", "Suicide bomb",
    "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Grenade", "Peaceful protest",
    "Protest with intervention", "Excessive force against protesters", "Violent demonstration",
    "Mob violence", "Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
    "Headquarters or base established", "Looting/property destruction", "Non-violent transfer of territory",
    "Other",
)
EXPECT_KEYS = {"type", "mode", "acled_sub_event_type", "source_contains", "target_contains", "source_country",
               "target_country"}


# ---------------------------------------------------------------- matching (pure, unit-tested below)


def _as_list(v: str | list[str]) -> list[str]:
    return [v] if isinstance(v, str) else list(v)


def _side_has(actors: list[dict[str, Any]], needle: str) -> bool:
    return any(needle in (a.get("text") or "").lower() or needle in (a.get("name") or "").lower()
               for a in actors)


def _problems(expect: dict[str, Any], ev: dict[str, Any]) -> list[str]:
    """What keeps one event (contract dict) from meeting the expectation; empty when it does."""
    out = []
    if "mode" in expect and ev.get("mode") != expect["mode"]:
        out.append(f"mode {ev.get('mode')!r} != {expect['mode']!r}")
    for key, side in (("source_contains", "source"), ("target_contains", "target")):
        for needle in _as_list(expect.get(key) or []):
            if not _side_has(ev.get(side) or [], needle):
                out.append(f"no {side} actor contains {needle!r}")
    for key, side in (("source_country", "source"), ("target_country", "target")):
        if key in expect and not any(a.get("country") == expect[key] for a in ev.get(side) or []):
            out.append(f"no {side} actor from {expect[key]}")
    return out


def _sub_type(ev: dict[str, Any]) -> str | None:
    return (ev.get("acled") or {}).get("sub_event_type")


def check(expect: dict[str, Any] | None, events: list[dict[str, Any]]) -> str | None:
    """None when the events meet the expectation, else a one-line reason."""
    if expect is None:
        return None if not events else f"expected no event, got {len(events)}"
    same_type = [e for e in events if e.get("type") == expect["type"]]
    if not same_type:
        return f"no {expect['type']} event"
    if "acled_sub_event_type" in expect:
        want = expect["acled_sub_event_type"]
        cands = [e for e in same_type if _sub_type(e) == want]
        if not cands:
            got = sorted({str(_sub_type(e)) for e in same_type})
            return f"{expect['type']} has ACLED sub-type {', '.join(got)}, expected {want}"
    else:
        cands = same_type
    reasons = []
    for e in cands:
        p = _problems(expect, e)
        if not p:
            return None
        reasons.append("; ".join(p))
    return min(reasons, key=len)


def describe(events: list[dict[str, Any]]) -> str:
    """Readable summary of what the pipeline produced, for failure messages."""
    if not events:
        return "  (no events)"
    lines = []
    for e in events:
        src = ", ".join(f"{a['text']}={a['name']}/{a['country']}" for a in e["source"]) or "-"
        tgt = ", ".join(f"{a['text']}={a['name']}/{a['country']}" for a in e["target"]) or "-"
        lines.append(f"  {e['type']} mode={e['mode']} acled={_sub_type(e)} "
                     f"trigger={e['evidence']['trigger']!r} source=[{src}] target=[{tgt}] "
                     f"status={e['status']}")
    return "\n".join(lines)


# ---------------------------------------------------------------- running the pipeline


@lru_cache(maxsize=1)
def _extract_fn() -> Any:
    import eventwire

    eventwire.extract("Police arrested two men.", published="2024-01-01")  # load the model once
    return eventwire.extract


@cache
def _events(case_id: str) -> list[dict[str, Any]]:
    case = BY_ID[case_id]
    return [e.to_dict() for e in _extract_fn()(case["text"], published=case.get("published"))]


BY_ID = {c["id"]: c for c in CASES}


@pytest.fixture(scope="module")
def extract_ready() -> None:
    try:
        _extract_fn()
    except Exception as exc:  # noqa: BLE001 - skip cleanly on a machine without the spaCy model
        pytest.skip(f"pipeline unavailable: {exc}")


# ---------------------------------------------------------------- the file itself


def test_golden_file_is_well_formed_and_covers_the_issue() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert len(CASES) >= 170
    for c in CASES:
        assert set(c) <= {"id", "text", "published", "expect", "tags"}, c["id"]
        assert c["text"].strip() and c["published"], c["id"]
        if c["expect"] is not None:
            assert set(c["expect"]) <= EXPECT_KEYS, c["id"]
            assert c["expect"]["type"] in PLOVER_TYPES, c["id"]
            sub = c["expect"].get("acled_sub_event_type")
            assert sub is None or sub in ACLED_SUB_TYPES, c["id"]
            for key in ("source_contains", "target_contains"):
                for needle in _as_list(c["expect"].get(key) or []):
                    assert needle == needle.lower(), f"{c['id']}: {key} must be lower case"
    expects = [c["expect"] for c in CASES if c["expect"] is not None]
    assert {e["type"] for e in expects} == set(PLOVER_TYPES)
    assert {e.get("acled_sub_event_type") for e in expects} - {None} == set(ACLED_SUB_TYPES)
    assert sum(c["expect"] is None for c in CASES) >= 25
    tags = Counter(t for c in CASES for t in c.get("tags", []))
    for tag in ("passive", "nominal", "coordinated", "reciprocal", "light_verb"):
        assert tags[tag] >= 5, f"only {tags[tag]} {tag} cases"
    assert sum("mode" in e for e in expects) >= 40


def test_acled_names_match_the_shared_contract() -> None:
    path = SHARED / "acled-types.json"
    if not path.exists():
        pytest.skip("shared contract not present")
    types = json.loads(path.read_text(encoding="utf-8"))
    assert {s for subs in types.values() for s in subs} == set(ACLED_SUB_TYPES)


# ---------------------------------------------------------------- the matcher can fail


def _ev(type_: str, sub: str | None = None, src: tuple[str, ...] = (), tgt: tuple[str, ...] = (),
        country: str | None = None, mode: str | None = None) -> dict[str, Any]:
    def actors(names: tuple[str, ...]) -> list[dict[str, Any]]:
        return [{"text": n, "name": n.title(), "country": country} for n in names]
    return {"type": type_, "mode": mode, "acled": {"event_type": "x", "sub_event_type": sub} if sub else None,
            "source": actors(src), "target": actors(tgt)}


def test_check_rejects_wrong_type_subtype_actor_and_country() -> None:
    exp = {"type": "ASSAULT", "acled_sub_event_type": "Armed clash", "source_contains": ["army", "police"],
           "target_country": "SOM", "mode": "firearms"}
    good = _ev("ASSAULT", "Armed clash", src=("army", "police"), tgt=("rebels",), country="SOM",
               mode="firearms")
    assert check(exp, [good]) is None
    assert check(exp, []) == "no ASSAULT event"
    assert "sub-type" in (check(exp, [_ev("ASSAULT", "Attack")]) or "")
    assert "police" in (check(exp, [_ev("ASSAULT", "Armed clash", src=("army",), country="SOM",
                                        mode="firearms")]) or "")
    assert "SOM" in (check(exp, [_ev("ASSAULT", "Armed clash", src=("army", "police"), tgt=("x",),
                                     country="KEN", mode="firearms")]) or "")
    assert "mode" in (check(exp, [_ev("ASSAULT", "Armed clash", src=("army", "police"), tgt=("x",),
                                      country="SOM")]) or "")
    # an explicit null sub-type means ACLED would not code it
    assert check({"type": "ACCUSE", "acled_sub_event_type": None}, [_ev("ACCUSE", "Other")]) is not None
    assert check({"type": "ACCUSE", "acled_sub_event_type": None}, [_ev("ACCUSE")]) is None
    # no-event sentences fail on any event
    assert check(None, [_ev("ASSAULT")]) is not None and check(None, []) is None
    # any event of the type may satisfy the expectation
    assert check({"type": "ASSAULT", "target_contains": "farmer"},
                 [_ev("ASSAULT", tgt=("soldiers",)), _ev("ASSAULT", tgt=("farmers",))]) is None


# ---------------------------------------------------------------- the golden cases


_KNOWN = Path(__file__).parent / "golden" / "events_known_failures.txt"
KNOWN_FAILURES = {
    line.split(":", 1)[0]: line.split(":", 1)[1].strip()
    for line in _KNOWN.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
}


def _case_param(case_id: str) -> Any:
    if case_id in KNOWN_FAILURES:
        return pytest.param(case_id, marks=pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[case_id]))
    return case_id


def test_known_failures_stay_a_minority() -> None:
    assert set(KNOWN_FAILURES) <= set(BY_ID)
    assert len(KNOWN_FAILURES) <= 0.25 * len(CASES)


@pytest.mark.parametrize("case_id", [_case_param(c["id"]) for c in CASES])
def test_golden_event(case_id: str, extract_ready: None) -> None:
    case = BY_ID[case_id]
    events = _events(case_id)
    reason = check(case["expect"], events)
    assert reason is None, (f"{case_id}: {reason}\n  text: {case['text']}\n  expect: "
                            f"{json.dumps(case['expect'])}\n  produced:\n{describe(events)}")


def test_every_golden_event_validates_against_the_contract(extract_ready: None) -> None:
    path = SHARED / "event.schema.json"
    if not path.exists():
        pytest.skip("shared contract not present")
    import jsonschema

    validator = jsonschema.Draft202012Validator(json.loads(path.read_text(encoding="utf-8")))
    bad = []
    n = 0
    for c in CASES:
        for ev in _events(c["id"]):
            n += 1
            errs = list(validator.iter_errors(ev))
            if errs:
                bad.append(f"{c['id']}: {errs[0].message} at {list(errs[0].path)}")
    assert n > 0
    assert not bad, "\n".join(bad[:20])


# ---------------------------------------------------------------- report (python tests/test_events_golden.py)


def report() -> int:
    """Print pass rates by PLOVER type, ACLED sub-type and tag, then every failure."""
    by: dict[str, dict[str, list[bool]]] = {"type": defaultdict(list), "acled": defaultdict(list),
                                            "tag": defaultdict(list)}
    failures = []
    for c in CASES:
        events = _events(c["id"])
        reason = check(c["expect"], events)
        ok = reason is None
        exp = c["expect"]
        by["type"][exp["type"] if exp else "(no event)"].append(ok)
        if exp and exp.get("acled_sub_event_type"):
            by["acled"][exp["acled_sub_event_type"]].append(ok)
        for t in c.get("tags", []):
            by["tag"][t].append(ok)
        if not ok:
            failures.append((c, reason, events))
    total = sum(c["id"] not in {f[0]["id"] for f in failures} for c in CASES)
    print(f"golden events: {total}/{len(CASES)} pass ({total / len(CASES):.0%})")
    for name, table in by.items():
        print(f"\nby {name}:")
        for k in sorted(table, key=lambda k: (sum(table[k]) / len(table[k]), k)):
            v = table[k]
            print(f"  {k:38s} {sum(v):3d}/{len(v):<3d} {sum(v) / len(v):5.0%}")
    print(f"\nfailures ({len(failures)}):")
    for c, reason, events in failures:
        print(f"- {c['id']}: {reason}\n  text: {c['text']}\n{describe(events)}")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(report())
