"""Unit tests of the events stage's argument reading and of the trigger lexicon's loader.

Argument tests run only the stages the events stage needs (segment, parse, actors, events), so a
later stage (status, dedup) cannot hide or change what the events stage found. Each structure is
checked on several sentences, and passive/active pairs are checked to agree with each other.
Sentences are written for these tests.
"""

from __future__ import annotations

import json
import shutil
from importlib import resources as ir
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from eventwire import lexicon as lexmod
from eventwire.cameo import load_cameo
from eventwire.config import Config
from eventwire.lexicon import Entry, LexiconError, _validate, load_lexicon
from eventwire.model import PLOVER_TYPES, Actor, Article, Event
from eventwire.resources import Resources
from eventwire.stages import get_stage, run_stage

# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def res() -> Resources:
    try:
        r = Resources(Config(prefilter=False))
        r.nlp  # noqa: B018 - load once; skip cleanly without a spaCy model
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no spaCy model: {exc}")
    return r


def events_of(text: str, res: Resources) -> list[Event]:
    a = Article(id="unit", text=text)
    for name in ("segment", "parse", "actors", "events"):
        run_stage(get_stage(name), a, res)
    return a.events or []


def _has(actors: list[Actor], word: str) -> bool:
    return any(word in a.text.lower() or word in a.name.lower() for a in actors)


def one(events: list[Event], type_: str, text: str) -> Event:
    """The event of the given type whose trigger is most informative (most participants)."""
    found = [e for e in events if e.type == type_]
    assert found, f"no {type_} event in {text!r}; got {[(e.type, e.trigger) for e in events]}"
    return max(found, key=lambda e: len(e.source) + len(e.target))


def show(ev: Event) -> str:
    return (f"{ev.type} {ev.trigger!r} source={[(a.text, a.name) for a in ev.source]} "
            f"target={[(a.text, a.name) for a in ev.target]}")


def assert_args(ev: Event, src: str | None, tgt: str | None) -> None:
    if src is not None:
        assert _has(ev.source, src), f"source lacks {src!r}: {show(ev)}"
        assert not _has(ev.target, src), f"{src!r} also on the target side: {show(ev)}"
    if tgt is not None:
        assert _has(ev.target, tgt), f"target lacks {tgt!r}: {show(ev)}"
        assert not _has(ev.source, tgt), f"{tgt!r} also on the source side: {show(ev)}"


# ---------------------------------------------------------------- voice


@pytest.mark.parametrize("text,type_,src,tgt", [
    # active: subject -> source, object -> target
    ("Rebels attacked a police convoy near the town of Beni.", "ASSAULT", "rebel", "police"),
    ("Gunmen ambushed the soldiers outside the village.", "ASSAULT", "gunmen", "soldier"),
    ("Police dispersed the crowd with tear gas.", "COERCE", "police", "crowd"),
    ("The rebels fought government troops for control of the bridge.", "ASSAULT", "rebel", "troops"),
    # passive: "by" agent -> source, subject -> target
    ("Three police officers were shot by gunmen near the border.", "ASSAULT", "gunmen", "police"),
    ("A soldier was stabbed by a man near the barracks.", "ASSAULT", "man", "soldier"),
    ("Two farmers were abducted by bandits on the road to the market.", "ASSAULT", "bandit", "farmer"),
    ("Four students were arrested by police after the rally.", "COERCE", "police", "student"),
])
def test_verbal_trigger_roles_in_active_and_passive_voice(res: Resources, text: str, type_: str, src: str,
                                                          tgt: str) -> None:
    assert_args(one(events_of(text, res), type_, text), src, tgt)


@pytest.mark.parametrize("active,passive", [
    ("Gunmen ambushed the soldiers outside the village.",
     "The soldiers were ambushed by gunmen outside the village."),
    ("Militiamen kidnapped two nurses near the clinic.",
     "Two nurses were kidnapped by militiamen near the clinic."),
    ("Police detained three journalists in the capital.",
     "Three journalists were detained by police in the capital."),
])
def test_passive_and_active_give_the_same_roles(res: Resources, active: str, passive: str) -> None:
    a = events_of(active, res)
    p = events_of(passive, res)
    assert a and p
    ea, ep = a[0], p[0]
    assert ea.type == ep.type
    assert {x.name for x in ea.source} == {x.name for x in ep.source} != set(), f"{show(ea)} vs {show(ep)}"
    assert {x.name for x in ea.target} == {x.name for x in ep.target} != set(), f"{show(ea)} vs {show(ep)}"


@pytest.mark.parametrize("text,type_,tgt", [
    ("Two journalists were detained in Harare on Monday.", "COERCE", "journalist"),
    ("A police officer was killed in the attack.", "ASSAULT", "police"),
])
def test_passive_without_agent_has_a_target_and_no_source(res: Resources, text: str, type_: str,
                                                          tgt: str) -> None:
    ev = one(events_of(text, res), type_, text)
    assert _has(ev.target, tgt) and not ev.source, show(ev)


