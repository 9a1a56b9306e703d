"""ACLED actor conventions: unit rules on hand-built events, and end to end through extract()."""

from __future__ import annotations

from typing import Any

import pytest

from eventwire import acled_actors
from eventwire.model import Actor, Event, Place

NAMES = {"IRQ": "Iraq", "KEN": "Kenya", "PAK": "Pakistan"}


AGENTS = {"agent:protesters": ("Protesters", "Protesters ({})"), "agent:rioters": ("Rioters", "Rioters ({})"),
          "agent:civilians": ("Civilians", "Civilians ({})"),
          "agent:militants": ("Unidentified Armed Group", "Unidentified Armed Group ({})"),
          "agent:police": ("Police Forces", "Police Forces of {}")}


class _KB:
    """The look-ups the conventions use, over a fixed table (no knowledge base needed)."""

    def country_name(self, iso3: str) -> str:
        return NAMES.get(iso3, iso3)

    def agent_name(self, agent_id: str, iso3: str | None) -> str | None:
        name, template = AGENTS[agent_id]
        return name if iso3 is None else template.format(self.country_name(iso3))

    def actor_for_id(self, actor_id: str, text: str = "") -> Actor | None:
        if actor_id.startswith("state:"):
            iso = actor_id.split(":")[1]
            return Actor(text, f"Military Forces of {self.country_name(iso)}", actor_id, iso, "MIL", "state")
        return Actor(text, "Front Rebels", actor_id, "UKR", "REB", "armed_group")


KB = _KB()


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
    acled_actors.apply([ev], KB)
    assert [a.name for a in ev.source] == ["Protesters (Kenya)", "Kenya National Union of Teachers"]
    assert ev.source[0].country == "KEN" and ev.source[0].sector == "CVL"


def test_generic_crowd_is_renamed_not_duplicated() -> None:
    crowd = _group("nurses", "Health Workers", "MED", "agent:health-workers", "KEN")
    ev = _ev("Protests", "Peaceful protest", source=[crowd])
    acled_actors.apply([ev], KB)
    assert len(ev.source) == 1 and ev.source[0].name == "Protesters (Kenya)" and ev.source[0].text == "nurses"


def test_protest_without_named_crowd_gets_an_implicit_one_with_empty_text() -> None:
    ev = _ev("Protests", "Peaceful protest", country="PAK")
    acled_actors.apply([ev], KB)
    assert ev.source[0].name == "Protesters (Pakistan)" and ev.source[0].text == ""


def test_riot_crowd_is_rioters() -> None:
    ev = _ev("Riots", "Violent demonstration", source=[_group("youths", "Protesters", "CVL", "agent:protesters")])
    acled_actors.apply([ev], KB)
    assert ev.source[0].name == "Rioters (Kenya)"


def test_intervention_takes_the_police_from_the_next_sentence() -> None:
    police = Actor("riot police", "Police Forces of Kenya", "state:KEN:COP", "KEN", "COP", "state")
    protest = _ev("Protests", "Protest with intervention", source=[_group("traders", "Business", "BUS")])
    dispersal = Event("COERCE", source=[police], sentence_index=1)
    acled_actors.apply([protest, dispersal], KB)
    assert protest.target and protest.target[0].name == "Police Forces of Kenya"
    assert protest.target[0].text == "riot police"


def test_intervention_without_a_named_force_defaults_to_the_police_of_the_country() -> None:
    protest = _ev("Protests", "Excessive force against protesters", country="IRQ")
    far = Event("COERCE", source=[Actor("troops", "Military Forces of Iraq", None, "IRQ", "MIL", "state")],
                sentence_index=7)
    acled_actors.apply([protest, far], KB)
    assert [a.name for a in protest.target] == ["Police Forces of Iraq"]


