"""Toponym detection, context disambiguation and per-event place choice.

Detection runs over every sentence's raw text (gazetteer n-gram matching), so it also
works on sentences the prefilter left unparsed and on lower-cased corpora where NER
fails; where a parse exists, NER labels and POS tags filter out common words, person
and organisation names. Resolution scores each candidate entry by population, kind,
the countries the article talks about (names, demonyms), trailing qualifiers
("Dori, Seno", "Kerawa (Kolofata, Mayo-Sava)"), kind cues ("X province") and distance
to the article's other places. An event takes the place attached to its trigger in the
dependency parse, else the sentence's, the paragraph's, then the article's dominant one.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..model import Article, Event, Place
from .build import ADMIN1, ADMIN2, GID, ISO3, KIND, LAT, LON, NAME, POP, PREC
from .gazetteer import Gazetteer
from .text import TOKEN, norm

LOC_PREPS = {"in", "near", "outside", "across", "at", "around", "inside", "into", "on", "within", "along",
             "between", "throughout", "toward", "towards", "to", "from", "off", "through", "over", "of",
             "by", "beyond", "north", "south", "east", "west", "northeast", "northwest", "southeast",
             "southwest", "en", "en route"}
_STRONG_PREPS = {"in", "near", "outside", "across", "at", "around", "inside", "within", "along", "between",
                 "throughout", "off", "into"}
CUE_ADMIN1 = {"province", "governorate", "state", "oblast", "region", "prefecture", "department",
              "wilaya", "wilayat", "emirate", "voivodeship", "krai", "canton", "provinces"}
CUE_ADMIN2 = {"district", "county", "municipality", "subdivision", "lga", "commune", "raion", "tehsil",
              "subdistrict", "sub-district", "division", "area", "locality", "departement", "cercle",
              "circle", "sector", "zone"}
CUE_CITY = {"city", "town", "village", "township", "neighbourhood", "neighborhood", "suburb", "camp",
            "hamlet", "market", "square", "capital"}
_BAD_ENTS = {"PERSON", "DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "WORK_OF_ART",
             "LAW", "EVENT", "PRODUCT"}
_ACTOR_ENTS = {"ORG", "NORP"}
_NER_NOISE = {"PERSON", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW"}
_PLACE_ENTS = {"GPE", "LOC", "FAC"}
# words that are also place names somewhere but in English text are nearly always something else
_COMMON = {
    "police", "army", "man", "men", "best", "can", "mobile", "reading", "nice", "split", "bath", "orange",
    "street", "road", "university", "church", "hospital", "government", "president", "minister", "forces",
    "district", "province", "city", "town", "village", "state", "region", "area", "north", "south",
    "east", "west", "central", "upper", "lower", "new", "old", "great", "little", "union", "national",
    "republic", "people", "party", "federal", "council", "court", "islamic", "democratic", "liberation",
    "front", "movement", "justice", "unity", "victory", "hope", "independence", "peace", "progress",
    "mission", "service", "security", "military", "ministry", "office", "news", "press", "media", "said",
    "says", "also", "after", "before", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "mayor", "governor", "general", "colonel", "major", "captain",
    "sheikh", "imam", "king", "queen", "prince", "al", "el", "de", "la", "le", "du", "des", "san", "santa",
    "saint", "st", "mount", "lake", "river", "bay", "port", "fort", "camp", "base", "border", "gulf",
    "association", "organization", "committee", "commission", "agency", "company", "bank", "group",
    "times", "post", "daily", "observer", "guardian", "monitor", "telegraph", "mirror",
    "sun", "star", "record", "today", "world", "global", "international", "internet", "online",
    "manager", "chief", "chairman", "leader", "director", "officer", "official", "officials",
    "gunmen", "militants", "rebels", "troops", "soldiers", "protesters", "demonstrators", "residents",
    "civilians", "workers", "students", "teachers", "farmers", "traders", "drivers", "women", "children",
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "home", "house",
    "school", "market", "mosque", "prison", "station", "airport", "centre", "center", "square",
    "zone", "hills", "hill", "valley", "wadi", "avenue", "highway", "bridge", "park", "molotov", "ali", "hat",
    "bar", "human", "western", "eastern", "northern", "southern", "lac", "cerro", "barangay", "terminal",
    "ramadan", "mine", "madinat", "colonia", "barrio", "bairro", "jardim", "morro", "vila", "favela", "bab",
    "pacific", "atlantic",
    "strike", "attack", "clash", "protest", "riot", "rally", "video", "report", "reports", "hall", "rifle", "point",
    "farm",
}
_ACTOR_VERBS = {"say", "tell", "announce", "accuse", "warn", "deny", "reject", "urge", "call", "demand",
                "threaten", "claim", "condemn", "impose", "criticize", "criticise", "insist", "agree",
                "refuse", "vow", "pledge", "respond", "sanction", "blame", "expel", "recall", "summon",
                "sign", "approve", "decide", "want", "seek", "believe", "argue", "hope", "push", "offer",
                "order", "ask", "propose", "confirm", "allege", "declare", "report"}
_PREC_RANK = {"point": 0, "city": 1, "region": 2, "admin1": 3, "country": 4}


@dataclass
class Mention:
    """One toponym occurrence: article char span, candidate entries and what the context says."""

    sentence: int
    start: int
    end: int
    text: str
    key: str
    cands: tuple[int, ...]
    strong: bool = False  # NER place entity or after a locative preposition
    in_actor: bool = False  # inside an ORG/NORP name ("Luhansk People's Militia")
    actor: bool = False  # used metonymically as an actor ("Washington said")
    cue: str | None = None  # admin1 / admin2 / city, from "X province", "the city of X"
    quals: list[Mention] = field(default_factory=list)  # trailing "X, A" / "X (A, B)" qualifiers
    qualifier_of: Mention | None = None
    qual_pos: bool = False  # inside brackets or after "Name, ": where ACLED-style notes put admin areas
    paren: bool = False  # inside an open bracket: "(district, province)" lists name areas, not towns
    locative: bool = False  # after a locative word: "in (northern) X", "near X"
    glued: bool = False  # kept although glued to other capitalised words ("Bali Doogle", "Beni Amir")
    partial: bool = False  # an unknown name continues after it before its qualifiers ("Shakhta imeni Gagarina, X")
    best: int | None = None
    score: float = 0.0


def _sentence_tokens(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, surface, key) per word; a possessive "'s" is cut off ("Kashmir's" -> "Kashmir")."""
    out = []
    for m in TOKEN.finditer(text):
        w, st, en = m.group(), m.start(), m.end()
        if len(w) > 3 and w[-2] in "'\u2019" and w[-1] in "sS":
            w, en = w[:-2], en - 2
        out.append((st, en, w, norm(w)))
    return out


