"""Actor resolution: alias index, compound actors, metonymy, and in-article coreference.

One Aho-Corasick automaton holds every alias of the knowledge base (folded to lower case,
length-preserving so offsets stay valid). A sentence is scanned once; matches are checked
for word boundaries and case (short all-caps acronyms such as KH, IS or PKK must match
exactly unless the whole text is lower-cased), reduced to the longest non-overlapping spans,
and then combined: country + generic agent ("Syrian regime forces"), "pro-Iran militants",
title + person ("President Biden"), organization + generic ("Taliban fighters").
Coreference ("the group", "its leader", acronyms defined in parentheses, pronouns) uses
a small per-article context kept in `article.meta["_actors"]`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import ahocorasick

from ..model import Actor, Article, Mention
from .kb import Entry, Role

# --------------------------------------------------------------------------- text folding

_FOLD: dict[int, str] = {}


def _fold_char(ch: str) -> str:
    if ch in "\u2018\u2019\u02bc\u02bb`\u00b4":
        return "'"
    if ch in "\u2010\u2011\u2012\u2013\u2014":
        return "-"
    base = unicodedata.normalize("NFKD", ch)[:1].lower()
    return base if len(base) == 1 and base.isascii() else ch.lower()[:1] or ch


def fold(text: str) -> str:
    """Lower-case and strip accents, one output character per input character."""
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch.lower())
            continue
        c = _FOLD.get(ord(ch))
        if c is None:
            c = _FOLD[ord(ch)] = _fold_char(ch)
        out.append(c if len(c) == 1 else ch)
    return "".join(out)


# words that are common English in lower case: an acronym or name equal to one of these is
# only matched in lower-cased text when it is not used as a word
_COMMON = frozenset(
    """us is it an as at in on or no so do go he me my we be by to of up am pm raw mit sac cts
may will rice bush chad turkey jordan guinea power hope just law mint sun job jobs arm arms ana sdf set
tsk bsf car npc dss ndf laf cia all one two hamas art pla kpa nda isi ira eta""".split()
)

_PREP_BEFORE = frozenset(
    """in at to from near into outside around across via toward towards through over within
inside between of on visit visited visiting visits left reached arrived returning returned flew fly
based embassy""".split()
)
_STOP_INITIALS = frozenset("of the and for de la del al el le des du y et in on".split())

# generic agents that make the term before them the head ("army commanders", "police officials")
_MEMBER_TERMS = frozenset(
    """officers officer officials official spokesman spokeswoman spokesperson leaders leader
commanders commander members supporters fighters forces force troops units personnel men chief chiefs staff
agents soldiers gunmen militants militiamen guards""".split()
)
# collective or quantity nouns whose "of" complement is the real head ("a crowd of protesters")
_COLLECTIVE = frozenset(
    """crowd crowds group groups members member dozens hundreds thousands scores number
numbers band team unit units squad contingent convoy delegation elements remnants handful bunch some many
several most all part section wing faction leader leaders head chief spokesman commander commanders
representatives representative supporters loyalists cell cells column columns positions position
one two three four five""".split()
)
_LOYAL = re.compile(
    r"\b(?:loyal to|linked to|affiliated with|allied (?:with|to)|belonging to|aligned with|"
    r"associated with|from|of|backed by|supported by)\s+(?:the\s+)?$"
)
_PATRON_BEFORE = re.compile(r"\bpro[- ]$")
_PATRON_GAP = re.compile(
    r"^-?\s*(backed|sponsored|supported|allied|aligned|funded|armed|trained|affiliated)$"
)
_LED_GAP = re.compile(r"^-?\s*led$")
_FILLERS = frozenset(
    """vice deputy assistant
's s' security special federal national state local provincial regional senior top former
elite armed anti-riot riot border government-backed government-allied loyalist regime regular official
newly new some other the royal islamic interim transitional de facto acting ruling military""".split()
)
_CUT = re.compile(
    r"(?:,|\(|\b(?:who|which|whose|that|in|at|near|on|from|with|during|after|before|since|inside|"
    r"outside|across|around|by|to|under|over|for|against|into|loyal|linked|affiliated|"
    r"belonging|allied|backed|supported|carrying|armed with|wearing|when|while|as)\b)"
)
_DET = re.compile(
    r"^(?:(?:the|a|an|some|several|many|most|all|both|these|those|this|that|his|her|its|their|"
    r"at least|at most|more than|less than|fewer than|about|around|nearly|almost|over|up to|"
    r"some|other|another|two|three|four|five|six|seven|eight|nine|ten|dozens of|hundreds of|"
    r"thousands of|scores of|[0-9][0-9,.]*)\s+)+"
)

_COREF_NP = re.compile(
    r"\b(?:the|this|that)\s+(group|militia|organisation|organization|movement|faction|outfit|"
    r"rebels|rebel group|militants|insurgents|guerrillas|party|network|alliance|coalition|"
    r"jihadists|extremist group|militant group|armed group|terrorist group|insurgent group)\b"
)
_COREF_POSS = re.compile(
    r"\b(?:its|their|the group's|the militia's|the organisation's|the organization's|"
    r"the movement's)\s+(leader|leaders|chief|head|spokesman|spokesperson|founder|commander|"
    r"commanders|fighters|members|militants|forces|men|leadership|military wing|troops|soldiers|army|"
    r"military|government|police|navy|air force|diplomats|officials)\b"
)
_NAME_AFTER = re.compile(
    r"\s+((?:(?:[A-Z][\w'’.-]*|(?:al|el|bin|ibn|de|da|van|von|der|dos|del|le|la)-?)\s*){0,4}"
    r"[A-Z][\w'’-]*[a-z][\w'’-]*)(?![\w'-])"
)
_ETHNIC = re.compile(r"[A-Z][a-z]+(?:s|ns|is)")
_MODIFIER_BEFORE = re.compile(r"(?<![\w'-])([A-Z][A-Za-z0-9]{1,5}|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+\Z")
_NOT_NAMES = frozenset(
    """The A An This That These Those Some Several Many Two Three Four Five Six Seven Eight Nine Ten Dozens
