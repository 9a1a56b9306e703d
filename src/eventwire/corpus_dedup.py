"""Cross-source deduplication: near-duplicate articles and event coreference across articles.

Near-duplicate articles
    Wire copy is republished with small edits (a changed headline, a trimmed last paragraph).
    Each article's text is case-folded and split into words; the set of 3-word shingles is
    summarised by a 128-value MinHash signature (hashlib-blake2b 32-bit shingle hashes, then
    128 fixed hash permutations ``((a*x + b) mod 2**64) mod (2**61 - 1)``). An LSH index of 32
    bands x 4 rows proposes candidates; a candidate is a near duplicate when the estimated
    Jaccard similarity of the signatures is at least ``threshold`` (default 0.8). Only
    originals are indexed, so every duplicate links to an original, never to another copy.
    Articles with fewer than three words have no shingles and are never linked.

Event coreference (rules applied by `compatible` to a new mention and a merged event)
    1. Status: mentions of things that did not (yet) happen (``future``, ``hypothetical``) only
       merge with each other; every other status (asserted, claimed, denied, uncertain,
       historical) is one group, so a claim and its denial land on the same event.
    2. Type: the same PLOVER type, or the same ACLED event type when both are coded.
    3. Dyad: when both sides name actors, they must share one (matched on the actor id when both
       have one, else on the case-folded name), as source or target in either order. A side with
       no actors at all does not block a merge.
    4. Date: both dated, and no further apart than the wider tolerance of the two precisions
       (day 1, week 7, month 31, year 366 days). An undated mention only merges with events of
       its own article.
    5. Place: with coordinates on both sides, within ``radius_km`` (25 km, haversine); otherwise
       the same place name in the same country; when either place is unknown or only a
       country/region, the same country, or (no country on one side) a shared actor.
    Among compatible events the best is taken: most shared actors, then nearest date, then
    nearest place, then the smallest event key (so the choice is deterministic). A mention joins
    at most one event; events are not merged with each other after the fact.

Merged event (rules applied by `merge_records` to all mentions of one event)
    - Strongest mention: highest status rank (asserted > claimed > uncertain > denied >
      historical > hypothetical > future), then highest confidence, then earliest mention.
      Its record is the base of the merged record (type, codes, evidence sentence).
    - Counts (fatalities, injured, arrested, size): the highest figure among mentions whose
      status is ``asserted`` or ``claimed``; when none of those gives a figure, the highest
      figure of any mention. Every figure stays in its mention row.
    - Date: the most precise dated mention (day before week before month ...), ties to the
      stronger mention. Location: the most precise located mention (point, city, admin1,
      country, region), ties to the stronger mention.
    - Actors: the strongest mention's actors first, then the other mentions' actors not already
      present, per side. Confidence: the highest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# ---------------------------------------------------------------------------- near-duplicate articles

_MERSENNE = (1 << 61) - 1
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class MinHasher:
    """MinHash signatures over word shingles; the permutations depend only on `seed`."""

    num_perm: int = 128
    shingle: int = 3
    seed: int = 7

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)
        object.__setattr__(self, "_a", rng.integers(1, _MERSENNE, self.num_perm, dtype=np.uint64))
        object.__setattr__(self, "_b", rng.integers(0, _MERSENNE, self.num_perm, dtype=np.uint64))

    def shingles(self, text: str) -> set[str]:
        words = _WORD.findall(text.casefold())
        k = self.shingle
        if len(words) < k:
            return set()
        return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}

    def signature(self, text: str) -> np.ndarray | None:
        """uint32 signature of `text`, or None when it is too short to have a shingle."""
        sh = self.shingles(text)
        if not sh:
            return None
        hv = np.fromiter((int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "little")
                          for s in sh), dtype=np.uint64, count=len(sh))
        a: np.ndarray = self._a  # type: ignore[attr-defined]
        b: np.ndarray = self._b  # type: ignore[attr-defined]
        # a*hv + b wraps modulo 2**64 before the Mersenne modulo (as in common MinHash code); with a
        # small `a` the map would be nearly monotone in hv and all permutations would pick the same minima
        perm = (np.outer(hv, a) + b) % np.uint64(_MERSENNE)
        return (perm.min(axis=0) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def jaccard_estimate(s1: np.ndarray, s2: np.ndarray) -> float:
    return float(np.mean(s1 == s2))


@dataclass
class LSHIndex:
    """Banded LSH over MinHash signatures, in memory; rebuilt from the store at start of a run."""

    bands: int = 32
    threshold: float = 0.8
    _buckets: list[dict[bytes, list[str]]] = field(default_factory=list)
    _sigs: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._buckets = [{} for _ in range(self.bands)]

    def _band_keys(self, sig: np.ndarray) -> list[bytes]:
        rows = len(sig) // self.bands
        return [sig[i * rows:(i + 1) * rows].tobytes() for i in range(self.bands)]

    def add(self, key: str, sig: np.ndarray) -> None:
        if key in self._sigs:
            return
        self._sigs[key] = sig
        for band, bk in enumerate(self._band_keys(sig)):
            self._buckets[band].setdefault(bk, []).append(key)

    def query(self, sig: np.ndarray) -> str | None:
        """The most similar indexed key at or above the threshold, or None.

        Ties go to the smallest key, so the answer does not depend on the order keys were indexed in
        (a resumed run rebuilds the index from the store in a different order).
        """
        seen: set[str] = set()
        for band, bk in enumerate(self._band_keys(sig)):
            seen.update(self._buckets[band].get(bk, ()))
        best: tuple[float, str] | None = None
        for k in sorted(seen):
            sim = jaccard_estimate(sig, self._sigs[k])
            if sim >= self.threshold and (best is None or sim > best[0]):
                best = (sim, k)
        return best[1] if best else None

    def __len__(self) -> int:
        return len(self._sigs)


# ---------------------------------------------------------------------------- event coreference

STATUS_RANK = {"asserted": 6, "claimed": 5, "uncertain": 4, "denied": 3, "historical": 2,
               "hypothetical": 1, "future": 0}
_IRREALIS = {"future", "hypothetical"}
CREDIBLE = ("asserted", "claimed")
DATE_TOLERANCE_DAYS = {"day": 1, "week": 7, "month": 31, "year": 366}
MAX_TOLERANCE_DAYS = max(DATE_TOLERANCE_DAYS.values())
PLACE_RANK = {"point": 4, "city": 3, "admin1": 2, "country": 1, "region": 0}
DATE_RANK = {"day": 4, "week": 3, "month": 2, "year": 1, "unknown": 0}
COUNT_FIELDS = ("fatalities", "injured", "arrested", "size")


@dataclass(frozen=True)
class CorefRules:
    """Tunable thresholds of event coreference."""

    radius_km: float = 25.0
    date_slack_days: int = 0  # added to every tolerance (e.g. for reports published a day late)


def actor_match_keys(actor: dict[str, Any]) -> set[str]:
    """Keys under which two actor records are the same participant."""
    keys = set()
    if actor.get("id"):
        keys.add("id:" + str(actor["id"]))
    if actor.get("name"):
        keys.add("name:" + str(actor["name"]).casefold().strip())
    return keys


def _actor_keys(actors: Iterable[dict[str, Any]]) -> set[str]:
    out: set[str] = set()
    for a in actors:
        out |= actor_match_keys(a)
    return out


def shared_actors(a1: Sequence[dict[str, Any]], a2: Sequence[dict[str, Any]]) -> int:
    """How many actors of `a1` also appear (by id, else name) in `a2`."""
    keys2 = _actor_keys(a2)
    ids2 = {k for k in keys2 if k.startswith("id:")}
    n = 0
    for a in a1:
        ks = actor_match_keys(a)
        own_id = {k for k in ks if k.startswith("id:")}
        if own_id and ids2:
            # both sides resolved: only the id decides (names may be aliases)
            if own_id & ids2 or (ks - own_id) & (keys2 - ids2):
                n += 1
        elif ks & keys2:
            n += 1
    return n


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _date(s: Any) -> dt.date | None:
    if s is None or s == "":
        return None
    if isinstance(s, dt.date):
        return s
    try:
        return dt.date.fromisoformat(str(s)[:10])
    except ValueError:
        return None


def types_compatible(r1: dict[str, Any], r2: dict[str, Any]) -> bool:
    if r1.get("type") == r2.get("type"):
        return True
    a1, a2 = r1.get("acled") or {}, r2.get("acled") or {}
    return bool(a1 and a2 and a1.get("event_type") == a2.get("event_type"))


def event_country(record: dict[str, Any]) -> str | None:
    loc = record.get("location") or {}
    return loc.get("country")


@dataclass(frozen=True)
class Match:
    """Why a mention fits an event; ordered so that `max` picks the best candidate."""

    shared: int
    date_gap: int
    distance_km: float
    event_key: str

    def sort_key(self) -> tuple[int, int, float, str]:
        return (-self.shared, self.date_gap, self.distance_km, self.event_key)


def compatible(mention: dict[str, Any], event: dict[str, Any], event_key: str, *,
               same_article: bool = False, rules: CorefRules | None = None) -> Match | None:
    """A `Match` when `mention` may be another report of the merged `event`, else None."""
    rules = rules or CorefRules()
    if (mention.get("status") in _IRREALIS) != (event.get("status") in _IRREALIS):
        return None
    if not types_compatible(mention, event):
        return None
    ms, mt = mention.get("source") or [], mention.get("target") or []
    es, et = event.get("source") or [], event.get("target") or []
    m_all, e_all = list(ms) + list(mt), list(es) + list(et)
    shared = shared_actors(m_all, e_all)
    if m_all and e_all and shared == 0:
        return None
    d1, d2 = _date(mention.get("date")), _date(event.get("date"))
    if d1 is None or d2 is None:
        if not same_article:
            return None
        gap = 0 if d1 == d2 else MAX_TOLERANCE_DAYS
    else:
        gap = abs((d1 - d2).days)
        tol = max(DATE_TOLERANCE_DAYS.get(mention.get("date_precision") or "", MAX_TOLERANCE_DAYS),
                  DATE_TOLERANCE_DAYS.get(event.get("date_precision") or "", MAX_TOLERANCE_DAYS))
        if gap > tol + rules.date_slack_days:
            return None
    distance = _place_distance(mention.get("location"), event.get("location"), shared, rules)
    if distance is None:
        return None
    return Match(shared, gap, distance, event_key)


def _place_distance(l1: dict[str, Any] | None, l2: dict[str, Any] | None, shared: int,
                    rules: CorefRules) -> float | None:
    """Distance-like score (km) when the places are compatible, None when they rule a merge out."""
    l1, l2 = l1 or {}, l2 or {}
    c1, c2 = l1.get("country"), l2.get("country")
    if c1 and c2 and c1 != c2:
        return None
    fine1 = bool(l1) and l1.get("precision") in ("point", "city", "admin1")
    fine2 = bool(l2) and l2.get("precision") in ("point", "city", "admin1")
    if fine1 and fine2:
        if None not in (l1.get("lat"), l1.get("lon"), l2.get("lat"), l2.get("lon")):
            d = haversine_km(l1["lat"], l1["lon"], l2["lat"], l2["lon"])
            return d if d <= rules.radius_km else None
        if str(l1.get("name", "")).casefold() == str(l2.get("name", "")).casefold():
            return 0.0
        return None
    if c1 and c2:
        return rules.radius_km  # same country, place unknown on one side: worse than any real match
    return rules.radius_km * 2 if shared else None


def strength_key(record: dict[str, Any], order: int) -> tuple[int, float, int]:
    """Larger is stronger; `order` is the mention's arrival position (earlier wins ties)."""
    return (STATUS_RANK.get(record.get("status", ""), 0), float(record.get("confidence") or 0.0), -order)