def _ent_labels(doc: Any) -> list[tuple[int, int, str]]:
    if doc is None:
        return []
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]


def _label_at(ents: list[tuple[int, int, str]], s: int, e: int) -> tuple[str | None, bool]:
    """NER label overlapping [s, e) and whether the entity is longer than the match."""
    for es, ee, lab in ents:
        if es < e and s < ee:
            return lab, (es < s - 4 or ee > e)
    return None, False


_FUNCTION_WORDS = {
    "and", "or", "on", "in", "at", "to", "from", "for", "with", "by", "of", "was", "were", "is", "are", "has",
    "had", "have", "said", "says", "since", "after", "before", "as", "but", "who", "which", "that", "where",
    "when", "while", "until", "during", "over", "under", "near", "into",
}
_BEARINGS = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
             "north-east", "north-west", "south-east", "south-west"}
_FORCE_NOUNS = {"forces", "troops", "army", "military", "government", "authorities", "police", "soldiers",
                "ministry", "president", "navy", "militaries", "governments", "officials"}
_COMPASS_ADJ = {"northern", "southern", "eastern", "western", "central", "northeastern", "northwestern",
                "southeastern", "southwestern", "north-eastern", "north-western", "south-eastern", "south-western"}
_ADJ = "adj:"  # evidence key prefix: adjectival country names ("US dollar") weigh in context, not as fallback
_DEM = "dem:"  # evidence key prefix: the demonyms' part of a country's evidence
_LOWER_ARTICLE = re.compile(r"(al|el|ad|ar|as|ash|at|az|an|ech|es|et)[\s-][A-Z]")  # "in el Mina"
_SEP = re.compile(r"[,;()\[\]:]")
_QUAL_AFTER = re.compile(r"\s*(\(|,\s*[A-Z])")


def detect(article: Article, gaz: Gazetteer) -> tuple[list[Mention], dict[str, float]]:
    """All toponym mentions in the article, plus country evidence from names, demonyms and cues."""
    mentions: list[Mention] = []
    evidence: defaultdict[str, float] = defaultdict(float)
    lower_text = not any(c.isupper() for c in article.text[:5000])
    maxn = min(gaz.max_tokens, 6)
    for s in article.sentences or []:
        doc = s.doc
        toks = _sentence_tokens(s.text)
        ents = _ent_labels(doc)
        # brk[k]: a comma, bracket or colon between tokens k-1 and k (a multi-token name never spans one)
        brk = [False] + [bool(_SEP.search(s.text, toks[k - 1][1], toks[k][0])) for k in range(1, len(toks))]
        i = 0
        while i < len(toks):
            ab = _abbrev_at(s.text, toks, i, gaz) if toks[i][2].isupper() else None  # "AP", "J&K"
            if ab is not None:
                n, cands = ab
                st, en = toks[i][0], toks[i + n - 1][1]
                m = Mention(s.index, s.start + st, s.start + en, s.text[st:en], toks[i][3], cands, strong=True,
                            cue="admin1", qual_pos=True, paren=_in_paren(s.text, st))
                mentions.append(m)
                i += n
                continue
            found = None
            keys = [toks[i][3]]
            for k in range(i + 1, min(i + maxn, len(toks))):
                if brk[k]:
                    break
                keys.append(keys[-1] + " " + toks[k][3])
            for n in range(len(keys), 0, -1):
                key = keys[n - 1]
                cands = gaz.lookup_key(key)
                iso = (gaz.demonyms.get(key) or gaz.cues.get(key)) if n <= 3 else None
                if cands or iso:
                    found = (n, key, cands, iso)
                    break
            if not found:
                i += 1
                continue
            n, key, cands, iso = found
            st, en = toks[i][0], toks[i + n - 1][1]
            surface = s.text[st:en]
            label, longer = _label_at(ents, st, en)
            j = i - 1 if i > 0 and toks[i - 1][3] != "the" else i - 2  # "in the Tigray region"
            prev = toks[j][3] if j >= 0 else ""
            prev2 = " ".join(t[3] for t in toks[max(0, i - 2):i])
            i += n
            area_named = bool(cands) and bool(re.match(r"\s+(region|state|province)\b", s.text[en:en + 12]))
            cue_only = key in gaz.cues and key not in gaz.demonyms  # "outside the Seray": a cue, not a town
            if iso and (not cands or prev not in _STRONG_PREPS or cue_only) and not area_named:
                k0 = i - n - 1
                if k0 >= 0 and s.text[toks[k0][1]:st] == "-" and re.match(r"\s*(border|frontier)", s.text[en:]) \
                        and (toks[k0][3] in gaz.demonyms or toks[k0][3] in gaz.country_keys):
                    continue  # "the Yemeni-Saudi border": the first-named side is where it is reported from
                if surface[:1].isupper() or lower_text:
                    led = re.match(r"-(led|backed|supported|allied|funded)", s.text[en:en + 10])
                    # a demonym or a country-bound name ("Houthis", "Taliban") is as telling as the country
                    evidence[iso] += 0.25 if led else 1.0
                    if key in gaz.demonyms:  # remembered apart: "French forces" often act abroad
                        evidence[_DEM + iso] += 0.25 if led else 1.0
                continue
            frag = "" if lower_text else _fragment(s.text, toks, i - n, i, key, gaz, _in_paren(s.text, st))
            if frag == "reject":
                continue
            after = s.text[en:en + 30]
            first_after = re.match(r"\s*([A-Za-z\-]+)", after)
            word = first_after.group(1).lower() if first_after else ""
            cue = None
            if word in CUE_ADMIN1 or prev2.endswith(("province of", "governorate of", "region of")):
                cue = "admin1"
            elif word in CUE_ADMIN2 or prev2.endswith(("district of", "county of", "municipality of")):
                cue = "admin2"
            elif word in CUE_CITY or prev2.endswith(("city of", "town of", "village of", "capital of")):
                cue = "city"
            qual_pos = bool(re.search(r"(\([^()]*|[A-Za-z]\s*,\s*)$", s.text[max(0, st - 60):st]))
            # "(Mansila, Yagha)": a qualifier slot naming a district or province is a locative frame too
            area_slot = qual_pos and any(gaz.entries[c][KIND] in ("admin1", "admin2") for c in cands)
            # "40km north of Gorom-Gorom", "east of X": a compass bearing from a place is a locative frame
            bearing = prev == "of" and prev2.split(" ")[0] in _BEARINGS
            syntactic = prev in _STRONG_PREPS or cue is not None or bool(_QUAL_AFTER.match(after)) or area_slot \
                or bearing
            # "in Split, Croatia": a common word named with its own country is the town
            named = key in _COMMON and surface[:1].isupper() and _named_with_country(after, cands, gaz)
            if not named and not _acceptable(surface, key, cands, gaz, label, syntactic, prev, st == toks[0][0],
                                             lower_text, doc, st, en):
                continue
            m = Mention(s.index, s.start + st, s.start + en, surface, key, cands, cue=cue, glued=frag == "glued")
            m.qual_pos = qual_pos
            m.locative = prev in _STRONG_PREPS or prev in _COMPASS_ADJ
            m.paren = _in_paren(s.text, st)
            m.strong = label in _PLACE_ENTS or syntactic
            # "(Dori, Seno)" is often tagged ORG as a whole, but a bracketed list names places
            m.in_actor = label in _ACTOR_ENTS and longer and prev not in _STRONG_PREPS and not m.paren
            if key in gaz.country_keys and prev == "of" and prev2.split(" ")[0] in _FORCE_NOUNS:
                m.in_actor = True  # "military forces of India and Pakistan exchanged fire at X": who, not where
            iso_here = gaz.country_keys.get(key)
            k0 = i - n - 1
            if iso_here and k0 >= 0 and s.text[toks[k0][1]:st] == "-" and re.match(r"\s*(border|frontier)", after) \
                    and (toks[k0][3] in gaz.demonyms or toks[k0][3] in gaz.country_keys):
                m.in_actor = True  # "along the Yemeni-Saudi border": a frontier, not Saudi ground
            if iso_here and (surface[:1].isupper() or lower_text):
                # "US dollar", "Turkish-backed": the country qualifies a thing, it is not where events happen
                adjectival = prev not in _STRONG_PREPS and word[:1].islower() and word not in _FUNCTION_WORDS
                m.in_actor = m.in_actor or adjectival
                evidence[iso_here] += 0.5 if m.in_actor else 1.0
                if adjectival:
                    evidence[_ADJ + iso_here] += 0.5
            mentions.append(m)
    _link_qualifiers(article, mentions)
    return mentions, evidence