# ---------------------------------------------------------------- nominal triggers


@pytest.mark.parametrize("text,src,tgt", [
    ("Turkish airstrikes on Kurdish militants in northern Iraq continued on Sunday.", "turk", "militant"),
    ("An attack by militants on a police post left two officers wounded.", "militant", None),
    ("Russian shelling of Ukrainian positions intensified overnight.", "russia", "ukrain"),
    ("A rocket attack against American troops near the airport caused no casualties.", None, "troops"),
])
def test_nominal_trigger_reads_modifier_by_and_target_prepositions(res: Resources, text: str, src: str | None,
                                                                   tgt: str | None) -> None:
    ev = one(events_of(text, res), "ASSAULT", text)
    assert ev._notes.get("nominal") or ev._notes.get("absorbed"), f"not read as nominal: {show(ev)}"
    assert_args(ev, src, tgt)


# ---------------------------------------------------------------- coordination and reciprocity


@pytest.mark.parametrize("text,type_,side,words", [
    ("Police and soldiers arrested four men in the market.", "COERCE", "source", ("police", "soldier")),
    ("Gunmen killed two teachers and a nurse in the village.", "ASSAULT", "target", ("teacher", "nurse")),
    ("Soldiers and police officers raided a gang hideout.", "ASSAULT", "source", ("soldier", "police")),
])
def test_coordinated_actors_become_lists(res: Resources, text: str, type_: str, side: str,
                                         words: tuple[str, ...]) -> None:
    ev = one(events_of(text, res), type_, text)
    actors = getattr(ev, side)
    assert len(actors) >= len(words), show(ev)
    for w in words:
        assert _has(actors, w), f"{side} lacks {w!r}: {show(ev)}"


@pytest.mark.parametrize("text,a,b", [
    ("Clashes between the army and rebels continued near the airport.", "army", "rebel"),
    ("The army and the rebels clashed near the airport on Monday.", "army", "rebel"),
    ("Security forces and rebels exchanged fire near the bridge.", "forces", "rebel"),
    ("Fighting between government troops and militiamen killed six people.", "troops", "militia"),
])
def test_reciprocal_events_put_one_party_on_each_side(res: Resources, text: str, a: str, b: str) -> None:
    ev = one(events_of(text, res), "ASSAULT", text)
    assert_args(ev, a, b)


# ---------------------------------------------------------------- light verbs


@pytest.mark.parametrize("text,type_,src,tgt", [
    ("The militants launched an attack on a military base in the north.", "ASSAULT", "militant", "military"),
    ("The air force carried out an airstrike on insurgent hideouts.", "ASSAULT", "air force", "insurgent"),
    ("Insurgents carried out a raid on a police station in the east.", "ASSAULT", "insurgent", "police"),
    ("Students staged a protest outside the education ministry.", "PROTEST", "student", None),
    ("Farmers organised a march through the capital.", "PROTEST", "farmer", None),
])
def test_light_verb_lends_its_subject_to_the_nominal_event(res: Resources, text: str, type_: str, src: str,
                                                           tgt: str | None) -> None:
    assert_args(one(events_of(text, res), type_, text), src, tgt)


@pytest.mark.parametrize("text,src,tgt", [
    ("The government accused the rebels of attacking an aid convoy.", "rebel", None),
    ("Residents blamed the militia for the killing of two farmers.", "militia", None),
])
def test_accused_party_is_the_source_of_the_alleged_act(res: Resources, text: str, src: str,
                                                       tgt: str | None) -> None:
    assault = one(events_of(text, res), "ASSAULT", text)
    assert_args(assault, src, tgt)
    accuse = one(events_of(text, res), "ACCUSE", text)
    assert _has(accuse.target, src), show(accuse)


# ---------------------------------------------------------------- participants are required


@pytest.mark.parametrize("text", [
    "An explosion was heard in the city centre on Friday night.",
    "Gunfire was heard overnight.",
    "There were reports of shooting late on Saturday.",
])
def test_a_trigger_without_any_participant_is_not_an_event(res: Resources, text: str) -> None:
    evs = events_of(text, res)
    assert not evs, [show(e) for e in evs]


def test_every_event_has_a_participant_and_provenance(res: Resources) -> None:
    text = ("Gunmen killed three villagers near Beni on Sunday. Police arrested two suspects. "
            "The army and rebels clashed near the airport.")
    evs = events_of(text, res)
    assert len(evs) >= 3
    for ev in evs:
        assert ev.source or ev.target, show(ev)
        assert text[ev.sentence_start:ev.sentence_end] == ev.evidence_text
        assert ev.trigger and ev.trigger.lower() in ev.evidence_text.lower()
        assert ev.type in PLOVER_TYPES


# ---------------------------------------------------------------- lexicon loader validation


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(ir.files("eventwire").joinpath("data/lexicon/schema.json").read_text(encoding="utf-8"))


GOOD = {"lemma": "ambush", "pos": "verb", "type": "ASSAULT", "cameo": "190", "confidence": 0.8}


