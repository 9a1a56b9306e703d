"""Cheap multi-pattern prefilter: only sentences that can hold an event get parsed.

The events stage fires only on a token whose spaCy lemma is a trigger lemma of the
lexicon (multiword noun triggers are indexed by their last word). So a sentence
can hold an event only if it contains, at word boundaries, some surface form that
lemmatises to a trigger. The prefilter matches a superset of those forms with one
Aho-Corasick automaton over the lower-cased sentence:

- `Lexicon.surface_forms()` (regular and irregular inflections, plus `also` forms);
- the head word of every multiword trigger on its own (so "car-bomb" or "bombs
  planted in a car" still reach the parser: the events stage decides, not us);
- every form that spaCy's rule lemmatizer would map onto a trigger lemma: its
  suffix rules run backwards and its exception tables inverted, when a spaCy
  pipeline with a rule lemmatizer is given (`build(..., nlp=nlp)`).

Being wrong in the permissive direction only costs parse time; being wrong in the
other direction silently loses events, so every doubt resolves to "candidate".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import ahocorasick

_SPACE = re.compile(r"\s+")

# spaCy's English rule-lemmatizer suffix rules (form suffix -> lemma suffix), used when no
# pipeline is given; with a pipeline its own tables are read instead.
_DEFAULT_RULES: dict[str, list[tuple[str, str]]] = {
    "verb": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"),
             ("ing", "")],
    "noun": [("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"), ("ches", "ch"),
             ("shes", "sh"), ("men", "man"), ("ies", "y")],
}


def _reverse_rules(lemma: str, rules: Iterable[tuple[str, str]]) -> set[str]:
    """Forms that a suffix rule (old -> new) would turn into `lemma`."""
    out = {lemma}
    for old, new in rules:
        if lemma.endswith(new):
            out.add(lemma[: len(lemma) - len(new)] + old)
    return out


def _lemmatizer_tables(nlp: Any) -> tuple[dict[str, list[tuple[str, str]]], dict[str, dict[str, list[str]]]]:
    """Suffix rules and inverted exception tables (lemma -> forms) of a spaCy rule lemmatizer."""
    rules = {k: list(v) for k, v in _DEFAULT_RULES.items()}
    inverted: dict[str, dict[str, list[str]]] = {"verb": {}, "noun": {}}
    if nlp is None or "lemmatizer" not in getattr(nlp, "pipe_names", ()):
        return rules, inverted
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None:
        return rules, inverted
    if lookups.has_table("lemma_rules"):
        table = lookups.get_table("lemma_rules")
        for pos in ("verb", "noun"):
            if pos in table:
                rules[pos] = [(o, n) for o, n in table[pos]] + rules[pos]
    if lookups.has_table("lemma_exc"):
        table = lookups.get_table("lemma_exc")
        for pos in ("verb", "noun"):
            if pos not in table:
                continue
            for form, lemmas in table[pos].items():
                for lem in lemmas:
                    inverted[pos].setdefault(lem, []).append(form)
    return rules, inverted


def trigger_patterns(lexicon: Any, nlp: Any = None) -> set[str]:
    """Every lower-case string whose presence makes a sentence a candidate (see module doc)."""
    patterns = {f.lower().strip() for f in lexicon.surface_forms() if f and f.strip()}
    rules, inverted = _lemmatizer_tables(nlp)
    for entry in getattr(lexicon, "entries", ()):
        words = entry.lemma.lower().split()
        if not words:
            continue
        pos = entry.pos if entry.pos in rules else "verb"
        head = words[-1] if pos == "noun" else words[0]
        # the head alone: multiword matching is the events stage's business, not the filter's
        forms = _reverse_rules(head, rules[pos]) | set(inverted[pos].get(head, ()))
        if pos == "noun":  # a noun trigger tagged as a verb (or the reverse) still has the same lemma
            forms |= _reverse_rules(head, rules["verb"]) | set(inverted["verb"].get(head, ()))
        else:
            forms |= _reverse_rules(head, rules["noun"]) | set(inverted["noun"].get(head, ()))
        patterns |= {f.lower() for f in forms}
    patterns |= {_SPACE.sub(" ", p) for p in patterns}
    return {p for p in patterns if p.strip()}


class Prefilter:
    """Says whether a sentence contains any trigger form at word boundaries (case-insensitive)."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = frozenset(_SPACE.sub(" ", p.lower().strip()) for p in patterns if p.strip())
        self._auto: Any = None
        if self.patterns:
            auto = ahocorasick.Automaton()
            for p in self.patterns:
                auto.add_word(p, len(p))
            auto.make_automaton()
            self._auto = auto

    @classmethod
    def build(cls, lexicon: Any, kb: Any = None, nlp: Any = None) -> Prefilter:
        """Patterns from the trigger lexicon (and `nlp`'s lemmatizer tables when given).

        `kb` is accepted for the stage interface but not used: actors may be pronouns,
        generic nouns or resolved across sentences, so requiring an actor match would
        drop sentences the events stage codes.
        """
        return cls(trigger_patterns(lexicon, nlp))

    def is_candidate(self, text: str) -> bool:
        """True when some pattern occurs in `text` with no letter or digit directly on either side."""
        if self._auto is None:
            return False
        low = _SPACE.sub(" ", text.lower())
        n = len(low)
        for end, length in self._auto.iter(low):
            start = end - length + 1
            if start > 0 and low[start - 1].isalnum():
                continue
            if end + 1 < n and low[end + 1].isalnum():
                continue
            return True
        return False