def test_violence_against_civilians_names_the_victims_civilians() -> None:
    journalist = _group("a reporter", "Journalists", "JRN", "agent:journalists", "KEN")
    ev = _ev("Violence against civilians", "Attack", target=[journalist])
    acled_actors.apply([ev], KB)
    assert ev.target[0].name == "Civilians (Kenya)" and ev.target[0].sector == "JRN"

    named = Actor("John Mwangi", "John Mwangi", None, None, None, "person")
    ev2 = _ev("Violence against civilians", "Abduction/forced disappearance", target=[named])
    acled_actors.apply([ev2], KB)
    assert [a.name for a in ev2.target] == ["Civilians (Kenya)", "John Mwangi"]


def test_arrest_without_agent_is_by_police_and_other_types_are_untouched() -> None:
    arrest = _ev("Strategic developments", "Arrests", country="PAK")
    clash = _ev("Battles", "Armed clash")
    acled_actors.apply([arrest, clash], KB)
    assert [a.name for a in arrest.source] == ["Police Forces of Pakistan"]
    assert [a.name for a in clash.source] == ["Unidentified Armed Group (Kenya)"] and clash.target == []


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


# ---------------------------------------------------------------- fronts (theatres.yaml)

def _front_ev(sub: str, day: str, country: str = "UKR", admin1: str | None = "Donetsk",
              source: list[Actor] | None = None, target: list[Actor] | None = None) -> Event:
    etype = "Battles" if sub == "Armed clash" else "Explosions/Remote violence"
    return Event("ASSAULT", acled={"event_type": etype, "sub_event_type": sub}, source=source or [],
                 target=target or [], location=Place("Avdiivka", country, admin1, None, None, None, "city"),
                 date=day)


def test_packaged_theatres_load_and_name_known_ids() -> None:
    from eventwire.resources import Resources

    theatres = acled_actors.default_theatres()
    assert theatres and all(t.start < (t.end or t.start.replace(year=9999)) for t in theatres)
    kb = Resources().kb
    for t in theatres:
        for sid in t.sides:
            assert kb.actor_for_id(sid) is not None, f"{t.id}: unknown side {sid}"


def test_unattributed_shelling_on_the_front_gets_the_standing_dyad() -> None:
    theatres = acled_actors.default_theatres()
    ev = _front_ev("Shelling/artillery/missile attack", "2019-07-14")
    acled_actors.apply([ev], KB, theatres)
    assert [a.id for a in ev.source] == ["state:UKR:MIL"]
    assert [a.id for a in ev.target] == ["org:united-armed-forces-of-novorossiya"]


def test_one_named_side_gets_the_other_and_generic_troops_become_a_side() -> None:
    theatres = acled_actors.default_theatres()
    rebels = Actor("the separatists", "Front Rebels", "org:united-armed-forces-of-novorossiya", "UKR", "REB",
                   "armed_group")
    troops = Actor("government positions", "Military Forces", "agent:military", None, "MIL", "group")
    ev = _front_ev("Armed clash", "2018-02-01", source=[rebels], target=[troops])
    acled_actors.apply([ev], KB, theatres)
    assert [a.id for a in ev.target] == ["state:UKR:MIL"] and ev.target[0].text == "government positions"
    lone = _front_ev("Armed clash", "2018-02-01", source=[rebels])
    acled_actors.apply([lone], KB, theatres)
    assert [a.id for a in lone.target] == ["state:UKR:MIL"]


@pytest.mark.parametrize("day,country,named", [
    ("2012-05-01", "UKR", None),            # before the war
    ("2019-07-14", "POL", None),            # another country
    ("2019-07-14", "UKR", "org:some-gang"),  # a third party is named: not the dyad
])
def test_front_rule_stays_out_of_other_cases(day: str, country: str, named: str | None) -> None:
    src = [Actor("a gang", "Some Gang", named, "UKR", "CRM", "armed_group")] if named else []
    ev = _front_ev("Armed clash", day, country=country, source=src)
    acled_actors.apply([ev], KB, acled_actors.default_theatres())
    assert [a.id for a in ev.source + ev.target] == ([named] if named else ["agent:militants"])


