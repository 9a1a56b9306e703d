"""ACLED's actor conventions, applied to events that carry an ACLED type.

ACLED codes who did what to whom with a small set of conventions an analyst comparing
against ACLED expects to find: the crowd at a protest is "Protesters (Country)" whoever
organised it (the union or party is an associated actor), a riot's crowd is "Rioters
(Country)", the victims of violence against civilians are "Civilians (Country)" whatever
their trade, a protest broken up by police has the police as its second actor, an
arrest with no named agent was made by the police, and violence with no named perpetrator
is by an "Unidentified Armed Group (Country)". The resolver names what the text says;
this module adds what the convention implies, as extra actors with an empty `text` (no
words in the article name them) or by renaming a generic crowd, and never drops an actor.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as ilr
from pathlib import Path
from typing import Any, Protocol

from .model import Actor, Event

# trades and walks of life that ACLED folds into the crowd or the victims
_CIVIL_SECTORS = {"CVL", "EDU", "LAB", "MED", "JRN", "AGR", "BUS", "OPP", "REL", "REF", "SOC", None}
_FORCE_SECTORS = {"COP", "MIL"}
_ARMED = {"COP", "MIL", "REB", "UAF"}
_INTERVENTION = {"Protest with intervention", "Excessive force against protesters"}

_FIGHTING = {"Battles", "Explosions/Remote violence"}


class Names(Protocol):
    """What the conventions need from the knowledge base (the actor resolver provides these)."""

    def agent_name(self, agent_id: str, iso3: str | None) -> str | None: ...

    def actor_for_id(self, actor_id: str, text: str = "") -> Actor | None: ...


class ConventionError(ValueError):
    """A conventions data file that does not match its schema."""


@dataclass(frozen=True)
class Theatre:
    """A front with a standing dyad: unattributed fighting there is between `sides`."""

    id: str
    country: str
    admin1: frozenset[str]
    start: dt.date
    end: dt.date | None
    sides: tuple[str, str]

    def covers(self, e: Event) -> bool:
        loc = e.location
        if loc is None or loc.country != self.country or not e.date:
            return False
        if self.admin1 and (loc.admin1 or "") not in self.admin1:
            return False
        try:
            day = dt.date.fromisoformat(e.date[:10])
        except ValueError:
            return False
        return self.start <= day and (self.end is None or day <= self.end)


@lru_cache(maxsize=1)
def default_theatres() -> tuple[Theatre, ...]:
    """The packaged theatres, read once per process (the file is small and never changes at run time)."""
    return tuple(load_theatres())


def _data_dir() -> Path:
    return Path(str(ilr.files("eventwire") / "data" / "conventions"))


def load_theatres(path: Path | None = None) -> list[Theatre]:
    """Read and validate theatres.yaml; a bad entry raises ConventionError naming file and entry."""
    import jsonschema
    import yaml

    path = path or _data_dir() / "theatres.yaml"
    schema = json.loads((_data_dir() / "schema" / "theatres.schema.json").read_text(encoding="utf-8"))
    raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise ConventionError(f"{path}: top level must be a list of theatres")
    validator = jsonschema.Draft202012Validator(schema)
    out = []
    for i, item in enumerate(raw):
        errors = sorted(validator.iter_errors(item), key=lambda err: list(err.path))
        if errors:
            ident = item.get("id") if isinstance(item, dict) else item
            raise ConventionError(f"{path}: theatre {i} ({ident!r}): {errors[0].message}")
        out.append(Theatre(item["id"], item["country"], frozenset(item.get("admin1") or ()),
                           dt.date.fromisoformat(item["from"]),
                           dt.date.fromisoformat(item["to"]) if item.get("to") else None,
                           (item["sides"][0], item["sides"][1])))
    return out


def _is_generic(a: Actor) -> bool:
    """An unnamed group: a generic agent, or a nationality's people ("Thais" is `state:THA` as a group)."""
    return a.kind == "group" and (a.id is None or a.id.startswith("agent:")
                                  or (a.id.startswith("state:") and a.id.count(":") == 1))


def _label(kb: Names, agent_id: str, country: str | None) -> str:
    """The knowledge base's name for a generic agent in a country ("Protesters (Iraq)", "Police Forces of
    Iraq"), or without one ("Protesters")."""
    return kb.agent_name(agent_id, country) or kb.agent_name(agent_id, None) or agent_id.split(":")[-1].title()


def _event_country(e: Event) -> str | None:
    if e.location is not None and e.location.country:
        return e.location.country
    return next((a.country for a in e.source + e.target if a.country), None)


def _crowd(e: Event, agent_id: str, country: str | None, kb: Names) -> None:
    """The first source is the crowd: rename a generic civil group, else add the implied crowd."""
    for a in e.source:
        if _is_generic(a) and a.sector in _CIVIL_SECTORS:
            if country and a.country and a.country != country and (a.id or "").startswith("state:"):
                continue  # "ethnic Albanians demonstrated in Serbia": ACLED's crowd is Serbia's
            a.name = _label(kb, agent_id, a.country or country)
            return
    if any(a.name.startswith(_label(kb, agent_id, None)) for a in e.source):
        return
    text = e.source[0].text if e.source else ""
    e.source.insert(0, Actor(text, _label(kb, agent_id, country), agent_id, country, "CVL", "group"))


