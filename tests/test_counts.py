"""The `counts` stage: number reading, clause attachment, subsets, zero reports, crowd sizes."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from eventwire.counts import find_counts, load_count_vocab, parse_number_words, size_tag
from eventwire.stages import get_stage, run_stage
from test_timex_support import build, event_at, give, golden, resources

DATA = Path(__file__).resolve().parents[1] / "src" / "eventwire" / "data" / "counts"
CASES = golden("counts.jsonl")
FIELDS = {"fatalities": "fatalities", "qualifier": "fatalities_qualifier", "injured": "injured",
          "arrested": "arrested", "size": "size"}


def test_golden_file_is_big_enough() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=[f"{i}:{c['events'][0][0]}" for i, c in enumerate(CASES)])
def test_golden_counts(case: dict) -> None:
    a = build(case["text"], "2021-03-10")
    events = [event_at(a, word, type_) for word, type_ in case["events"]]
    give(a, events)
    run_stage(get_stage("counts"), a, resources())
    for ev, want in zip(events, case["expect"], strict=True):
        got = {k: getattr(ev, attr) for k, attr in FIELDS.items() if k in want}
        assert got == want, ev.trigger


@pytest.mark.parametrize("name", ["numbers", "casualties"])
def test_vocabulary_matches_schema(name: str) -> None:
    schema = yaml.safe_load((DATA / f"{name}.schema.json").read_text(encoding="utf-8"))
    data = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)


@pytest.mark.parametrize("words, value, qualifier", [
    ("7", 7, "exact"), ("1,500", 1500, "exact"), ("2.5 million", 2500000, "exact"),
    ("twenty - five", 25, "exact"), ("two hundred and twelve", 212, "exact"),
    ("three thousand", 3000, "exact"),
    ("a dozen", 12, "about"), ("dozens", 12, "at_least"), ("hundreds", 100, "at_least"),
    ("tens of thousands", 10000, "at_least"), ("several hundred", 300, "about"), ("a hundred", 100, "exact"),
])
def test_parse_number_words(words: str, value: int, qualifier: str) -> None:
    got = parse_number_words(words.split(), load_count_vocab())
    assert got is not None and got[:2] == (value, qualifier)


def test_parse_number_words_stops_at_the_number() -> None:
    v = load_count_vocab()
    assert parse_number_words("five soldiers and two".split(), v) == (5, "exact", 1)
    assert parse_number_words(["soldiers"], v) is None
    assert parse_number_words(["a", "soldier"], v) is None


@pytest.mark.parametrize("text, want", [
    ("... in the square. [size=no report]", None), ("[size=1200]", (1200, "exact")),
    ("[size=around 80]", (80, "about")), ("[size=at least 300]", (300, "at_least")),
    ("[size=hundreds]", (100, "at_least")), ("no tag here", None),
])
def test_size_tag(text: str, want: tuple[int, str] | None) -> None:
    assert size_tag(text, load_count_vocab()) == want


def test_numbers_in_dates_and_money_are_not_counts() -> None:
    a = build("On 12 May 2020 the government paid 300 dollars to each of the 4 families.", None)
    assert a.sentences is not None
    assert find_counts(a.sentences[0].doc, load_count_vocab()) == []


def test_counts_go_to_the_event_of_their_clause() -> None:
    a = build("Police arrested 12 students after gunmen killed 3 guards at the campus.", None)
    arrest, kill = event_at(a, "arrested", "COERCE"), event_at(a, "killed")
    give(a, [arrest, kill])
    run_stage(get_stage("counts"), a, resources())
    assert (arrest.arrested, arrest.fatalities) == (12, None)
    assert (kill.fatalities, kill.arrested) == (3, None)


def test_report_sentence_does_not_cross_paragraphs() -> None:
    a = build("Troops shelled the hills.\n\nFour people were killed.", None)
    ev = event_at(a, "shelled")
    give(a, [ev])
    run_stage(get_stage("counts"), a, resources())
    assert ev.fatalities is None


def test_non_conflict_events_get_no_casualties() -> None:
    a = build("The minister accused rebels of killing 40 villagers.", None)
    ev = event_at(a, "accused", "ACCUSE")
    give(a, [ev])
    run_stage(get_stage("counts"), a, resources())
    assert ev.fatalities is None