def _named_with_country(after: str, cands: tuple[int, ...], gaz: Gazetteer) -> bool:
    """The text after a match is ", <Country>" and the match has a reading in that country."""
    mm = re.match(r",\s*([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)?)", after)
    iso = gaz.country_keys.get(norm(mm.group(1))) if mm else None
    return iso is not None and any(gaz.entries[c][ISO3] == iso for c in cands)


def _in_paren(text: str, st: int) -> bool:
    return bool(re.search(r"\([^()]*$", text[max(0, st - 80):st]))


def _abbrev_at(text: str, toks: list[tuple[int, int, str, str]], i: int,
               gaz: Gazetteer) -> tuple[int, tuple[int, ...]] | None:
    """An admin-unit abbreviation ("AP", "J&K") in a qualifier slot: "(Guntur, AP)", "Lucknow, UP,".

    Short capitals elsewhere are usually organisations, so only this slot is trusted."""
    if not gaz.abbrevs:
        return None
    for n in (2, 1):
        if i + n > len(toks):
            continue
        st, en = toks[i][0], toks[i + n - 1][1]
        surface = text[st:en]
        if n == 2 and text[toks[i][1]:toks[i + 1][0]] != "&":
            continue
        if not surface.isupper() or len(surface) > 5:
            continue
        cands = gaz.abbrevs.get(" ".join(t[3] for t in toks[i:i + n]))
        if not cands:
            continue
        before, after = text[:st].rstrip(), text[en:].lstrip()
        slot_before = before.endswith("(") or bool(re.search(r"[A-Za-z)]\s*,$", before))
        if slot_before and (after[:1] in (")", ",", ";", "") or (after[:1] == "." and after[1:2] in (" ", ""))):
            return n, cands
    return None


_NAME_PARTS = CUE_ADMIN1 | CUE_ADMIN2 | CUE_CITY | {"the", "and", "of", "in", "near", "at"}


def _fragment(text: str, toks: list[tuple[int, int, str, str]], a: int, b: int, key: str,
              gaz: Gazetteer, paren: bool = False) -> str:
    """A match glued to other capitalised words ("Saleem Khil", "Unidad Vecinal") is part of an unknown
    name; a big place followed by a capitalised word ("Tripoli Airport Road") still counts, except in
    a bracketed list of areas, where "(Nelson Mandela Bay, ...)" is one name.

    Returns "reject", "glued" (kept, but part of a longer name: weak against the sentence's
    other places, "Bali Doogle") or ""."""
    if key in gaz.country_keys:
        return ""

    def glued(k: int, between: str) -> bool:
        t = toks[k]
        # "Karabakh-Azerbaijani frontline", "Yemeni-Saudi border": a country word joins, it does not glue
        # a capitalised "Town" makes a longer name ("Denham Town" in Kingston is not Denham, England)
        return between in (" ", "-") and t[2][:1].isupper() and (t[3] not in _NAME_PARTS or t[2] == "Town") and \
            text[t[1]:t[1] + 1] not in ("'", "\u2019") and not (
                between == "-" and (t[3] in gaz.demonyms or t[3] in gaz.country_keys))

    def is_big(hyphen: bool) -> bool:
        big = ("country",) if hyphen else ("country", "admin1", "curated")
        sized = ("city",) if hyphen else ("city", "admin1", "admin2", "country", "curated")
        return any(((gaz.entries[c][POP] >= 100000 and gaz.entries[c][KIND] in sized) or gaz.entries[c][KIND] in big)
                   and norm(gaz.entries[c][NAME]) == key for c in gaz.lookup_key(key))

    if a > 0 and glued(a - 1, text[toks[a - 1][1]:toks[a][0]]):
        # "Mayo-Sava": part of an unknown hyphenated name; "Mogadishu-Hodan" still names Mogadishu
        if text[toks[a - 1][1]:toks[a][0]] == "-":
            return "glued" if is_big(True) else "reject"
        if a > 1:
            return "reject"
    if b < len(toks) and glued(b, text[toks[b - 1][1]:toks[b][0]]):
        return "glued" if is_big(paren or text[toks[b - 1][1]:toks[b][0]] == "-") else "reject"
    return ""


