"""The library surface: stage registry checks, `extract`, `Pipeline.pipe`, the spaCy component,
and the contract serialisation round trip."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eventwire
from eventwire.model import PLOVER_TYPES, SECTORS, STATUSES, Actor, Article, Event, Place
from eventwire.stages import PipelineError, check_order, get_stage, registered, run_stage

TEXTS = [
    {"id": "p1", "published": "2024-03-04",
     "text": "Rebels shelled a market in Goma on Sunday, killing seven civilians, the army said."},
    {"id": "p2", "published": "2024-03-04",
     "text": "Police arrested 30 students during a sit-in outside the university in Dhaka on Monday."},
    {"id": "p3", "published": "2024-03-04", "text": "The weather was mild and markets were calm."},
]


def test_every_builtin_stage_declares_reads_and_adds() -> None:
    specs = registered()
    assert set(eventwire.Config().stages) <= set(specs)
    for spec in specs.values():
        assert spec.adds, spec.name
    check_order(eventwire.Config().stages)


def test_a_stage_list_that_cannot_satisfy_its_reads_is_refused_up_front() -> None:
    with pytest.raises(PipelineError, match="reads"):
        check_order(("segment", "events"))  # events needs parses and actor mentions
    with pytest.raises(PipelineError, match="unknown stage"):
        eventwire.Pipeline(stages=("segment", "telepathy"))


def test_the_runner_checks_reads_on_the_article_itself() -> None:
    article = Article(id="x", text="Gunmen attacked a bus.")
    with pytest.raises(PipelineError, match="needs"):
        run_stage(get_stage("events"), article, eventwire.Pipeline().resources)


def test_extract_and_pipe_agree_and_workers_do_not_change_results() -> None:
    one = eventwire.extract(TEXTS[0]["text"], published="2024-03-04")
    assert any(e.type == "ASSAULT" and e.fatalities == 7 for e in one)
    pipe = eventwire.Pipeline()
    serial = [[e.to_dict() for e in a.events or []] for a in pipe.pipe(TEXTS)]
    forked = [[e.to_dict() for e in a.events or []] for a in pipe.pipe(TEXTS, n_process=2, batch_size=1)]
    assert serial == forked
    assert serial[2] == []  # weather and markets are not events
    assert serial[0][0]["event_id"].startswith("p1:")


def test_status_option_filters_events() -> None:
    text = "The militia threatened to attack the airport. Gunmen killed two guards in Gao on Friday."
    every = eventwire.extract(text, published="2024-03-04")
    asserted = eventwire.extract(text, published="2024-03-04", statuses="asserted")
    assert {e.status for e in asserted} == {"asserted"}
    assert len(asserted) < len(every)
    with pytest.raises(TypeError, match="unknown option"):
        eventwire.extract(text, colour="blue")


def test_spacy_component_reuses_the_users_parse() -> None:
    nlp = eventwire.Pipeline().resources.nlp
    from eventwire.nlp import load_model

    own = load_model()
    own.add_pipe("eventwire", config={"published": "2024-03-04"})
    doc = own(TEXTS[1]["text"])
    assert doc._.events and doc._.events[0].type == "COERCE"
    assert doc._.events[0].arrested == 30
    assert nlp is not own


actors = st.builds(Actor, text=st.text(min_size=1, max_size=20), name=st.text(min_size=1, max_size=20),
                   id=st.none() | st.text(min_size=1, max_size=12),
                   country=st.none() | st.sampled_from(["IRQ", "USA", "NGA"]),
                   sector=st.none() | st.sampled_from(SECTORS),
                   kind=st.sampled_from(["state", "organization", "armed_group", "person", "group"]))
places = st.builds(Place, name=st.text(min_size=1, max_size=20), country=st.none() | st.just("IRQ"),
                   admin1=st.none() | st.text(max_size=10),
                   lat=st.none() | st.floats(-90, 90), lon=st.none() | st.floats(-180, 180),
                   geonames_id=st.none() | st.integers(1, 10**7),
                   precision=st.sampled_from(["point", "city", "admin1", "country", "region"]))
counts = st.none() | st.integers(0, 10**6)


@settings(max_examples=100, deadline=None)
@given(type_=st.sampled_from(PLOVER_TYPES), source=st.lists(actors, max_size=3), target=st.lists(actors, max_size=3),
       location=st.none() | places, fatalities=counts, injured=counts, status=st.sampled_from(STATUSES),
       attributed=st.none() | actors, confidence=st.floats(0, 1), text=st.text(max_size=80))
def test_event_dict_round_trip(type_: str, source: list[Actor], target: list[Actor], location: Place | None,
                               fatalities: int | None, injured: int | None, status: str, attributed: Actor | None,
                               confidence: float, text: str) -> None:
    ev = Event(type=type_, source=source, target=target, location=location, fatalities=fatalities,
               injured=injured, status=status, attributed_to=attributed, confidence=round(confidence, 3),
               evidence_text=text, event_id="a:0:0", article_id="a", cameo="190", goldstein=-10.0)
    d = ev.to_dict()
    assert Event.from_dict(d).to_dict() == d
