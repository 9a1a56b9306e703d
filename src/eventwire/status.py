"""Stage `status`: factuality of each event (asserted, claimed, denied, future, hypothetical...).

Full-text coders turn background, threats, counterfactuals and commentary into fresh events.
This stage reads the dependency path from each event's trigger up to the sentence root and
the cue lexicons in ``data/status/cues.yaml`` to decide what the article actually asserts:

- negated events ("no shots were fired", "failed to capture") and pure commentary
  ("such attacks are unacceptable") are removed from ``article.events``;
- denials stay, as ``denied`` and attributed to the denier;
- attribution ("officials said", "according to", quotes) gives ``claimed`` with the
  outermost speaker in ``attributed_to``;
- threats and plans give ``future``, conditionals and counterfactuals ``hypothetical``,
  hedges ``uncertain``, and old dates or past-era cues ``historical``.

The rules and their limits are described in docs/factuality.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from calendar import monthrange
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources as ir
from typing import Any

import yaml

from .model import Actor, Article, Event
from .resources import Resources
from .stages import stage

# status precedence: a stronger reading wins when several cues fire on one event
PRECEDENCE = ("denied", "hypothetical", "future", "historical", "uncertain", "claimed", "asserted")
_WORD_LISTS = (
    "reporting_verbs", "attribution_preps", "accusation_verbs", "denial_verbs", "claim_nouns",
    "future_governors", "future_modifiers", "future_aux", "hypothetical_governors", "hypothetical_modifiers",
    "conditional_marks", "hedge_adverbs", "hedge_modifiers", "hedge_governors", "negators",
    "negative_determiners", "negation_exceptions_after", "negative_governors", "negation_carrier_nouns",
    "light_verbs", "negative_preps", "opinion_verbs", "first_person", "evaluative_verbs",
    "evaluative_adjectives", "evaluative_nouns", "generic_determiners", "habitual_adverbs",
    "historical_units", "historical_markers", "historical_nouns", "inverted_conditional_aux",
    "question_heads",
)
_PATTERN_LISTS = ("conditional_patterns", "uncertainty_patterns", "opinion_patterns")
_MODAL_VALUES = {"future", "hypothetical", "uncertain", "normative"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"}
_CLAUSE_DEPS = {"ccomp", "xcomp", "advcl", "relcl", "acl", "csubj", "csubjpass", "parataxis", "conj"}
_YEAR = re.compile(r"^(1[5-9]\d\d|20\d\d)s?$")
_ANY_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_GENERIC_HINTS = ("normative-subject:", "present-subject:")
_COPULAS = {"be", "become", "remain", "seem"}
_DOCUMENT_NOUNS = {"statement", "report", "communique", "post", "video", "message"}
_QUOTE_OPEN = "\u201c"
_QUOTE_CLOSE = "\u201d"
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3, "many": 3, "few": 2,
    "some": 2, "eighteen": 18, "twenty": 20, "thirty": 30,
}


class CueError(ValueError):
    """The cue data file does not have the documented shape."""


@dataclass(frozen=True)
class Cues:
    """The cue lexicons, as frozensets of lower-case lemmas plus compiled sentence patterns."""

    words: dict[str, frozenset[str]]
    patterns: dict[str, tuple[re.Pattern[str], ...]]
    modals: dict[str, str]
    perfect_modals: dict[str, str]
    confidence: dict[str, float]

    def has(self, name: str, word: str) -> bool:
        return word in self.words[name]


def parse_cues(data: Any, origin: str = "cues") -> Cues:
    """Validate the decoded cue data (the rules of cues.schema.json) and build `Cues`."""
    if not isinstance(data, dict) or data.get("version") != 1:
        raise CueError(f"{origin}: expected a mapping with version: 1")
    words: dict[str, frozenset[str]] = {}
    for name in _WORD_LISTS:
        items = data.get(name)
        if not isinstance(items, list) or not items:
            raise CueError(f"{origin}: {name} must be a non-empty list")
        for w in items:
            if not isinstance(w, str) or not w or w != w.lower() or w != w.strip():
                raise CueError(f"{origin}: {name} has a bad entry {w!r} (lower-case words only)")
        words[name] = frozenset(items)
    patterns: dict[str, tuple[re.Pattern[str], ...]] = {}
    for name in _PATTERN_LISTS:
        items = data.get(name)
        if not isinstance(items, list) or not items:
            raise CueError(f"{origin}: {name} must be a non-empty list of regular expressions")
        try:
            patterns[name] = tuple(re.compile(p, re.IGNORECASE) for p in items)
        except (re.error, TypeError) as exc:
            raise CueError(f"{origin}: {name} has a bad pattern: {exc}") from exc
    modal_maps = []
    for name in ("modals", "perfect_modals"):
        m = data.get(name)
        if not isinstance(m, dict) or not m or any(v not in _MODAL_VALUES for v in m.values()):
            raise CueError(f"{origin}: {name} must map modals to one of {sorted(_MODAL_VALUES)}")
        modal_maps.append({str(k): str(v) for k, v in m.items()})
    conf = data.get("confidence")
    if not isinstance(conf, dict) or set(conf) != set(PRECEDENCE):
        raise CueError(f"{origin}: confidence must give a factor for each of {PRECEDENCE}")
    if any(not isinstance(v, int | float) or not 0 <= v <= 1 for v in conf.values()):
        raise CueError(f"{origin}: confidence factors must be numbers in 0..1")
    known = set(_WORD_LISTS) | set(_PATTERN_LISTS) | {"version", "modals", "perfect_modals", "confidence"}
    extra = sorted(set(data) - known)
    if extra:
        raise CueError(f"{origin}: unknown key(s) {extra}")
    return Cues(words, patterns, modal_maps[0], modal_maps[1], {k: float(v) for k, v in conf.items()})


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    """The shipped cue lexicons (read once per process)."""
    text = ir.files("eventwire").joinpath("data/status/cues.yaml").read_text(encoding="utf-8")
    return parse_cues(yaml.safe_load(text), "data/status/cues.yaml")


def cue_schema() -> dict[str, Any]:
    """The JSON Schema of the cue file (for tests and editors)."""
    return json.loads(ir.files("eventwire").joinpath("data/status/cues.schema.json").read_text("utf-8"))


# ---------------------------------------------------------------------------------------------
# findings


@dataclass
class Finding:
    """What the rules found about one event; `removed` names why it is not an event at all."""

    statuses: set[str] = field(default_factory=set)
    removed: str | None = None
    speaker: Any = None  # spaCy Span/Token text source of the outermost speaker, or a str
    denier: Any = None
    cues: list[str] = field(default_factory=list)
    conditional_main: bool = False  # the event's clause has an if-clause ("will respond if attacked")
    would: bool = False  # plain "would": future in reported or threatened speech, else hypothetical

    def add(self, status: str, cue: str) -> None:
        self.statuses.add(status)
        self.cues.append(f"{status}:{cue}")

    def remove(self, reason: str, cue: str) -> None:
        if self.removed is None:
            self.removed = reason
        self.cues.append(f"{reason}:{cue}")

    def status(self) -> str:
        if self.would:
            reported = bool(self.statuses & {"future", "claimed", "denied"})
            self.statuses.add("future" if reported and not self.conditional_main else "hypothetical")
            self.would = False
        if self.conditional_main and "future" not in self.statuses:
            self.statuses.add("hypothetical")  # a conditional threat stays a threat, anything else is "if"
        for s in PRECEDENCE:
            if s in self.statuses:
                return s
        return "asserted"


def _low(tok: Any) -> str:
    return tok.lower_


def _lemma(tok: Any) -> str:
    return tok.lemma_.lower() if tok.lemma_ else tok.lower_


def _is_negative_det(tok: Any, cues: Cues) -> bool:
    """'no' as a negation ('no shots'), not as part of a quantity ('no fewer than')."""
    if _low(tok) not in cues.words["negative_determiners"]:
        return False
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return not (nxt is not None and _low(nxt) in cues.words["negation_exceptions_after"])


def _negative_phrase(tok: Any, cues: Cues) -> bool:
    """A subject/object that denotes nobody or nothing: 'no one', 'nobody', 'no shots'."""
    if _low(tok) in cues.words["negators"] and _low(tok) not in {"not", "n't"}:
        return True
    return any(c.dep_ == "neg" or (c.dep_ in ("det", "advmod") and _is_negative_det(c, cues))
               for c in tok.children)


def _has_neg(tok: Any, cues: Cues) -> bool:
    return any(c.dep_ == "neg" or (c.dep_ == "advmod" and _low(c) in cues.words["negators"])
               for c in tok.children)


def _quoted(tok: Any) -> bool:
    """The token stands inside quotation marks of its sentence (an odd number of marks before it)."""
    marks = sum(1 for x in tok.doc[:tok.i] if x.text in ('"', _QUOTE_OPEN, _QUOTE_CLOSE, "``", "''"))
    return marks % 2 == 1


def _subject(tok: Any) -> Any:
    for c in tok.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            return c
    if tok.dep_ in ("conj", "xcomp") and tok.head.i != tok.i:  # "said and added", "was quoted as saying"
        return _subject(tok.head)
    return None


def _agent(tok: Any) -> Any:
    for c in tok.children:
        if c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    return None


def _span_text(tok: Any) -> str:
    toks = [t for t in tok.subtree if t.dep_ not in ("punct",) or t.i not in (tok.left_edge.i,)]
    left, right = toks[0].i, toks[-1].i
    # a speaker never extends over a quote mark or a clause of its own
    for t in toks:
        if t.i > tok.i and (t.dep_ in ("relcl", "acl", "appos") or t.text in ('"', _QUOTE_CLOSE, ",")):
            right = min(right, t.i - 1)
            break
    return tok.doc[left:right + 1].text.strip(" ,\"'\u201c\u201d")


def _modal_status(tok: Any, cues: Cues) -> tuple[str, str] | None:
    """The modal reading of a clause head: ('future'|'hypothetical'|'uncertain'|'normative', cue)."""
    auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
    perfect = any(_lemma(a) == "have" for a in auxes)
    for a in auxes:
        w = _low(a)
        if w in cues.words["future_aux"] and w != "going":
            return "future", w
        if a.tag_ == "MD" or w in cues.modals:
            table = cues.perfect_modals if perfect else cues.modals
            if w in table:
                return table[w], w + (" have" if perfect else "")
    return None


# ---------------------------------------------------------------------------------------------
# quotations


@dataclass
class Quote:
    start: int
    end: int
    speaker: Any = None


def find_quotes(article: Article) -> list[Quote]:
    """Quoted stretches of the article text, paired within paragraphs (an unclosed quote ends there)."""
    text = article.text
    spans = article.paragraphs or [(0, len(text))]
    out: list[Quote] = []
    for ps, pe in spans:
        open_at: int | None = None
        for i in range(ps, pe):
            ch = text[i]
            if ch == _QUOTE_OPEN or (ch == '"' and open_at is None):
                open_at = i
            elif (ch == _QUOTE_CLOSE or ch == '"') and open_at is not None:
                out.append(Quote(open_at, i))
                open_at = None
        if open_at is not None:
            out.append(Quote(open_at, pe))
    return out


def _sentence_at(article: Article, offset: int) -> Any:
    for s in article.sentences or []:
        if s.start <= offset < s.end or (offset == s.end and s.start < s.end):
            return s
    return None


def _quote_speaker(article: Article, q: Quote, cues: Cues) -> Any:
    """The speaker of a quotation: a reporting verb after the closing mark, else before the opening."""
    s_close = _sentence_at(article, q.end)
    if s_close is not None and s_close.doc is not None:
        for t in s_close.doc:
            if s_close.start + t.idx > q.end and _lemma(t) in cues.words["reporting_verbs"] and t.pos_ in (
                    "VERB", "AUX"):
                subj = _subject(t)
                if subj is not None and not _negative_phrase(subj, cues):
                    return subj
    s_open = _sentence_at(article, q.start)
    if s_open is not None and s_open.doc is not None:
        best = None
        for t in s_open.doc:
            if s_open.start + t.idx < q.start and _lemma(t) in cues.words["reporting_verbs"] and t.pos_ in (
                    "VERB", "AUX"):
                subj = _subject(t)
                if subj is not None:
                    best = subj
        if best is not None:
            return best
    return None


# ---------------------------------------------------------------------------------------------
# the path analysis


def _local_checks(node: Any, f: Finding, cues: Cues, *, with_neg: bool = True) -> None:
    """Cues that sit on one clause head: negation, modals, hedges, conditionals, habits."""
    if with_neg:
        if _has_neg(node, cues):
            f.remove("negated", f"not {node.text}")
        for c in node.children:
            if c.dep_ in ("nsubj", "nsubjpass", "dobj") and _negative_phrase(c, cues) and not _quoted(c):
                f.remove("negated", f"{c.text} {node.text}")
    modal = _modal_status(node, cues)
    if modal is not None and modal[1] == "would":
        f.would = True
        f.cues.append("would")
    elif modal is not None:
        kind, cue = modal
        f.add("hypothetical" if kind == "normative" else kind, cue)
        if kind == "normative":
            f.cues.append("normative:" + cue)
    for c in node.children:
        w = _low(c)
        if c.dep_ in ("advmod", "amod") and w in cues.words["hedge_adverbs"]:
            f.add("uncertain", w)
        elif c.dep_ == "mark" and w in cues.words["conditional_marks"]:
            # "not clear if the plane was firing" is an indirect question, not a condition
            f.add("uncertain" if w == "if" and _indirect_question(node, cues) else "hypothetical", w)
        elif c.dep_ == "mark" and w == "whether":
            f.add("uncertain", w)
        elif c.dep_ == "advcl" and any(g.dep_ == "mark" and _low(g) in cues.words["conditional_marks"]
                                       for g in c.children):
            f.conditional_main = True
            f.cues.append("conditional-main")
        elif c.dep_ == "advmod" and w in cues.words["habitual_adverbs"] and (
                node.tag_ in ("VBZ", "VBP") or not any(x.tag_ in ("VBD", "VBN") for x in node.doc)):
            f.cues.append("habitual:" + w)
        elif c.dep_ == "aux" and _low(c) == "going":
            f.add("future", "going to")
    if node.dep_ == "xcomp" and _lemma(node.head) == "go" and node.head.tag_ == "VBG":
        f.add("future", "going to")


def _indirect_question(node: Any, cues: Cues) -> bool:
    """'(not) clear if ...', 'asked if ...': an 'if' clause that is a question, not a condition."""
    if node.dep_ in ("ccomp", "xcomp"):
        return True
    h = node.head
    heads = [h] + [c for c in h.children if c.dep_ in ("acomp", "attr")]
    return any(_lemma(x) in cues.words["question_heads"] for x in heads)


def _noun_checks(t: Any, f: Finding, cues: Cues) -> None:
    """Cues on an event noun: 'no clashes', 'a planned protest', 'the alleged attack'."""
    for c in t.children:
        w = _low(c)
        if c.dep_ in ("det", "neg", "advmod") and _is_negative_det(c, cues):
            f.remove("negated", f"{w} {t.text}")
        elif c.dep_ in ("amod", "compound", "advmod", "nmod"):
            if w in cues.words["future_modifiers"]:
                f.add("future", w)
            elif w in cues.words["hypothetical_modifiers"]:
                f.add("hypothetical", w)
            elif w in cues.words["hedge_modifiers"]:
                f.add("uncertain", w)


def _anchor(t: Any, cues: Cues) -> Any:
    """The clause head that carries an event noun: 'carried out an attack', 'the protest took place'."""
    if t.pos_ not in ("NOUN", "PROPN"):
        return t
    h = t.head
    if h.i == t.i:
        return t
    if t.dep_ in ("dobj", "nsubj", "nsubjpass") and _lemma(h) in cues.words["light_verbs"]:
        return h
    if t.dep_ == "attr" and any(c.dep_ == "expl" for c in h.children):  # "there was an attack"
        return h
    return t


def analyse(doc: Any, i: int, cues: Cues) -> Finding:
    """Walk from the trigger token `doc[i]` to the root, collecting status cues."""
    f = Finding()
    t = doc[i]
    if t.pos_ in ("NOUN", "PROPN"):
        _noun_checks(t, f, cues)
        # "no clashes or protests": a coordinated event noun shares the first noun's determiner
        if t.dep_ == "conj" and t.head.pos_ in ("NOUN", "PROPN"):
            _noun_checks(t.head, f, cues)
    if _inverted_conditional(t, cues):
        f.add("hypothetical", "inverted conditional")
    node = _anchor(t, cues)
    if node.i != t.i and node.pos_ in ("NOUN", "PROPN"):
        _noun_checks(node, f, cues)
    _local_checks(node, f, cues)
    if node.i != t.i and t.pos_ not in ("NOUN", "PROPN"):
        _local_checks(t, f, cues)
    modifier = False  # the path went through a relative clause or modifier ("an attack, killing nine")
    speaker_found = False
    while node.head.i != node.i:
        rel, h = node.dep_, node.head
        lemma = _lemma(h)
        if rel in _SUBJECT_DEPS:
            _evaluative_check(node, h, f, cues)
            if any(c.dep_ == "advmod" and _low(c) in cues.words["habitual_adverbs"] for c in h.children) and \
                    h.tag_ in ("VBZ", "VBP"):
                f.cues.append("habitual:subject")
            modal = _modal_status(h, cues)
            if modal is not None and modal[0] == "normative":
                f.cues.append("normative-subject:" + modal[1])
            elif modal is not None and modal[0] == "hypothetical" and node.i == t.i and _indefinite(t, cues) \
                    and not _has_neg(h, cues):
                f.add("hypothetical", f"{modal[1]} (subject)")  # "a crackdown would deepen the crisis"
            if h.tag_ in ("VBZ", "VBP") and _lemma(h) not in cues.words["light_verbs"] and any(
                    c.dep_ == "dobj" for c in h.children):  # "sanctions hurt families", not "protests spread"
                f.cues.append("present-subject:" + h.text)
            node = h
            continue
        if h.pos_ == "ADP" or rel in ("pobj", "pcomp"):
            if lemma in cues.words["negative_preps"] and rel in ("pobj", "pcomp"):
                f.remove("negated", h.text)
            node = h
            continue
        if rel == "conj":
            if h.pos_ in ("VERB", "AUX"):
                _local_checks(h, f, cues, with_neg=False)
            node = h
            continue
        if rel in ("relcl", "acl", "appos", "compound", "amod", "nmod"):
            # "claims that its forces shelled ..." is the content of the claim, not a modifier
            if _lemma(h) not in cues.words["claim_nouns"]:
                modifier = modifier or rel in ("relcl", "acl", "appos")
            node = h
            continue
        # h governs the event (complement, object, clause modifier)
        if h.pos_ in ("NOUN", "PROPN"):
            _governing_noun(h, rel, f, cues)
        else:
            speaker_found |= _governing_verb(h, node, rel, f, cues, modifier)
        node = h
    _root_attachments(doc, t, f, cues, speaker_found)
    return f


def _governing_noun(h: Any, rel: str, f: Finding, cues: Cues) -> None:
    lemma = _lemma(h)
    if lemma in cues.words["negation_carrier_nouns"] and any(_is_negative_det(c, cues) for c in h.children):
        f.remove("negated", f"no {h.text}")
    elif lemma in cues.words["historical_nouns"]:
        f.add("historical", lemma)
    elif lemma in cues.words["future_governors"]:
        f.add("future", lemma)
    elif lemma in cues.words["hypothetical_governors"]:
        f.add("hypothetical", lemma)
    elif lemma in cues.words["claim_nouns"]:
        if any(_low(c) in cues.words["hedge_modifiers"] for c in h.children) or h.dep_ in ("pobj", "attr"):
            f.add("uncertain", lemma)  # "amid reports that", "unconfirmed reports of"
    if h.pos_ in ("NOUN", "PROPN") and any(_low(c) in cues.words["hedge_modifiers"] for c in h.children):
        f.add("uncertain", "hedged " + lemma)


def _governing_verb(h: Any, node: Any, rel: str, f: Finding, cues: Cues, modifier: bool) -> bool:
    """Apply the semantics of a verb that governs the event; True when it names a speaker.

    `modifier`: the event only modifies what the verb governs ("foiled an attack, killing nine"):
    denial and negative verbs then say nothing about it; attribution still does.
    """
    lemma = _lemma(h)
    prt = {_low(c) for c in h.children if c.dep_ == "prt"}
    negated_gov = _has_neg(h, cues)
    if rel == "xcomp":
        if negated_gov:
            f.remove("negated", f"not {h.text}")
        _local_checks(h, f, cues, with_neg=False)
        if _low(h) in cues.modals:  # "ought to intervene" parsed with "ought" as the head
            kind = cues.modals[_low(h)]
            f.add("hypothetical", _low(h))
            if kind == "normative":
                f.cues.append("normative:" + _low(h))
    elif rel == "advcl" and not _indirect_question(node, cues) and any(
            c.dep_ == "mark" and _low(c) in cues.words["conditional_marks"] for c in node.children):
        f.add("hypothetical", "if-clause")
    if rel == "advcl":
        return False
    if modifier and (lemma in cues.words["denial_verbs"] or lemma in cues.words["negative_governors"]):
        return False
    if lemma in cues.words["denial_verbs"]:
        if not negated_gov:
            f.add("denied", lemma)
            f.denier = _subject(h)
        return False
    if lemma == "call" and "off" in prt or lemma in cues.words["negative_governors"]:
        if not (lemma == "rule" and "out" not in prt):
            f.remove("negated", lemma)
        return False
    subj = _subject(h)
    passive = any(c.dep_ == "auxpass" for c in h.children) and _agent(h) is None
    follows = node.i > h.i or rel == "xcomp"
    if passive and follows and lemma in cues.words["hedge_governors"]:  # "is believed to have"
        f.add("uncertain", lemma)
        return False
    if lemma in cues.words["opinion_verbs"] and subj is not None and _low(subj) in cues.words["first_person"]:
        f.cues.append("opinion:" + lemma)
        f.add("uncertain", lemma)
        return False
    if lemma in cues.words["reporting_verbs"] or lemma in cues.words["accusation_verbs"]:
        who = subj if subj is not None and h.dep_ != "xcomp" else _agent(h)
        if lemma == "hold" and not any(_lemma(c) == "responsible" for c in h.subtree):
            return False
        if who is not None and not negated_gov and not _negative_phrase(who, cues):
            f.add("claimed", lemma)
            f.speaker = who  # outermost wins: later (higher) governors overwrite
            if any(_low(c) in cues.words["hedge_modifiers"] for c in who.subtree):
                f.add("uncertain", "hedged source")
            if any(_low(c) in cues.words["hedge_adverbs"] for c in h.children):
                f.add("uncertain", "hedged report")
            return True
        if who is None and h.tag_ == "VBN" and lemma in cues.words["hedge_governors"]:
            f.add("uncertain", lemma)
        return False
    if node.i < h.i and rel != "xcomp":
        return False  # a clause before its "governor" is usually a misattached main clause
    if lemma in cues.words["future_governors"] or (lemma == "set" and rel == "xcomp"):
        f.add("future", lemma)
        return False
    if lemma in cues.words["hypothetical_governors"]:
        f.add("hypothetical", lemma)
        return False
    if lemma in cues.words["hedge_governors"]:
        f.add("uncertain", lemma)
        return False
    return False


def _evaluative_check(node: Any, h: Any, f: Finding, cues: Cues) -> None:
    """The event sits in the subject of a judgement ('such attacks are unacceptable')."""
    lemma = _lemma(h)
    judged = False
    if lemma in cues.words["evaluative_verbs"]:
        judged = True
    elif lemma in _COPULAS and not any(c.dep_ == "expl" for c in h.children):
        if _is_generic(node, cues) and any(c.dep_ in ("attr", "acomp") for c in h.children):
            judged = True  # "protests are the lifeblood of democracy": a generic statement
        for c in h.children:
            if c.dep_ == "acomp" and _lemma(c) in cues.words["evaluative_adjectives"]:
                judged = True
            evaluative_mod = any(g.dep_ == "amod" and _lemma(g) in cues.words["evaluative_adjectives"]
                                 for g in c.children)
            if c.dep_ == "attr" and (_lemma(c) in cues.words["evaluative_nouns"] or evaluative_mod):
                judged = True
    if judged:
        f.cues.append("evaluative:" + lemma)


def _root_attachments(doc: Any, t: Any, f: Finding, cues: Cues, speaker_found: bool) -> None:
    """Attribution that hangs off the path rather than above it: ', officials said', 'according to'."""
    path = [t]
    while path[-1].head.i != path[-1].i:
        path.append(path[-1].head)
    on_path = {p.i for p in path}
    outer_speaker = None
    for p in reversed(path):  # outermost first
        for c in p.children:
            if c.i in on_path:
                continue
            reporting = _lemma(c) in cues.words["reporting_verbs"]
            if c.dep_ in ("parataxis", "ccomp") and reporting:  # not conj: "attacked and said ..."
                if c.i < t.i and c.dep_ != "parataxis":
                    continue  # "said X, and Y" structures before the event are not about it
                subj = _subject(c)
                if subj is not None and not _has_neg(c, cues) and not _negative_phrase(subj, cues):
                    outer_speaker = outer_speaker or subj
            if c.dep_ == "prep" and _low(c) in cues.words["attribution_preps"]:
                obj = _attribution_object(c)
                if obj is not None:
                    outer_speaker = outer_speaker or obj
        if outer_speaker is not None:
            break
    if outer_speaker is not None and (not speaker_found or _outranks(outer_speaker, f.speaker, path)):
        f.add("claimed", "attached " + outer_speaker.text)
        f.speaker = outer_speaker


def _outranks(a: Any, b: Any, path: list[Any]) -> bool:
    """True when attribution `a` hangs higher on the path than speaker `b` (nested attribution)."""
    if b is None or not hasattr(b, "head"):
        return True
    depth = {p.i: k for k, p in enumerate(path)}

    def attach(x: Any) -> int:
        y = x
        while y.i not in depth and y.head.i != y.i:
            y = y.head
        return depth.get(y.i, 0)

    return attach(a) > attach(b)


def _attribution_object(prep: Any) -> Any:
    """'according to X' -> X; 'according to a statement by X' -> X."""
    for c in prep.subtree:
        if c.dep_ == "pobj" and c.head.dep_ == "prep" and _low(c.head) == "to":
            inner = [g for g in c.children if g.dep_ == "prep" and _low(g) in ("by", "from", "of")]
            for g in inner:
                for o in g.children:
                    if o.dep_ == "pobj" and _lemma(c) in _DOCUMENT_NOUNS:
                        return o
            return c
    for c in prep.children:
        if c.dep_ == "pobj":
            return c
    return None


# ---------------------------------------------------------------------------------------------
# history


def _period_end(date_s: str, precision: str) -> dt.date | None:
    try:
        d = dt.date.fromisoformat(date_s[:10])
    except ValueError:
        return None
    if precision == "year":
        return dt.date(d.year, 12, 31)
    if precision == "month":
        return dt.date(d.year, d.month, monthrange(d.year, d.month)[1])
    if precision == "week":
        return d + dt.timedelta(days=6)
    return d


def _clause_tokens(node: Any) -> list[Any]:
    """Tokens of the clause headed by `node`, without embedded clauses."""
    out = []
    stack = [node]
    while stack:
        x = stack.pop()
        out.append(x)
        for c in x.children:
            if c.dep_ in _CLAUSE_DEPS and c.pos_ in ("VERB", "AUX"):
                continue
            stack.append(c)
    return out


def _year_cues(t: Any, anchor: Any) -> list[int]:
    """Explicit years that date this event: 'the 2012 attack', 'in 1979 militants seized'."""
    years: list[int] = []
    cands = list(t.subtree) if t.pos_ in ("NOUN", "PROPN") else []
    if anchor.i != t.i or t.pos_ not in ("NOUN", "PROPN"):
        for x in _clause_tokens(anchor):
            # a year reached through an object's own modifiers dates that object, not the event
            # only a date phrase hanging off the clause head dates it ("in March 2012"), not a year
            # inside an object ("a suspect in the 2019 bombing")
            y = x
            ok = True
            while y.head.i != anchor.i and y.head.i != y.i:
                y = y.head
                if y.ent_type_ != "DATE" and y.pos_ != "ADP":
                    ok = False
                    break
            if ok or (x.i > 0 and x.doc[x.i - 1].lower_ in ("in", "since", "during")
                      and x.doc[x.i - 1].head.i == anchor.i):
                cands.append(x)
    for x in cands:
        lo, hi = sorted((x.i, t.i))
        if t.pos_ not in ("NOUN", "PROPN") and any(y.pos_ == "VERB" and y.dep_ not in ("amod", "compound")
                                                       for y in x.doc[lo + 1:hi]):
            continue  # "arrested for covering a rally in December 2019": the year belongs to the rally
        m = _YEAR.match(x.text)
        if m and x.like_num:
            years.append(int(m.group(1)[:4]))
        elif m and x.text.endswith("s"):
            years.append(int(m.group(1)[:4]) + 9)
    return years


def _relative_past(anchor: Any, cues: Cues, window_days: int) -> str | None:
    """'two decades ago', 'a year earlier': a relative time far enough back to be history."""
    for x in _clause_tokens(anchor):
        if _low(x) not in cues.words["historical_markers"]:
            continue
        unit = None
        for y in list(x.children) + [x.doc[x.i - 1]] if x.i > 0 else list(x.children):
            if _lemma(y) in cues.words["historical_units"]:
                unit = y
        if unit is None:
            continue
        n = 1
        for y in list(unit.children) + ([unit.doc[unit.i - 1]] if unit.i > 0 else []):
            if y.like_num:
                try:
                    n = int(y.text.replace(",", ""))
                except ValueError:
                    n = _NUMBER_WORDS.get(_low(y), 1)
            elif _low(y) in _NUMBER_WORDS:
                n = _NUMBER_WORDS[_low(y)]
        days = {"month": 30, "year": 365, "decade": 3650, "century": 36500, "generation": 9000}.get(
            _lemma(unit), 365)
        if n * days > window_days:
            return f"{x.doc[unit.i - 1].text if unit.i else ''} {unit.text} {x.text}".strip()
    return None


def _article_years(article: Article) -> list[int]:
    return [int(m.group(1)) for m in _ANY_YEAR.finditer(article.text)]


def historical_reason(ev: Event, t: Any, anchor: Any, article: Article, window_days: int,
                      cues: Cues) -> str | None:
    """Why the event is background history, or None."""
    pub = article.published
    if pub is not None and ev.date and ev.date_text:
        end = _period_end(ev.date, ev.date_precision)
        if end is not None and end < pub - dt.timedelta(days=window_days):
            return f"date {ev.date}"
    if t is None:
        return None
    years = _year_cues(t, anchor)
    for y in years:
        if pub is not None:
            if dt.date(y, 12, 31) < pub - dt.timedelta(days=window_days):
                return f"year {y}"
        else:
            others = [z for z in _article_years(article) if z != y]
            if others and max(others) - y >= 1:
                return f"year {y} (article mentions {max(others)})"
    rel = _relative_past(anchor, cues, window_days)
    if rel:
        return rel
    return None


# ---------------------------------------------------------------------------------------------
# the stage


def _resolve(text: str, article: Article, resources: Resources) -> Actor:
    text = text.strip()
    actor = None
    try:
        actor = resources.kb.resolve_phrase(text, article)
    except Exception:  # noqa: BLE001 - a resolver bug must not lose the event; fall back below
        actor = None
    return actor if actor is not None else Actor(text=text, name=text)


def _speaker_text(sp: Any) -> str:
    return sp if isinstance(sp, str) else _span_text(sp)


def _in_quote(offset: int, quotes: list[Quote]) -> Quote | None:
    for q in quotes:
        if q.start < offset < q.end:
            return q
    return None


def _sentence_cues(text: str, cues: Cues) -> tuple[str | None, str | None, str | None]:
    """Sentence-wide cues: (uncertain, conditional, opinion) pattern hits."""
    def hit(name: str) -> str | None:
        for p in cues.patterns[name]:
            m = p.search(text)
            if m:
                return m.group(0)
        return None
    return hit("uncertainty_patterns"), hit("conditional_patterns"), hit("opinion_patterns")


def _indefinite(t: Any, cues: Cues) -> bool:
    """'a crackdown', 'any strike' or a generic mention: not a reference to a reported event."""
    return _is_generic(t, cues) or any(c.dep_ == "det" and _low(c) in ("a", "an") for c in t.children)


def _inverted_conditional(t: Any, cues: Cues) -> bool:
    """'Should the army invade, ...', 'Had the device exploded, ...': the event is in the conditional part."""
    doc = t.doc
    first = next((x for x in doc if not x.is_punct), None)
    if first is None or _low(first) not in cues.words["inverted_conditional_aux"]:
        return False
    comma = next((x.i for x in doc if x.text == ","), None)
    return comma is not None and t.i < comma


def _is_generic(t: Any, cues: Cues) -> bool:
    """A non-referring event mention: bare plural, gerund, or 'such/any' noun."""
    if t.tag_ == "VBG" and t.dep_ in ("nsubj", "csubj", "pobj", "dobj"):
        return True
    if t.tag_ == "VBG" and t.dep_ == "amod" and t.i < t.head.i and _is_generic(t.head, cues):
        return True  # "Attacking hospitals is ...", parsed as an adjective on the bare plural
    if t.pos_ not in ("NOUN", "PROPN"):
        return False
    dets = [c for c in t.children if c.dep_ in ("det", "predet", "amod") and _low(c) in
            cues.words["generic_determiners"]]
    if dets:
        return True
    has_det = any(c.dep_ in ("det", "poss", "nummod") for c in t.children)
    return t.tag_ in ("NNS", "NN") and not has_det and not any(
        c.ent_type_ in ("DATE", "CARDINAL", "GPE", "TIME") for c in t.subtree)


def classify_event(ev: Event, article: Article, resources: Resources, quotes: list[Quote] | None = None,
                   cues: Cues | None = None) -> Finding:
    """Decide one event's status (without changing it)."""
    cues = cues or load_cues()
    f = Finding()
    sents = article.sentences or []
    sent = sents[ev.sentence_index] if 0 <= ev.sentence_index < len(sents) else None
    doc = sent.doc if sent is not None else None
    t = anchor = None
    if sent is not None and doc is not None and 0 <= ev._trigger_i < len(doc):
        f = analyse(doc, ev._trigger_i, cues)
        t = doc[ev._trigger_i]
        anchor = _anchor(t, cues)
        unc, cond, opin = _sentence_cues(sent.text, cues)
        if unc:
            f.add("uncertain", unc)
        if cond and "hypothetical" not in f.statuses:
            f.add("hypothetical", cond)
        quote = _in_quote(sent.start + t.idx, quotes if quotes is not None else find_quotes(article))
        if quote is not None and f.speaker is None:
            if quote.speaker is None:
                quote.speaker = _quote_speaker(article, quote, cues) or False
            if quote.speaker is not False:
                f.add("claimed", "quote")
                f.speaker = quote.speaker
        attributed = f.speaker is not None or quote is not None or f.denier is not None
        if not attributed:
            _opinion(f, t, opin, sent.text, cues)
    if article.published is not None and ev.date and ev.date_text:
        try:
            if dt.date.fromisoformat(ev.date[:10]) > article.published:
                f.add("future", f"date {ev.date} after publication")
        except ValueError:
            pass
    hist = historical_reason(ev, t, anchor, article, resources.config.news_window_days, cues)
    if hist:
        f.add("historical", hist)
    return f


