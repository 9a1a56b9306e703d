"""ACLED's actor conventions, applied to events that carry an ACLED type.

ACLED codes who did what to whom with a small set of conventions an analyst comparing
against ACLED expects to find: the crowd at a protest is "Protesters (Country)" whoever
organised it (the union or party is an associated actor), a riot's crowd is "Rioters
(Country)", the victims of violence against civilians are "Civilians (Country)" whatever
their trade, a protest broken up by police has the police as its second actor, and an
arrest with no named agent was made by the police. The resolver names what the text says;
this module adds what the convention implies, as extra actors with an empty `text` (no
words in the article name them) or by renaming a generic crowd, and never drops an actor.
"""

from __future__ import annotations

from collections.abc import Callable

from .model import Actor, Event

# trades and walks of life that ACLED folds into the crowd or the victims
_CIVIL_SECTORS = {"CVL", "EDU", "LAB", "MED", "JRN", "AGR", "BUS", "OPP", "REL", "REF", "SOC", None}
_FORCE_SECTORS = {"COP", "MIL"}
_INTERVENTION = {"Protest with intervention", "Excessive force against protesters"}

CountryName = Callable[[str], str]


def _is_generic(a: Actor) -> bool:
    return a.kind == "group" and (a.id is None or a.id.startswith("agent:"))


def _label(base: str, country: str | None, country_name: CountryName) -> str:
    return f"{base} ({country_name(country)})" if country else base


def _event_country(e: Event) -> str | None:
    if e.location is not None and e.location.country:
        return e.location.country
    return next((a.country for a in e.source + e.target if a.country), None)


def _crowd(e: Event, label: str, country: str | None, country_name: CountryName) -> None:
    """The first source is the crowd: rename a generic civil group, else add the implied crowd."""
    for a in e.source:
        if _is_generic(a) and a.sector in _CIVIL_SECTORS:
            a.name = _label(label, a.country or country, country_name)
            return
    if any(a.name.startswith(label) for a in e.source):
        return
    text = e.source[0].text if e.source else ""
    e.source.insert(0, Actor(text, _label(label, country, country_name), f"agent:{label.lower()}",
                             country, "CVL", "group"))


def _victims(e: Event, country: str | None, country_name: CountryName) -> None:
    """Violence against civilians: the first target is "Civilians (Country)"."""
    for a in e.target:
        if a.name.startswith("Civilians"):
            return
        if _is_generic(a) and a.sector in _CIVIL_SECTORS:
            a.name = _label("Civilians", a.country or country, country_name)
            return
    text = e.target[0].text if e.target else ""
    e.target.insert(0, Actor(text, _label("Civilians", country, country_name), "agent:civilians",
                             country, "CVL", "group"))


def _force_near(e: Event, events: list[Event]) -> Actor | None:
    """A police or military actor acting in the same or the next two sentences."""
    for other in events:
        if other is e or not (e.sentence_index - 1 <= other.sentence_index <= e.sentence_index + 2):
            continue
        for a in other.source:
            if a.sector in _FORCE_SECTORS:
                return a
    return None


def _police(country: str | None, country_name: CountryName) -> Actor:
    name = f"Police Forces of {country_name(country)}" if country else "Police Forces"
    return Actor("", name, f"state:{country}:COP" if country else "agent:police", country, "COP",
                 "state" if country else "group")


def apply(events: list[Event], country_name: CountryName) -> None:
    """Apply the conventions to every ACLED-typed event of one article, in place."""
    for e in events:
        if not e.acled:
            continue
        etype, sub = e.acled["event_type"], e.acled["sub_event_type"]
        country = _event_country(e)
        if etype == "Protests":
            _crowd(e, "Protesters", country, country_name)
            if sub in _INTERVENTION and not any(a.sector in _FORCE_SECTORS for a in e.target):
                force = _force_near(e, events)
                e.target.append(Actor(force.text, force.name, force.id, force.country, force.sector, force.kind)
                                if force is not None else _police(country, country_name))
        elif etype == "Riots":
            _crowd(e, "Rioters", country, country_name)
        elif etype == "Violence against civilians":
            _victims(e, country, country_name)
        elif sub == "Arrests" and not e.source:
            e.source.append(_police(country, country_name))