def test_validate_builds_entries_from_good_items(schema: dict[str, Any]) -> None:
    noun = {**GOOD, "lemma": "Car Bomb", "pos": "noun", "facts": {"weapon": "ied"}}
    entries = _validate([dict(GOOD), noun], "data/lexicon/test.yaml", schema, load_cameo())
    assert [e.lemma for e in entries] == ["ambush", "car bomb"]
    assert all(isinstance(e, Entry) and e.source == "data/lexicon/test.yaml" for e in entries)
    assert entries[1].facts == {"weapon": "ied"} and entries[0].quad_class == "material_conflict"


@pytest.mark.parametrize("bad,words", [
    ({"lemma": "ambush", "pos": "verb", "cameo": "190"}, ["'type' is a required property"]),
    ({**GOOD, "type": "ATTACK"}, ["ATTACK"]),
    ({**GOOD, "pos": "adjective"}, ["adjective"]),
    ({**GOOD, "cameo": "19x"}, ["19x"]),
    ({**GOOD, "cameo": "0999"}, ["unknown CAMEO code 0999"]),
    ({**GOOD, "weapon": "gun"}, ["weapon"]),  # additionalProperties: false
    ({**GOOD, "confidence": 1.5}, ["1.5"]),
    ({**GOOD, "acled": ["Battles"]}, ["Battles"]),
])
def test_a_bad_entry_names_the_file_the_entry_and_the_problem(schema: dict[str, Any], bad: dict[str, Any],
                                                               words: list[str]) -> None:
    items = [dict(GOOD), bad]
    with pytest.raises(LexiconError) as ei:
        _validate(items, "data/lexicon/broken.yaml", schema, load_cameo())
    msg = str(ei.value)
    assert "data/lexicon/broken.yaml" in msg and "entry 1" in msg and "ambush" in msg, msg
    for w in words:
        assert w in msg, msg


def test_a_file_that_is_not_a_list_is_rejected(schema: dict[str, Any]) -> None:
    with pytest.raises(LexiconError, match="broken.yaml.*list"):
        _validate({"lemma": "x"}, "data/lexicon/broken.yaml", schema, load_cameo())  # type: ignore[arg-type]


def _fake_package(tmp_path: Path, files: dict[str, str]) -> SimpleNamespace:
    """A stand-in for `importlib.resources` whose eventwire/data/lexicon is a temporary folder."""
    real = ir.files("eventwire").joinpath("data/lexicon")
    pkg = tmp_path / "pkg"
    lex = pkg / "data" / "lexicon"
    lex.mkdir(parents=True)
    for name in ("schema.json", "objects.yaml"):
        with ir.as_file(real.joinpath(name)) as src:
            shutil.copy(src, lex / name)
    for name, text in files.items():
        (lex / name).write_text(text, encoding="utf-8")
    return SimpleNamespace(files=lambda _package: pkg, as_file=ir.as_file)


def test_load_lexicon_reports_the_bad_file_and_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _fake_package(tmp_path, {
        "a_good.yaml": "- {lemma: shell, pos: verb, type: ASSAULT, cameo: '194'}\n",
        "b_bad.yaml": "- {lemma: raid, pos: verb, type: ASSAULT, cameo: '190'}\n"
                      "- {lemma: storm, pos: verb, type: ASSAULT, cameo: '190', mood: angry}\n",
    })
    monkeypatch.setattr(lexmod, "ir", fake)
    with pytest.raises(LexiconError) as ei:
        load_lexicon()
    msg = str(ei.value)
    assert "b_bad.yaml" in msg and "entry 1" in msg and "storm" in msg and "mood" in msg, msg


def test_load_lexicon_reads_only_yaml_entries_and_the_object_classes(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _fake_package(tmp_path, {
        "a.yaml": "- {lemma: shell, pos: verb, type: ASSAULT, cameo: '194', facts: {weapon: artillery}}\n"
                  "- {lemma: truce, pos: noun, type: AGREE, cameo: '057'}\n",
        "notes.txt": "not a lexicon file",
    })
    monkeypatch.setattr(lexmod, "ir", fake)
    lex = load_lexicon()
    assert sorted((e.lemma, e.pos) for e in lex.entries) == [("shell", "verb"), ("truce", "noun")]
    assert lex.lookup("shell", "verb")[0].facts == {"weapon": "artillery"}
    assert "shelled" in lex.surface_forms() and "truces" in lex.surface_forms()
    assert lex.object_class("rocket")  # objects.yaml was read


def test_the_bundled_lexicon_loads_and_covers_every_plover_type() -> None:
    lex = load_lexicon()
    assert {e.type for e in lex.entries} == set(PLOVER_TYPES)
    cameo = load_cameo()
    for e in lex.entries:
        assert e.cameo in cameo, f"{e.source}: {e.lemma} has unknown CAMEO {e.cameo}"
        for cls in (e.object, e.not_object):
            assert cls is None or cls in lex.objects, f"{e.source}: {e.lemma} uses unknown object class {cls}"