def _victims(e: Event, country: str | None, kb: Names) -> None:
    """Violence against civilians: the first target is "Civilians (Country)"."""
    for a in e.target:
        if a.name.startswith(_label(kb, "agent:civilians", None)):
            return
        if _is_generic(a) and a.sector in _CIVIL_SECTORS:
            a.name = _label(kb, "agent:civilians", a.country or country)
            return
    text = e.target[0].text if e.target else ""
    e.target.insert(0, Actor(text, _label(kb, "agent:civilians", country), "agent:civilians",
                             country, "CVL", "group"))


def _rename_civilians(e: Event, country: str | None, kb: Names) -> None:
    """Generic civil victims of remote violence take ACLED's "Civilians (Country)" name; none is added."""
    for a in e.target:
        if _is_generic(a) and a.sector in _CIVIL_SECTORS and a.sector is not None:
            a.name = _label(kb, "agent:civilians", a.country or country)


def _force_near(e: Event, events: list[Event]) -> Actor | None:
    """The police or soldiers that broke the protest up: the source of a policing, arrest or assault
    event in the protest's sentence or the next two (never an earlier sentence's strike or raid)."""
    for other in events:
        if other is e or not (e.sentence_index <= other.sentence_index <= e.sentence_index + 2):
            continue
        if other.type not in ("COERCE", "ASSAULT"):
            continue
        for a in other.source:
            if a.sector in _FORCE_SECTORS:
                return a
    return None


def _police(country: str | None, kb: Names) -> Actor:
    return Actor("", _label(kb, "agent:police", country), f"state:{country}:COP" if country else "agent:police",
                 country, "COP", "state" if country else "group")


def _front(e: Event, theatres: tuple[Theatre, ...] | list[Theatre], kb: Names) -> None:
    """Unattributed fighting on a known front is between that front's two sides: unnamed
    "troops" or "rebels" become the matching side, and a missing side is added opposite."""
    th = next((t for t in theatres if t.covers(e)), None)
    if th is None:
        return
    first, second = kb.actor_for_id(th.sides[0]), kb.actor_for_id(th.sides[1])
    if first is None or second is None:
        return
    sides = [first, second]
    everyone = e.source + e.target
    if any(a.id not in th.sides and not (_is_generic(a) and a.sector in _ARMED) for a in everyone):
        return  # someone else is named: not (only) the standing dyad
    present = {a.id for a in everyone}
    for group in (e.source, e.target):
        for k, a in enumerate(group):
            if a.id in th.sides:
                continue
            state_like = a.sector in _FORCE_SECTORS
            pick = next((s for s in sides if s.id not in present
                         and (s.id or "").startswith("state:") == state_like), None)
            pick = pick or next((s for s in sides if s.id not in present), None)
            if pick is not None:
                group[k] = Actor(a.text, pick.name, pick.id, pick.country, pick.sector, pick.kind)
                present.add(pick.id)
    missing = [s for s in sides if s.id not in present]
    if not e.source and not e.target:
        e.source.append(sides[0])
        e.target.append(sides[1])
    elif missing:
        (e.target if e.source else e.source).extend(missing)


def apply(events: list[Event], kb: Names, theatres: tuple[Theatre, ...] | list[Theatre] = ()) -> None:
    """Apply the conventions to every ACLED-typed event of one article, in place."""
    for e in events:
        if not e.acled:
            continue
        if theatres and e.acled["event_type"] in _FIGHTING:
            _front(e, theatres, kb)
        etype, sub = e.acled["event_type"], e.acled["sub_event_type"]
        country = _event_country(e)
        if etype == "Protests":
            _crowd(e, "agent:protesters", country, kb)
            if sub in _INTERVENTION and not any(a.sector in _FORCE_SECTORS for a in e.target):
                force = _force_near(e, events)
                e.target.append(Actor(force.text, force.name, force.id, force.country, force.sector, force.kind)
                                if force is not None else _police(country, kb))
        elif etype == "Riots":
            _crowd(e, "agent:rioters", country, kb)
        elif etype == "Violence against civilians":
            _victims(e, country, kb)
        elif etype == "Explosions/Remote violence":
            _rename_civilians(e, country, kb)  # shelled or bombed traders are civilians too
        if etype in _FIGHTING | {"Violence against civilians"} and not e.source:
            # nobody named as the perpetrator: ACLED's "Unidentified Armed Group (Country)", of the country
            # where it happened (not the victims' nationality)
            where = e.location.country if e.location is not None else None
            e.source.append(Actor("", _label(kb, "agent:militants", where), "agent:militants", where, "UAF",
                                  "group"))
        elif sub == "Arrests" and not e.source:
            e.source.append(_police(country, kb))
