"""ACLED actor conventions: unit rules on hand-built events, and end to end through extract()."""

from __future__ import annotations

import pytest

from eventwire import acled_actors
from eventwire.model import Actor, Event, Place

NAMES = {"IRQ": "Iraq", "KEN": "Kenya", "PAK": "Pakistan"}


def _name(iso3: str) -> str:
    return NAMES.get(iso3, iso3)


def _ev(etype: str, sub: str, source: list[Actor] | None = None, target: list[Actor] | None = None,
        country: str | None = "KEN", sentence: int = 0) -> Event:
    loc = Place("Nairobi", country, None, None, None, None, "city") if country else None
    return Event("PROTEST", acled={"event_type": etype, "sub_event_type": sub}, source=source or [],
                 target=target or [], location=loc, sentence_index=sentence)


def _group(text: str, name: str, sector: str, agent: str | None = None, country: str | None = None) -> Actor:
    return Actor(text, name, agent, country, sector, "group")


def test_protest_led_by_a_union_gets_the_crowd_first_and_keeps_the_union() -> None:
    union = Actor("the teachers' union", "Kenya National Union of Teachers", "org:knut", "KEN", "LAB",
                  "organization")
    ev = _ev("Protests", "Peaceful protest", source=[union])
    acled_actors.apply([ev], _name)
    assert [a.name for a in ev.source] == ["Protesters (Kenya)", "Kenya National Union of Teachers"]
    assert ev.source[0].country == "KEN" and ev.source[0].sector == "CVL"


def test_generic_crowd_is_renamed_not_duplicated() -> None:
    crowd = _group("nurses", "Health Workers", "MED", "agent:health-workers", "KEN")
    ev = _ev("Protests", "Peaceful protest", source=[crowd])
    acled_actors.apply([ev], _name)
    assert len(ev.source) == 1 and ev.source[0].name == "Protesters (Kenya)" and ev.source[0].text == "nurses"


def test_protest_without_named_crowd_gets_an_implicit_one_with_empty_text() -> None:
    ev = _ev("Protests", "Peaceful protest", country="PAK")
    acled_actors.apply([ev], _name)
    assert ev.source[0].name == "Protesters (Pakistan)" and ev.source[0].text == ""


def test_riot_crowd_is_rioters() -> None:
    ev = _ev("Riots", "Violent demonstration", source=[_group("youths", "Protesters", "CVL", "agent:protesters")])
    acled_actors.apply([ev], _name)
    assert ev.source[0].name == "Rioters (Kenya)"


def test_intervention_takes_the_police_from_the_next_sentence() -> None:
    police = Actor("riot police", "Police Forces of Kenya", "state:KEN:COP", "KEN", "COP", "state")
    protest = _ev("Protests", "Protest with intervention", source=[_group("traders", "Business", "BUS")])
    dispersal = Event("COERCE", source=[police], sentence_index=1)
    acled_actors.apply([protest, dispersal], _name)
    assert protest.target and protest.target[0].name == "Police Forces of Kenya"
    assert protest.target[0].text == "riot police"


def test_intervention_without_a_named_force_defaults_to_the_police_of_the_country() -> None:
    protest = _ev("Protests", "Excessive force against protesters", country="IRQ")
    far = Event("COERCE", source=[Actor("troops", "Military Forces of Iraq", None, "IRQ", "MIL", "state")],
                sentence_index=7)
    acled_actors.apply([protest, far], _name)
    assert [a.name for a in protest.target] == ["Police Forces of Iraq"]


def test_violence_against_civilians_names_the_victims_civilians() -> None:
    journalist = _group("a reporter", "Journalists", "JRN", "agent:journalists", "KEN")
    ev = _ev("Violence against civilians", "Attack", target=[journalist])
    acled_actors.apply([ev], _name)
    assert ev.target[0].name == "Civilians (Kenya)" and ev.target[0].sector == "JRN"

    named = Actor("John Mwangi", "John Mwangi", None, None, None, "person")
    ev2 = _ev("Violence against civilians", "Abduction/forced disappearance", target=[named])
    acled_actors.apply([ev2], _name)
    assert [a.name for a in ev2.target] == ["Civilians (Kenya)", "John Mwangi"]


def test_arrest_without_agent_is_by_police_and_other_types_are_untouched() -> None:
    arrest = _ev("Strategic developments", "Arrests", country="PAK")
    clash = _ev("Battles", "Armed clash")
    acled_actors.apply([arrest, clash], _name)
    assert [a.name for a in arrest.source] == ["Police Forces of Pakistan"]
    assert clash.source == [] and clash.target == []


@pytest.mark.parametrize("text,label", [
    ("Hundreds of teachers staged a sit-in outside the education ministry in Nairobi on Monday to demand "
     "unpaid salaries.", "Protesters"),
    ("Gunmen abducted two aid workers from their compound near Mandera on Tuesday, local officials said.",
     "Civilians"),
])
def test_end_to_end_names(text: str, label: str) -> None:
    from eventwire import extract

    events = [e for e in extract(text, published="2024-03-06") if e.acled]
    assert events, "expected an ACLED-coded event"
    assert any(a.name.startswith(label) for e in events for a in e.source + e.target)
