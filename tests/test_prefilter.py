"""The prefilter must never drop a sentence the events stage would code."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventwire.cameo import load_cameo
from eventwire.lexicon import Entry, Lexicon, load_lexicon
from eventwire.prefilter import Prefilter, trigger_patterns


def _lexicon() -> Lexicon:
    """A small hand-made lexicon, so these tests do not depend on the shipped data's size."""
    entries = [
        Entry("attack", "verb", "ASSAULT", "190"),
        Entry("fight", "verb", "ASSAULT", "190"),
        Entry("arrest", "verb", "COERCE", "173"),
        Entry("rally", "verb", "PROTEST", "141"),
        Entry("car bomb", "noun", "ASSAULT", "183"),
        Entry("peace talks", "noun", "CONSULT", "046"),
        Entry("meet", "verb", "CONSULT", "043", also=("get-together",)),
        Entry("sit - in", "noun", "PROTEST", "141"),
        Entry("take", "verb", "COERCE", "173", object="territory"),
        Entry("take", "verb", "COERCE", "181", object="person"),
        Entry("set", "verb", "ASSAULT", "180", object="fire"),
        Entry("go", "verb", "PROTEST", "143", prep="on", object="labour"),
    ]
    objects = {"territory": {"village", "town", "city"}, "person": {"hostage", "child", "man"},
               "fire": {"fire", "blaze"}, "labour": {"strike"}}
    return Lexicon(entries, objects, load_cameo())


def _nlp():
    try:
        from eventwire.nlp import load_model

        return load_model()
    except Exception:  # noqa: BLE001 - no model installed: those tests skip
        return None


@pytest.fixture(scope="module")
def nlp():
    model = _nlp()
    if model is None:
        pytest.skip("no spaCy English model installed")
    return model


@pytest.fixture(scope="module")
def pf() -> Prefilter:
    return Prefilter.build(_lexicon(), None)


@pytest.mark.parametrize("text", [
    "Troops attacked the village at dawn.",
    "Police ARRESTED two men outside the ministry.",
    "Thousands of students are rallying in the capital.",
    "Opposition supporters rallied again on Friday.",
    "The rebels fought for the bridge until nightfall.",
    "Two car bombs exploded near the market.",
    "Police defused a CAR   BOMB outside the court.",
    "Hundreds joined the sit-in outside the ministry.",
    "The delegations resumed peace\n   talks in Geneva.",
    "A brief get-together of the two envoys was held.",
    "\u201cAttack!\u201d the commander shouted.",
    "Rebels took three villages overnight.",
    "Gunmen took several men hostage.",  # plural object "men" lemmatises to man
    "Youths set two cars on fire.",
    "Dock workers went on strike on Monday.",
])
def test_trigger_forms_are_candidates(pf: Prefilter, text: str) -> None:
    assert pf.is_candidate(text)


@pytest.mark.parametrize("text", [
    "The weather in the region stayed mild all week.",
    "Counterattacking is a football term.",  # no trigger at a word boundary
    "The bombastic speech lasted an hour.",
    "Shares in the retailer closed higher.",
    "Several bombs were found in a parked car.",  # only the multiword "car bomb" is a trigger here
    "The army took the long road north.",  # "take" needs an object of class territory/person
    "Officials set the date for the vote.",  # "set" needs an object of class fire
    "The union said members would go home early.",  # "go" needs "on" and a labour object
])
def test_sentences_without_trigger_forms_are_dropped(pf: Prefilter, text: str) -> None:
    assert not pf.is_candidate(text)


def test_reported_obligation_is_a_candidate(pf: Prefilter) -> None:
    """The events stage codes "X said Y must ..." as a REQUEST without any lexicon trigger."""
    assert pf.is_candidate("The envoy said the government must release the detainees.")
    assert pf.is_candidate("Opposition leaders insisted that the vote should be postponed.")


