"""The in-memory clusterer (used by the Spark job's dedup stage) groups mentions exactly as a
DuckDB ingest of the same mentions in the same order does, and follows the documented rules."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from eventwire.corpus_dedup import Clusterer
from eventwire.ingest import article_key
from eventwire.model import Actor, Article, Event, Place
from eventwire.store import Store, StoredArticle

ACTORS = [("Military Forces of Iraq", "IRQ"), ("Islamic State", "IRQ"), ("Police Forces of Syria", "SYR"),
          ("Protesters (Iraq)", "IRQ"), ("Kurdish militia", None)]
PLACES = [("Mosul", "IRQ", 36.34, 43.13), ("Tal Afar", "IRQ", 36.37, 42.45), ("Basra", "IRQ", 30.51, 47.78),
          ("Deir ez-Zor", "SYR", 35.33, 40.14), (None, None, None, None)]


def _event(rng: random.Random, sent: int) -> Event:
    name, place, lat, lon = rng.choice(PLACES)
    loc = Place(name, place, None, lat, lon, None, "city") if name else None
    picks = rng.sample(ACTORS, rng.choice([0, 1, 1, 2]))
    day = rng.choice(["2024-03-01", "2024-03-02", "2024-03-05", None])
    e = Event(rng.choice(["ASSAULT", "ASSAULT", "PROTEST"]), location=loc, date=day,
              date_precision="day" if day else "unknown",
              source=[Actor(n.split()[0].lower(), n, None, c, "MIL", "group") for n, c in picks[:1]],
              target=[Actor(n.split()[0].lower(), n, None, c, "MIL", "group") for n, c in picks[1:]],
              status=rng.choice(["asserted", "asserted", "claimed", "future"]),
              fatalities=rng.choice([None, 0, 3, 12]), confidence=rng.choice([0.5, 0.6, 0.8]),
              evidence_text=f"Sentence {sent}.", sentence_index=sent, trigger="x")
    return e


def _corpus(seed: int, n: int = 40) -> list[Article]:
    rng = random.Random(seed)
    arts = []
    for i in range(n):
        a = Article(id=f"art{i:03d}", text=f"Report number {i} from the wire with seed {seed}.")
        a.events = [_event(rng, s) for s in range(rng.choice([1, 2, 3]))]
        for k, e in enumerate(a.events):
            e.article_id, e.event_id = a.id, f"{a.id}:{e.sentence_index}:{k}"
        arts.append(a)
    return arts


def _partition(groups: dict[str, list[str]]) -> set[frozenset[str]]:
    return {frozenset(v) for v in groups.values()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_clusterer_groups_like_a_store_ingest(tmp_path: Path, seed: int) -> None:
    arts = _corpus(seed)
    clusterer = Clusterer()
    expected_ids: dict[str, str] = {}
    for a in arts:
        key = article_key(a.text)[0]
        for i, e in enumerate(a.events or []):
            mid = f"{key}:{i}"
            expected_ids[mid] = e.event_id
            clusterer.add(key, mid, e.to_dict())
    with Store(tmp_path / "c.duckdb") as st:
        run = st.begin_run("test")
        st.write_batch([StoredArticle(a, *article_key(a.text)) for a in arts], run)
        rows = st.conn.execute("SELECT mention_id, event_key FROM mentions").fetchall()
    stored: dict[str, list[str]] = {}
    for mid, ek in rows:
        stored.setdefault(ek, []).append(mid)
    mine = {ek: [mid for mid, _ in members] for ek, members in clusterer.mentions.items()}
    assert _partition(mine) == _partition(stored)
    assert set(mine) == set(stored)  # same first mention, so the same event keys
    assert any(len(v) > 1 for v in mine.values()), "the corpus should contain merges"
    assert any(len(v) == 1 for v in mine.values()), "and events that stay alone"


def _rec(eid: str, **kw: Any) -> dict[str, Any]:
    e = Event(kw.get("type", "ASSAULT"), date=kw.get("date", "2024-03-01"), date_precision="day",
              location=Place(*kw["place"], None, "city") if kw.get("place") else None,
              source=[Actor(n, n) for n in kw.get("names", ())], status=kw.get("status", "asserted"),
              fatalities=kw.get("fatalities"), confidence=kw.get("conf", 0.5))
    e.article_id, e.event_id = eid.split(":")[0], eid
    return e.to_dict()


MOSUL = ("Mosul", "IRQ", None, 36.34, 43.13)
BASRA = ("Basra", "IRQ", None, 30.51, 47.78)


def test_documented_rules() -> None:
    c = Clusterer()
    a = c.add("a", "a:0", _rec("a:0:0", place=MOSUL, names=("Army",), fatalities=3))
    assert c.add("b", "b:0", _rec("b:0:0", place=MOSUL, names=("army",), fatalities=5, conf=0.9)) == a
    assert c.add("g", "g:0", _rec("g:0:0", place=MOSUL, names=())) == a  # no actors: does not block
    assert c.add("c", "c:0", _rec("c:0:0", place=BASRA, names=("Army",))) != a  # 500 km away
    assert c.add("d", "d:0", _rec("d:0:0", place=MOSUL, names=("Army",), date="2024-03-09")) != a  # a week later
    assert c.add("e", "e:0", _rec("e:0:0", place=MOSUL, names=("Army",), status="future")) != a  # irrealis
    assert c.add("f", "f:0", _rec("f:0:0", place=MOSUL, names=("Rebels",))) != a  # other dyad
    merged = c.merged(a)
    assert merged["fatalities"] == 5 and merged["event_id"] == "b:0:0"  # highest credible count, strongest