Hundreds Thousands Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March
April May June July August September October November December Local Armed Unidentified Unknown
Suspected Government Rebel Security Several Other Both All Masked Heavily Hundreds Islamist Jihadist
Foreign Allied Enemy Opposition Army Police Military Tribal Ethnic Religious Sunni Shia Shiite
Muslim Christian Kurdish Arab Pro Anti""".split()
)
_ARMED = ("REB", "UAF", "PRM", "MIL")
_BARE_ARMED = frozenset("militants insurgents rebels fighters jihadists guerrillas".split())
_PLURAL_ENDINGS = ("s", "police", "people", "militia", "men", "children", "clergy", "youth", "military")
_NOT_PLURAL = frozenset("us united states philippines netherlands bahamas comoros maldives seychelles".split())
_NAME_LINK = frozenset("of the for and de del la al el du des on".split())
_PRONOUN = re.compile(r"^(?:he|she|they|him|her|them|it)$")
_ACRONYM_DEF = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9&-]{1,9})\s*\)")
_WORD = re.compile(r"[\w'\u2019.&-]+")

_TITLE_SYN = {
    "premier": "prime minister",
    "pm": "prime minister",
    "defense minister": "defence minister",
    "defense secretary": "defence minister",
    "defence secretary": "defence minister",
    "secretary of defense": "defence minister",
    "minister of defence": "defence minister",
    "minister of defense": "defence minister",
    "foreign secretary": "foreign minister",
    "secretary of state": "foreign minister",
    "minister of foreign affairs": "foreign minister",
    "head of state": "president",
    "interior secretary": "interior minister",
    "home secretary": "interior minister",
    "minister of interior": "interior minister",
    "head of government": "prime minister",
    "monarch": "king",
    "vice-president": "vice president",
}

_GUESS = (  # (keyword in an unknown name, kind, sector)
    (
        (
            "front",
            "army",
            "brigade",
            "brigades",
            "battalion",
            "battalions",
            "militia",
            "liberation",
            "mujahideen",
            "jihad",
            "forces",
            "martyrs",
            "guerrilla",
            "commando",
            "resistance",
            "ansar",
            "jaish",
            "liwa",
            "fighters",
            "insurgents",
            "rebels",
        ),
        "armed_group",
        "REB",
    ),
    (("party", "alliance", "bloc", "coalition", "congress", "league", "movement"), "organization", "PTY"),
    (
        (
            "ministry",
            "government",
            "council",
            "cabinet",
            "presidency",
            "agency",
            "department",
            "commission",
            "office",
            "authority",
        ),
        "organization",
        "GOV",
    ),
    (("police", "gendarmerie", "guard"), "organization", "COP"),
    (("court", "tribunal", "prosecutor"), "organization", "JUD"),
    (("parliament", "assembly", "senate"), "organization", "LEG"),
    (("union", "federation", "syndicate", "workers"), "organization", "LAB"),
    (
        ("bank", "company", "corporation", "corp", "inc", "ltd", "group", "holdings", "airlines", "oil"),
        "organization",
        "BUS",
    ),
    (("university", "school", "college", "students"), "organization", "EDU"),
    (("church", "mosque", "diocese", "clergy", "islamic", "catholic"), "organization", "REL"),
    (("news", "times", "post", "television", "tv", "radio", "press", "agency"), "organization", "JRN"),
    (
        (
            "foundation",
            "watch",
            "international",
            "institute",
            "committee",
            "society",
            "association",
            "red",
            "crescent",
            "cross",
            "relief",
            "aid",
        ),
        "organization",
        "SOC",
    ),
)


def guess_kind_sector(name: str, label: str | None = None) -> tuple[str, str | None]:
    """A best guess for an actor that is not in the knowledge base."""
    words = set(fold(name).replace("-", " ").split())
    for keys, kind, sector in _GUESS:
        if words & set(keys):
            return kind, sector
    if label == "PERSON":
        return "person", None
    if label == "NORP":
        return "group", None
    return ("organization" if label == "ORG" else "group"), None


# --------------------------------------------------------------------------- index


@dataclass
class _Val:
    """What an alias key points to: an entry, how the alias names it, and an exact form if case matters."""

    entry: int
    how: str  # name | adj | demonym | capital | term
    exact: frozenset[str] | None  # surface forms required (all-caps acronyms), None = any case
    capital_first: bool  # the alias starts with a capital: require that in mixed-case text


_HOW_RANK = {"name": 0, "adj": 1, "demonym": 1, "capital": 2, "term": 4}
_TYPE_RANK = {"country": 0, "org": 1, "organ": 2, "person": 3, "agent": 5}


def _is_acronym(alias: str) -> bool:
    """All-caps short forms (KH, PKK, U.S.) and mixed-case ones (LeT, JeM) must match their exact case."""
    core = alias.replace(".", "").replace("-", "").replace("&", "")
    if not (1 < len(core) <= 6 and core.isalnum() and " " not in alias):
        return False
    return core.isupper() or any(c.isupper() for c in core[1:])


@dataclass
class _Span:
    start: int
    end: int
    vals: list[_Val]
    actor: Actor | None = None
    entry: Entry | None = None
    how: str = ""
    patron: str | None = None


@dataclass
class ArticleContext:
    """Per-article state for coreference: earlier named actors, acronym definitions, dominant country."""

    acronyms: dict[str, Actor] = field(default_factory=dict)
    long_forms: dict[str, Actor] = field(default_factory=dict)
    history: list[tuple[int, Actor]] = field(default_factory=list)  # (article offset, actor), named only
    spans: dict[tuple[int, int], Actor] = field(default_factory=dict)  # mentions found, by article span
    plural_history: list[tuple[int, Actor]] = field(default_factory=list)  # generic groups, for "they"
    country: str | None = None
    country_counts: dict[str, int] = field(default_factory=dict)
    published: dt.date | None = None
    lower_mode: bool | None = None  # the article is all lower case (e.g. the MUC corpus); None = no article


class Resolver:
    """Resolves noun phrases and finds actor mentions against one loaded knowledge base."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.by_id: dict[str, Entry] = {}
        self.countries: dict[str, Entry] = {}
        self.organs: dict[tuple[str, str], Entry] = {}
        self.roles: dict[str, list[tuple[Entry, Role]]] = {}
        self.capitals: dict[str, Entry] = {}  # every capital, also those too ambiguous to index as actors
        keys: dict[str, list[_Val]] = {}
        for i, e in enumerate(entries):
            if e.id:
                self.by_id.setdefault(e.id, e)
            if e.type == "country" and e.country:
                self.countries[e.country] = e
                for cap in e.capitals:
                    self.capitals.setdefault(fold(cap), e)
            elif e.type == "organ" and e.country and e.sector:
                self.organs.setdefault((e.country, e.sector), e)
            for r in e.roles:
                self.roles.setdefault(_norm_title(r.title), []).append((e, r))
            self._add(keys, i, e.name, "name" if e.type != "agent" else "term")
            for a in e.aliases:
                self._add(keys, i, a, "term" if e.type == "agent" else "name")
            for a in e.adjectives:
                self._add(keys, i, a, "adj")
            for a in e.demonyms:
                self._add(keys, i, a, "demonym")
            if e.capital_metonym:
                for a in e.capitals:
                    self._add(keys, i, a, "capital")
        for vals in keys.values():
            vals.sort(key=lambda v: (_HOW_RANK[v.how], _TYPE_RANK[entries[v.entry].type]))
        self.keys = keys
        auto = ahocorasick.Automaton()
        for k in keys:
            auto.add_word(k, k)
        auto.make_automaton()
        self.automaton = auto
        self.military = self.by_id.get("agent:military")

    @staticmethod
    def _add(keys: dict[str, list[_Val]], i: int, alias: str, how: str) -> None:
        alias = alias.strip()
        if not alias:
            return
        k = fold(alias)
        exact = frozenset({alias, alias.replace(".", "")}) if _is_acronym(alias) else None
        cap = alias[:1].isupper() and how != "term"
        vals = keys.setdefault(k, [])
        for v in vals:
            if v.entry == i and v.how == how:
                return
        vals.append(_Val(i, how, exact, cap))
        if "." in alias and _is_acronym(alias):  # U.S. -> also US
            Resolver._add(keys, i, alias.replace(".", ""), how)
        elif how != "term" and re.match(
            r"(?i)(al|el|an|ad|as|ash|at|ar)-\w", alias
        ):  # al-Shabaab ~ al Shabaab
            k2 = fold(alias.replace("-", " ", 1))
            if k2 not in keys or all(v.entry != i for v in keys[k2]):
                keys.setdefault(k2, []).append(_Val(i, how, None, cap))

    # ----------------------------------------------------------------------- public API

    def lookup(self, name: str) -> Entry | None:
        """The entry a name (or id) denotes, for the CLI and for callers that need affiliations."""
        if name in self.by_id:
            return self.by_id[name]
        k = fold(name.strip())
        vals = self.keys.get(k)
        if not vals:
            return None
        for v in vals:
            if v.exact is None or name.strip() in v.exact or name.strip().isupper():
                return self.entries[v.entry]
        return self.entries[vals[0].entry]

    def place_state(self, name: str) -> Actor | None:
        """The state a country name or its capital stands for when it is visited ("arrived in Amman"):
        the government of that country; None for any other place."""
        if not name.strip()[:1].isupper():
            return None
        key = fold(name.strip())
        for v in self.keys.get(key, []):
            e = self.entries[v.entry]
            if e.type == "country" and e.country and v.how == "name":
                return Actor(name, e.name, e.id, e.country, None, "state")
        cap = self.capitals.get(key)
        if cap is not None and cap.country:
            c = cap.country
            return Actor(name, f"Government of {cap.name}", f"state:{c}:GOV", c, "GOV", "state")
        return None

    def agent_name(self, agent_id: str, iso3: str | None) -> str | None:
        """A generic agent's display name, with a country when one is given ("Protesters (Lebanon)");
        None for an unknown id or an agent that takes no country."""
        e = self.by_id.get(agent_id)
        if e is None or e.type != "agent":
            return None
        if iso3 is None:
            return e.name
        return e.with_country.format(country=self.country_name(iso3), title="") if e.with_country else None

    def country_name(self, iso3: str) -> str:
        """The short name event coders use for a country ("Yemen", "Democratic Republic of Congo")."""
        e = self.countries.get(iso3)
        return e.name if e is not None else iso3

    def actor_for_id(self, actor_id: str, text: str = "") -> Actor | None:
        """An actor for a knowledge-base id, including state organs that no country lists
        explicitly ("state:ARM:MIL" is the Military Forces of Armenia); None for an unknown id."""
        e = self.by_id.get(actor_id)
        if e is not None and e.type != "country":
            kind = e.kind if e.kind in ("state", "organization", "armed_group", "person", "group") else "group"
            return Actor(text, e.name, e.id, e.country, e.sector, kind)
        parts = actor_id.split(":")
        if len(parts) != 3 or parts[0] != "state" or parts[1] not in self.countries:
            return None
        organ = next((a for a in self.entries if a.organ and a.sector == parts[2] and a.with_country), None)
        name = self.agent_name(organ.id or "", parts[1]) if organ is not None else None
        return Actor(text, name, actor_id, parts[1], parts[2], "state") if name else None

    def find_mentions(
        self,
        sentence_text: str,
        offset: int,
        sentence_index: int,
        article: Article | None = None,
        doc: Any = None,
    ) -> list[Mention]:
        """All actor mentions of a sentence, with article character offsets."""
        ctx = self.context(article)
        spans = self._spans(sentence_text, offset, ctx, doc=doc, phrase=False)
        out = []
        for sp in spans:
            if sp.actor is None:
                continue
            out.append(Mention(sentence_index, offset + sp.start, offset + sp.end, sp.actor))
            ctx.spans[(offset + sp.start, offset + sp.end)] = sp.actor
            prev_word = (sentence_text[: sp.start].split()[-1:] or [""])[0].lower()
            if prev_word not in _PREP_BEFORE:
                self._remember(ctx, offset + sp.start, sp.actor)
        return out

    def resolve_phrase(
        self, text: str, article: Article | None = None, head: str | None = None, start: int | None = None
    ) -> Actor | None:
        """The actor a noun phrase denotes (by its head), or None when it is not an actor.

        `start` (the phrase's article offset), when given, limits coreference to what came before.
        """
        raw = text.strip()
        if not raw:
            return None
        ctx = self.context(article)
        folded = fold(raw)
        if _PRONOUN.match(folded):
            return self._pronoun(folded, ctx, start)
        # where the head region ends: before a relative clause or a locative/prepositional modifier
        m_det = _DET.match(folded)
        body_start = m_det.end() if m_det else 0
        spans = self._spans(raw, start or 0, ctx, doc=None, phrase=True, before=start)
        spans = [s for s in spans if s.actor is not None]
        cut = len(raw)
        for m in _CUT.finditer(folded, body_start):
            if m.start() <= body_start:
                continue
            if any(s.start < m.start() < s.end for s in spans):
                continue
            cut = m.start()
            break
        # "a crowd of protesters", "members of the militia", "soldiers of the Iraqi army"
        head_spans = [s for s in spans if s.end <= cut or s.start < cut]
        of_m = re.match(r"([\w'-]+)\s+of\s+", folded[body_start:])
        if of_m and of_m.group(1) in _COLLECTIVE:
            rest_start = body_start + of_m.end()
            rest = [s for s in spans if s.start >= rest_start]
            if rest:
                head_spans = [s for s in rest if s.start < _next_cut(folded, rest_start)] or rest[:1]
        if head:
            h = fold(head)
            hit = [
                s
                for s in head_spans
                if h in folded[s.start : s.end].split()
                or any(w.startswith(h) for w in folded[s.start : s.end].split())
            ]
            if hit:
                head_spans = hit
        if head_spans:
            chosen = head_spans[-1] if not of_m or of_m.group(1) in _COLLECTIVE else head_spans[0]
            actor = chosen.actor
            assert actor is not None
            if start is not None:  # the sentence-level reading (with its coreference) when it covers the head
                seen = ctx.spans.get((start + chosen.start, start + chosen.end))
                if seen is not None and seen.id != actor.id:
                    actor = Actor(actor.text, seen.name, seen.id, seen.country, seen.sector, seen.kind)
            # "militants loyal to the group" / "fighters of Hamas": an org complement wins over a generic
            if (
                chosen.entry is not None
                and chosen.entry.type == "agent"
                and chosen.entry.sector in ("REB", "UAF", "PRM", "MIL")
                and actor.id is not None
                and actor.id.startswith("agent:")
            ):
                for s in spans:
                    if (
                        s.start >= chosen.end
                        and s.actor
                        and s.actor.kind in ("armed_group", "organization")
                        and s.actor.id
                        and _LOYAL.search(folded[chosen.end : s.start] + " ")
                    ):
                        return Actor(
                            text=raw[chosen.start : s.end],
                            name=s.actor.name,
                            id=s.actor.id,
                            country=s.actor.country,
                            sector=s.actor.sector,
                            kind=s.actor.kind,
                        )
            return actor
        # no known actor: an unknown named actor if the phrase is a proper name
        body = raw[body_start:cut].strip(" ,;:")
        if body and _looks_named(body):
            kind, sector = guess_kind_sector(body)
            return Actor(text=body, name=body, id=None, country=None, sector=sector, kind=kind)
        return None

    # ----------------------------------------------------------------------- context

    def context(self, article: Article | None) -> ArticleContext:
        """The coreference context of an article (built on first use)."""
        if article is None:
            return ArticleContext()
        ctx = article.meta.get("_actors")
        if isinstance(ctx, ArticleContext):
            return ctx
        ctx = ArticleContext(published=article.published)
        self._scan_article(article.text, ctx)
        article.meta["_actors"] = ctx
        return ctx

    def _scan_article(self, text: str, ctx: ArticleContext) -> None:
        """Acronym definitions and country counts over the whole article (one automaton pass)."""
        lower_mode = not any(c.isupper() for c in text[:5000])
        ctx.lower_mode = lower_mode
        folded = fold(text)
        counts: Counter[str] = Counter()
        for sp in self._raw_spans(text, folded, lower_mode):
            e = self.entries[sp.vals[0].entry]
            how = sp.vals[0].how
            if len({self.entries[v.entry].country for v in sp.vals}) > 1:  # ambiguous alias: no vote
                continue
            if e.type == "country" and _CURRENCY.match(text, sp.end):
                continue  # "US dollars" says nothing about where the story is
            if e.country and how != "term" and e.type in ("country", "organ", "person", "org"):
                counts[e.country] += 2 if how != "capital" else 1  # a capital may just be a place
        ctx.country_counts = dict(counts)
        if counts:
            top = counts.most_common(2)
            if len(top) == 1 or top[0][1] >= 1.5 * top[1][1]:
                ctx.country = top[0][0]
        for m in _ACRONYM_DEF.finditer(text):
            acr = m.group(1)
            letters = re.sub(r"[^a-z]", "", acr.lower())
            if len(letters) < 2:
                continue
            words = [(w.start(), w.group()) for w in _WORD.finditer(text, max(0, m.start() - 160), m.start())]
            found = None
            for k in range(1, min(len(words), 12) + 1):
                seg = words[-k:]
                initials = "".join(
                    fold(w)[0] for _, w in seg if fold(w) not in _STOP_INITIALS and w[0].isalnum()
                )
                if initials == letters:
                    found = seg
                    break
                if len(initials) > len(letters):
                    break
            if not found:
                continue
            ls, le = found[0][0], found[-1][0] + len(found[-1][1])
            long_form = text[ls:le]
            sub = [s for s in self._spans(long_form, ls, ctx, doc=None, phrase=True) if s.actor is not None]
            best = max(sub, key=lambda s: s.end - s.start, default=None)
            if (
                best is not None
                and best.actor is not None
                and (best.end - best.start) >= 0.6 * len(long_form)
            ):
                a = best.actor
                actor = Actor(text=acr, name=a.name, id=a.id, country=a.country, sector=a.sector, kind=a.kind)
            else:
                name = long_form if not lower_mode else long_form.title()
                kind, sector = guess_kind_sector(name)
                actor = Actor(text=acr, name=name, id=None, country=None, sector=sector, kind=kind)
                ctx.long_forms[fold(long_form)] = actor
            ctx.acronyms.setdefault(fold(acr), actor)

    def _remember(self, ctx: ArticleContext, pos: int, actor: Actor) -> None:
        if actor.kind in ("armed_group", "organization", "person", "state") or (
            actor.id is None and actor.kind != "group"
        ):
            ctx.history.append((pos, actor))
        elif actor.kind == "group" and fold(actor.text).endswith(_PLURAL_ENDINGS):
            ctx.plural_history.append((pos, actor))

    def _antecedent(
        self,
        ctx: ArticleContext,
        before: int | None,
        kinds: tuple[str, ...],
        sectors: tuple[str, ...] | None = None,
        extra: list[tuple[int, Actor]] | None = None,
    ) -> Actor | None:
        for pos, a in reversed(ctx.history + extra if extra else ctx.history):
            if before is not None and pos >= before:
                continue
            if a.kind in kinds and (sectors is None or a.sector in sectors or a.sector is None):
                return a
        return None

    def _pronoun(self, word: str, ctx: ArticleContext, before: int | None) -> Actor | None:
        if word in ("he", "she", "him", "her"):
            a = self._antecedent(ctx, before, ("person",))
        elif word == "it":  # a state or organization named shortly before (same or previous sentence)
            a = None
            for pos, cand in reversed(ctx.history):
                if before is not None and (pos >= before or before - pos > 300):
                    continue
                if cand.kind in ("state", "organization", "armed_group"):
                    a = cand
                break
        else:
            a = self._antecedent(ctx, before, ("armed_group", "organization"))
            # "Palestinian leaders said they ...": a plural-headed state or group mention is a "they" too
            plural_named = next(
                (
                    (p, x)
                    for p, x in reversed(ctx.history)
                    if (before is None or p < before)
                    and x.kind in ("state", "group")
                    and fold(x.text).endswith(_PLURAL_ENDINGS)
                    and fold(x.text).split()[-1] not in _NOT_PLURAL
                ),
                None,
            )
            last_plural = next(
                (p for p in reversed(ctx.plural_history) if before is None or p[0] < before), None
            )
            last_named = next((p for p in reversed(ctx.history) if before is None or p[0] < before), None)
            if last_plural and (last_named is None or last_plural[0] > last_named[0]):
                a = last_plural[1]
            elif plural_named and last_named is not None and plural_named[0] >= last_named[0]:
                a = plural_named[1]
        if a is None:
            return None
        return Actor(text=word, name=a.name, id=a.id, country=a.country, sector=a.sector, kind=a.kind)

    # ----------------------------------------------------------------------- matching

    def _raw_spans(self, text: str, folded: str, lower_mode: bool) -> list[_Span]:
        """Longest non-overlapping alias matches that pass the boundary and case checks."""
        cands: list[tuple[int, int, str]] = []
        n = len(text)
        for end_i, key in self.automaton.iter(folded):
            s, e = end_i - len(key) + 1, end_i + 1
            if s > 0 and (
                folded[s - 1].isalnum() or folded[s - 1] == "'" and s > 1 and folded[s - 2].isalnum()
            ):
                continue
            if e < n and folded[e].isalnum():
                continue
            cands.append((s, e, key))
        cands.sort(key=lambda c: (c[0] - c[1], c[0]))
        taken = bytearray(n + 1)
        out: list[_Span] = []
        for s, e, key in cands:
            if any(taken[s:e]):
                continue
            surface = text[s:e]
            vals = [v for v in self.keys[key] if self._case_ok(v, surface, key, lower_mode)]
            if not vals:
                continue
            taken[s:e] = b"\x01" * (e - s)
            out.append(_Span(s, e, vals))
        out.sort(key=lambda sp: sp.start)
        return out

    @staticmethod
    def _case_ok(v: _Val, surface: str, key: str, lower_mode: bool) -> bool:
        if lower_mode:
            return not (v.exact is not None or v.capital_first and " " not in key) or key not in _COMMON
        if v.exact is not None:
            return surface in v.exact or surface.replace(".", "") in v.exact
        if v.capital_first:
            return surface[:1].isupper() or not surface[:1].isalpha()
        return True

    def _spans(
        self,
        text: str,
        offset: int,
        ctx: ArticleContext,
        doc: Any = None,
        phrase: bool = False,
        before: int | None = None,
    ) -> list[_Span]:
        folded = fold(text)
        # a phrase alone ("who") says nothing about case: trust the article, else assume mixed case
        lower_mode = (
            ctx.lower_mode
            if ctx.lower_mode is not None
            else (not phrase and not any(c.isupper() for c in text))
        )
        spans = self._raw_spans(text, folded, lower_mode)
        spans = self._add_acronyms(text, folded, ctx, spans, lower_mode)
        for sp in spans:
            if sp.actor is None:
                self._resolve_single(sp, text, folded, ctx, doc, phrase)
        spans = self._coref(text, folded, offset, ctx, spans, before, phrase)
        spans = self._combine(text, folded, spans, ctx)
        if not lower_mode:
            spans = self._named_modifiers(text, spans)
            spans = self._titled_names(text, spans)
            spans = self._named_runs(text, spans)
        spans = self._positions_of(text, folded, spans)
        if doc is not None:
            spans = self._unknown_entities(text, spans, doc)
        return [s for s in spans if s.actor is not None and not _currency(text, s)]

    def _named_modifiers(self, text: str, spans: list[_Span]) -> list[_Span]:
        """An unknown acronym or name right before an armed generic ("NAF rebel forces", "Zulu militia")
        names that group: kept as an unknown armed group rather than an anonymous one."""
        out: list[_Span] = []
        for sp in spans:
            a, e = sp.actor, sp.entry
            if (
                a is None
                or e is None
                or e.type != "agent"
                or sp.how != "term"
                or e.sector not in _ARMED
                or (a.id or "").startswith("state:")
                or a.id is None
            ):
                out.append(sp)
                continue
            m = _MODIFIER_BEFORE.search(text, 0, sp.start)
            if m is None or (out and out[-1].end > m.start()) or m.group(1) in _NOT_NAMES:
                out.append(sp)
                continue
            word = m.group(1)
            before = text[: m.start()].rstrip()
            if not word.isupper() and (not before or before[-1] in ".!?\"'("):  # sentence-initial capital
                out.append(sp)
                continue
            full = text[m.start() : sp.end]
            actor = Actor(full, word, None, None, "REB" if e.sector == "MIL" else e.sector, "armed_group")
            out.append(_Span(m.start(), sp.end, [], actor=actor, entry=None, how="unknown"))
        return out

    def _positions_of(self, text: str, folded: str, spans: list[_Span]) -> list[_Span]:
        """ "the positions of the Luhansk militia" are that militia (the target of the shelling)."""
        out: list[_Span] = []
        for sp in spans:
            prev = out[-1] if out else None
            if (
                prev is not None
                and sp.actor is not None
                and folded[prev.start : prev.end] in ("positions", "position")
                and folded[prev.end : sp.start].strip() in ("of", "of the")
            ):
                a = sp.actor
                out[-1] = _Span(
                    prev.start,
                    sp.end,
                    [],
                    actor=Actor(text[prev.start : sp.end], a.name, a.id, a.country, a.sector, a.kind),
                    entry=sp.entry,
                    how=sp.how,
                )
                continue
            out.append(sp)
        return out

    def _titled_names(self, text: str, spans: list[_Span]) -> list[_Span]:
        """An office title followed by a name the KB lacks ("British Defence Secretary Tom King") is that
        person: kept with the name as written, the title's country and sector, and no id. A country
        adjective before an unknown capitalised plural ("Iraqi Kurds") is a population group there."""
        out: list[_Span] = []
        skip_to = -1
        for i, sp in enumerate(spans):
            if sp.start < skip_to:
                continue
            later = [o for o in spans[i + 1 :] if not (o.entry is not None and o.entry.type == "agent")]
            nxt = later[0].start if later else len(text)
            a = sp.actor
            titled = sp.entry is not None and sp.entry.role_title and a is not None and a.kind == "person"
            adj = sp.how == "adj" and a is not None and a.kind == "state"
            if not (titled or adj):
                out.append(sp)
                continue
            m = _NAME_AFTER.match(text, sp.end)
            if m is None or m.end() > nxt or (adj and not _ETHNIC.fullmatch(m.group(1))):
                out.append(sp)
                continue
            assert a is not None
            name = m.group(1).strip()
            full = text[sp.start : m.end()]
            if titled:
                actor = Actor(full, name, None, a.country, a.sector or "GOV", "person")
            else:
                actor = Actor(full, full, None, a.country, "CVL", "group")
            out.append(_Span(sp.start, m.end(), [], actor=actor, entry=None, how="unknown"))
            skip_to = m.end()
        return out

    def _named_runs(self, text: str, spans: list[_Span]) -> list[_Span]:
        """A capitalised generic word inside an unknown proper name ("the Northern Valley Farmers Union")
        belongs to that name: the name becomes one unknown actor instead of a generic agent."""
        out = list(spans)
        for sp in spans:
            if (
                sp.entry is None
                or sp.entry.type != "agent"
                or sp.entry.role_title
                or sp.how != "term"
                or not text[sp.start :][:1].isupper()
            ):
                continue
            if sp.actor is not None and sp.actor.country and sp.actor.id and sp.actor.id.startswith("state:"):
                continue
            words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[\w'’.&-]+", text)]
            idx = [i for i, w in enumerate(words) if w[0] >= sp.start and w[1] <= sp.end]
            if not idx:
                continue
            lo, hi = idx[0], idx[-1]
            # a weekday or month is no part of a name ("Ivory Coast rebels on Friday")
            while lo > 0 and words[lo - 1][2] not in _NOT_NAMES and (
                words[lo - 1][2][:1].isupper() or words[lo - 1][2].lower() in _NAME_LINK
            ):
                lo -= 1
            while (
                hi + 1 < len(words)
                and words[hi + 1][2] not in _NOT_NAMES
                and (words[hi + 1][2][:1].isupper() or words[hi + 1][2].lower() in _NAME_LINK)
            ):
                hi += 1
            while lo <= hi and (words[lo][2].lower() in _NAME_LINK or words[lo][2].lower() in ("a", "an")):
                lo += 1
            while hi >= lo and words[hi][2].lower() in _NAME_LINK:
                hi -= 1
            run = words[lo : hi + 1]
            covered = [w for w in run if any(o.start <= w[0] and w[1] <= o.end for o in spans)]
            caps = [w for w in run if w[2][:1].isupper()]
            if len(caps) < 2 or all(w in covered for w in caps):
                continue
            rs, re_ = run[0][0], run[-1][1]
            if any(
                o is not sp
                and o.start < re_
                and rs < o.end
                and o.entry is not None
                and o.entry.type != "agent"
                for o in spans
            ):
                continue
            name = text[rs:re_]
            kind, sector = guess_kind_sector(name)
            out = [o for o in out if not (o.start < re_ and rs < o.end)]
            out.append(_Span(rs, re_, [], actor=Actor(name, name, None, None, sector, kind), how="unknown"))
        return sorted(out, key=lambda o: o.start)

    def _add_acronyms(
        self, text: str, folded: str, ctx: ArticleContext, spans: list[_Span], lower_mode: bool
    ) -> list[_Span]:
        if not ctx.acronyms and not ctx.long_forms:
            return spans
        extra: list[_Span] = []
        for table, need_case in ((ctx.acronyms, True), (ctx.long_forms, False)):
            for key, actor in table.items():
                for m in re.finditer(r"(?<![\w-])" + re.escape(key) + r"(?![\w-])", folded):
                    if need_case and not lower_mode and text[m.start() : m.end()] != actor.text:
                        continue
                    if any(s.start < m.end() and m.start() < s.end for s in spans + extra):
                        # a defined acronym beats a KB alias of the same span only if the KB had none
                        continue
                    a = Actor(
                        text=text[m.start() : m.end()],
                        name=actor.name,
                        id=actor.id,
                        country=actor.country,
                        sector=actor.sector,
                        kind=actor.kind,
                    )
                    extra.append(_Span(m.start(), m.end(), [], actor=a, how="acronym"))
        return sorted(spans + extra, key=lambda s: s.start) if extra else spans

    def _coref(
        self,
        text: str,
        folded: str,
        offset: int,
        ctx: ArticleContext,
        spans: list[_Span],
        before: int | None,
        phrase: bool,
    ) -> list[_Span]:
        found: list[_Span] = []
        local = [
            (offset + sp.start, sp.actor)
            for sp in spans
            if sp.actor is not None
            and not phrase
            and sp.actor.kind in ("state", "organization", "armed_group", "person")
        ]
        for rx in (_COREF_NP, _COREF_POSS):
            for m in rx.finditer(folded):
                word = m.group(1)
                limit = before if phrase else offset + m.start()
                if rx is _COREF_POSS:
                    a = self._antecedent(ctx, limit, ("armed_group", "organization", "state"), extra=local)
                    if a is not None and a.kind == "state":
                        last = next((p for p, x in reversed(ctx.history + local) if x is a), None)
                        agent = self._agent_entry(word)
                        if (
                            agent is None
                            or not a.country
                            or (limit is not None and last is not None and limit - last > 300)
                        ):
                            continue
                        sp_s, sp_e = m.start(), m.end()
                        st = self._agent_actor(agent, text[sp_s:sp_e], a.country, ctx, explicit=True)
                        found.append(_Span(sp_s, sp_e, [], actor=st, entry=agent, how="coref"))
                        continue
                elif word == "party":
                    a = self._antecedent(ctx, limit, ("organization",), ("PTY",), extra=local)
                elif word in ("militia",):
                    a = self._antecedent(ctx, limit, ("armed_group",), extra=local)
                elif word in ("organisation", "organization", "network", "alliance", "coalition", "movement"):
                    a = self._antecedent(ctx, limit, ("armed_group", "organization"), extra=local)
                else:
                    a = self._antecedent(ctx, limit, ("armed_group",), extra=local)
                if a is None:
                    continue
                s, e = m.start(), m.end()
                found.append(
                    _Span(
                        s,
                        e,
                        [],
                        actor=Actor(
                            text=text[s:e],
                            name=a.name,
                            id=a.id,
                            country=a.country,
                            sector=a.sector,
                            kind=a.kind,
                        ),
                        how="coref",
                    )
                )
        if not phrase:
            for sp in spans:
                a = sp.actor
                if (
                    a is None
                    or sp.how != "term"
                    or a.id not in ("agent:militants", "agent:rebels")
                    or fold(text[sp.start : sp.end]) not in _BARE_ARMED
                ):
                    continue
                pos = offset + sp.start
                near = [(p, x) for p, x in ctx.history + local if p < pos and pos - p <= 300]
                ante = next((x for p, x in reversed(near) if x.kind == "armed_group" and x.id), None)
                if ante is not None:
                    sp.actor = Actor(
                        text[sp.start : sp.end], ante.name, ante.id, ante.country, ante.sector, ante.kind
                    )
        if not found:
            return spans
        keep = [sp for sp in spans if not any(f.start < sp.end and sp.start < f.end for f in found)]
        return sorted(keep + found, key=lambda s: s.start)

    def _agent_entry(self, word: str) -> Entry | None:
        for v in self.keys.get(fold(word), []):
            if v.how == "term":
                return self.entries[v.entry]
        return None

    def _resolve_single(
        self, sp: _Span, text: str, folded: str, ctx: ArticleContext, doc: Any, phrase: bool
    ) -> None:
        v = sp.vals[0]
        if ctx.country and len(sp.vals) > 1:  # an ambiguous alias: prefer the article's country
            same = [x for x in sp.vals if x.how == v.how and self.entries[x.entry].country == ctx.country]
            v = same[0] if same else v
        if v.how == "capital" and not phrase and not self._capital_is_actor(text, folded, sp, doc):
            others = [x for x in sp.vals if x.how != "capital"]
            if not others:
                return
            v = others[0]
        e = self.entries[v.entry]
        sp.entry, sp.how = e, v.how
        surface = text[sp.start : sp.end]
        if e.type != "agent" and folded[max(0, sp.start - 5) : sp.start] == "anti-":
            # "anti-Houthi forces": the named actor is the opponent, not the one acting
            last = self._agent_entry(surface.split()[-1]) if " " in surface else None
            if last is not None:
                sp.start -= 5
                sp.entry, sp.how = last, "term"
                sp.actor = self._agent_actor(last, text[sp.start : sp.end], ctx.country, ctx)
            return
        if v.how == "capital":
            sp.actor = Actor(
                surface, f"Government of {e.name}", f"state:{e.country}:GOV", e.country, "GOV", "state"
            )
        elif v.how == "adj":
            sp.actor = Actor(surface, e.name, e.id, e.country, None, "state")
        elif v.how == "demonym":
            sp.actor = Actor(surface, f"Civilians ({e.name})", e.id, e.country, "CVL", "group")
        elif e.type == "agent":
            sp.actor = self._agent_actor(e, surface, ctx.country, ctx)
        elif e.type == "person":
            sp.actor = self._person_actor(e, surface, ctx)
        else:
            sp.actor = Actor(surface, e.name, e.id, e.country, e.sector, e.kind)

    def _capital_is_actor(self, text: str, folded: str, sp: _Span, doc: Any) -> bool:
        """A capital names its government only when the sentence uses it as an actor."""
        if doc is not None:
            for tok in doc:
                if tok.idx == sp.start or (tok.idx <= sp.start < tok.idx + len(tok.text)):
                    root = tok
                    if root.dep_ == "compound":  # "Washington Post", "Moscow time"
                        return False
                    if root.dep_ == "pobj":
                        return root.head.lemma_.lower() not in _PREP_BEFORE
                    return root.dep_ not in ("compound", "npadvmod", "appos") and root.ent_type_ != "ORG"
        prev = folded[: sp.start].split()[-1:] or [""]
        if prev[0].strip(",.;:") in _PREP_BEFORE:
            return False
        after = text[sp.end :].lstrip()
        if after[:1] == ",":  # "Baghdad, Iraq" or an apposition: location reading
            return False
        nxt = after.split()[:1]
        return not (nxt and nxt[0][:1].isupper() and not after.startswith(("'s", "\u2019s")))

    def _agent_actor(
        self, e: Entry, surface: str, country: str | None, ctx: ArticleContext | None, explicit: bool = False
    ) -> Actor:
        if e.role_title:
            title = _norm_title(fold(surface.split("'s")[-1].strip()))
            return self._title_actor(title, surface, country, ctx, explicit)
        if country is None:
            return Actor(surface, e.name, e.id, None, e.sector, e.kind if e.kind != "person" else "group")
        cname = self.country_name(country)
        name = (e.with_country or e.name).format(country=cname, title=surface.title())
        if e.organ and explicit:
            organ_id = f"state:{country}:{e.sector}"
            return Actor(surface, name, organ_id, country, e.sector, "state")
        return Actor(surface, name, e.id, country, e.sector, e.kind if e.kind != "person" else "group")

    def _title_actor(
        self, title: str, surface: str, country: str | None, ctx: ArticleContext | None, explicit: bool
    ) -> Actor:
        when = ctx.published if ctx else None
        if not explicit and ctx is not None:  # "the president" after "Joe Biden": that person
            for _, a in reversed(ctx.history):
                pe = self.by_id.get(a.id or "")
                if pe is not None and any(_norm_title(r.title) == title and r.active(when) for r in pe.roles):
                    return Actor(surface, a.name, a.id, a.country, a.sector, "person")
        if country is None:
            return Actor(
                surface,
                "Head of State" if title == "president" else title.title(),
                None,
                None,
                "GOV",
                "person",
            )
        for person, role in self.roles.get(title, []):
            if role.of == f"state:{country}" and role.active(when):
                return Actor(surface, person.name, person.id, country, role.sector or "GOV", "person")
        cname = self.country_name(country)
        sector = "MIL" if "army" in title or "chief of staff" in title else "GOV"
        return Actor(
            surface,
            f"{title.title()} of {cname}",
            f"state:{country}:{sector}" if explicit else None,
            country,
            sector,
            "person",
        )

    def _person_actor(self, e: Entry, surface: str, ctx: ArticleContext | None) -> Actor:
        when = ctx.published if ctx else None
        role = next((r for r in e.roles if r.active(when)), None) if e.roles else None
        if role is None and e.roles and when is not None:  # most recent role before the date
            past = [r for r in e.roles if r.start and r.start <= when]
            role = max(past, key=lambda r: r.start or dt.date.min) if past else None
        country = e.country
        if role is not None and role.of and role.of.startswith("state:"):
            country = role.of.split(":")[1]
        elif role is not None and role.of in self.by_id:
            country = self.by_id[role.of].country or country
        sector = (role.sector if role is not None else None) or e.sector
        return Actor(surface, e.name, e.id, country, sector, "person")

    def _combine(self, text: str, folded: str, spans: list[_Span], ctx: ArticleContext) -> list[_Span]:
        """Merge modifier + head pairs: country + agent, title + person, org + agent, pro-X + agent."""
        if len(spans) < 1:
            return spans
        out: list[_Span] = []
        for sp in spans:
            prev = out[-1] if out else None
            merged = None
            if prev is not None and prev.actor is not None and sp.actor is not None:
                gap = folded[prev.end : sp.start]
                merged = self._merge(prev, sp, gap, text, folded, ctx)
            if merged is not None:
                out[-1] = merged
            else:
                out.append(sp)
        # "US and British forces": the first adjective shares the head noun of the second compound
        for i in range(len(out) - 1):
            a, b = out[i], out[i + 1]
            if (
                a.how in ("adj", "name")
                and a.actor is not None
                and a.actor.kind == "state"
                and a.actor.country
                and b.how == "term"
                and b.entry is not None
                and b.entry.type == "agent"
                and b.actor is not None
                and b.actor.country
                and b.actor.country != a.actor.country
                and folded[a.end : b.start].strip() in ("and", "or", ",", "and the")
            ):
                actor = self._agent_actor(b.entry, text[a.start : a.end], a.actor.country, ctx, explicit=True)
                out[i] = _Span(a.start, a.end, [], actor=actor, entry=b.entry, how="term")
        return out

    def _merge(
        self, a: _Span, b: _Span, gap: str, text: str, folded: str, ctx: ArticleContext
    ) -> _Span | None:
        g = gap.strip()
        ea, eb = a.entry, b.entry
        assert a.actor is not None and b.actor is not None
        if (
            folded[max(0, a.start - 5) : a.start].endswith("anti-")
            and not g
            and eb is not None
            and eb.type == "agent"
        ):  # "anti-Houthi forces" are not the Houthis
            act = self._agent_actor(eb, text[a.start - 5 : b.end], ctx.country, ctx)
            return _Span(a.start - 5, b.end, [], actor=act, entry=eb, how="term")
        gap_words = [w for w in re.split(r"[\s]+", g) if w]
        patron = bool(_PATRON_BEFORE.search(folded[max(0, a.start - 4) : a.start])) and not g
        backed = bool(_PATRON_GAP.match(g))
        led = bool(_LED_GAP.match(g))
        if (
            g in ("of", "of the")
            and ea is not None
            and ea.type == "agent"
            and a.how == "term"
            and eb is not None
        ):
            return self._merge_of(a, b, text)
        fill_ok = not g or g in ("-", "'s") or all(w in _FILLERS for w in gap_words)
        if not (fill_ok or backed or led):
            return None
        surface = text[a.start : b.end]
        a_country = (
            a.actor.country
            if a.how in ("adj", "name", "demonym", "capital")
            and ea is not None
            and ea.type in ("country", "organ")
            else None
        )
        # country / patron + generic agent
        if eb is not None and eb.type == "agent" and b.how == "term":
            if a_country and (patron or backed):
                cname = self.country_name(a_country)
                word = text[b.start : b.end]
                actor = Actor(
                    surface,
                    f"Pro-{cname} {word[:1].lower() + word[1:]}" if patron else f"{cname}-backed {word}",
                    None,
                    None,
                    eb.sector,
                    "group",
                )
                ps = a.start - 4 if patron else a.start
                actor.text = text[ps : b.end]
                return _Span(ps, b.end, [], actor=actor, entry=eb, how="term", patron=a_country)
            if a_country and ea is not None and ea.type == "organ":
                return _relabel(a.start, b.end, text, a.actor, ea, "name")
            if a_country:
                actor = self._agent_actor(
                    eb, text[b.start : b.end] if eb.role_title else surface, a_country, ctx, explicit=True
                )
                actor.text = surface
                return _Span(a.start, b.end, [], actor=actor, entry=eb, how="term")
            if ea is not None and ea.type == "org" and not patron and not backed:
                if eb.sector in ("CVL", "JRN", "REF", "EDU", "MED", "BUS", "AGR", "LAB") and g != "'s":
                    return None
                return _relabel(a.start, b.end, text, a.actor, ea, "name")
            if ea is not None and ea.type == "person" and g == "'s" and a.actor.country:
                actor = self._agent_actor(eb, surface, a.actor.country, ctx, explicit=True)
                return _Span(a.start, b.end, [], actor=actor, entry=eb, how="term")
            if ea is not None and ea.type == "agent" and a.how == "term" and not g:
                word_b = fold(text[b.start : b.end]).split()[-1]
                if (
                    word_b in _MEMBER_TERMS
                    and ea.sector not in ("CVL",)
                    or (a.actor.id or "").startswith("state:")
                ):
                    keep = a
                else:  # "anti-government protesters", "opposition fighters": the last noun is the head
                    keep = b
                kept = keep.actor
                assert kept is not None
                return _relabel(a.start, b.end, text, kept, keep.entry, "term")
        # "Bosnian Serbs": an ethnic group (another country's demonym) living in the adjective's country
        if a.how == "adj" and b.how == "demonym" and a_country and not g and b.actor.country != a_country:
            return _Span(
                a.start,
                b.end,
                [],
                actor=Actor(surface, surface, None, a_country, "CVL", "group"),
                entry=None,
                how="unknown",
            )
        # title + person: "President Biden", "Iraqi Prime Minister X"
        if (
            eb is not None
            and eb.type == "person"
            and ea is not None
            and (
                (ea.type == "agent" and ea.role_title)
                or a.how == "term"
                and a.actor.kind == "person"
                or a_country
            )
            and (not g or g == "-")
        ):
            act = b.actor
            return _relabel(a.start, b.end, text, act, eb, "name")
        # country + organization: "Iraqi Kataib Hezbollah", "Iran's IRGC": the organization
        if eb is not None and eb.type in ("org", "organ") and a_country and (not g or g == "'s") and not led:
            act = b.actor
            return _relabel(a.start, b.end, text, act, eb, "name")
        return None

    def _merge_of(self, a: _Span, b: _Span, text: str) -> _Span | None:
        """ "the president of Armenia", "soldiers of the Syrian army", "fighters of Hamas"."""
        ea, act_b = a.entry, b.actor
        assert ea is not None and act_b is not None and a.actor is not None
        surface = text[a.start : b.end]
        if a.actor.country is not None and a.actor.id and a.actor.id.startswith("state:"):
            return None  # already has its own country ("Iraqi soldiers of ...")
        if act_b.kind == "state" and act_b.country:
            actor = self._agent_actor(
                ea, text[a.start : a.end] if ea.role_title else surface, act_b.country, None, explicit=True
            )
            actor.text = surface
            return _Span(a.start, b.end, [], actor=actor, entry=ea, how="term")
        if (
            act_b.kind in ("armed_group", "organization")
            and act_b.id
            and ea.sector in ("REB", "UAF", "PRM", "MIL", "GOV", "PTY", "OPP")
        ):
            return _relabel(a.start, b.end, text, act_b, b.entry, "name")
        return None

    def _unknown_entities(self, text: str, spans: list[_Span], doc: Any) -> list[_Span]:
        """Named entities (ORG, NORP, PERSON) the KB does not know: kept with a best guess, id null."""
        extra = []
        base = 0  # the parse stage parses each sentence's own text
        for ent in doc.ents:
            if ent.label_ not in ("ORG", "NORP", "PERSON"):
                continue
            s = ent.start_char - base
            e = ent.end_char - base
            if s < 0 or e > len(text) or any(sp.start < e and s < sp.end for sp in spans):
                continue
            surface = text[s:e]
            if surface.lower().startswith("the "):
                surface, s = surface[4:], s + 4
            if not surface or not surface[:1].isalpha():
                continue
            kind, sector = guess_kind_sector(surface, ent.label_)
            country = None
            if kind == "person":
                nat = _nationality_before(text, s, spans, doc)
                if nat:  # "Israeli right-winger Ariel Sharon": one person, from Israel
                    spans = [o for o in spans if all(o is not n for n in nat)]
                    country, s = nat[0].actor.country if nat[0].actor else None, nat[0].start
                    sector = sector or "GOV"
            extra.append(
                _Span(s, e, [], actor=Actor(text[s:e] if country else surface, surface, None, country, sector,
                                            kind), how="unknown")
            )
        if not extra:
            return spans
        return sorted(spans + extra, key=lambda sp: sp.start)


# between a nationality and a name: title words only ("French National Assembly president", "Israeli
# right-winger"), no comma, verb or second name
_TITLE_GAP = re.compile(r"(?:\s+(?:[a-z][a-z'-]*|[A-Z][a-z]+\.?)){0,5}\s+")


_CURRENCY = re.compile(r"\s*(?:dollars?|euros?|pounds?|rupees?|yuan|yen|rubles?|roubles?|dinars?|riyals?|rials?|"
                       r"lira|liras|pesos?|francs?|shillings?|nairas?|rand|cedis?|currency|treasury bonds?)\b", re.I)


def _currency(text: str, sp: _Span) -> bool:
    """"US dollars", "Iraqi dinars": a country word naming a currency is not an actor."""
    a = sp.actor
    return bool(a is not None and a.kind == "state" and _CURRENCY.match(text, sp.end))


def _nationality_before(text: str, start: int, spans: list[_Span], doc: Any) -> list[_Span]:
    """The country-adjective or state-organ span that opens the noun phrase a person's name closes
    ("Israeli right-winger X", "French National Assembly president X", "Dutch party leader X"), with
    any generic title spans in between ("leader"); empty when there is none. Never across a verb."""
    before = sorted((sp for sp in spans if sp.end <= start), key=lambda o: o.end, reverse=True)
    titles: list[_Span] = []
    for sp in before:
        a = sp.actor
        if start - sp.end > 60 or a is None:
            return []
        if a.kind == "group" and (a.id or "").startswith("agent:") and not a.country:
            titles.append(sp)  # "leader", "official": part of the title
            continue
        if not a.country or a.kind != "state" or not (sp.how == "adj" or (a.id or "").count(":") == 2):
            return []
        if not _TITLE_GAP.fullmatch(text, sp.end, start):
            return []
        gap = [t for t in doc if sp.end <= t.idx < start and not t.is_space]
        if all(t.pos_ in ("NOUN", "PROPN", "ADJ") or t.text == "-" for t in gap):
            return [sp, *titles]
        return []
    return []


def _relabel(start: int, end: int, text: str, actor: Actor, entry: Entry | None, how: str) -> _Span:
    """A merged span that keeps `actor`'s identity under the merged surface text."""
    return _Span(
        start,
        end,
        [],
        actor=Actor(text[start:end], actor.name, actor.id, actor.country, actor.sector, actor.kind),
        entry=entry,
        how=how,
    )


def _norm_title(title: str) -> str:
    t = re.sub(r"\s+", " ", title.strip().lower())
    return _TITLE_SYN.get(t, t)


def _next_cut(folded: str, start: int) -> int:
    m = _CUT.search(folded, start + 1)
    return m.start() if m else len(folded)


def _looks_named(body: str) -> bool:
    """Proper-name look: capitals beyond the first word (which may be capitalised only as sentence start)."""
    words = [w for w in body.split() if w[:1].isalpha()]
    if not words:
        return False
    rest = words[1:]
    if not rest:
        return words[0].isupper() and len(words[0]) > 1
    caps = [w for w in rest if w[:1].isupper()]
    return len(caps) >= max(1, (len(rest) + 1) // 2)
