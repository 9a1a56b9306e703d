"""Stage `counts`: fatalities, injured, arrested and crowd size from the event's clause.

Numbers (digits, number words, vague quantities such as "dozens" or "tens of thousands", and
zero phrases such as "no casualties") are read from the parse; each is tied to a category by
the word that governs it ("killing 6 civilians", "6 were killed", "left 3 dead", "the death
toll rose to 40", "hundreds of activists") and given to the event whose trigger is nearest in
the dependency tree. Subsets ("including 2 women") are skipped so they are not added twice.
A sentence that only reports casualties ("Three people were killed.") gives its counts to the
nearest earlier event of its paragraph too, since that is the event they result from.
Vocabulary lives in ``data/counts/*.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources as ir
from typing import Any

import yaml

from .deptree import tree_distance
from .model import Article, Event
from .resources import Resources
from .stages import stage

CATEGORIES = ("fatalities", "injured", "arrested", "size")
QUALIFIERS = ("exact", "at_least", "at_most", "about")
CASUALTY_TYPES = frozenset({"ASSAULT", "PROTEST", "COERCE", "MOBILIZE"})
_SKIP_ENTS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "ORDINAL"})
_CUE = re.compile(r"\d|kill|dead|death|die|injur|wound|hurt|arrest|detain|casualt|fatalit|toll|crowd|"
                  r"hundred|thousand|dozen", re.IGNORECASE)
_SIZE_TAG = re.compile(r"\[\s*size\s*=\s*([^\]]*)\]", re.IGNORECASE)


# ---------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class CountVocab:
    """Number words and count lexicons (data/counts/numbers.yaml and casualties.yaml)."""

    units: dict[str, int]
    scales: dict[str, int]
    vague: dict[str, tuple[int, str]]
    qualifiers: dict[tuple[str, ...], str]
    zero_words: frozenset[str]
    verbs: dict[str, frozenset[str]]
    intransitive: dict[str, frozenset[str]]
    nouns: dict[str, frozenset[str]]
    adjectives: dict[str, frozenset[str]]
    toll_nouns: frozenset[str]
    single_death: frozenset[str]
    need_dead: frozenset[str]
    crowd_members: frozenset[str]
    crowd_collectives: frozenset[str]
    subset_markers: frozenset[str]
    collective_victims: frozenset[str]


def _words(d: Any, where: str) -> frozenset[str]:
    if not isinstance(d, list) or not all(isinstance(w, str) and w for w in d):
        raise ValueError(f"data/counts: {where} must be a list of words")
    return frozenset(w.lower() for w in d)


@lru_cache(maxsize=1)
def load_count_vocab() -> CountVocab:
    """Load and check the count vocabulary (cached: it is immutable)."""
    base = ir.files("eventwire").joinpath("data/counts")
    nums = yaml.safe_load(base.joinpath("numbers.yaml").read_text(encoding="utf-8"))
    lex = yaml.safe_load(base.joinpath("casualties.yaml").read_text(encoding="utf-8"))
    for key in ("units", "scales", "vague", "qualifiers", "zero_words"):
        if key not in nums:
            raise ValueError(f"data/counts/numbers.yaml: missing {key!r}")
    vague = {}
    for w, spec in nums["vague"].items():
        if spec.get("qualifier") not in QUALIFIERS or not isinstance(spec.get("value"), int):
            raise ValueError(f"data/counts/numbers.yaml: bad vague entry {w!r}")
        vague[w.lower()] = (spec["value"], spec["qualifier"])
    quals = {}
    for phrase, q in nums["qualifiers"].items():
        if q not in QUALIFIERS:
            raise ValueError(f"data/counts/numbers.yaml: bad qualifier {q!r} for {phrase!r}")
        quals[tuple(phrase.lower().split())] = q
    cats = lex["categories"]
    unknown = set(cats) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"data/counts/casualties.yaml: unknown categories {sorted(unknown)}")
    return CountVocab(
        units={k.lower(): int(v) for k, v in nums["units"].items()},
        scales={k.lower(): int(v) for k, v in nums["scales"].items()},
        vague=vague,
        qualifiers=quals,
        zero_words=_words(nums["zero_words"], "zero_words"),
        verbs={c: _words(cats[c]["verbs"], f"{c}.verbs") for c in cats},
        intransitive={c: _words(cats[c]["intransitive"] or [], f"{c}.intransitive") if cats[c]["intransitive"]
                      else frozenset() for c in cats},
        nouns={c: _words(cats[c]["nouns"], f"{c}.nouns") for c in cats},
        adjectives={c: _words(cats[c]["adjectives"], f"{c}.adjectives") for c in cats},
        toll_nouns=frozenset(w for c in cats for w in (cats[c]["toll_nouns"] or [])),
        single_death=_words(lex["single_death"]["verbs"], "single_death.verbs"),
        need_dead=_words(lex["single_death"]["need_dead"], "single_death.need_dead"),
        crowd_members=_words(lex["crowd"]["members"], "crowd.members"),
        crowd_collectives=_words(lex["crowd"]["collectives"], "crowd.collectives"),
        subset_markers=_words(lex["subset_markers"], "subset_markers"),
        collective_victims=_words(lex["collective_victims"], "collective_victims"),
    )


# ---------------------------------------------------------------- numbers


@dataclass
class Number:
    """A number phrase: its value, how exact it is, and the tokens it spans (end exclusive)."""

    value: int
    qualifier: str
    start: int
    end: int


def parse_number_words(words: list[str], v: CountVocab) -> tuple[int, str, int] | None:
    """Read a number from the start of `words` (lower case): (value, qualifier, words used).

    Handles digits ("1,500", "2.5 million"), number words ("twenty-five", "two hundred"),
    "a dozen" and vague plurals ("dozens", "tens of thousands").
    """
    i, total, current, seen, qual = 0, 0, 0.0, False, "exact"
    n = len(words)
    while i < n:
        w = words[i].replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", words[i]) else words[i]
        if re.fullmatch(r"\d+(\.\d+)?", w) and not seen:
            current, seen = float(w), True
        elif w in ("a", "an") and not seen and i + 1 < n and (words[i + 1] in v.scales or words[i + 1] in
                                                             ("dozen", "couple", "score", "few")):
            current, seen = 1.0, True
            if words[i + 1] in ("dozen", "couple", "score", "few"):
                qual = "about"
            if words[i + 1] == "few":
                return 3, "about", 2
        elif w in v.units and w not in ("a", "an") and (
                not seen or w in ("dozen", "score") or _adds(current, v.units[w])):
            if w in ("dozen", "score", "couple", "pair") and seen:
                current = current * v.units[w]
            else:
                current += v.units[w]
            seen = True
        elif w == "-" and seen and i + 1 < n and words[i + 1] in v.units:
            pass
        elif w in v.scales and seen:
            current *= v.scales[w]
            if v.scales[w] >= 1000:
                total += int(current)
                current = 0
        elif w == "and" and seen and i + 1 < n and words[i + 1] in v.units and current >= 100:
            pass
        elif w in v.vague and not seen:
            val, qual = v.vague[w]
            # "tens of thousands", "hundreds of thousands"
            big = v.vague.get(words[i + 2], (0, "")) if i + 2 < n and words[i + 1] == "of" else (0, "")
            if big[0] >= 1000:
                return val * big[0], qual, i + 3
            if i + 1 < n and words[i + 1] in v.scales:  # "several hundred", "many thousand"
                q2 = "about" if w in ("several", "few", "many") else qual
                return val * v.scales[words[i + 1]], q2, i + 2
            return val, qual, i + 1
        else:
            break
        i += 1
    if not seen:
        return None
    while i > 0 and words[i - 1] in ("-", "and"):
        i -= 1
    return int(total + current), qual, i


def _adds(current: float, unit: int) -> bool:
    """Whether a number word continues the number so far ("twenty five", "two hundred twenty")."""
    if current <= 0 or current != int(current):
        return False
    c = int(current)
    return (c % 100 == 0) or (c % 10 == 0 and c % 100 >= 20 and unit < 10)


def _qualifier_before(doc: Any, start: int, v: CountVocab) -> tuple[str | None, int]:
    """A qualifier phrase ending just before token `start` ("at least", "more than", "about")."""
    for length in (3, 2, 1):
        if start - length < 0:
            continue
        phrase = tuple(t.lower_ for t in doc[start - length:start])
        if phrase in v.qualifiers:
            return v.qualifiers[phrase], start - length
    return None, start


def find_numbers(doc: Any, v: CountVocab) -> list[Number]:
    """Every number phrase in a parsed sentence, skipping dates, times, money and ordinals."""
    out: list[Number] = []
    i = 0
    words = [t.lower_ for t in doc]
    while i < len(doc):
        tok = doc[i]
        if tok.ent_type_ in _SKIP_ENTS or (tok.like_num is False and words[i] not in v.vague
                                            and words[i] not in v.units):
            i += 1
            continue
        if words[i] in ("a", "an") and not (i + 1 < len(doc) and (words[i + 1] in v.scales or words[i + 1] in
                                                                  ("dozen", "couple", "score", "few"))):
            i += 1
            continue
        if words[i] in ("one",) and i > 0 and words[i - 1] in ("no", "every", "any", "some", "this", "that"):
            i += 1
            continue
        got = parse_number_words(words[i:i + 8], v)
        if got is None:
            i += 1
            continue
        value, qual, used = got
        q, _ = _qualifier_before(doc, i, v)
        if q is not None and qual == "exact":
            qual = q
        end = i + used
        if end < len(doc) and words[end] == "or" and end + 1 < len(doc) and words[end + 1] == "more":
            qual = "at_least"
        out.append(Number(value, qual, i, end))
        i = end
    return out


# ---------------------------------------------------------------- count mentions


@dataclass
class CountMention:
    """One count in a sentence, tied to a category and to the token that governs it."""

    category: str
    value: int
    qualifier: str
    anchor: Any  # the governing token (verb, noun or the number itself)
    group: int  # index of the first conjunct, so "60 guards and 5 officers" adds up
    toll: bool = False
    more: bool = False


def _category_of_word(tok: Any, v: CountVocab, kinds: tuple[str, ...]) -> str | None:
    lem, low = tok.lemma_.lower(), tok.lower_
    for cat in ("fatalities", "injured", "arrested"):
        for kind in kinds:
            table = getattr(v, kind)[cat]
            if lem in table or low in table:
                return cat
    return None


def _has_dead_complement(verb: Any) -> bool:
    for c in verb.children:
        if c.dep_ in ("acomp", "oprd", "xcomp", "ccomp", "advmod") and c.lemma_.lower() in ("dead", "death"):
            return True
        if c.dep_ == "prep" and c.lower_ == "to" and any(g.lemma_.lower() == "death" for g in c.children):
            return True
    return False


def _is_subset(n: Any, v: CountVocab) -> bool:
    """True for "including 2 women", "among them 3 children", "2 of whom"."""
    tok = n
    for _ in range(3):
        if tok.dep_ == "pobj" and tok.head.lower_ in v.subset_markers and tok.head.lower_ != "of":
            return True
        if tok.dep_ == "appos":
            return True
        if tok.dep_ in ("prep", "pobj") or tok.head.lower_ in v.subset_markers:
            tok = tok.head
            continue
        break
    return any(c.dep_ == "prep" and c.lower_ == "of"
               and any(g.lower_ in ("whom", "which") for g in c.children) for c in n.children)


def _classify(noun: Any, num_tok: Any, v: CountVocab) -> tuple[str, Any, bool] | None:
    """(category, anchor token, is_toll) for a counted noun, or None when the count is not one of ours."""
    # the counted word itself names the category: "3 deaths", "no fatalities", "3 dead"
    cat = _category_of_word(noun, v, ("nouns",))
    if cat is None and noun.pos_ in ("ADJ", "VERB"):
        cat = _category_of_word(noun, v, ("adjectives",))
    if cat is not None and noun.i != num_tok.i:
        return cat, noun, False
    # the word right after: "2 killed", "five people injured", "dozens more wounded"
    nxt_i = noun.i + 1
    doc = noun.doc
    while nxt_i < len(doc) and doc[nxt_i].lower_ in ("more", "others", "other", "people", "persons"):
        nxt_i += 1
    if nxt_i < len(doc):
        nxt = doc[nxt_i]
        if nxt.tag_ in ("VBN", "JJ", "VBD") and not any(c.dep_ == "dobj" for c in nxt.children):
            c2 = _category_of_word(nxt, v, ("adjectives", "verbs", "intransitive"))
            if c2 is not None and (nxt.tag_ != "VBD" or c2 in ("fatalities", "injured")):
                return c2, nxt, False
    for c in noun.children:
        if c.dep_ in ("amod", "acl", "relcl") and c.i > noun.i:
            c2 = _category_of_word(c, v, ("adjectives", "verbs"))
            if c2 is not None:
                return c2, c, False
    head = noun.head
    dep = noun.dep_
    if dep == "conj":
        return None  # handled through the first conjunct
    if dep in ("dobj", "nsubjpass", "oprd"):
        c2 = _category_of_word(head, v, ("verbs",))
        if c2 is not None:
            return c2, head, False
        if head.lemma_.lower() == "leave":  # "left 3 people dead"
            for c in head.children:
                if c.dep_ in ("oprd", "ccomp", "xcomp", "acomp", "conj") and c.i > noun.i:
                    c3 = _category_of_word(c, v, ("adjectives", "nouns"))
                    if c3 is not None:
                        return c3, c, False
    if dep == "nsubj":
        c2 = _category_of_word(head, v, ("intransitive", "adjectives"))
        if c2 is not None:
            return c2, head, False
        c2 = _category_of_word(head, v, ("verbs",))
        if c2 is not None and not any(c.dep_ == "dobj" for c in head.children):
            return c2, head, False  # elliptical passive: "60 guards injured"
        if head.lemma_ == "be":
            for c in head.children:
                if c.dep_ in ("acomp", "attr"):
                    c3 = _category_of_word(c, v, ("adjectives", "nouns"))
                    if c3 is not None:
                        return c3, c, False
    # death tolls: "the toll rose to 40", "bringing the death toll to 40", "a toll of 40", "the toll is 40"
    if dep in ("pobj", "attr", "dobj", "npadvmod"):
        gov = head.head if dep == "pobj" else head
        if dep == "pobj" and head.head.lemma_.lower() in v.toll_nouns:
            return "fatalities", head.head, True
        for c in gov.children:
            if c.dep_ in ("nsubj", "dobj", "nsubjpass") and c.lemma_.lower() in v.toll_nouns:
                return "fatalities", c, True
    return None


def _crowd(noun: Any, v: CountVocab) -> Any:
    """The crowd token when `noun` counts protest participants ("500 protesters", "a crowd of 500")."""
    lem = noun.lemma_.lower()
    if lem in v.crowd_members or noun.lower_ in v.crowd_members:
        return noun
    if noun.dep_ == "pobj" and noun.head.lower_ == "of" and \
            noun.head.head.lemma_.lower() in v.crowd_collectives:
        return noun.head.head
    return None


def find_counts(doc: Any, v: CountVocab) -> list[CountMention]:
    """Every count mention of a parsed sentence."""
    out: list[CountMention] = []
    for num in find_numbers(doc, v):
        last = doc[num.start:num.end].root
        noun = last
        if last.dep_ in ("nummod", "quantmod", "compound", "amod") and last.head.i >= num.end:
            noun = last.head
            while noun.dep_ == "compound" and noun.head.i > noun.i:
                noun = noun.head
        elif num.end + 1 < len(doc) and doc[num.end].lower_ == "of":
            pobj = [c for c in doc[num.end].children if c.dep_ == "pobj"]
            bare = pobj and not any(c.dep_ in ("det", "poss") for c in pobj[0].children)
            if bare and pobj[0].pos_ != "PRON":
                noun = pobj[0]
        elif last.dep_ == "pobj" and last.head.lower_ == "of" and \
                last.head.head.lemma_.lower() in v.collective_victims:
            last = noun = last.head.head  # "a family of five"
        if _is_subset(noun, v) or _is_subset(last, v):
            continue
        more = any(t.lower_ in ("more", "another", "additional", "further", "other")
                   for t in doc[num.end:min(num.end + 2, len(doc))]) or \
            (num.start > 0 and doc[num.start - 1].lower_ in ("another", "additional", "further"))
        got = None
        first = noun
        for cand in ([noun, last] if noun is not last else [noun]):
            first = cand
            while first.dep_ == "conj" and first.head.i < first.i:
                first = first.head
            got = _classify(first, doc[num.start] if first is cand else first, v)
            if got is None and first is not cand:
                got = _classify(cand, last, v)
            if got is not None:
                break
        if got is not None:
            cat, anchor, toll = got
            out.append(CountMention(cat, num.value, num.qualifier, anchor, first.i, toll, more))
            continue
        crowd = _crowd(noun, v)
        if crowd is not None:
            out.append(CountMention("size", num.value, num.qualifier, crowd, first.i))
    out.extend(_zero_counts(doc, v))
    return out


def _zero_counts(doc: Any, v: CountVocab) -> list[CountMention]:
    """ "no casualties", "no one was hurt", "nobody was killed", "none were injured", "without casualties"."""
    out = []
    for tok in doc:
        low = tok.lower_
        noun = None
        if low == "no" and tok.dep_ == "det":
            noun = tok.head
        elif low in ("nobody", "none") or (low == "one" and tok.i > 0 and doc[tok.i - 1].lower_ == "no"):
            noun = tok
        elif low == "without":
            objs = [c for c in tok.children if c.dep_ == "pobj"]
            noun = objs[0] if objs else None
        if noun is None:
            continue
        cats: list[str] = []
        cat = _category_of_word(noun, v, ("nouns",))
        if noun.lemma_.lower() == "casualty":
            cats = ["fatalities", "injured"]
        elif cat is not None:
            cats = [cat]
        elif noun.dep_ in ("nsubjpass", "nsubj"):
            c2 = _category_of_word(noun.head, v, ("verbs", "intransitive", "adjectives"))
            if c2 is None and noun.head.lemma_ == "be":
                c2 = next((_category_of_word(c, v, ("adjectives",)) for c in noun.head.children
                           if c.dep_ == "acomp"), None)
            cats = [c2] if c2 else []
        for c in cats:
            out.append(CountMention(c, 0, "exact", noun if cat else noun.head, noun.i))
    return out


# ---------------------------------------------------------------- attaching counts to events


def _compatible(ev: Event, cat: str) -> int:
    """0 = the natural owner of this count, 1 = acceptable, 2 = never."""
    if cat == "arrested":
        return 0 if ev.type == "COERCE" else (1 if ev.type in CASUALTY_TYPES else 2)
    if cat == "size":
        return 0 if ev.type == "PROTEST" else 2
    if ev.type == "ASSAULT":
        return 0
    return 1 if ev.type in CASUALTY_TYPES else 2


@dataclass
class _Acc:
    """Counts gathered for one event, per category: list of (value, qualifier, toll, group, more)."""

    items: dict[str, list[tuple[int, str, bool, int, bool, int]]] = field(default_factory=dict)

    def add(self, m: CountMention, sentence: int) -> None:
        item = (m.value, m.qualifier, m.toll, m.group, m.more, sentence)
        self.items.setdefault(m.category, []).append(item)


def _combine(items: list[tuple[int, str, bool, int, bool, int]]) -> tuple[int, str]:
    """Tolls win; conjuncts add up ("60 guards and 5 officers"); "more" adds; otherwise the largest."""
    tolls = [(val, q) for val, q, toll, _, _, _ in items if toll]
    if tolls:
        return max(tolls)
    groups: dict[tuple[int, int], tuple[int, str]] = {}
    extra = 0
    for val, q, _, grp, more, sent in items:
        if more:
            extra += val
            continue
        old = groups.get((sent, grp))
        groups[(sent, grp)] = (val, q) if old is None else (old[0] + val, old[1] if old[1] != "exact" else q)
    if not groups:
        return extra, "at_least"
    best = max(groups.values())
    return best[0] + extra, best[1]


def _is_bare_report(ev: Event, doc: Any, v: CountVocab) -> bool:
    """An event that only reports casualties, with no agent: "Three people were killed." """
    if not 0 <= ev._trigger_i < len(doc):
        return False
    t = doc[ev._trigger_i]
    if _category_of_word(t, v, ("verbs", "intransitive", "nouns", "adjectives")) is None:
        return False
    return not any(c.dep_ in ("nsubj", "agent") for c in t.children) or \
        _category_of_word(t, v, ("intransitive",)) is not None


def _single_death(ev: Event, doc: Any, v: CountVocab, trigger_ids: set[int]) -> int | None:
    """1 (or the number of singular conjuncts) when a killing verb has a singular victim and no number."""
    if not 0 <= ev._trigger_i < len(doc):
        return None
    t = doc[ev._trigger_i]
    verbs = [t] + [c for c in t.children if c.dep_ in ("advcl", "conj", "xcomp") and c.pos_ == "VERB"
                   and c.i not in trigger_ids]
    if t.dep_ in ("nsubj", "dobj") and t.head.pos_ == "VERB" and t.head.i not in trigger_ids:
        verbs.append(t.head)  # "a roadside bomb killed a policeman"
    for verb in verbs:
        lem = verb.lemma_.lower()
        if not (lem in v.single_death or (lem in v.need_dead and _has_dead_complement(verb))):
            continue
        victims = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
        if verb.pos_ == "NOUN":
            victims = [g for c in verb.children if c.dep_ == "prep" and c.lower_ == "of"
                       for g in c.children if g.dep_ == "pobj"]
        if not victims:
            continue
        n = 0
        for vic in [victims[0], *victims[0].conjuncts]:
            if any(c.dep_ == "nummod" or c.like_num for c in vic.children):
                return None
            singular = vic.tag_ in ("NN", "NNP") and vic.lemma_.lower() not in v.collective_victims \
                and vic.lower_ not in ("one", "none")
            if vic.lower_ in ("him", "her") or singular:
                n += 1
            else:
                return None
        return n or None
    return None


def _set(ev: Event, cat: str, value: int, qual: str) -> None:
    if cat == "fatalities":
        ev.fatalities, ev.fatalities_qualifier = value, qual
    elif cat == "injured":
        ev.injured = value
    elif cat == "arrested":
        ev.arrested = value
    else:
        ev.size = value


def _get(ev: Event, cat: str) -> int | None:
    return {"fatalities": ev.fatalities, "injured": ev.injured, "arrested": ev.arrested, "size": ev.size}[cat]


def size_tag(text: str, v: CountVocab) -> tuple[int, str] | None:
    """The crowd size of a bracketed "[size=...]" note tag, or None for "no report" and the like."""
    m = _SIZE_TAG.search(text)
    if not m:
        return None
    words = re.findall(r"\d[\d,.]*|[a-z]+|-", m.group(1).lower())
    qual = None
    for length in (3, 2, 1):
        if tuple(words[:length]) in v.qualifiers:
            qual, words = v.qualifiers[tuple(words[:length])], words[length:]
            break
    while words and words[0] not in v.units and words[0] not in v.vague and not words[0][0].isdigit():
        words = words[1:]  # "between 50 and 100", "several hundred"
    got = parse_number_words(words, v) if words else None
    if got is None:
        return None
    val, q, _ = got
    return val, qual or q


def assign_counts(article: Article, docs: dict[int, Any], v: CountVocab) -> None:
    """Give every count mention of the article's sentences to its event."""
    assert article.sentences is not None
    events = article.events or []
    by_sent: dict[int, list[Event]] = {}
    for ev in events:
        by_sent.setdefault(ev.sentence_index, []).append(ev)
    acc: dict[int, _Acc] = {id(ev): _Acc() for ev in events}
    late: dict[int, _Acc] = {}
    for si, doc in sorted(docs.items()):
        mentions = find_counts(doc, v)
        if not mentions:
            continue
        here = [e for e in by_sent.get(si, []) if 0 <= e._trigger_i < len(doc)]
        para = article.sentences[si].paragraph
        for m in mentions:
            owner = None
            best: tuple[int, int, int] | None = None
            for ev in here:
                comp = _compatible(ev, m.category)
                if comp == 2:
                    continue
                dist = tree_distance(doc[ev._trigger_i], m.anchor)
                key = (dist + 2 * comp, comp, abs(ev._trigger_i - m.anchor.i))
                if best is None or key < best:
                    best, owner = key, ev
            if owner is not None:
                acc[id(owner)].add(m, si)
            if m.category == "size":
                continue
            # a casualty report without its own acting event belongs to the event before it
            if owner is None or _is_bare_report(owner, doc, v):
                prev = _previous_event(article, events, si, para, m.category, owner)
                if prev is not None:
                    late.setdefault(id(prev), _Acc()).add(m, si)
    for ev in events:
        for cat, items in acc[id(ev)].items.items():
            val, qual = _combine(items)
            _set(ev, cat, val, qual)
    # one death implied by the verb ("shot dead a trader", "the mayor was assassinated")
    for si, evs in by_sent.items():
        doc = docs.get(si)
        if doc is None:
            continue
        trig_ids = {e._trigger_i for e in evs}
        for ev in evs:
            if ev.fatalities is None and ev.type == "ASSAULT":
                n = _single_death(ev, doc, v, trig_ids - {ev._trigger_i})
                if n:
                    _set(ev, "fatalities", n, "exact")
    _share_with_governor(by_sent, docs, v)
    # counts from later report sentences fill what the event's own sentence left open
    for ev in events:
        extra = late.get(id(ev))
        if extra is None:
            continue
        for cat, items in extra.items.items():
            if _get(ev, cat) is None:
                val, qual = _combine(items)
                _set(ev, cat, val, qual)
    tag = size_tag(article.text, v)
    if tag is not None:
        for ev in events:
            if ev.type == "PROTEST" and ev.size is None:
                ev.size = tag[0]


