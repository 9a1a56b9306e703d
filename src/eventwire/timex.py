"""Stage `time`: resolve each event's own date against the publication date.

Date expressions are found with a small grammar over the sentence text (vocabulary in
``data/timex/timex.yaml``), so that sentences the parser never saw still contribute dates
for inheritance; spaCy DATE entities only decide whether a bare four-digit number is a year.
Each expression is given to the event whose trigger is nearest to it in the dependency tree;
an event with none inherits the date of the event it depends on, then the nearest earlier
date in its paragraph, then falls back to the publication date (``date_text`` null).
Relative expressions never resolve against today: without a publication date they give
``date: null`` and ``date_precision: unknown``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as ir
from typing import Any

import yaml

from .deptree import tree_distance
from .model import Article, Event
from .resources import Resources
from .stages import stage

PRECISIONS = ("day", "week", "month", "year")
_FUTURE_HORIZON_DAYS = 14  # a yearless date later than this after publication is last year's


# ---------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class TimexVocab:
    """The word lists of the date grammar (see data/timex/timex.yaml)."""

    months: dict[str, int]
    weekdays: dict[str, int]
    day_parts: tuple[str, ...]
    relative_days: dict[str, int]
    period_modifiers: dict[str, int]
    units: dict[str, str]
    vague_counts: dict[str, int]
    future_markers: frozenset[str]
    number_words: dict[str, int]


def _read_yaml(rel: str) -> Any:
    return yaml.safe_load(ir.files("eventwire").joinpath(rel).read_text(encoding="utf-8"))


def _check_map(name: str, d: Any, lo: int, hi: int) -> dict[str, int]:
    if not isinstance(d, dict) or not all(isinstance(k, str) and isinstance(v, int) and lo <= v <= hi
                                          for k, v in d.items()):
        raise ValueError(f"data/timex/timex.yaml: {name} must map words to integers {lo}..{hi}")
    return {k.lower(): v for k, v in d.items()}


@lru_cache(maxsize=1)
def load_timex_vocab() -> TimexVocab:
    """Load and check the date vocabulary (cached: it is immutable)."""
    d = _read_yaml("data/timex/timex.yaml")
    nums = _read_yaml("data/counts/numbers.yaml")
    units = d.get("units") or {}
    if not all(v in PRECISIONS for v in units.values()):
        raise ValueError("data/timex/timex.yaml: units must map to day/week/month/year")
    return TimexVocab(
        months=_check_map("months", d["months"], 1, 12),
        weekdays=_check_map("weekdays", d["weekdays"], 0, 6),
        day_parts=tuple(str(x).lower() for x in d["day_parts"]),
        relative_days=_check_map("relative_days", d["relative_days"], -7, 7),
        period_modifiers=_check_map("period_modifiers", d["period_modifiers"], -1, 1),
        units={str(k).lower(): str(v) for k, v in units.items()},
        vague_counts=_check_map("vague_counts", d["vague_counts"], 1, 1000),
        future_markers=frozenset(str(x).lower() for x in d["future_markers"]),
        number_words=_check_map("units", nums["units"], 0, 100),
    )


# ---------------------------------------------------------------- grammar


@dataclass
class Timex:
    """One date expression in a sentence: char offsets are sentence offsets."""

    start: int
    end: int
    text: str
    kind: str  # absolute | month | year | weekday | relday | period | ago | weekend
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    offset: int = 0
    unit: str | None = None
    strict_past: bool = False
    modifier: bool = False  # a year naming another event ("the 2012 attack")


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


_DIGIT = re.compile(r"\d")


def _boundary_prefix_gate(words: list[str]) -> re.Pattern[str]:
    """A search that succeeds wherever one of `words` starts at a word boundary (case-insensitively).

    Only the words no other word is a prefix of are kept ("jan" covers "january"); a match of
    the whole word there starts with one of them, so the gate is a necessary condition."""
    firsts = {w.split()[0].lower() for w in words}
    if not all(re.match(r"\w", w) for w in firsts):
        raise ValueError("gate words must start with a word character")
    keep = sorted(w for w in firsts if not any(o != w and w.startswith(o) for o in firsts))
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in keep) + ")", re.IGNORECASE)


# month/weekday words that are also ordinary words: accepted only capitalised or next to digits
_AMBIGUOUS = {"may", "march", "mar", "jan", "sun", "sat", "wed", "mon", "fri", "thu", "tue", "sept", "sep",
              "dec", "oct", "nov", "aug", "jun", "jul", "apr", "feb", "tues", "thur", "thurs"}


class TimexGrammar:
    """Compiled regular expressions over the vocabulary, and the parser of their matches."""

    def __init__(self, v: TimexVocab) -> None:
        self.v = v
        M = rf"(?P<m>{_alt(list(v.months))})\.?"
        W = rf"(?P<w>{_alt(list(v.weekdays))})\.?"
        D = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
        D2 = r"(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?"
        Y = r"(?P<y>(?:1[89]|20)\d\d)"
        PART = rf"(?:\s+(?:{_alt(list(v.day_parts))}))?"
        pre = (r"(?:(?:on\s+|in\s+|during\s+|late\s+on\s+|early\s+on\s+|around\s+|by\s+)?"
               r"(?:the\s+)?(?:(?:early|small|late|wee)\s+)?(?:hours|morning|afternoon|evening|night)"
               r"\s+of\s+(?:the\s+)?)?")
        nums = _alt(list(v.number_words) + list(v.vague_counts))
        pmod = _alt(list(v.period_modifiers))
        rel = _alt(list(v.relative_days))
        raw: list[tuple[str, str]] = [
            ("iso", rf"\b{Y}-(?P<mn>[01]\d)-(?P<dn>[0-3]\d)\b"),
            ("range", rf"{pre}\b{D}\s*(?:-|–|to|and|/)\s*{D2}\s+(?:of\s+)?{M}(?:,?\s+{Y})?\b"),
            ("range_md", rf"{pre}\b{M}\s+{D}\s*(?:-|–|to|and)\s*{D2}(?:,?\s+{Y})?\b"),
            ("dmy", rf"{pre}\b{D}\s+(?:of\s+)?{M}(?:,?\s+{Y})?\b"),
            ("mdy", rf"{pre}\b{M}\s+{D}\b(?:,?\s+{Y})?(?!\s*[-–:]?\d)"),
            ("my", rf"\b{M},?\s+(?:of\s+)?{Y}\b"),
            ("m", rf"\b(?P<pm>{pmod}|in|during|since|until|early|late|mid-?|earlier\s+in|later\s+in)"
                  rf"\s+{M}\b(?!\s*[-–]?\s*\d)"),
            ("ago", rf"\b(?P<n>\d{{1,3}}|{nums})\s+(?P<u>{_alt(list(v.units))})\s+ago\b"),
            ("period", rf"\b(?P<pm>{pmod})\s+(?P<u>week|month|year|weekend)\b"),
            ("weekend", r"\b(?:over|during|at)\s+the\s+weekend\b"),
            ("weekday", rf"{pre}\b(?:(?P<wm>last|past|this|next|previous|coming)\s+)?{W}{PART}\b"),
            ("relday", rf"\b(?P<r>{rel})\b"),
            ("year", rf"(?:\b(?P<yp>in|since|during|until|by|of|from|the|early|late|mid-?)\s+)?"
                     rf"\b{Y}\b(?![-–/]\d)(?!\s*(?:%|percent))"),
        ]
        self.patterns = [(k, re.compile(p, re.IGNORECASE)) for k, p in raw]
        # Cheap necessary conditions, so that most sentences skip most patterns: every month,
        # weekday or "ago" in a match starts at a word boundary (the grammar puts \b or \s before
        # it), so a match needs one of the words' prefixes there. Same flags, so same case folding.
        months = _boundary_prefix_gate(list(v.months))
        gates: dict[str, list[re.Pattern[str]]] = {
            "iso": [_DIGIT], "year": [_DIGIT], "my": [_DIGIT, months], "m": [months],
            "range": [_DIGIT, months], "range_md": [_DIGIT, months], "dmy": [_DIGIT, months],
            "mdy": [_DIGIT, months], "weekday": [_boundary_prefix_gate(list(v.weekdays))],
            "ago": [re.compile(r"\bago\b", re.IGNORECASE)],
        }
        self.gates = [gates.get(k, []) for k, _ in raw]

    def scan(self, text: str, year_ok: set[int] | None = None) -> list[Timex]:
        """All non-overlapping date expressions in `text`, longest first, in text order.

        `year_ok` holds the start offsets of four-digit numbers that the tagger marked as dates;
        a bare year without a preposition is only accepted there.
        """
        found: list[Timex] = []
        passed: dict[re.Pattern[str], bool] = {}
        for (kind, pat), gates in zip(self.patterns, self.gates, strict=True):
            if not all(passed[g] if g in passed else passed.setdefault(g, g.search(text) is not None)
                       for g in gates):
                continue  # a word every match of `pat` needs is absent: `pat` cannot match
            for m in pat.finditer(text):
                tx = self._parse(kind, m, text, year_ok)
                if tx is not None:
                    found.append(tx)
        found.sort(key=lambda t: (-(t.end - t.start), t.start))
        taken: list[Timex] = []
        for t in found:
            if all(t.end <= o.start or t.start >= o.end for o in taken):
                taken.append(t)
        return sorted(taken, key=lambda t: t.start)

    def _ambiguous_ok(self, word: str, has_digits: bool) -> bool:
        w = word.rstrip(".")
        return has_digits or w.lower() not in _AMBIGUOUS or w[:1].isupper()

    def _parse(self, kind: str, m: re.Match[str], text: str, year_ok: set[int] | None) -> Timex | None:
        g = m.groupdict()
        t = Timex(m.start(), m.end(), m.group(0), kind)
        v = self.v
        if kind == "iso":
            t.kind, t.year, t.month, t.day = "absolute", int(g["y"]), int(g["mn"]), int(g["dn"])
            return t if _valid(t.year, t.month, t.day) else None
        if kind in ("range", "range_md", "dmy", "mdy"):
            month = v.months[g["m"].casefold()]
            if "m2" in g and g.get("m2"):
                month = v.months[g["m2"].casefold()]
            day = int(g["d"])
            if kind == "range" and g.get("d2") and int(g["d2"]) < day:  # "30 April to 2 May" misparse guard
                return None
            if not self._ambiguous_ok(g["m"], True):
                return None
            year = int(g["y"]) if g.get("y") else None
            if not _valid(year or 2000, month, day):
                return None
            t.kind, t.year, t.month, t.day = "absolute", year, month, day
            return t
        if kind == "my":
            if not self._ambiguous_ok(g["m"], True):
                return None
            t.kind, t.year, t.month = "month", int(g["y"]), v.months[g["m"].casefold()]
            return t
        if kind == "m":
            if not self._ambiguous_ok(g["m"], False) or g["m"].lower() == "may" and g["pm"].lower() != "in":
                return None
            t.kind, t.month = "month", v.months[g["m"].casefold()]
            pm = re.sub(r"\s+", " ", g["pm"].lower())
            t.offset = v.period_modifiers.get(pm, 0)
            t.strict_past = pm in v.period_modifiers and t.offset < 0
            return t
        if kind == "ago":
            n = g["n"].lower()
            n = re.sub(r"\s+", " ", n)
            count = int(n) if n.isdigit() else v.number_words.get(n, v.vague_counts.get(n))
            if count is None:
                return None
            t.kind, t.unit, t.offset = "ago", v.units[g["u"].casefold()], count
            return t
        if kind == "period":
            pm = re.sub(r"\s+", " ", g["pm"].lower())
            unit = g["u"].lower()
            t.kind = "weekend" if unit == "weekend" else "period"
            t.unit, t.offset = (None if unit == "weekend" else unit), v.period_modifiers[pm]
            return t
        if kind == "weekend":
            t.offset = 0
            return t
        if kind == "weekday":
            if g["w"].rstrip(".").lower() in _AMBIGUOUS:  # "Sun", "Sat": newspapers and verbs, not days
                return None
            t.weekday = v.weekdays[g["w"].casefold()]
            wm = (g.get("wm") or "").lower()
            t.strict_past = wm in ("last", "past", "previous")
            t.offset = 1 if wm in ("next", "coming") else 0
            return t
        if kind == "relday":
            t.offset = v.relative_days[re.sub(r"\s+", " ", g["r"].lower())]
            return t
        if kind == "year":
            prep = (g.get("yp") or "").lower()
            if not prep and (year_ok is None or m.start("y") not in year_ok):
                return None
            if prep == "the":
                t.modifier = True
            t.year = int(g["y"])
            return t
        return None


def _valid(y: int, m: int, d: int | None) -> bool:
    try:
        dt.date(y, m, d or 1)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1)
def default_grammar() -> TimexGrammar:
    return TimexGrammar(load_timex_vocab())


# ---------------------------------------------------------------- resolution


def _shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + k
    return idx // 12, idx % 12 + 1


def resolve(t: Timex, anchor: dt.date | None, future: bool = False) -> tuple[dt.date | None, str]:
    """(date, precision) of an expression; the date is the first day of the period it names.

    `anchor` is the publication date; relative expressions without one give (None, "unknown").
    `future` says the clause is about something still to come ("will meet on Tuesday").
    """
    if t.kind == "absolute":
        assert t.month is not None
        if t.year is not None:
            return dt.date(t.year, t.month, t.day or 1), "day"
        if anchor is None:
            return None, "unknown"
        y = anchor.year
        day = min(t.day or 1, calendar.monthrange(y, t.month)[1])
        cand = dt.date(y, t.month, day)
        if not future and (cand - anchor).days > _FUTURE_HORIZON_DAYS:
            cand = dt.date(y - 1, t.month, min(day, calendar.monthrange(y - 1, t.month)[1]))
        elif future and (anchor - cand).days > _FUTURE_HORIZON_DAYS:
            cand = dt.date(y + 1, t.month, min(day, calendar.monthrange(y + 1, t.month)[1]))
        return cand, "day"
    if t.kind == "month":
        assert t.month is not None
        if t.year is not None:
            return dt.date(t.year, t.month, 1), "month"
        if anchor is None:
            return None, "unknown"
        y = anchor.year
        if t.offset > 0 or (future and t.month < anchor.month):
            y += 1 if t.month <= anchor.month else 0
        elif t.month > anchor.month or (t.strict_past and t.month == anchor.month):
            y -= 1
        return dt.date(y, t.month, 1), "month"
    if t.kind == "year":
        assert t.year is not None
        return dt.date(t.year, 1, 1), "year"
    if anchor is None:
        return None, "unknown"
    if t.kind == "relday":
        return anchor + dt.timedelta(days=t.offset), "day"
    if t.kind == "weekday":
        assert t.weekday is not None
        if t.offset > 0 or (future and not t.strict_past):
            ahead = (t.weekday - anchor.weekday()) % 7
            return anchor + dt.timedelta(days=ahead or 7 if t.offset > 0 else ahead), "day"
        back = (anchor.weekday() - t.weekday) % 7
        if back == 0 and t.strict_past:
            back = 7
        return anchor - dt.timedelta(days=back), "day"
    if t.kind == "weekend":
        back = (anchor.weekday() - 5) % 7
        sat = anchor - dt.timedelta(days=back)
        if t.offset > 0:
            sat += dt.timedelta(days=7)
        elif t.offset < 0 and back <= 1:  # said during a weekend: "last weekend" is the one before
            sat -= dt.timedelta(days=7)
        return sat, "week"
    if t.kind == "period":
        if t.unit == "week":
            monday = anchor - dt.timedelta(days=anchor.weekday())
            return monday + dt.timedelta(days=7 * t.offset), "week"
        if t.unit == "month":
            y, m = _shift_month(anchor.year, anchor.month, t.offset)
            return dt.date(y, m, 1), "month"
        return dt.date(anchor.year + t.offset, 1, 1), "year"
    if t.kind == "ago":
        n = t.offset
        if t.unit == "day":
            return anchor - dt.timedelta(days=n), "day"
        if t.unit == "week":
            d = anchor - dt.timedelta(days=7 * n)
            return d - dt.timedelta(days=d.weekday()), "week"
        if t.unit == "month":
            y, m = _shift_month(anchor.year, anchor.month, -n)
            return dt.date(y, m, 1), "month"
        return dt.date(anchor.year - n, 1, 1), "year"
    return None, "unknown"


# ---------------------------------------------------------------- attaching expressions to events


def _year_tokens(doc: Any) -> set[int]:
    """Sentence char offsets of tokens inside DATE entities (bare years need the tagger's support)."""
    out: set[int] = set()
    if doc is None:
        return out
    for ent in doc.ents:
        if ent.label_ == "DATE":
            out.update(tok.idx for tok in ent)
    return out


def _timex_root(doc: Any, t: Timex) -> Any:
    span = doc.char_span(t.start, t.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.root


def _is_future(trigger: Any, v: TimexVocab) -> bool:
    """A clause about something to come: "will meet", "plans to march", "next week"."""
    for tok in [trigger, *trigger.children]:
        if tok.dep_ in ("aux", "auxpass") and tok.lower_ in v.future_markers and tok.lower_ != "to":
            return True
    head = trigger.head
    if trigger.dep_ == "xcomp" and head.lemma_ in ("plan", "vow", "threaten", "intend", "promise"):
        return True
    return trigger.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in trigger.children) and \
        head.lemma_ in ("plan", "be", "set", "schedule")


@dataclass
class _Found:
    """A date expression placed in the article, with its resolution."""

    sentence: int
    paragraph: int
    pos: int  # article char offset
    tx: Timex
    date: dt.date | None
    precision: str
    root: Any = None


def _assign(article: Article, events: list[Event], grammar: TimexGrammar) -> None:
    assert article.sentences is not None
    anchor = article.published
    v = grammar.v
    by_sent: dict[int, list[Event]] = {}
    for ev in events:
        by_sent.setdefault(ev.sentence_index, []).append(ev)
    # expressions of every sentence (parsed or not), for own dates and for inheritance
    found: dict[int, list[_Found]] = {}
    for s in article.sentences:
        items = grammar.scan(s.text, _year_tokens(s.doc))
        if not items:
            continue
        lst = []
        for tx in items:
            root = _timex_root(s.doc, tx) if s.doc is not None else None
            if root is not None and tx.kind == "year" and not tx.modifier \
                    and root.dep_ in ("nummod", "compound", "amod") \
                    and root.head.pos_ in ("NOUN", "PROPN") and root.head.i > root.i:
                tx.modifier = True
            lst.append(_Found(s.index, s.paragraph, s.start + tx.start, tx, None, "unknown", root))
        found[s.index] = lst
    own: dict[int, _Found] = {}
    for si, evs in by_sent.items():
        s = article.sentences[si]
        cands = found.get(si, [])
        if not cands or s.doc is None:
            continue
        trig = {id(e): s.doc[e._trigger_i] for e in evs if 0 <= e._trigger_i < len(s.doc)}
        for ev in evs:
            if id(ev) not in trig:
                continue
            best: tuple[int, int] | None = None
            for f in cands:
                if f.root is None:
                    continue
                d = tree_distance(trig[id(ev)], f.root) + (4 if f.tx.modifier else 0)
                others = [tree_distance(trig[id(o)], f.root) for o in evs if o is not ev and id(o) in trig]
                if others and min(others) < d - (4 if f.tx.modifier else 0):
                    continue
                if f.tx.modifier and f.root.head.i != trig[id(ev)].i:
                    continue
                key = (d, abs(f.root.i - trig[id(ev)].i))
                if best is None or key < best:
                    best = key
                    own[id(ev)] = f
    for ev in events:
        own_f = own.get(id(ev))
        if own_f is None:
            continue
        f = own_f
        s = article.sentences[ev.sentence_index]
        fut = s.doc is not None and 0 <= ev._trigger_i < len(s.doc) and _is_future(s.doc[ev._trigger_i], v)
        date, prec = resolve(f.tx, anchor, fut)
        _set(ev, date, prec, f.tx.text)
    # inheritance: the governing event in the sentence, another dated event there, then earlier in
    # the paragraph
    ordered = sorted(events, key=lambda e: (e.sentence_index, e._trigger_start))
    for ev in ordered:
        if id(ev) in own:
            continue
        src = _inherit_source(article, ev, by_sent, own, found)
        if isinstance(src, Event):
            ev.date, ev.date_precision, ev.date_text = src.date, src.date_precision, src.date_text
            own[id(ev)] = own[id(src)]
            continue
        if isinstance(src, _Found):
            date, prec = resolve(src.tx, anchor)
            _set(ev, date, prec, src.tx.text)
            own[id(ev)] = src
            continue
        _fallback(ev, anchor)
    for ev in ordered:
        _shift_relative(article, ev, v)


_SPAN_DAYS = {"day": 1, "week": 7}


def _shift_relative(article: Article, ev: Event, v: TimexVocab) -> None:
    """"stormed the embassy on Tuesday, two days after airstrikes killed dozens": the airstrikes
    were two days before the storming. An event in an "N days/weeks after/before" clause with no
    date words of its own is dated from the main clause's date (which it inherited), shifted."""
    assert article.sentences is not None
    doc = article.sentences[ev.sentence_index].doc
    if doc is None or not (0 <= ev._trigger_i < len(doc)) or ev.date is None:
        return
    clause = doc[ev._trigger_i]
    while clause.dep_ != "advcl" and clause.head.i != clause.i:
        clause = clause.head
    if clause.dep_ != "advcl":
        return
    mark = next((c for c in clause.children if c.dep_ == "mark" and c.lower_ in ("after", "before")), None)
    span = next((c for c in clause.children if c.dep_ == "npadvmod" and c.lemma_.lower() in _SPAN_DAYS), None)
    if mark is None or span is None:
        return
    count = 1
    for c in span.children:
        if c.dep_ == "nummod":
            count = int(c.text) if c.text.isdigit() else v.number_words.get(c.lower_, 0)
    if not 0 < count <= 60:
        return
    # the date must be the main clause's, not one written inside the "after ..." clause itself
    sub = list(clause.subtree)
    inside = doc[sub[0].i:sub[-1].i + 1].text
    if not ev.date_text or ev.date_text in inside or ev.date_precision not in ("day", "week"):
        return
    days = count * _SPAN_DAYS[span.lemma_.lower()] * (-1 if mark.lower_ == "after" else 1)
    when = dt.date.fromisoformat(ev.date) + dt.timedelta(days=days)
    words = doc[min(t.i for t in span.subtree):mark.i + 1].text
    _set(ev, when, ev.date_precision, f"{words} {ev.date_text}")


def _set(ev: Event, date: dt.date | None, precision: str, text: str) -> None:
    ev.date = date.isoformat() if date else None
    ev.date_precision = precision if date else "unknown"
    ev.date_text = re.sub(r"\s+", " ", text.strip())


def _fallback(ev: Event, anchor: dt.date | None) -> None:
    ev.date = anchor.isoformat() if anchor else None
    ev.date_precision = "day" if anchor else "unknown"
    ev.date_text = None


def _inherit_source(article: Article, ev: Event, by_sent: dict[int, list[Event]], own: dict[int, Any],
                    found: dict[int, list[_Found]]) -> Event | _Found | None:
    assert article.sentences is not None
    s = article.sentences[ev.sentence_index]
    mates = [o for o in by_sent.get(ev.sentence_index, []) if o is not ev and id(o) in own]
    if mates and s.doc is not None and 0 <= ev._trigger_i < len(s.doc):
        t = s.doc[ev._trigger_i]
        anc = {a.i for a in t.ancestors}
        gov = [o for o in mates if o._trigger_i in anc]
        pool = gov or mates
        return min(pool, key=lambda o: tree_distance(t, s.doc[o._trigger_i]) if 0 <= o._trigger_i < len(s.doc)
                   else 100)
    if mates:
        return mates[0]
    # nearest earlier date in the same paragraph: a dated event or a free expression
    best: tuple[int, Event | _Found] | None = None
    for si in range(ev.sentence_index - 1, -1, -1):
        prev = article.sentences[si]
        if prev.paragraph != s.paragraph:
            break
        for o in by_sent.get(si, []):
            if id(o) in own and (best is None or o._trigger_start > best[0]):
                best = (o._trigger_start, o)
        for f in found.get(si, []):
            if not f.tx.modifier and (best is None or f.pos > best[0]):
                best = (f.pos, f)
        if best is not None:
            return best[1]
    return None


@stage("time", reads=("events", "sentences.doc", "published"), adds=("events.date",))
def resolve_dates(article: Article, resources: Resources) -> None:
    """Give every event a date, a precision and the words it came from."""
    events = article.events or []
    if not events:
        return
    if not article.sentences:
        for ev in events:
            _fallback(ev, article.published)
        return
    _assign(article, events, default_grammar())
