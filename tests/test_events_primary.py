"""Which event of a sentence leads (the highest confidence): the main clause's news, not background.

Consumers that keep one event per sentence (and PLOVER-style scoring) take the most confident one,
so an event in a relative clause, a participial modifier or inside what a speaker demands must rank
below the main clause's event. Sentences are written for these tests.
"""

from __future__ import annotations

from typing import Any

import pytest

from eventwire.model import Event


@pytest.fixture(scope="module")
def extract() -> Any:
    try:
        import eventwire

        eventwire.extract("Police arrested two men.", published="2024-01-01")
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no spaCy model: {exc}")
    return eventwire.extract


def lead(extract: Any, text: str) -> Event:
    events = extract(text, published="2024-05-14")
    assert events, f"no event in {text!r}"
    return max(events, key=lambda e: e.confidence)


def show(events: list[Event]) -> str:
    return "; ".join(f"{e.confidence:.2f} {e.type} {e.trigger!r}" for e in events)


@pytest.mark.parametrize(
    "text, type_, source, target",
    [
        # a participial modifier of the object ("men suspected of bombing ...")
        ("Ghana has agreed to hand over to Togo two men suspected of bombing a market, officials said.",
         "AGREE", "GHA", "TGO"),
        # a relative clause inside what is demanded
        ("The Kenyan foreign minister said on Monday that Somalia must stop the attacks that have killed "
         "dozens of traders.", "REQUEST", "KEN", "SOM"),
        ("Vietnam said China should withdraw the oil rig, which was towed into disputed waters in May.",
         "REQUEST", "VNM", "CHN"),
        # the obligation outranks the intention found inside it ("must be ready to mediate")
        ("The Nigerian president said on Tuesday that Ghana must be ready to mediate between the two rival "
         "parties.", "REQUEST", "NGA", "GHA"),
    ],
)
def test_main_clause_event_leads(extract: Any, text: str, type_: str, source: str, target: str) -> None:
    ev = lead(extract, text)
    assert ev.type == type_, show(extract(text, published="2024-05-14"))
    assert source in {a.country for a in ev.source}, [(a.text, a.country) for a in ev.source]
    assert target in {a.country for a in ev.target}, [(a.text, a.country) for a in ev.target]


def test_background_event_is_still_reported(extract: Any) -> None:
    """Ranking lowers background events; it does not drop them."""
    events = extract("Ghana has agreed to hand over to Togo two men suspected of bombing a market, officials said.",
                     published="2024-05-14")
    assert any(e.type == "ASSAULT" for e in events), show(events)


def test_place_state_names_the_host_government() -> None:
    """A visited capital stands for its government even when the capital is too ambiguous to be an actor
    elsewhere; an ordinary word or a lower-case form is no state."""
    from eventwire.actors import load_resolver

    r = load_resolver()
    amman = r.place_state("Amman")
    assert amman is not None and amman.country == "JOR" and amman.sector == "GOV"
    lima = r.place_state("Lima")
    assert lima is not None and lima.country == "PER"
    japan = r.place_state("Japan")
    assert japan is not None and japan.country == "JPN" and japan.kind == "state"
    assert r.place_state("the market") is None
    assert r.place_state("lima") is None