def _share_with_governor(by_sent: dict[int, list[Event]], docs: dict[int, Any], v: CountVocab) -> None:
    """An attack whose own clause goes on to a separate killing event ("abducted a child before
    killing a guard", "attacked a checkpoint, killing two") takes that event's casualties."""
    for si, evs in by_sent.items():
        doc = docs.get(si)
        if doc is None or len(evs) < 2:
            continue
        for ev in evs:
            if ev.type != "ASSAULT" or not 0 <= ev._trigger_i < len(doc):
                continue
            t = doc[ev._trigger_i]
            for other in evs:
                if other is ev or other.type != "ASSAULT" or not 0 <= other._trigger_i < len(doc):
                    continue
                o = doc[other._trigger_i]
                linked = (o.head.i == t.i and o.dep_ in ("advcl", "conj", "xcomp")) or \
                    (t.head.i == o.i and t.dep_ == "conj")
                harm = _category_of_word(o, v, ("verbs", "intransitive"))
                if not linked or harm not in ("fatalities", "injured"):
                    continue
                if ev.fatalities is None and other.fatalities is not None:
                    ev.fatalities, ev.fatalities_qualifier = other.fatalities, other.fatalities_qualifier
                if ev.injured is None and other.injured is not None:
                    ev.injured = other.injured