def merged_count(records: Sequence[dict[str, Any]], field_name: str) -> tuple[int | None, int | None]:
    """(value, index of the mention it came from) under the documented count rule."""
    credible = [(r.get(field_name), i) for i, r in enumerate(records)
                if r.get("status") in CREDIBLE and r.get(field_name) is not None]
    pool = credible or [(r.get(field_name), i) for i, r in enumerate(records)
                        if r.get(field_name) is not None]
    if not pool:
        return None, None
    value, idx = max(pool, key=lambda p: (p[0], -p[1]))
    return value, idx


def _append_actors(into: list[dict[str, Any]], more: Iterable[dict[str, Any]]) -> None:
    for a in more:
        if shared_actors([a], into) == 0:
            into.append(dict(a))


def merge_records(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The merged contract record of the mentions of one event, given in arrival order."""
    if not records:
        raise ValueError("an event has at least one mention")
    order = sorted(range(len(records)), key=lambda i: strength_key(records[i], i), reverse=True)
    best = records[order[0]]
    out = dict(best)
    for f in COUNT_FIELDS:
        value, idx = merged_count(records, f)
        out[f] = value
        if f == "fatalities":
            out["fatalities_qualifier"] = (records[idx].get("fatalities_qualifier")
                                           if idx is not None else None)
    dated = [i for i in order if records[i].get("date")]
    if dated:
        i = max(dated, key=lambda j: (DATE_RANK.get(records[j].get("date_precision") or "unknown", 0),
                                      -order.index(j)))
        for f in ("date", "date_precision", "date_text"):
            out[f] = records[i].get(f)
    located = [i for i in order if records[i].get("location")]
    if located:
        i = max(located, key=lambda j: (PLACE_RANK.get(records[j]["location"].get("precision"), 0),
                                        -order.index(j)))
        out["location"] = records[i]["location"]
    for side in ("source", "target"):
        actors = [dict(a) for a in best.get(side) or []]
        for i in order[1:]:
            _append_actors(actors, records[i].get(side) or [])
        out[side] = actors
    out["confidence"] = max(float(r.get("confidence") or 0.0) for r in records)
    return out


def new_event_key(mention_id: str) -> str:
    """An event is keyed by its first mention, so keys are stable across re-runs in the same order."""
    return "ev-" + hashlib.sha1(mention_id.encode()).hexdigest()[:16]


class Clusterer:
    """Event coreference in memory, with exactly the rules and arrival-order semantics the store
    applies while ingesting: each mention joins the best compatible event seen so far (judged
    against that event's merged record) or starts a new one. The Spark job's second stage runs
    this per partition, so a cluster run and a DuckDB ingest of the same mentions in the same
    order group them the same way.

    Candidates are looked up by country (mentions without a country are compared with every
    event); `compatible` makes the final decision.
    """

    def __init__(self, rules: CorefRules | None = None) -> None:
        self.rules = rules or CorefRules()
        self.mentions: dict[str, list[tuple[str, dict[str, Any]]]] = {}  # event key -> (mention id, record)
        self._merged: dict[str, dict[str, Any]] = {}
        self._by_country: dict[str | None, list[str]] = {}
        self._article_events: dict[str, set[str]] = {}

    def add(self, article_key: str, mention_id: str, record: dict[str, Any]) -> str:
        """File one mention; returns the key of the event it now belongs to."""
        country = event_country(record)
        keys = (list(self.mentions) if country is None
                else list(dict.fromkeys(self._by_country.get(country, []) + self._by_country.get(None, []))))
        own = self._article_events.get(article_key, set())
        best: Match | None = None
        for ek in keys:
            m = compatible(record, self.merged(ek), ek, same_article=ek in own, rules=self.rules)
            if m is not None and (best is None or m.sort_key() < best.sort_key()):
                best = m
        if best is not None:
            event_key = best.event_key
        else:
            event_key = new_event_key(mention_id)
            self.mentions[event_key] = []
        filed = self._by_country.setdefault(country, [])
        if event_key not in filed:  # an event is a candidate under every country its mentions carry
            filed.append(event_key)
        self.mentions[event_key].append((mention_id, record))
        self._merged.pop(event_key, None)
        self._article_events.setdefault(article_key, set()).add(event_key)
        return event_key

    def merged(self, event_key: str) -> dict[str, Any]:
        """The merged contract record of one event (cached until it gains a mention)."""
        if event_key not in self._merged:
            self._merged[event_key] = merge_records([r for _, r in self.mentions[event_key]])
        return self._merged[event_key]