def _opinion(f: Finding, t: Any, opin: str | None, text: str, cues: Cues) -> None:
    """Commentary in the article's own voice gives no event."""
    if opin:
        f.remove("opinion", opin)
    elif _lemma(t) in cues.words["evaluative_verbs"] and any(c.dep_ in ("dobj", "ccomp") for c in t.children):
        f.remove("opinion", f"{t.text} in its sense 'show'")
    elif any(c.startswith("opinion:") for c in f.cues):
        f.remove("opinion", "first-person view")
    elif any(c.startswith("normative:") for c in f.cues):
        f.remove("opinion", "normative modal")
    elif any(c.startswith("evaluative:") for c in f.cues) and (
            _is_generic(t, cues) or (t.dep_ == "amod" and _is_generic(t.head, cues))):
        f.remove("opinion", "judgement of a generic event")
    elif any(c.startswith("habitual:") for c in f.cues):
        f.remove("opinion", "habitual present")
    elif _is_generic(t, cues) and any(c.startswith(_GENERIC_HINTS) for c in f.cues) \
            and not any(x.ent_type_ in ("DATE", "TIME") for x in t.doc):
        f.remove("opinion", "generic statement")
    elif text.rstrip().endswith("?") and (_is_generic(t, cues) or _present_tense(t)):
        f.remove("opinion", "rhetorical question")
    elif text.rstrip().endswith("?") and _aux_first(t):
        f.add("hypothetical", "question")