def test_empty_lexicon_keeps_nothing() -> None:
    empty = Prefilter([])
    assert not empty.is_candidate("Troops attacked the village.")


_FILLER = ["the", "officials", "said", "on", "monday", "in", "a", "statement", "near", "border", "town",
           "after", "weeks", "of", "tension", "local", "residents", "reported", "heavy", "rain"]


@settings(max_examples=200, deadline=None)
@given(
    before=st.lists(st.sampled_from(_FILLER), max_size=8),
    after=st.lists(st.sampled_from(_FILLER), max_size=8),
    entry_index=st.integers(min_value=0),
    form_index=st.integers(min_value=0),
    left=st.sampled_from(["", " ", "(", "\"", "-", "\u2014", "\n"]),
    right=st.sampled_from(["", " ", ".", ",", "'s", ")", "-", "!"]),
    upper=st.booleans(),
)
def test_any_trigger_form_with_its_needs_is_a_candidate(before: list[str], after: list[str], entry_index: int,
                                                        form_index: int, left: str, right: str,
                                                        upper: bool) -> None:
    from eventwire.lexicon import _inflections

    lex = _lexicon()
    entry = lex.entries[entry_index % len(lex.entries)]
    forms = sorted(_inflections(entry.lemma, entry.pos) | set(entry.also))
    form = forms[form_index % len(forms)]
    needs = [w for w in (entry.particle, entry.prep) if w]
    if entry.object:
        needs.append(sorted(lex.objects[entry.object])[0])
    trigger = left + (form.upper() if upper else form) + right
    text = " ".join(before + [trigger] + needs + after)
    assert Prefilter.build(lex, None).is_candidate(text)


def test_constrained_trigger_without_its_needs_is_dropped() -> None:
    pf = Prefilter.build(_lexicon(), None)
    assert not pf.is_candidate("They took it.")
    assert pf.is_candidate("They took the town.")
    assert not pf.is_candidate("Workers went home after the strike.")  # "on" missing
    assert pf.is_candidate("Workers went on strike.")


@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.sampled_from(_FILLER), min_size=1, max_size=20))
def test_filler_only_sentences_are_not_candidates(words: list[str]) -> None:
    assert not Prefilter.build(_lexicon(), None).is_candidate(" ".join(words) + ".")


def test_lemmatizer_exceptions_extend_the_patterns(nlp) -> None:
    """Irregular forms come from spaCy's own exception table, not only from the lexicon's list."""
    lex = Lexicon([Entry("undergo", "verb", "COERCE", "173"), Entry("slay", "verb", "ASSAULT", "190")], {},
                  load_cameo())
    pats = trigger_patterns(lex, nlp)
    exc = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_exc")["verb"]
    expected = {form for form, lemmas in exc.items() if set(lemmas) & {"undergo", "slay"}}
    assert expected, "the model's exception table has no entry for these verbs"
    assert expected <= set(pats)


_SENTENCES = [
    "Security forces attacked a rebel camp in the hills on Tuesday, the army said.",
    "Protesters were rallying outside parliament when police arrested a dozen of them.",
    "the rebels fought government troops for control of the bridge.",
    "Two car bombs exploded near a checkpoint, killing three soldiers.",
    "The ministers met in the capital and agreed to hold peace talks next month.",
    "Attacks on aid convoys have increased, the agency warned.",
    "A spokesman denied that troops had shelled the town.",
    "The government imposed a curfew after days of rioting.",
    "Demonstrators marched to the embassy and burned flags.",
    "Both sides accused each other of violating the ceasefire.",
    "The court sentenced the former minister to ten years in prison.",
    "Rebels seized two villages and abducted several aid workers.",
    "The president threatened to expel the ambassador.",
    "Negotiators signed an agreement to release prisoners.",
    "Fighting broke out again near the airport overnight.",
    "Share prices rose sharply on the news.",
    "The foreign minister said the militia must hand over its weapons within a week.",
    "the bishop added that both sides should return to the negotiating table.",
]


