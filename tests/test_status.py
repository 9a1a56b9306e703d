"""Unit tests of the status stage: cue data, history by date, quotes, removal bookkeeping, confidence."""

from __future__ import annotations

import copy
import datetime as dt
from importlib import resources as ir
from typing import Any

import pytest
import yaml

from eventwire import status as S
from eventwire.config import Config
from eventwire.model import STATUSES, Actor, Article, Event
from eventwire.resources import Resources
from eventwire.stages import get_stage, registered, run_stage


def raw_cues() -> dict[str, Any]:
    text = ir.files("eventwire").joinpath("data/status/cues.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


# ---- the cue data ------------------------------------------------------------------------------


def test_cue_file_matches_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(raw_cues(), S.cue_schema())


def test_loader_and_schema_agree_on_keys() -> None:
    schema_keys = set(S.cue_schema()["required"])
    assert schema_keys == set(raw_cues())


def test_confidence_factors_cover_every_contract_status() -> None:
    cues = S.load_cues()
    assert set(cues.confidence) == set(STATUSES)
    assert cues.confidence["asserted"] >= max(cues.confidence[s] for s in ("uncertain", "hypothetical"))


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.pop("negators"), "negators"),
    (lambda d: d.__setitem__("hedge_adverbs", ["Reportedly"]), "lower-case"),
    (lambda d: d.__setitem__("opinion_patterns", ["(unclosed"]), "bad pattern"),
    (lambda d: d["modals"].__setitem__("would", "maybe"), "modals"),
    (lambda d: d["confidence"].pop("denied"), "confidence"),
    (lambda d: d["confidence"].__setitem__("future", 1.5), "0..1"),
    (lambda d: d.__setitem__("surprise", ["x"]), "unknown key"),
    (lambda d: d.__setitem__("version", 2), "version"),
])
def test_loader_rejects_malformed_data(mutate: Any, message: str) -> None:
    data = copy.deepcopy(raw_cues())
    mutate(data)
    with pytest.raises(S.CueError, match=message):
        S.parse_cues(data, "test")


def test_schema_rejects_duplicates_and_capitals() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data = raw_cues()
    data["reporting_verbs"] = ["say", "say"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, S.cue_schema())
    data = raw_cues()
    data["negators"] = ["Not"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, S.cue_schema())


def test_stage_is_registered_with_its_contract() -> None:
    spec = registered()["status"]
    assert spec.reads == ("events", "sentences.doc", "events.date")
    assert spec.adds == ("events.status",)


# ---- helpers that need no parse ----------------------------------------------------------------


@pytest.mark.parametrize("date, precision, end", [
    ("2020-02-10", "day", dt.date(2020, 2, 10)),
    ("2020-02-01", "month", dt.date(2020, 2, 29)),
    ("2019-01-01", "year", dt.date(2019, 12, 31)),
    ("2020-03-02", "week", dt.date(2020, 3, 8)),
    ("not a date", "day", None),
])
def test_period_end(date: str, precision: str, end: dt.date | None) -> None:
    assert S._period_end(date, precision) == end


def test_quotes_pair_within_paragraphs() -> None:
    text = 'He said "we fired first" and left.\n\n\u201cThey ran,\u201d she said. "Unclosed quote here'
    a = Article(id="q", text=text)
    run_stage(get_stage("segment"), a, Resources())
    qs = S.find_quotes(a)
    spans = [text[q.start:q.end + 1] for q in qs]
    assert spans[0] == '"we fired first"'
    assert spans[1] == "\u201cThey ran,\u201d"
    assert qs[2].end == len(text)  # an unclosed quote ends with its paragraph


def test_finding_precedence_and_would() -> None:
    f = S.Finding()
    f.add("claimed", "say")
    f.add("uncertain", "reportedly")
    assert f.status() == "uncertain"
    f.add("future", "threaten")
    assert f.status() == "future"
    g = S.Finding(would=True)
    assert g.status() == "hypothetical"  # "a strike would cripple the port"
    h = S.Finding(would=True)
    h.add("claimed", "say")
    assert h.status() == "future"  # "officials said they would strike"
    k = S.Finding(conditional_main=True)
    k.add("future", "will")
    assert k.status() == "future"  # a conditional threat stays a threat


# ---- the stage on parsed articles ----------------------------------------------------------------


@pytest.fixture(scope="module")
def res() -> Resources:
    try:
        r = Resources(Config(prefilter=False))
        r.nlp  # noqa: B018
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no spaCy model: {exc}")
    return r


def article(text: str, res: Resources, published: str | None = None) -> Article:
    a = Article(id="u", text=text, published=dt.date.fromisoformat(published) if published else None)
    for name in ("segment", "parse"):
        run_stage(get_stage(name), a, res)
    a.mentions = []
    a.events = []
    a.provided |= {"mentions", "events", "events.date"}
    return a


