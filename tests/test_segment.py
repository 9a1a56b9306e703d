"""Sentence and paragraph segmentation: offsets must point into the article text exactly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from eventwire.segment import dateline_end, split_paragraphs, split_sentences

TEXT = ("Gen. Ahmed said the U.S. embassy in Baghdad was hit. Two rockets landed nearby, police said.\n\n"
        "Mr. Smith left on Jan. 3. He did not return.")


def test_abbreviations_do_not_end_sentences_and_offsets_are_exact() -> None:
    paras = split_paragraphs(TEXT)
    assert len(paras) == 2
    sents = [TEXT[s:e] for p in paras for s, e in split_sentences(TEXT, *p)]
    assert sents == ["Gen. Ahmed said the U.S. embassy in Baghdad was hit.",
                     "Two rockets landed nearby, police said.", "Mr. Smith left on Jan. 3.", "He did not return."]


def test_lower_cased_text_still_splits() -> None:
    text = "gunmen killed two guards. police arrested a suspect. the army denied it."
    assert len(split_sentences(text)) == 3


def test_dateline_is_not_part_of_the_first_sentence() -> None:
    for text, body in [("KADUNA, Nigeria - Gunmen abducted pupils.", "Gunmen"),
                       ("BAGHDAD (Reuters) - A rocket hit the base.", "A rocket"),
                       ("US airstrikes - on Sunday - hit camps.", "US airstrikes")]:
        assert text[dateline_end(text, 0):].startswith(body)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?\n\"'AZ19,")), max_size=300))
def test_sentences_are_ordered_trimmed_and_inside_the_text(text: str) -> None:
    last = 0
    for ps, pe in split_paragraphs(text):
        for s, e in split_sentences(text, ps, pe):
            assert ps <= s < e <= pe and s >= last
            assert text[s:e] == text[s:e].strip()
            last = e