def _acceptable(surface: str, key: str, cands: tuple[int, ...], gaz: Gazetteer, label: str | None,
                syntactic: bool, prev: str, sent_initial: bool, lower_text: bool, doc: Any, st: int,
                en: int) -> bool:
    """Reject common words, people and dates that happen to share a place's name.

    The small English model often labels foreign place names PERSON or ORG, so a match in
    a locative frame ("in X", "X (A, B)", "X province") overrides those labels."""
    big = any(gaz.entries[c][KIND] in ("country", "admin1", "curated") or gaz.entries[c][POP] >= 50000
              for c in cands)
    if label in _BAD_ENTS and not ((syntactic or big) and label in _NER_NOISE):
        return False
    is_country = key in gaz.country_keys
    if len(key) < 3 and not (is_country and surface.isupper()):
        return False
    words = key.split()
    if len(words) == 1 and key in _COMMON:
        return False
    if lower_text:
        return prev in _STRONG_PREPS and key not in _COMMON and big and len(key) >= 4
    if not surface[:1].isupper() and not _LOWER_ARTICLE.match(surface):
        return False
    if surface.isupper() and len(surface) <= 4 and not is_country:
        return False  # acronyms (OSCE, SMM) are organisations
    if doc is not None and label not in _PLACE_ENTS and not syntactic:
        span = doc.char_span(st, en, alignment_mode="expand")
        if span is not None and not any(t.pos_ == "PROPN" for t in span) and not is_country:
            return False
    if sent_initial and label not in _PLACE_ENTS and not is_country and not big and len(words) == 1:
        return False
    if is_country and doc is not None and not syntactic and _modifier(doc, st, en):
        return False  # "several US and Iraqi service members": a nationality, not where it happened
    return True


def _modifier(doc: Any, st: int, en: int) -> bool:
    """Is the name a modifier of a noun ("US soldiers", "US and Iraqi troops"), not a noun phrase?"""
    span = doc.char_span(st, en, alignment_mode="expand")
    if span is None:
        return False
    tok = span.root
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    return tok.dep_ in ("compound", "amod", "nmod") and tok.head.pos_ in ("NOUN", "PROPN") and tok.head.i > tok.i


_NM = r"[A-Z][\w'\u2019.-]*"
_NAMES = rf"{_NM}(?:\s+(?:{_NM}|de|del|la|el|al|di|da|do|imeni|i|e))*"
_CUEW = (r"(?:village|town|city|district|area|neighbourhood|neighborhood|camp|subdivision|lga|county|"
         r"municipality|locality|commune|region|province|sector|department|community|territory)")
# "Bali Doogle village (A, B)", "Shakhta imeni Gagarina, A": the match is the start of a longer unknown name
_CONT_GAP = re.compile(rf"[ -](?:(?:imeni|de|del|la|el|al|di|da|do|i|e)\s+)?{_NAMES}(?:\s+{_CUEW}){{0,2}}\s*"
                       rf"(?:,|\()\s*(?:{_NAMES}(?:\s+{_CUEW})?\s*,\s*)?")
# "Logo (Mahagi, Ituri)", "New Brighton (Nelson Mandela Bay, Eastern Cape)": an unknown name opens the bracket
_PAREN_GAP = re.compile(rf"\s*(?:{_CUEW}\s*){{0,2}}\(\s*{_NAMES}(?:\s+{_CUEW})?\s*,\s*")
_INNER_GAP = re.compile(rf",\s*{_NAMES}(?:\s+{_CUEW})?\s*,\s*")


def _link_qualifiers(article: Article, mentions: list[Mention]) -> None:
    """Attach "A" and "B" of "X, A" / "X (A, B)" / "X in A" to X as qualifiers.

    Unknown names in between do not break the chain when the brackets or the name's own
    continuation show it is one place description ("Logo (Mahagi, Ituri)")."""
    text = article.text
    for j, m in enumerate(mentions):
        if m.qualifier_of is not None:
            continue
        last = m
        for q in mentions[j + 1:j + 3]:
            gap = text[last.end:q.start]
            if q.sentence != m.sentence or len(gap) > 40:
                break
            g = gap.strip().lower()
            if last is m and _CONT_GAP.fullmatch(gap) and not _PAREN_GAP.fullmatch(gap):
                m.partial = True
                q.qualifier_of = m
                m.quals.append(q)
                last = q
            elif (last is m and _PAREN_GAP.fullmatch(gap)) or \
                    (last is not m and _INNER_GAP.fullmatch(gap) and _in_paren(text, last.start)):
                q.qualifier_of = m
                m.quals.append(q)
                last = q
            elif re.fullmatch(r"[,(]\s*|,\s*(and\s+)?|\(|,?\s*\(|", g) or \
                    re.fullmatch(r"((village|town|city|district|area|neighbourhood|neighborhood|camp|"
                                 r"subdivision|lga|county|municipality|locality|commune|region|province|"
                                 r"sector|department)\s*){0,2}[,(]\s*(in\s+|of\s+)?", g) or \
                    re.fullmatch(r"(city|town|village|district|neighbourhood|neighborhood|suburb|area)?\s*(of|in)", g):
                q.qualifier_of = m
                m.quals.append(q)
                last = q
            else:
                break