def event_on(a: Article, word: str, **kw: Any) -> Event:
    for s in a.sentences or []:
        for t in s.doc:
            if t.text == word:
                ev = Event(type=kw.pop("type", "ASSAULT"), sentence_index=s.index, _trigger_i=t.i,
                           trigger=word, confidence=kw.pop("confidence", 0.8), **kw)
                assert a.events is not None
                a.events.append(ev)
                return ev
    raise AssertionError(word)


def test_history_follows_the_news_window(res: Resources) -> None:
    text = "Rebels attacked the town, killing a dozen people."
    for days_back, expected in ((10, "asserted"), (45, "historical")):
        a = article(text, res, "2021-03-08")
        ev = event_on(a, "attacked", date=(dt.date(2021, 3, 8) - dt.timedelta(days=days_back)).isoformat(),
                      date_precision="day", date_text="some words")
        run_stage(get_stage("status"), a, res)
        assert ev.status == expected, days_back


def test_window_is_configurable(res: Resources) -> None:
    wide = Resources(Config(prefilter=False, news_window_days=90))
    wide.__dict__["nlp"] = res.nlp
    a = article("Rebels attacked the town, killing a dozen people.", wide, "2021-03-08")
    ev = event_on(a, "attacked", date="2021-01-20", date_precision="day", date_text="on 20 January")
    run_stage(get_stage("status"), a, wide)
    assert ev.status == "asserted"


def test_fallback_date_is_not_history(res: Resources) -> None:
    """A date that only fell back to publication (no date_text) says nothing about history."""
    a = article("Rebels attacked the town.", res, "2021-03-08")
    ev = event_on(a, "attacked", date="2020-01-01", date_precision="day", date_text=None)
    run_stage(get_stage("status"), a, res)
    assert ev.status == "asserted"


def test_removed_events_are_recorded_and_others_kept(res: Resources) -> None:
    a = article("No shots were fired, but police arrested three men.", res)
    fired = event_on(a, "fired")
    arrested = event_on(a, "arrested", type="COERCE")
    run_stage(get_stage("status"), a, res)
    assert a.events == [arrested]
    assert fired not in a.events
    assert a.meta["status_removed"][0]["reason"] == "negated"
    assert "events.status" in a.provided


def test_confidence_drops_for_hedged_and_hypothetical(res: Resources) -> None:
    text = "Militants reportedly attacked a checkpoint. Troops could storm the town. Police raided a house."
    a = article(text, res)
    hedged, hypo, plain = event_on(a, "attacked"), event_on(a, "storm"), event_on(a, "raided")
    run_stage(get_stage("status"), a, res)
    assert (hedged.status, hypo.status, plain.status) == ("uncertain", "hypothetical", "asserted")
    assert plain.confidence == pytest.approx(0.8)
    assert hypo.confidence < hedged.confidence < plain.confidence


def test_denial_gives_source_when_the_events_stage_left_none(res: Resources) -> None:
    a = article("The army denied carrying out the attack.", res)
    ev = event_on(a, "attack")
    run_stage(get_stage("status"), a, res)
    assert ev.status == "denied"
    assert ev.attributed_to is not None and ev.source == [ev.attributed_to]
    b = article("The army denied carrying out the attack.", res)
    kept = Actor(text="militants", name="Militants")
    ev2 = event_on(b, "attack", source=[kept])
    run_stage(get_stage("status"), b, res)
    assert ev2.source == [kept]


def test_quote_speaker_found_across_sentences(res: Resources) -> None:
    a = article('"We attacked the base at dawn. Then we burned the depot," the commander said.', res)
    first, second = event_on(a, "attacked"), event_on(a, "burned")
    run_stage(get_stage("status"), a, res)
    for ev in (first, second):
        assert ev.status == "claimed"
        assert "commander" in ev._notes["speaker_text"]


def test_unresolvable_speaker_still_attributed(res: Resources) -> None:
    class NoKB:
        def resolve_phrase(self, text: str, article: Article | None = None) -> None:
            return None

    r = Resources(Config(prefilter=False))
    r.__dict__["nlp"] = res.nlp
    r.__dict__["kb"] = NoKB()
    a = article("The village chief said the militia torched dozens of homes.", r)
    ev = event_on(a, "torched")
    run_stage(get_stage("status"), a, r)
    assert ev.status == "claimed"
    assert ev.attributed_to is not None and "chief" in ev.attributed_to.text


def test_event_without_a_trigger_token_keeps_its_status(res: Resources) -> None:
    a = article("Rebels attacked the town.", res)
    ev = Event(type="ASSAULT", sentence_index=0, _trigger_i=-1)
    assert a.events is not None
    a.events.append(ev)
    run_stage(get_stage("status"), a, res)
    assert a.events == [ev] and ev.status == "asserted"


def test_no_events_is_fine(res: Resources) -> None:
    a = article("The weather was mild.", res)
    run_stage(get_stage("status"), a, res)
    assert a.events == []
