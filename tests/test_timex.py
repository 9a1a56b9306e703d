"""The `time` stage: date grammar, resolution against the publication date, inheritance."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jsonschema
import pytest
import yaml

from eventwire.model import DATE_PRECISIONS
from eventwire.stages import get_stage, run_stage
from eventwire.timex import TimexGrammar, default_grammar, load_timex_vocab, resolve
from test_timex_support import build, event_at, give, golden, resources

DATA = Path(__file__).resolve().parents[1] / "src" / "eventwire" / "data" / "timex"
CASES = golden("dates.jsonl")
WED = dt.date(2021, 3, 10)  # a Wednesday


def test_golden_file_is_big_enough() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=[f"{i}:{c['trigger']}" for i, c in enumerate(CASES)])
def test_golden_dates(case: dict) -> None:
    a = build(case["text"], case["published"])
    ev = event_at(a, case["trigger"])
    give(a, [ev])
    run_stage(get_stage("time"), a, resources())
    assert (ev.date, ev.date_precision) == (case["date"], case["precision"])
    assert (ev.date_text is not None) == case["has_text"]
    if ev.date_text:
        assert ev.date_text in a.text.replace("\n", " ") or ev.date_text.split()[0] in a.text


def test_vocabulary_matches_schema() -> None:
    schema = yaml.safe_load((DATA / "timex.schema.json").read_text(encoding="utf-8"))
    data = yaml.safe_load((DATA / "timex.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    v = load_timex_vocab()
    assert set(v.months.values()) == set(range(1, 13))
    assert set(v.weekdays.values()) == set(range(7))


def test_weekday_is_most_recent_on_or_before_publication() -> None:
    g = default_grammar()
    for name, back in (("Wednesday", 0), ("Tuesday", 1), ("Monday", 2), ("Sunday", 3), ("Thursday", 6)):
        (tx,) = g.scan(f"they met on {name}")
        assert resolve(tx, WED) == (WED - dt.timedelta(days=back), "day")
    (tx,) = g.scan("they met last Wednesday")
    assert resolve(tx, WED) == (WED - dt.timedelta(days=7), "day")


def test_future_clause_moves_weekday_forward() -> None:
    (tx,) = default_grammar().scan("they will meet on Monday")
    assert resolve(tx, WED, future=True) == (dt.date(2021, 3, 15), "day")


def test_relative_expressions_never_use_today_without_publication_date() -> None:
    g = default_grammar()
    for text in ("yesterday", "on Friday", "last week", "two days ago", "earlier this month", "in May"):
        (tx,) = g.scan(f"it happened {text}")
        assert resolve(tx, None) == (None, "unknown"), text


def test_yearless_dates_roll_back_a_year_only_when_far_in_the_future() -> None:
    (tx,) = default_grammar().scan("on 20 March")
    assert resolve(tx, WED)[0] == dt.date(2021, 3, 20)  # within the horizon: kept
    (tx,) = default_grammar().scan("on 20 August")
    assert resolve(tx, WED)[0] == dt.date(2020, 8, 20)


def test_scan_ignores_words_that_only_look_like_dates() -> None:
    g = default_grammar()
    assert g.scan("Protesters may march to the Sun offices and sat down.") == []
    assert g.scan("The 2000 protesters left.", year_ok=set()) == [] or all(
        t.kind != "year" or t.modifier for t in g.scan("The 2000 protesters left.", year_ok=set()))


def test_scan_prefers_the_longest_expression() -> None:
    (tx,) = default_grammar().scan("troops arrived on the night of 3 to 4 May 2020 in the town")
    assert (tx.kind, tx.year, tx.month, tx.day) == ("absolute", 2020, 5, 3)


def test_grammar_is_built_from_the_vocabulary() -> None:
    v = load_timex_vocab()
    smaller = type(v)(**{**v.__dict__, "weekdays": {"friday": 4}})
    g = TimexGrammar(smaller)
    assert g.scan("on Monday") == []
    assert len(g.scan("on Friday")) == 1


def test_precisions_are_contract_values() -> None:
    for case in CASES:
        assert case["precision"] in DATE_PRECISIONS


def test_no_events_is_fine() -> None:
    a = build("Nothing happened on Sunday.", "2021-03-10")
    give(a, [])
    run_stage(get_stage("time"), a, resources())
    assert a.events == []


def test_several_events_keep_their_own_dates() -> None:
    a = build("Rebels who seized the town in 2019 shelled the airport on Tuesday.", "2021-03-10")
    seized, shelled = event_at(a, "seized"), event_at(a, "shelled")
    give(a, [seized, shelled])
    run_stage(get_stage("time"), a, resources())
    assert (seized.date, seized.date_precision) == ("2019-01-01", "year")
    assert shelled.date == "2021-03-09"