def _haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def _qual_match(e: tuple[Any, ...], q: Mention, gaz: Gazetteer) -> float:
    """How well qualifier q fits candidate e: its admin1/admin2/country named by q."""
    keys = {q.key}
    for c in q.cands:
        qe = gaz.entries[c]
        if qe[KIND] in ("admin1", "admin2", "country"):
            keys.add(norm(qe[NAME]))
    a1 = norm(e[ADMIN1]) if e[ADMIN1] else ""
    a2 = norm(e[ADMIN2]) if e[ADMIN2] else ""
    country = gaz.countries.get(e[ISO3] or "", ("",))[0]
    for k in keys:
        if a1 and (k == a1 or (len(k) >= 4 and (a1.startswith(k) or k.startswith(a1)))):
            return 6.0
        if a2 and (k == a2 or (len(k) >= 4 and (a2.startswith(k) or k.startswith(a2)))):
            return 5.0
        if country and k == norm(country):
            return 5.0
    if any(gaz.entries[c][ISO3] == e[ISO3] for c in q.cands):
        iso_q = {gaz.entries[c][ISO3] for c in q.cands}
        return 2.5 if len(iso_q) == 1 else 1.0
    return 0.0


def _score(m: Mention, ci: int, gaz: Gazetteer, share: dict[str, float],
           anchors: list[tuple[float, float, str]]) -> float:
    e = gaz.entries[ci]
    kind = e[KIND]
    pop = e[POP] / 20 if kind == "admin1" else e[POP]  # an area's summed population is not a city's
    s = 0.6 * math.log10(max(pop, 0) + 10)
    if kind == "country":
        s += 4.0
    elif kind == "curated":
        s += 3.0
    elif kind == "admin1":
        s -= 0.5  # a bare name more often means the town than the province named after it
    elif kind == "admin2":
        s -= 0.8
    if norm(e[NAME]) == m.key:
        s += 0.3
    s += 5.0 * share.get(e[ISO3], 0.0)
    for q in m.quals:
        s += _qual_match(e, q, gaz)
    if (m.qualifier_of is not None or m.qual_pos) and kind in ("admin1", "admin2", "country"):
        s += 1.5  # a trailing qualifier names an area more often than a town
        if m.paren:
            s += 1.5  # "(Diguel, Soum)": a bracketed list names the district and province
    if m.cue == "admin1":
        s += 3.0 if kind in ("admin1", "curated") else -1.0
    elif m.cue == "admin2":
        s += 2.0 if kind == "admin2" else (0.5 if kind == "city" else -0.5)
    elif m.cue == "city":
        s += 1.5 if kind == "city" else -1.0
    others = [a for a in anchors if a[2] != m.key] if anchors else ()  # not its own first reading
    if others and e[LAT] is not None and kind not in ("country",):
        d = min(_haversine((e[LAT], e[LON]), (a[0], a[1])) for a in others)
        s += 2.0 if d < 100 else (1.0 if d < 300 else 0.0)
    return s


def _located(evidence: dict[str, float]) -> dict[str, float]:
    """Country evidence less its adjectival part ("US dollar" says nothing about where things happen)."""
    out = {k: v - evidence.get(_ADJ + k, 0.0) for k, v in evidence.items() if ":" not in k}
    return {k: v for k, v in out.items() if v > 0}


def _shares(ev: dict[str, float]) -> dict[str, float]:
    tot = sum(ev.values()) + 1.0  # one pseudo-count: a single weak hint is not certainty
    return {k: v / tot for k, v in ev.items()}


def resolve(mentions: list[Mention], evidence: dict[str, float], gaz: Gazetteer) -> dict[str, float]:
    """Pick each mention's entry in two passes; returns the article's country shares."""
    ev: defaultdict[str, float] = defaultdict(float, _located(evidence))
    for m in mentions:  # unambiguous-country mentions count as evidence too
        isos = {gaz.entries[c][ISO3] for c in m.cands if gaz.entries[c][ISO3]}
        if len(isos) == 1:
            ev[next(iter(isos))] += 0.25 if m.in_actor else 0.5
    share = _shares(ev)
    anchors: list[tuple[float, float, str]] = []
    # each name's first-pass votes, left out of its own context: "Tripoli" said three times is one voice
    own: defaultdict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    ev2: defaultdict[str, float] = defaultdict(float)
    ctx_cache: dict[str, dict[str, float]] = {}

    def ctx_of(m: Mention) -> dict[str, float]:
        if m.key not in own:
            return share
        if m.key not in ctx_cache:
            ctx_cache[m.key] = _without(ev2, own[m.key])
        return ctx_cache[m.key]

    for rnd in range(2):
        for m in mentions:
            ctx = ctx_of(m) if rnd else share
            best, bs = None, -1e9
            for c in m.cands:
                sc = _score(m, c, gaz, ctx, anchors if rnd else [])
                if sc > bs:
                    best, bs = c, sc
            m.best, m.score = best, bs
        if rnd == 0:
            ev2 = defaultdict(float, _located(evidence))
            pts = []
            for m in mentions:
                if m.best is None:
                    continue
                e = gaz.entries[m.best]
                if e[ISO3] and not m.in_actor:
                    w = 1.0 if m.strong else 0.5
                    if e[KIND] == "city" and _weak(m, e):
                        w *= 0.5  # a village namesake ("Svoboda") must not outvote a city ("Cherkasy")
                    ev2[e[ISO3]] += w
                    own[m.key][e[ISO3]] += w
                # anchors: places one namesake cannot explain, so two tiny namesakes abroad
                # ("Kingston" and "Denham" in England) do not pull each other in
                if e[KIND] in ("city", "curated") and e[LAT] is not None and m.strong and \
                        (e[KIND] == "curated" or not _weak(m, e)):
                    pts.append((e[LAT], e[LON], m.key))
            share = _shares(ev2)
            anchors = pts[:20]
    # "Saada province" where only the town carries that spelling: take the town's province
    for m in mentions:
        if m.best is not None and m.cue == "admin1" and gaz.entries[m.best][KIND] == "city":
            e = gaz.entries[m.best]
            for c in gaz.lookup_key(norm(e[ADMIN1] or "")):
                if gaz.entries[c][KIND] == "admin1" and gaz.entries[c][ISO3] == e[ISO3]:
                    m.best = c
                    break
    for m in mentions:
        if m.qualifier_of is None and m.quals:
            _resolve_chain(m, gaz, share, anchors)
            _far_from_its_area(m, gaz)
    # demonyms count half there: "French forces" often act abroad, "Palestinian man" is local
    _cohere(mentions, gaz, {k: v - 0.5 * evidence.get(_DEM + k, 0.0) for k, v in _located(evidence).items()},
            ctx_of, anchors)
    # weak single-word hits far from the article's geography are more likely common words
    for m in mentions:
        if m.best is None:
            continue
        e = gaz.entries[m.best]
        if not m.strong and e[KIND] == "city" and share.get(e[ISO3], 0.0) < 0.2 and e[POP] < 100000:
            m.best = None
    return share


