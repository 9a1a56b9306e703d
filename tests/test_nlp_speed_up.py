"""`nlp.speed_up`: the faster attribute ruler and lemmatizer must give exactly spaCy's token attributes."""

from __future__ import annotations

import pytest

# Invented wire-style sentences plus the colloquial forms the ruler's multi-token and
# dependency-conditioned rules exist for (gonna, ain't, let's, y'all, expletive "there is", ...).
TEXTS = [
    "Gunmen opened fire on a checkpoint near the northern town on Tuesday, killing four soldiers.",
    "The ministry said it had not received any request, and officials were not available for comment.",
    "Protesters gathered outside parliament; police used tear gas and detained at least 12 people.",
    "\"We are gonna keep marching until they listen,\" one organiser said. \"Let's see what happens.\"",
    "He ain't coming back, y'all know it, and there's nothin' anyone can do.",
    "There is no evidence that the talks, which began in March, will resume soon.",
    "Did they give it to him? I did, and she does too; we have done it before.",
    "THE GOVERNOR SAID THAT TROOPS WOULD NOT WITHDRAW BEFORE THE ELECTION.",
    "Two  men   were\tarrested.\n\nA third was released without charge on 3 Jan. 2021.",
    "Whether or not the ceasefire holds, aid convoys which left on Monday reached the camp.",
    "",
]


@pytest.fixture(scope="module")
def pipelines() -> tuple[object, object]:
    from eventwire.nlp import ModelNotInstalled, load_model, speed_up

    try:
        plain, fast = load_model(), load_model()
    except ModelNotInstalled:
        pytest.skip("no spaCy English model installed")
    replaced = speed_up(fast)
    assert replaced == ["attribute_ruler", "lemmatizer"]
    return plain, fast


def _attrs(doc: object) -> list[tuple[str, ...]]:
    return [(t.text, t.tag_, t.pos_, t.dep_, str(t.head.i), t.lemma_, str(t.morph), t.ent_type_)
            for t in doc]  # type: ignore[attr-defined]


def test_fast_components_give_spacys_attributes(pipelines: tuple[object, object]) -> None:
    plain, fast = pipelines
    for text in TEXTS:
        a, b = plain(text), fast(text)  # type: ignore[operator]
        assert _attrs(a) == _attrs(b), text
    # twice over, so the second pass runs on warm lookup tables
    for a, b in zip(plain.pipe(TEXTS), fast.pipe(TEXTS), strict=True):  # type: ignore[attr-defined]
        assert _attrs(a) == _attrs(b)


def test_rules_beyond_the_tag_map_still_fire(pipelines: tuple[object, object]) -> None:
    _, fast = pipelines
    doc = fast("We're gonna win. Let's go. There is a problem. He ain't here.")  # type: ignore[operator]
    by_text = {t.text: t for t in doc}
    assert by_text["gon"].lemma_ == "go" and by_text["na"].lemma_ == "to"  # two-token rule, both indices
    assert by_text["'s"].lemma_ == "us"
    assert by_text["is"].pos_ == "VERB"  # expletive "there" + copula: a dependency-conditioned rule
    assert by_text["ai"].lemma_ == "be"


def test_replaced_components_still_expose_the_originals_tables(pipelines: tuple[object, object]) -> None:
    plain, fast = pipelines
    lem_plain = plain.get_pipe("lemmatizer")  # type: ignore[attr-defined]
    lem_fast = fast.get_pipe("lemmatizer")  # type: ignore[attr-defined]
    assert lem_fast.lookups.tables == lem_plain.lookups.tables  # the prefilter reads these
    assert fast.get_pipe("attribute_ruler").patterns == plain.get_pipe("attribute_ruler").patterns  # type: ignore[attr-defined]
    assert fast.pipe_names == plain.pipe_names  # type: ignore[attr-defined]


def test_unsupported_patterns_leave_spacys_ruler_in_place() -> None:
    from eventwire.nlp import FastAttributeRuler, UnsupportedRule

    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "x", "OP": "+"}]], {"LEMMA": "x"})
    with pytest.raises(UnsupportedRule):
        FastAttributeRuler(ruler)


def test_nlp_pipe_runs_the_stand_ins_not_the_originals(pipelines: tuple[object, object]) -> None:
    _, fast = pipelines
    ruler = fast.get_pipe("attribute_ruler")  # type: ignore[attr-defined]
    lem = fast.get_pipe("lemmatizer")  # type: ignore[attr-defined]
    before = len(ruler.ruler._cache), len(lem._cache)
    list(fast.pipe(["Qwzxv militiamen zorbled the vrenk outposts overnight."]))  # type: ignore[attr-defined]
    assert len(ruler.ruler._cache) > before[0]  # unseen words: new entries prove the fast path ran
    assert len(lem._cache) > before[1]
