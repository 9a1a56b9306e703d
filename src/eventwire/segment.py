"""Stage `segment`: paragraphs and sentences with exact article offsets.

A rule-based splitter (abbreviation-aware) instead of the parser's sentence
boundaries, so that the prefilter can drop sentences before anything is parsed.
"""

from __future__ import annotations

import re

from .model import Article, Sentence
from .resources import Resources
from .stages import stage

_PARA = re.compile(r"\n[ \t]*\n+")
_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "gov", "sen", "rep",
    "st", "jr", "sr", "co", "corp", "inc", "ltd", "no", "vs", "etc", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "rev", "brig", "adm",
    "cmdr", "pres", "u.s", "u.n", "u.k", "e.g", "i.e", "approx", "dept", "est", "fig", "al",
}
# sentence end: . ! ? (optionally followed by quotes/brackets) then whitespace and an upper-case/digit/quote start
_END = re.compile(r"([.!?]+[\"'\u201d\u2019)\]]*)(\s+)(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
_LOWER_END = re.compile(r"([.!?]+[\"'\u201d\u2019)\]]*)(\s+)(?=[\"'\u201c\u2018(\[]?[a-z0-9])")
_MAX_SENT = 1500


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return (start, end) offsets of sentences in text[start:end], whitespace trimmed."""
    end = len(text) if end is None else end
    chunk = text[start:end]
    # lower-cased corpora (no capitals at all) need a looser boundary rule
    pattern = _END if any(c.isupper() for c in chunk[:2000]) else _LOWER_END
    spans: list[tuple[int, int]] = []
    cur = 0
    for m in pattern.finditer(chunk):
        stop = m.end(1)
        before = chunk[cur:m.start(1)]
        last = re.split(r"[\s(\"']", before)[-1].lower().rstrip(".") if before else ""
        if last in _ABBREV or (len(last) == 1 and last.isalpha()):
            continue
        spans.append((cur, stop))
        cur = m.end(2)
    spans.append((cur, len(chunk)))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        seg = chunk[s:e]
        ls = len(seg) - len(seg.lstrip())
        rs = len(seg.rstrip())
        if rs <= ls:
            continue
        a, b = start + s + ls, start + s + rs
        # pathological run-on text: cut at the last separator before the limit
        while b - a > _MAX_SENT:
            cut = max(text.rfind("; ", a, a + _MAX_SENT), text.rfind(", ", a, a + _MAX_SENT))
            cut = cut + 1 if cut > a else a + _MAX_SENT
            out.append((a, cut))
            a = cut
            while a < b and text[a].isspace():
                a += 1
        if b > a:
            out.append((a, b))
    return out


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraphs are separated by blank lines; a text without any is one paragraph."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA.finditer(text):
        if text[pos:m.start()].strip():
            spans.append((pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        spans.append((pos, len(text)))
    return spans


# "KADUNA, Nigeria - ", "BAGHDAD (Reuters) - ", "GOMA, Congo, May 3 -- ": a wire dateline, not part of the sentence
_DATELINE = re.compile(r"[A-Z][A-Z.'\- ]{2,40}(?:,\s*[A-Z][\w.' ]{1,40}){0,2}\s*(?:\([^)]{1,40}\)\s*)?"
                       r"(?:-{1,2}|\u2013|\u2014)\s+")


def dateline_end(text: str, start: int) -> int:
    """Offset where the body starts if the paragraph opens with a dateline, else `start`."""
    m = _DATELINE.match(text, start)
    if not m or m.end() >= len(text) or not (text[m.end()].isupper() or text[m.end()] in "\"'\u201c"):
        return start
    lead = re.split(r"[,(]", m.group(0), maxsplit=1)[0]
    return start if any(c.islower() for c in lead) else m.end()


@stage("segment", reads=("text",), adds=("paragraphs", "sentences"))
def segment(article: Article, resources: Resources) -> None:
    """Split the article into paragraphs and sentences (datelines are kept out of the first sentence)."""
    text = article.text
    article.paragraphs = split_paragraphs(text)
    sents: list[Sentence] = []
    for p_index, (ps, pe) in enumerate(article.paragraphs):
        if p_index == 0:
            body = dateline_end(text, ps)
            if body != ps:
                article.meta["dateline"] = text[ps:body].strip(" -\u2013\u2014")
                ps = body
        for s, e in split_sentences(text, ps, pe):
            sents.append(Sentence(index=len(sents), start=s, end=e, text=text[s:e], paragraph=p_index))
    article.sentences = sents