def _far_from_its_area(m: Mention, gaz: Gazetteer) -> None:
    """'Orikhove, Luhansk' read as an Orikhove 500 km from Luhansk is another village of that name: the
    one meant is missing from the gazetteer, so the event falls to the area that qualifies it."""
    if m.best is None or gaz.entries[m.best][KIND] != "city" or gaz.entries[m.best][LAT] is None:
        return
    e = gaz.entries[m.best]
    for q in m.quals:
        if q.best is None or q.best in gaz.vague:
            continue
        a = gaz.entries[q.best]
        if a[ISO3] != e[ISO3] or a[KIND] not in ("admin1", "admin2") or a[LAT] is None or _qual_match(e, q, gaz) >= 5:
            continue
        if _haversine((e[LAT], e[LON]), (a[LAT], a[LON])) > (400 if a[KIND] == "admin1" else 150):
            m.best = None
            return


def _weak(m: Mention, e: tuple[Any, ...]) -> bool:
    """A town reading that one namesake could explain: small, matched by an alternate name, or only the
    start of a longer unknown name."""
    return e[POP] < 100000 or m.glued or m.partial or norm(e[NAME]) != m.key


def _chain_backed(m: Mention, iso: str, gaz: Gazetteer) -> bool:
    """Another part of m's own "X, A" / "X (A, B)" chain resolved in the same country."""
    parts = [*m.quals, *([m.qualifier_of] if m.qualifier_of is not None else [])]
    return any(p.best is not None and gaz.entries[p.best][ISO3] == iso for p in parts)


def _without(ev: dict[str, float], mine: dict[str, float]) -> dict[str, float]:
    """Country shares of `ev` less one name's own votes."""
    return _shares({k: v - mine.get(k, 0.0) for k, v in ev.items() if v - mine.get(k, 0.0) > 0})


def _cohere(mentions: list[Mention], gaz: Gazetteer, located: dict[str, float], ctx_of: Any,
            anchors: list[tuple[float, float, str]]) -> None:
    """Towns that disagree with the country the rest of the sentence or article points to.

    A sentence whose districts, provinces and qualifier slots agree on one country takes a
    town's namesake there ("AK-56 Rifle ... (Imphal West district, Manipur)" is not Rifle, USA);
    a town alone in its country against an article firmly about another one (names, demonyms, areas,
    towns no namesake explains) does the same. Without a
    namesake there, a weak reading (small, alternate spelling, fragment of a longer name) is dropped
    and the event falls to the places that agree."""
    by_sent: defaultdict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.best is not None and not m.in_actor:
            by_sent[m.sentence].append(m)
    for ms in by_sent.values():
        votes: defaultdict[str, float] = defaultdict(float)
        for m in ms:
            e = gaz.entries[m.best]  # type: ignore[index]
            if m.best in gaz.vague or not e[ISO3] or m.glued or m.partial or m.cue == "city":
                continue
            if e[KIND] in ("admin1", "admin2"):
                # a name that is an area in several countries ("North-West") is a split vote
                votes[e[ISO3]] += 1.0 / max(1, len({gaz.entries[c][ISO3] for c in m.cands
                                                    if gaz.entries[c][KIND] in ("admin1", "admin2")}))
            elif m.quals and any(q.best is not None and gaz.entries[q.best][ISO3] == e[ISO3]
                                 and gaz.entries[q.best][KIND] in ("admin1", "admin2") for q in m.quals):
                votes[e[ISO3]] += 1.0  # "Tamale (Tamale, Northern)" read as one place
            elif m.qualifier_of is not None or (m.qual_pos and e[KIND] == "country"):
                votes[e[ISO3]] += 0.5
        top = sorted(votes.items(), key=lambda kv: -kv[1])[:2]
        if not top or top[0][1] < 1.0 or (len(top) > 1 and top[0][1] < 2 * top[1][1]):
            continue
        y = top[0][0]
        for m in ms:
            e = gaz.entries[m.best]  # type: ignore[index]
            if e[KIND] not in ("city", "admin1", "admin2") or e[ISO3] == y or _chain_backed(m, e[ISO3], gaz):
                continue
            # an area abroad ("Dara" as Syria's Daraa beside "Sufi Bala district, Samangan") is only re-read
            _move(m, y, e[KIND] == "city" and _weak(m, e), gaz, ctx_of(m), anchors)
    # what the article firmly says, as now read: country-bound names (cues), areas, towns no namesake
    # explains; demonyms at half weight ("French forces" in Burkina Faso, "Turkish drones" over Iraq)
    firm: defaultdict[str, float] = defaultdict(float, located)
    own: defaultdict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    for m in mentions:
        if m.best is not None and not m.in_actor:
            e = gaz.entries[m.best]
            # a country named in passing ("integration with Russia") says little about where things happen:
            # its name's share of the evidence is taken back out
            if e[KIND] == "country" and not m.qual_pos and not m.locative:
                if m.key in gaz.country_keys:
                    firm[e[ISO3]] = max(0.0, firm[e[ISO3]] - (0.5 if m.in_actor else 1.0))
                continue
            if e[ISO3] and (e[KIND] != "city" or not _weak(m, e)):
                firm[e[ISO3]] += 1.0 if m.strong else 0.5
                own[m.key][e[ISO3]] += 1.0 if m.strong else 0.5
    for m in mentions:
        if m.best is None or m.in_actor:
            continue
        e = gaz.entries[m.best]
        if e[KIND] not in ("city", "admin1", "admin2") or _chain_backed(m, e[ISO3], gaz):
            continue
        ctx = _without(firm, own[m.key])
        if ctx.get(e[ISO3], 0.0) >= 0.1 or not ctx:
            continue
        y = max(ctx, key=lambda k: ctx[k])
        if ctx[y] >= 0.4:
            # a big town spelled its own way stays; an alternate spelling or a name fragment does not;
            # against an article clearly about elsewhere, neither does a mid-sized town or an area
            loose = m.glued or m.partial or norm(e[NAME]) != m.key
            if e[KIND] == "city":
                drop = _weak(m, e) and (e[POP] < 50000 or loose or ctx[y] >= 0.6)
            else:
                drop = ctx[y] >= 0.6
            _move(m, y, drop, gaz, ctx_of(m), anchors)