def _shipped_or_test_lexicon() -> Lexicon:
    try:
        lex = load_lexicon()
    except Exception:  # noqa: BLE001 - shipped data mid-edit or absent: fall back to the test lexicon
        return _lexicon()
    return lex if lex.entries else _lexicon()


def test_every_token_lemmatised_to_an_unconstrained_trigger_is_kept(nlp) -> None:
    """Against the real lemmatizer: a token lemmatised to a trigger without constraints keeps its sentence."""
    lex = _shipped_or_test_lexicon()
    pf = Prefilter.build(lex, None, nlp=nlp)
    lemmas = {e.lemma for e in lex.entries
              if " " not in e.lemma and not (e.particle or e.prep or e.object)}
    checked = 0
    for doc in nlp.pipe(_SENTENCES + [s.lower() for s in _SENTENCES]):
        hits = [t.text for t in doc if t.lemma_.lower() in lemmas]
        if hits:
            checked += 1
            assert pf.is_candidate(doc.text), (doc.text, hits)
    assert checked >= 2


def test_every_sentence_the_events_stage_codes_is_kept(nlp) -> None:
    """The property that matters: with the filter off, any sentence that yields an event passes the filter."""
    from eventwire.config import Config
    from eventwire.pipeline import Pipeline

    full = Pipeline(Config(prefilter=False))
    pf = full.resources.prefilter
    coded = 0
    for i, text in enumerate(_SENTENCES + [s.lower() for s in _SENTENCES]):
        events = full.process({"id": f"s{i}", "text": text, "published": "2024-03-01"}).events or []
        if events:
            coded += 1
            assert pf.is_candidate(text), (text, [e.trigger for e in events])
    if full.resources.lexicon.entries:
        assert coded >= 3


_ARTICLES = [
    {"id": "pf-1", "published": "2023-05-14", "text":
        "Security forces attacked a rebel camp in the northern hills on Tuesday, the army said.\n\n"
        "The region has been calm for most of the year. Farmers are preparing for the harvest.\n\n"
        "Rebels later fought back and seized two villages, a local official said. "
        "Police arrested four suspects in the provincial capital on Wednesday."},
    {"id": "pf-2", "published": "2022-11-02", "text":
        "Thousands of opposition supporters rallied in the capital on Saturday to demand early elections. "
        "Riot police fired tear gas to disperse the crowd, witnesses said.\n\n"
        "The interior ministry said 25 people were detained. Shops reopened on Sunday."},
    {"id": "pf-3", "published": "2021-02-20", "text":
        "the two foreign ministers met in geneva on monday and agreed to resume peace talks. "
        "a car bomb exploded near a military checkpoint on sunday, killing three soldiers, officials said. "
        "the weather stayed mild across the country."},
]


def _events(pipe, articles) -> list[dict]:
    out = []
    for a in pipe.pipe([dict(x) for x in articles], n_process=1, batch_size=8):
        out.extend(e.to_dict() for e in a.events or [])
    return out


def test_events_identical_with_and_without_prefilter(nlp) -> None:
    from eventwire.config import Config
    from eventwire.pipeline import Pipeline

    full = Pipeline(Config(prefilter=False))
    filtered = Pipeline(Config())
    assert _events(filtered, _ARTICLES) == _events(full, _ARTICLES)
    # and the filter is doing something: some sentence of these articles is not parsed
    arts = list(filtered.pipe([dict(x) for x in _ARTICLES], n_process=1))
    flags = [s.candidate for a in arts for s in a.sentences or []]
    if filtered.resources.lexicon.entries:
        assert any(flags) and not all(flags)


def test_patterns_are_lower_case_and_single_spaced() -> None:
    pats = trigger_patterns(_lexicon())
    assert pats
    assert all(p == p.lower() and not re.search(r"\s{2,}|^\s|\s$", p) for p in pats)
