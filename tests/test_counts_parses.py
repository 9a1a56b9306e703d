"""The parses counts adds for cue sentences the prefilter skipped must be full parses (entities too):
the count rules read entity types, so a sentence parsed without them would turn money into counts."""

from __future__ import annotations

import pytest

import eventwire


def test_extra_cue_sentence_parses_carry_entities() -> None:
    try:
        pipe = eventwire.Pipeline()
        pipe.resources.nlp  # noqa: B018
    except Exception as exc:  # noqa: BLE001 - no spaCy model installed
        pytest.skip(f"no spaCy model: {exc}")
    text = ("Police arrested the former chairman of the dairy group in the northern city on Monday. "
            "The group collapsed in 2003 owing about $4bn to 135,000 small investors, the court heard.")
    art = pipe.process({"id": "c1", "published": "2024-05-07", "text": text})
    assert art.events, "the arrest is an event"
    extra = [s for s in art.sentences or [] if not s.candidate and s.doc is not None]
    assert extra, "counts parsed the cue sentence the prefilter skipped"
    for s in extra:
        assert s.doc.has_annotation("ENT_IOB"), s.text
        assert {e.label_ for e in s.doc.ents} & {"MONEY", "DATE", "CARDINAL"}
    assert all(e.arrested != 4_000_000_000 for e in art.events)