def _move(m: Mention, iso: str, drop: bool, gaz: Gazetteer, ctx: dict[str, float],
          anchors: list[tuple[float, float, str]]) -> None:
    """Re-read m in country iso when it has a reading there; else drop it when `drop`."""
    there = [c for c in m.cands if gaz.entries[c][ISO3] == iso]
    if there:
        m.best = max(there, key=lambda c: _score(m, c, gaz, ctx, anchors))
    elif drop:
        m.best = None


_AREA_KINDS = ("admin1", "admin2", "country", "curated")


def _resolve_chain(m: Mention, gaz: Gazetteer, share: dict[str, float],
                   anchors: list[tuple[float, float, str]]) -> None:
    """Read "X, A" / "X (A, B)" as one place: all parts in the country the chain points to.

    The head counts 1 per country it can be read in, a qualifier 1.2 through an area reading (any
    reading inside brackets) and 0.5 through a town reading. The chain overrides the parts' own
    readings only when an area qualifier backs the winning country or the head already read it
    there, so a plain list ("Paris, London") is left alone. Parts with no reading in that country
    are unknown local names matching a place abroad ("Goyali, Gadabay"): they are dropped, and the
    event falls to the part that resolved."""
    weight: dict[str, float] = defaultdict(float)
    total: dict[str, float] = defaultdict(float)
    backed: set[str] = set()
    parts: list[Mention] = []
    # a town of some size, spelled as the gazetteer spells it, with no namesake of comparable size
    # abroad, is as telling as an area qualifier: "Montego Bay, Saint James Parish" stays in Jamaica
    top = max((c for c in m.cands if gaz.entries[c][KIND] == "city" and norm(gaz.entries[c][NAME]) == m.key),
              key=lambda c: gaz.entries[c][POP], default=None)
    solid = top is not None and gaz.entries[top][POP] >= 40000 and not m.partial and all(
        gaz.entries[c][POP] < 5000 for c in m.cands
        if gaz.entries[c][ISO3] != gaz.entries[top][ISO3] and gaz.entries[c][KIND] == "city")
    # a curated spot is named on purpose: "the al Nour square in Tripoli" keeps the square's country
    solid = solid or any(gaz.entries[c][KIND] == "curated" and c not in gaz.vague for c in m.cands)
    for q in (m, *m.quals):
        if not q.cands:
            continue
        repeat = any(p.key == q.key for p in parts)  # "Diguel (Diguel, Soum)": one name, one vote
        parts.append(q)
        if repeat:
            continue
        best_in: dict[str, tuple[float, float]] = {}
        area_isos = {gaz.entries[c][ISO3] for c in q.cands if gaz.entries[c][KIND] in _AREA_KINDS}
        for c in q.cands:
            e = gaz.entries[c]
            iso = e[ISO3]
            if not iso:
                continue
            if q is m:
                w = 1.5 if solid else 1.0
            elif e[KIND] in _AREA_KINDS or (q.paren and not area_isos):
                # a bracketed name is read as an area ("(Diguel, Soum)"); where it is one somewhere, its
                # towns elsewhere do not back their country ("Martinez (Buenos Aires)" is not in Mexico)
                w = 1.2 if len(area_isos) <= 2 else 1.0  # "North-West" names areas in four countries
            else:
                w = 0.5
            sc = _score(q, c, gaz, share, anchors)
            old = best_in.get(iso, (0.0, -1e9))
            best_in[iso] = (max(old[0], w), max(old[1], sc))
        for iso, (w, sc) in best_in.items():
            weight[iso] += w
            total[iso] += sc
            if w > 1.0:
                backed.add(iso)
    if len(parts) < 2 or not weight:
        return
    iso = max(weight, key=lambda k: (k in backed, round(weight[k], 2), total[k]))
    own = gaz.entries[m.best] if m.best is not None else None
    if m.best in gaz.vague:
        return  # "across the LoC in Kotli (AJK)": the frontier is not qualified, the spot is
    if iso not in backed and (own is None or iso != own[ISO3]):
        return
    # a list names big places ("Moscow, Kiev"); a small area after a big name qualifies it ("Valencia, Sangre Grande")
    listed = any(gaz.entries[c][ISO3] == iso and (gaz.entries[c][KIND] in ("country", "curated") or (
        gaz.entries[c][KIND] in ("city", "admin1") and gaz.entries[c][POP] >= (100000 if gaz.entries[c][KIND] == "city"
                                                                              else 2000000)))
        for q in m.quals for c in q.cands)
    if own is not None and own[ISO3] != iso and weight[iso] < 2.0 and listed \
            and m.cue not in ("admin1", "admin2") and not m.partial and not any(q.paren for q in m.quals) \
            and not m.glued and (own[KIND] in ("country", "curated") or (own[KIND] == "city" and own[POP] >= 100000)):
        return  # "Moscow, Kiev" is a list: one qualifier does not move a big place abroad (but "X district, A" does)
    for q in parts:
        same = [c for c in q.cands if gaz.entries[c][ISO3] == iso]
        if same:
            q.best = max(same, key=lambda c: _score(q, c, gaz, share, anchors))
        elif iso in backed:
            q.best = None  # an unbacked chain ("Nima area of Tamale") drops nobody


