"""The timex grammar's gates (cheap word/digit checks before each pattern) must never hide a match."""

from __future__ import annotations

import itertools

from eventwire.timex import TimexGrammar, load_timex_vocab

# invented sentences with every kind of expression, in varied case and spacing
SENTENCES = [
    "Troops entered the town on 3 January 2020 and left on Jan. 5th.",
    "The talks, held from 12 to 14 March, resumed on March 20, 2021.",
    "Fighting broke out in the early hours of 7 June and again in mid-July.",
    "The strike began two weeks ago and a rally is planned for next Tuesday evening.",
    "Officials said last month that the 2019 accord, signed in May 2019, still held.",
    "PROTESTERS RETURNED ON SATURDAY AFTER A CLASH LATE LAST NIGHT.",
    "Aid arrived yesterday; more is due over the weekend or early next week.",
    "The court adjourned until 2024-11-05, since December of 2023 it has sat weekly.",
    "Police said the market, which sells dates and marmalade, was calm.",
    "A convoy of   several\ttrucks left   three days ago at dawn.",
    "They may march on Sun. or Sat., the organisers said in Sept 2018.",
    "",
]


def _ungated(grammar: TimexGrammar) -> TimexGrammar:
    plain = TimexGrammar(grammar.v)
    plain.gates = [[] for _ in plain.patterns]
    return plain


def test_gated_scan_finds_exactly_what_every_pattern_finds() -> None:
    grammar = TimexGrammar(load_timex_vocab())
    plain = _ungated(grammar)
    found_any = 0
    for text in SENTENCES:
        years = {i for i in range(len(text)) if text[i:i + 4].isdigit()}
        got = grammar.scan(text, years)
        assert got == plain.scan(text, years), text
        found_any += bool(got)
    assert found_any >= 9  # the sentences above do hold dates: the comparison is not vacuous


def test_gated_scan_matches_on_mixed_pairs_of_sentences() -> None:
    grammar = TimexGrammar(load_timex_vocab())
    plain = _ungated(grammar)
    for a, b in itertools.combinations(SENTENCES, 2):
        text = f"{a} {b}"
        assert grammar.scan(text) == plain.scan(text)


def test_gates_skip_patterns_on_sentences_without_their_words() -> None:
    grammar = TimexGrammar(load_timex_vocab())
    month_gated = [k for (k, _), gates in zip(grammar.patterns, grammar.gates, strict=True) if gates]
    assert {"dmy", "mdy", "range", "weekday", "ago"} <= set(month_gated)
    text = "Police said the situation was calm and no one was hurt."
    assert not any(all(g.search(text) for g in gates) for gates in grammar.gates if gates)
