"""Near-duplicate detection (MinHash/LSH) and the event coreference and merge rules."""

from __future__ import annotations

import random

import pytest

from eventwire.corpus_dedup import (
    CorefRules,
    LSHIndex,
    MinHasher,
    compatible,
    haversine_km,
    jaccard_estimate,
    merge_records,
)
from eventwire.model import Actor, Event, Place

WORDS = ("council ministers border talks convoy district rally harbour province court bridge clinic "
         "village patrol envoy budget strike fuel market station school farmers union militia").split()


def _article(rng: random.Random, n: int = 220) -> str:
    return " ".join(rng.choice(WORDS) + ("." if rng.random() < 0.08 else "") for _ in range(n))


def _edit(text: str, rng: random.Random, n_changes: int) -> str:
    words = text.split()
    for _ in range(n_changes):
        words[rng.randrange(len(words))] = rng.choice(("reportedly", "officials", "Tuesday", "sources"))
    return " ".join(words)


def test_minhash_estimates_track_true_jaccard() -> None:
    rng = random.Random(3)
    h = MinHasher()
    for _ in range(5):
        a = _article(rng)
        b = _edit(a, rng, rng.randrange(1, 40))
        sa, sb = h.shingles(a), h.shingles(b)
        true = len(sa & sb) / len(sa | sb)
        est = jaccard_estimate(h.signature(a), h.signature(b))
        assert abs(est - true) < 0.15, (est, true)


def test_signature_is_deterministic_and_case_insensitive() -> None:
    h1, h2 = MinHasher(), MinHasher()
    text = "Troops shelled the northern district overnight, residents said."
    assert (h1.signature(text) == h2.signature(text.upper())).all()
    assert h1.signature("too short") is None


def test_lsh_links_light_edits_but_not_other_stories() -> None:
    rng = random.Random(11)
    h = MinHasher()
    idx = LSHIndex(threshold=0.8)
    originals = [_article(rng) for _ in range(30)]
    for i, t in enumerate(originals):
        idx.add(f"a{i}", h.signature(t))
    for i in (0, 7, 29):
        assert idx.query(h.signature(_edit(originals[i], rng, 3))) == f"a{i}"
    assert idx.query(h.signature(_article(random.Random(999)))) is None
    # a heavy rewrite (half the words changed) is a different article
    assert idx.query(h.signature(_edit(originals[5], rng, 110))) is None


def _rec(**kw: object) -> dict:
    base = Event(
        type="ASSAULT", acled={"event_type": "Violence against civilians", "sub_event_type": "Attack"},
        source=[Actor("gunmen", "Unidentified gunmen", None, None, "UAF", "group")],
        target=[Actor("villagers", "Villagers", None, "NGA", "CVL", "group")],
        date="2024-05-04", date_precision="day",
        location=Place("Maiduguri", "NGA", "Borno", 11.846, 13.160), fatalities=5, status="asserted",
        confidence=0.7,
    ).to_dict()
    base.update(kw)
    return base


def test_same_event_reported_twice_is_compatible() -> None:
    a = _rec()
    b = _rec(date="2024-05-05", location={**a["location"], "lat": 11.90, "lon": 13.10, "name": "Jere"})
    m = compatible(b, a, "ev-1")
    assert m is not None and m.shared == 2 and m.date_gap == 1
    assert m.distance_km < 25


@pytest.mark.parametrize("change", [
    {"type": "PROTEST", "acled": {"event_type": "Protests", "sub_event_type": "Peaceful protest"}},
    {"date": "2024-05-09"},
    {"date": None},
    {"location": {"name": "Kano", "country": "NGA", "admin1": "Kano", "lat": 12.0, "lon": 8.52,
                  "geonames_id": None, "precision": "city"}},
    {"location": {"name": "Diffa", "country": "NER", "admin1": None, "lat": None, "lon": None,
                  "geonames_id": None, "precision": "city"}},
    {"source": [Actor("soldiers", "Army", "army:nga", "NGA", "MIL", "group").to_dict()],
     "target": [Actor("rebels", "Rebels", None, "NGA", "REB", "group").to_dict()]},
    {"status": "future"},
])
def test_incompatible_when_one_rule_fails(change: dict) -> None:
    assert compatible(_rec(**change), _rec(), "ev-1") is None


def test_coarse_date_precision_widens_the_window() -> None:
    month = _rec(date="2024-05-20", date_precision="month")
    assert compatible(month, _rec(), "ev-1") is not None
    assert compatible(_rec(date="2024-05-20"), _rec(), "ev-1") is None


def test_undated_mentions_merge_only_within_their_article() -> None:
    a, b = _rec(date=None), _rec(date=None)
    assert compatible(a, b, "ev-1") is None
    assert compatible(a, b, "ev-1", same_article=True) is not None


def test_unknown_place_needs_same_country_or_a_shared_actor() -> None:
    no_place = _rec(location=None)
    assert compatible(no_place, _rec(), "ev-1") is not None  # shared actors
    herders = Actor("x", "Herders", None, None, "AGR", "group").to_dict()
    stranger = _rec(location=None, source=[], target=[herders])
    assert compatible(stranger, _rec(location=None), "ev-1") is None


def test_radius_is_configurable() -> None:
    far = _rec(location={**_rec()["location"], "lat": 11.846, "lon": 13.50, "name": "Konduga"})
    assert haversine_km(11.846, 13.16, 11.846, 13.50) > 30
    assert compatible(far, _rec(), "ev-1") is None
    assert compatible(far, _rec(), "ev-1", rules=CorefRules(radius_km=50)) is not None


def test_merge_takes_highest_credible_count_and_keeps_strongest_evidence() -> None:
    r1 = _rec(fatalities=5, confidence=0.6, evidence={"text": "five killed", "sentence_index": 0, "start": 0,
                                                      "end": 11, "trigger": "killed"})
    r2 = _rec(fatalities=12, status="claimed", fatalities_qualifier="at_least", confidence=0.9)
    r3 = _rec(fatalities=40, status="denied", confidence=0.95)
    r4 = _rec(fatalities=None, date="2024-05-04", date_precision="day",
              location={**_rec()["location"], "precision": "point", "name": "Gwange ward"},
              target=[Actor("traders", "Traders", None, "NGA", "BUS", "group").to_dict()], confidence=0.3)
    m = merge_records([r1, r2, r3, r4])
    assert m["fatalities"] == 12 and m["fatalities_qualifier"] == "at_least"  # denied 40 is not credible
    assert m["evidence"]["text"] == "five killed"  # asserted beats claimed/denied whatever the confidence
    assert m["location"]["name"] == "Gwange ward"  # the most precise place
    assert [a["name"] for a in m["target"]] == ["Villagers", "Traders"]
    assert m["confidence"] == 0.95


def test_merge_falls_back_to_any_figure_when_none_is_credible() -> None:
    m = merge_records([_rec(status="denied", fatalities=3), _rec(status="uncertain", fatalities=None)])
    assert m["fatalities"] == 3
    assert merge_records([_rec(fatalities=None)])["fatalities"] is None
