"""Stage `dedup`: merge duplicate events inside one article and give stable ids.

Cross-article deduplication lives in the store; here two events are one when they
share type, trigger sentence and dyad (e.g. "attacked ... in an attack").
"""

from __future__ import annotations

import re
from typing import Any

from . import acled_actors
from .model import Actor, Article, Event, Place
from .resources import Resources
from .stages import stage

_DEFINITE = re.compile(r"\b(?:the|this|that|these|those|its|their)(?:\s+[\w-]+){0,2}\s*$", re.I)


def _refers_back(e: Event, first_of_type: dict[str, int]) -> bool:
    """"Washington blamed the militia for the attack": "the attack" names an event the article has
    already reported, not a new one. A definite event noun with no date, place words or counts of its
    own, after an event of the same type from an earlier sentence, is that event mentioned again.
    `first_of_type` gives the first sentence holding an event of each type."""
    entry = e._entry
    # a date of its own (not one inherited from an earlier event) makes it a new report
    own_date = e.date_text is not None and e.date_text.lower() in e.evidence_text.lower()
    if entry is None or entry.pos != "noun" or own_date or e.fatalities or e.injured:
        return False
    before = e.evidence_text[:max(0, e._trigger_start - e.sentence_start)]
    if not _DEFINITE.search(before):
        return False
    return first_of_type.get(e.type, e.sentence_index) < e.sentence_index


def _key(e: Event) -> tuple[object, ...]:
    return (e.type, e.sentence_index, tuple(sorted(a.name for a in e.source)),
            tuple(sorted(a.name for a in e.target)))


@stage("dedup", reads=("events",), adds=("events.event_id",))
def dedup_events(article: Article, resources: Resources) -> None:
    """Keep the most confident of same-sentence duplicates; number events in article order."""
    events = article.events or []
    best: dict[tuple[object, ...], Event] = {}
    order: list[tuple[object, ...]] = []
    for e in events:
        k = _key(e)
        if k not in best:
            best[k] = e
            order.append(k)
        else:
            keep = best[k]
            if e.confidence > keep.confidence:
                e.fatalities = e.fatalities if e.fatalities is not None else keep.fatalities
                best[k] = e
            else:
                keep.fatalities = keep.fatalities if keep.fatalities is not None else e.fatalities
    kept = sorted((best[k] for k in order), key=lambda e: (e.sentence_index, e._trigger_start))
    first_of_type: dict[str, int] = {}
    for e in kept:  # sorted by sentence: the first one seen is the earliest
        first_of_type.setdefault(e.type, e.sentence_index)
    kept = [e for e in kept if not _refers_back(e, first_of_type)]
    counters: dict[int, int] = {}
    for e in kept:
        n = counters.get(e.sentence_index, 0)
        counters[e.sentence_index] = n + 1
        e.article_id = article.id
        e.event_id = f"{article.id}:{e.sentence_index}:{n}"
    gaz = resources.gazetteer if "place" in resources.config.stages else None
    kb = resources.kb if "actors" in resources.config.stages else None
    for e in kept:
        if e.location is None and gaz is not None:
            e.location = _country_from_actors(e, gaz)
        _fill_actor_countries(e, gaz, kb)
    if kb is not None:
        for e in kept:
            _implied_target(e, kb)
        acled_actors.apply(kept, kb, acled_actors.default_theatres())
    article.events = kept


def _country_from_actors(e: Event, gaz: Any) -> Place | None:
    """No place in the text: a named actor's home country (a national army, a local armed group)
    is the best available location, at country precision."""
    from .geo.resolve import to_place

    for a in e.source + e.target:
        if a.country and (a.kind in ("armed_group", "state") or (a.id or "").startswith("state:")):
            entry = gaz.country_entry(a.country)
            if entry is not None:
                place = to_place(entry, gaz)
                place.precision = "country"
                return place
    return None


def _fill_actor_countries(e: Event, gaz: Any, kb: Any = None) -> None:
    """Generic agents ("police", "gunmen") with no country take the country where the event happened."""
    country = e.location.country if e.location else None
    if not country:
        return
    for a in e.source + e.target:
        if a.kind == "group" and (a.id is None or a.id.startswith("agent:")) and (a.country is None or (
                a.sector in _LOCAL_SECTORS and gaz is not None and not _names_country(a.text, gaz))):
            if a.country != country and kb is not None and a.id and a.id.startswith("agent:") and a.country:
                a.name = kb.agent_name(a.id, country) or a.name  # keep the name in step with the country
            a.country = country  # "protesters" in Baghdad are Iraqi unless the text says otherwise


# crowds, residents and unnamed gunmen are local to where the event happened; officials and soldiers
# may be foreign, so their resolver-given country stands
_LOCAL_SECTORS = {"CVL", "UAF", "OPP", "EDU", "LAB", "MED", "AGR", "REF", "JRN", "REL", "SOC", "CRM", None}


def _names_country(text: str, gaz: Any) -> bool:
    """Does the mention itself carry a nationality ("Iraqi protesters", "US servicemen")?"""
    for word in text.replace("-", " ").split():
        w = word.strip(".,'\"()")
        if len(w) >= 2 and w[0].isupper() and (w in ("US", "UK", "UAE") or gaz.country_of(w) is not None):
            return True
    return False


def _implied_target(e: Event, kb: Any) -> None:
    """Who an event is aimed at when the text names no one, by what the event is: a street protest
    is against the government of the country it happens in, a curfew or blockade falls on the
    people of the place, aid goes to the country it is delivered to. Added with an empty `text`
    (no words name them), only when the event's place gives the country."""
    country = e.location.country if e.location else None
    if e.target or not country:
        return
    if e.type == "PROTEST" and e.mode in ("demo", "hunger", "boycott", "obstruct"):
        actor = kb.actor_for_id(f"state:{country}:GOV")
    elif e.type == "COERCE" and e.mode == "restrict":
        actor = kb.actor_for_id("agent:civilians")
        name = kb.agent_name("agent:civilians", country)
        if actor is not None and name:
            actor = Actor("", name, actor.id, country, actor.sector, "group")
    elif e.type == "AID":
        actor = Actor("", kb.country_name(country), f"state:{country}", country, None, "state")
    else:
        return
    if actor is not None:
        e.target.append(actor)