def _metonymy(m: Mention, doc: Any, sent_start: int) -> bool:
    """'Washington said', 'Moscow accused': a place name as the subject of a political verb is an actor."""
    if doc is None:
        return False
    span = doc.char_span(m.start - sent_start, m.end - sent_start, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    if root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() in _ACTOR_VERBS:
        return True
    if root.dep_ == "poss" and root.head.dep_ != "pobj":  # "Nairobi's decision", not "in Nairobi's centre"
        return True
    if root.dep_ == "compound" and root.head.lemma_.lower() in {"government", "official", "authority",
                                                                  "administration", "regime", "leader"}:
        return True
    return False


def to_place(e: tuple[Any, ...], gaz: Gazetteer, surface: str | None = None) -> Place:
    """Contract place; a capitalised surface form names a city or site as the text spells it."""
    admin1 = e[ADMIN1] if e[KIND] != "country" else None
    name = surface if surface and surface[:1].isupper() and e[KIND] == "city" else e[NAME]
    return Place(name=name, country=e[ISO3], admin1=admin1, lat=e[LAT], lon=e[LON],
                 geonames_id=int(e[GID]) if e[GID] is not None else None, precision=e[PREC])


@dataclass
class ArticlePlaces:
    """Resolved mentions of one article, ready to hand out per event."""

    mentions: list[Mention]
    share: dict[str, float]
    gaz: Gazetteer
    fallback: dict[str, float] = field(default_factory=dict)  # evidence fit for a country-level answer

    def usable(self) -> list[Mention]:
        return [m for m in self.mentions if m.best is not None and not m.actor and not m.in_actor]

    def for_event(self, article: Article, ev: Event) -> Place | None:
        use = self.usable()
        si = ev.sentence_index
        in_sent = [m for m in use if m.sentence == si]
        pick = self._attached(article, ev, in_sent) if in_sent else None
        if pick is None and in_sent:
            pick = min(in_sent, key=self._specificity)
        if pick is None:
            para = article.sentences[si].paragraph if article.sentences else 0
            near = [m for m in use if article.sentences and article.sentences[m.sentence].paragraph == para]
            if near:
                # the closest preceding sentence first, then the closest following one
                pick = min(near, key=lambda m: (abs(m.sentence - si) + (0.5 if m.sentence > si else 0),
                                                self._specificity(m)))
        if pick is None:
            return self.dominant()
        main = self._inner(self._main(pick))
        return to_place(self.gaz.entries[main.best], self.gaz, main.text)  # type: ignore[index]

    def _inner(self, m: Mention) -> Mention:
        """A country or province followed by its own finer places stands for the finest of them:
        "in western Yemen (Hays, Al Hudaydah)" happened in Hays."""
        e = self.gaz.entries[m.best]  # type: ignore[index]
        if e[KIND] not in ("country", "admin1"):
            return m
        finer = [q for q in m.quals if q.best is not None and not q.actor and q.best not in self.gaz.vague
                 and self._specificity(q)[0] < _PREC_RANK.get(e[PREC], 5)
                 and self.gaz.entries[q.best][ISO3] == e[ISO3]]
        return min(finer, key=self._specificity) if finer else m

    def _main(self, m: Mention) -> Mention:
        """A qualifier stands for the place it qualifies when that one resolved too."""
        while m.qualifier_of is not None and m.qualifier_of.best is not None and not m.qualifier_of.actor \
                and m.qualifier_of.best not in self.gaz.vague:
            m = m.qualifier_of
        return m

    def _specificity(self, m: Mention) -> tuple[int, int]:
        e = self.gaz.entries[m.best]  # type: ignore[index]
        return (6 if m.best in self.gaz.vague else _PREC_RANK.get(e[PREC], 5), m.start)

    def _attached(self, article: Article, ev: Event, cands: list[Mention]) -> Mention | None:
        """The mention closest to the trigger in the dependency tree, preferring locative phrases."""
        s = article.sentences[ev.sentence_index] if article.sentences else None
        doc = s.doc if s is not None else None
        if s is None or doc is None or ev._trigger_i < 0 or ev._trigger_i >= len(doc):
            return None
        trig = doc[ev._trigger_i]
        trig_anc = {t.i: d for d, t in enumerate([trig, *trig.ancestors])}
        best, bs = None, 1e9
        for m in cands:
            span = doc.char_span(m.start - s.start, m.end - s.start, alignment_mode="expand")
            if span is None:
                continue
            node = span.root
            dist, path = 0, [node]
            while node.i not in trig_anc and node.head.i != node.i:
                node = node.head
                path.append(node)
                dist += 1
            if node.i not in trig_anc:
                dist += 20  # different tree fragment
            else:
                dist += trig_anc[node.i]
            cost = float(dist)
            if any(t.lower_ in LOC_PREPS and t.dep_ == "prep" for t in path[1:]):
                cost -= 1.5
            elif span.root.dep_ == "compound" or span.root.dep_ in ("dobj", "pobj"):
                cost -= 0.5
            if m.qualifier_of is not None:
                cost += 0.5
            e = self.gaz.entries[m.best]  # type: ignore[index]
            cost += 0.1 * _PREC_RANK.get(e[PREC], 5)
            if m.best in self.gaz.vague:
                cost += 2.5  # "across the LoC at X (Haveli district, AJK)": the named spot says which side
            if cost < bs:
                best, bs = m, cost
        return best

    def dominant(self) -> Place | None:
        """The article's main place: its most-mentioned specific place, else its main country."""
        use = self.usable()
        if not use:
            if self.fallback:
                iso = max(self.fallback, key=lambda k: self.fallback[k])
                e = self.gaz.country_entry(iso)
                return to_place(e, self.gaz) if e else None
            return None
        counts = Counter(b for b in (self._main(m).best for m in use) if b is not None)
        top = max(counts, key=lambda k: (counts[k], -_PREC_RANK.get(self.gaz.entries[k][PREC], 5)))
        return to_place(self.gaz.entries[top], self.gaz)


def analyse(article: Article, gaz: Gazetteer) -> ArticlePlaces:
    """Detect and resolve every toponym of the article once; events then pick from the result."""
    mentions, evidence = detect(article, gaz)
    share = resolve(mentions, evidence, gaz)
    sents = article.sentences or []
    for m in mentions:
        s = sents[m.sentence]
        m.actor = _metonymy(m, s.doc, s.start)
    fallback = _located(evidence)
    for m in mentions:
        if m.best is not None and not m.in_actor and gaz.entries[m.best][ISO3]:
            fallback[gaz.entries[m.best][ISO3]] = fallback.get(gaz.entries[m.best][ISO3], 0.0) + 1.0
    return ArticlePlaces(mentions, share, gaz, fallback)