def _previous_event(article: Article, events: list[Event], si: int, para: int, cat: str,
                    exclude: Event | None) -> Event | None:
    assert article.sentences is not None
    best = None
    for ev in events:
        if ev is exclude or ev.sentence_index >= si or _compatible(ev, cat) == 2:
            continue
        if article.sentences[ev.sentence_index].paragraph != para:
            continue
        if best is None or (-_compatible(ev, cat), ev.sentence_index, ev._trigger_start) > \
                (-_compatible(best, cat), best.sentence_index, best._trigger_start):
            best = ev
    return best


def _unparsed_cue_sentences(article: Article) -> list[Any]:
    """Unparsed sentences with a numeric or casualty cue in paragraphs that hold events
    (the prefilter may have skipped them, but a count for the event can sit there)."""
    if not article.events or not article.sentences:
        return []
    paras = {article.sentences[e.sentence_index].paragraph for e in article.events}
    return [s for s in article.sentences if s.doc is None and s.paragraph in paras and _CUE.search(s.text)]


def _parse_into(sentences: list[Any], resources: Resources) -> None:
    """Parse sentences in one batch and keep the parses (later stages read them too).

    The full pipeline, entity recogniser included: the count rules read entity types
    (a number inside a MONEY or DATE entity is no count).
    """
    if sentences:
        for s, doc in zip(sentences, resources.nlp.pipe([s.text for s in sentences],
                                                        batch_size=resources.config.batch_size), strict=True):
            s.doc = doc


def _docs_for(article: Article, resources: Resources) -> dict[int, Any]:
    """Parses of the sentences counts can come from (parsing the cue sentences still missing)."""
    assert article.sentences is not None
    _parse_into(_unparsed_cue_sentences(article), resources)
    return {s.index: s.doc for s in article.sentences if s.doc is not None}


def _extract_counts_batch(articles: list[Article], resources: Resources) -> None:
    """Batch form: parse every article's missing cue sentences in one `nlp.pipe`, then count."""
    _parse_into([s for a in articles for s in _unparsed_cue_sentences(a)], resources)
    for a in articles:
        extract_counts(a, resources)


@stage("counts", reads=("events", "sentences.doc"), adds=("events.counts",), batch=_extract_counts_batch)
def extract_counts(article: Article, resources: Resources) -> None:
    """Fill fatalities (with qualifier), injured, arrested and size of each event."""
    if not article.events or not article.sentences:
        return
    assign_counts(article, _docs_for(article, resources), load_count_vocab())