def _present_tense(t: Any) -> bool:
    """The trigger or the verb that governs it is in the plain present ('why do they keep arresting')."""
    x = t
    for _ in range(3):
        if x.tag_ in ("VBZ", "VBP") or any(c.tag_ in ("VBZ", "VBP") and c.dep_ == "aux" for c in x.children):
            return True
        if x.head.i == x.i:
            break
        x = x.head
    return False


def _aux_first(t: Any) -> bool:
    doc = t.doc
    first = next((x for x in doc if not x.is_punct), None)
    if first is None or first.i >= t.i:
        return False
    return first.tag_ == "MD" or first.lemma_ in ("be", "do", "have")


def apply_finding(ev: Event, f: Finding, article: Article, resources: Resources, cues: Cues) -> None:
    """Set status, attribution, notes and the confidence adjustment on a kept event."""
    status = f.status()
    if status == "hypothetical" and ev.type == "THREATEN" and f.conditional_main:
        # a conditional threat ("threatened a response if ...") is still a threat made now
        status = "claimed" if f.speaker is not None else "asserted"
    if status == "future" and ev._notes.get("intent"):
        # an intention ("X will support Y", coded AGREE/THREATEN by PLOVER) is itself a present statement
        status = "claimed" if f.speaker is not None else "asserted"
    ev.status = status
    who = f.denier if status == "denied" else f.speaker
    if status == "denied" and who is None:
        who = f.speaker
    if who is not None and who is not False:
        ev._notes["speaker_text"] = _speaker_text(who)
        ev.attributed_to = _resolve(ev._notes["speaker_text"], article, resources)
        if status == "denied" and not ev.source and ev.attributed_to is not None:
            ev.source = [ev.attributed_to]  # "X denied carrying out the attack": the denied act is X's
    ev.confidence = max(0.0, min(1.0, ev.confidence * cues.confidence.get(status, 1.0)))
    ev._notes["status_cues"] = list(f.cues)


@stage("status", reads=("events", "sentences.doc", "events.date"), adds=("events.status",))
def assign_status(article: Article, resources: Resources) -> None:
    """Set `status`/`attributed_to` on each event; drop negated events and commentary."""
    if not article.events:
        article.events = article.events or []
        return
    cues = load_cues()
    quotes = find_quotes(article)
    kept: list[Event] = []
    removed: list[dict[str, Any]] = []
    for ev in article.events:
        f = classify_event(ev, article, resources, quotes, cues)
        if f.removed and "denied" not in f.statuses:
            removed.append({"type": ev.type, "trigger": ev.trigger, "sentence_index": ev.sentence_index,
                            "reason": f.removed})
            continue
        apply_finding(ev, f, article, resources, cues)
        kept.append(ev)
    article.events = kept
    if removed:
        article.meta.setdefault("status_removed", []).extend(removed)