def test_bad_theatre_file_names_the_file_and_entry(tmp_path: Any) -> None:
    bad = tmp_path / "theatres.yaml"
    bad.write_text("- id: nowhere\n  country: XX\n  from: '2020-01-01'\n  sides: [state:AAA:MIL, org:b]\n")
    with pytest.raises(acled_actors.ConventionError, match=r"theatres.yaml: theatre 0 \('nowhere'\)"):
        acled_actors.load_theatres(bad)


def test_nationality_crowd_is_renamed_at_home_and_kept_abroad() -> None:
    at_home = _ev("Protests", "Peaceful protest", source=[_group("Kenyans", "Civilians (Kenya)", "CVL", "state:KEN",
                                                                  "KEN")])
    acled_actors.apply([at_home], KB)
    assert [a.name for a in at_home.source] == ["Protesters (Kenya)"]
    abroad = _ev("Protests", "Peaceful protest", country="IRQ",
                 source=[_group("Pakistanis", "Civilians (Pakistan)", "CVL", "state:PAK", "PAK")])
    acled_actors.apply([abroad], KB)
    assert [a.name for a in abroad.source] == ["Protesters (Iraq)", "Civilians (Pakistan)"]
    assert abroad.source[0].country == "IRQ"


def test_unattributed_violence_is_by_an_unidentified_armed_group_of_the_place() -> None:
    ev = _ev("Explosions/Remote violence", "Remote explosive/landmine/IED", country="PAK",
             target=[Actor("soldiers", "Military Forces of Kenya", "state:KEN:MIL", "KEN", "MIL", "state")])
    acled_actors.apply([ev], KB)
    assert [(a.name, a.country, a.sector, a.text) for a in ev.source] == [
        ("Unidentified Armed Group (Pakistan)", "PAK", "UAF", "")]
    named = _ev("Violence against civilians", "Attack", source=[Actor("gunmen", "Unidentified Armed Group", None,
                                                                       "KEN", "UAF", "group")])
    acled_actors.apply([named], KB)
    assert len(named.source) == 1 and named.source[0].text == "gunmen"


@pytest.mark.parametrize("text,etype,want", [
    ("Thousands of traders marched through the streets of Mombasa on Monday demanding lower fuel taxes.", "PROTEST",
     ("Government of Kenya", "KEN")),
    ("A night curfew was imposed in Kisumu on Tuesday after two days of unrest.", "COERCE",
     ("Civilians (Kenya)", "KEN")),
])
def test_implied_targets_end_to_end(text: str, etype: str, want: tuple[str, str]) -> None:
    from eventwire import extract

    events = [e for e in extract(text, published="2024-03-06") if e.type == etype]
    assert events, f"expected a {etype} event"
    assert any((a.name, a.country) == want and a.text == "" for e in events for a in e.target)


def test_intervention_never_takes_a_force_from_an_earlier_sentence() -> None:
    strike = Event("ASSAULT", source=[Actor("warplanes", "Military Forces of Iraq", "state:IRQ:MIL", "IRQ", "MIL",
                                            "state")], sentence_index=2)
    protest = _ev("Protests", "Protest with intervention", country="IRQ", sentence=3)
    acled_actors.apply([strike, protest], KB)
    assert [a.name for a in protest.target] == ["Police Forces of Iraq"]


def test_civil_victims_of_remote_violence_are_named_civilians() -> None:
    traders = _group("traders", "Business", "BUS", "agent:business", "IRQ")
    ev = _ev("Explosions/Remote violence", "Shelling/artillery/missile attack", country="IRQ", target=[traders])
    acled_actors.apply([ev], KB)
    assert [(a.name, a.sector, a.text) for a in ev.target] == [("Civilians (Iraq)", "BUS", "traders")]
    soldiers = Actor("soldiers", "Military Forces of Iraq", "state:IRQ:MIL", "IRQ", "MIL", "state")
    ev2 = _ev("Explosions/Remote violence", "Remote explosive/landmine/IED", country="IRQ", target=[soldiers])
    acled_actors.apply([ev2], KB)
    assert [a.name for a in ev2.target] == ["Military Forces of Iraq"]
