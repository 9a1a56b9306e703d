"""Stage `events`: triggers (verbal and nominal) to coded events with source and target.

For every parsed sentence we look up each token's lemma in the trigger lexicon,
check the entry's constraints (particle, governed preposition, object class),
then read participants off the dependency parse:

- verbs: active subject -> source, object -> target; passive subject -> target and
  the "by" agent -> source; participles and infinitives inherit their governor's subject;
- nouns: possessors, actor modifiers ("US airstrikes") and "by X" -> source;
  "on/against/at/targeting X" -> target; "between A and B" -> A source, B target;
  a light verb ("launched an attack") lends its subject as source;
- coordinated actors become lists; reciprocal triggers split coordinated subjects.

An event needs a trigger and at least one participant (named or not). Triggers in the
same clause that describe one incident ("an airstrike killed five") are merged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .acled import classify_acled, resolve_protest_context
from .cameo import QUAD_BY_TYPE
from .lexicon import Entry, Lexicon, surface_lemmas
from .model import Actor, Article, Event, Mention, Sentence
from .resources import Resources
from .stages import stage

SUBJ = {"nsubj", "csubj"}
PASS_SUBJ = {"nsubjpass", "csubjpass"}
OBJ = {"dobj", "obj", "attr", "oprd"}
LIGHT_VERBS = {"launch", "carry", "conduct", "stage", "mount", "hold", "organize", "organise", "execute",
               "perpetrate", "unleash", "begin", "start", "continue", "lead", "order", "claim", "call",
               "announce", "sign", "reach", "make", "resume", "intensify", "step", "wage", "commit", "plan",
               "undertake", "join", "issue", "lodge", "file", "declare", "give", "impose", "reimpose", "extend",
               "establish", "deliver", "pay", "present", "submit", "express", "voice", "renew", "offer",
               "put", "set", "provide", "send", "lift", "end", "fire", "use", "lob", "throw", "hurl", "spray",
               "deploy", "detonate", "plant"}
ACCUSING_VERBS = {"accuse", "blame", "charge", "hold"}  # "X blamed Y for the attack": Y is the attacker
_LIGHT_FORMS = surface_lemmas(LIGHT_VERBS | ACCUSING_VERBS | {"take", "participate", "engage", "involve", "go"})


def _vlemma(tok: Any) -> str:
    """A verb's lemma, repaired from its surface form when the lemmatiser got it wrong."""
    return _LIGHT_FORMS.get(tok.lower_, tok.lemma_.lower())
TARGET_PREPS = {"on", "against", "at", "upon", "targeting", "into", "toward", "towards", "near"}
RECIPROCAL = {"clash", "fight", "battle", "skirmish", "exchange", "meet", "agree", "negotiate", "talk",
              "gunfight", "firefight", "shootout", "fighting", "clashes", "confer", "consult", "cooperate",
              "discuss", "sign", "agreement", "ceasefire", "truce", "deal", "peace deal"}
NON_ACTOR_HEADS = {"attack", "area", "town", "city", "village", "district", "province", "region", "home",
                   "house", "building", "vehicle", "car", "road", "street", "day", "week", "time", "part",
                   "number", "total", "side", "way", "incident", "fire", "shot", "explosion", "blast"}
PRONOUNS = {"it", "they", "he", "she", "them", "him", "her", "we", "us", "you", "i", "this", "that",
            "which", "who", "whom", "those", "these", "itself", "themselves"}


# words that put a crowd in the sentence: with them "protest" is a demonstration even when a state is named
_CROWD = re.compile(r"\b(?:protesters?|demonstrat\w+|crowds?|marchers?|rall(?:y|ies|ied)|streets?|thousands|"
                    r"hundreds|dozens|students|workers|activists|supporters|residents|sit-?ins?|march\w*|"
                    r"placards?|banners?|chant\w*)\b", re.I)


_LODGE = {"lodge", "file", "register", "deliver", "send", "issue", "submit", "voice", "express", "make", "convey"}


def _is_diplomatic_protest(ev: Event, doc: Any) -> bool:
    """"Thailand lodged a protest with Cambodia", "China protested to Japan": a government's
    complaint, not a demonstration. Every source is a state, a state organ or a government
    official, nothing in the sentence brings a crowd, and the protest has the form of an official
    complaint: lodged/filed/delivered, made to or with someone, or the reason an envoy was
    summoned. "Councillors protested in Leh" stays a demonstration."""
    if ev.type != "PROTEST" or ev.mode != "demo" or ev._entry is None or ev._entry.lemma != "protest":
        return False
    if not ev.source or not all(a.kind == "state" or (a.id or "").startswith("state:") or a.sector == "GOV"
                                for a in ev.source):
        return False
    if _CROWD.search(ev.evidence_text) is not None:
        return False
    if doc is None or not (0 <= ev._trigger_i < len(doc)):
        return False
    tok = doc[ev._trigger_i]
    if tok.pos_ == "NOUN":
        return tok.dep_ in ("dobj", "nsubjpass") and tok.head.lemma_.lower() in _LODGE
    if tok.head.lemma_.lower() == "summon":  # "summoned the ambassador to protest the remarks"
        return True
    return any(c.dep_ == "prep" and c.lower_ in ("to", "with") for c in tok.children)


def _recode_as_complaint(ev: Event, lex: Lexicon) -> None:
    code = lex.cameo.get("114")  # complain officially: PLOVER ACCUSE, allege, diplomatic
    ev.type, ev.mode, ev.cameo, ev.goldstein = "ACCUSE", "allege", code.code, code.goldstein
    ev.quad_class = QUAD_BY_TYPE["ACCUSE"]
    ev.contexts = list(code.plover_contexts) or ["diplomatic"]


@stage("events", reads=("sentences.doc", "mentions"), adds=("events",))
def find_events(article: Article, resources: Resources) -> None:
    """Detect triggers in every parsed sentence and read their participants."""
    assert article.sentences is not None
    lex: Lexicon = resources.lexicon
    kb = resources.kb
    mentions_by_sent: dict[int, list[Mention]] = {}
    for m in article.mentions or []:
        mentions_by_sent.setdefault(m.sentence_index, []).append(m)
    events: list[Event] = []
    for sent in article.sentences:
        if sent.doc is None:
            continue
        ctx = _SentenceContext(sent, mentions_by_sent.get(sent.index, []), kb, article, lex)
        found = [ev for tok in sent.doc if (ev := _event_for(tok, ctx)) is not None]
        found = _merge_same_incident(found, sent)
        found.extend(_intent_events(found, ctx))
        events.extend(found)
    docs = {sent.index: sent.doc for sent in article.sentences}
    for ev in events:
        if _is_diplomatic_protest(ev, docs.get(ev.sentence_index)):
            _recode_as_complaint(ev, lex)
        ev.acled = classify_acled(ev, article)
    resolve_protest_context(events, article)
    for ev in events:
        ev.confidence = _confidence(ev)
    article.events = events


class _SentenceContext:
    """Per-sentence lookups shared by the trigger and argument functions."""

    def __init__(self, sent: Sentence, mentions: list[Mention], kb: Any, article: Article,
                 lex: Lexicon) -> None:
        self.sent = sent
        self.doc = sent.doc
        self.mentions = mentions
        self.kb = kb
        self.article = article
        self.lex = lex
        self._actor_cache: dict[int, list[Actor]] = {}

    def mention_for(self, start: int, end: int, head_start: int) -> Mention | None:
        """The mention inside [start, end) (article offsets) that covers the head, else the longest one."""
        inside = [m for m in self.mentions if m.start >= start and m.end <= end]
        for m in inside:
            if m.start <= head_start < m.end:
                return m
        covering = [m for m in self.mentions if m.start <= head_start < m.end]
        if covering:
            return max(covering, key=lambda m: m.end - m.start)
        return max(inside, key=lambda m: m.end - m.start) if inside else None


# ---------------------------------------------------------------- triggers


def _lemma(tok: Any) -> str:
    lem = tok.lemma_.lower()
    # the small model sometimes leaves plural nominal triggers unlemmatised
    if tok.pos_ in ("NOUN", "PROPN") and lem == tok.lower_ and lem.endswith("s") and len(lem) > 4:
        return lem[:-1]
    return lem


def _candidates(tok: Any, lex: Lexicon) -> list[tuple[Entry, Any]]:
    """Lexicon entries this token can realise, with the first token of the trigger phrase."""
    out: list[tuple[Entry, Any]] = []
    lem = _lemma(tok)
    text = tok.lower_
    doc = tok.doc
    # multiword nouns ending in this token ("car bomb", "air strike", "peace deal")
    for e in lex.multiword.get(lem, []) + lex.multiword.get(text, []):
        words = e.lemma.split()
        start = tok.i - len(words) + 1
        if start < 0:
            continue
        span = doc[start:tok.i + 1]
        forms = [t.lower_ for t in span[:-1]]
        if forms == words[:-1] or [t.lemma_.lower() for t in span[:-1]] == words[:-1]:
            out.append((e, span[0]))
    if out:
        return out
    if tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
        entries = lex.lookup(lem, "verb", text) or lex.lookup(lem, "noun") or lex.lookup(text, "noun")
    elif tok.pos_ in ("NOUN", "PROPN", "ADJ"):
        entries = lex.lookup(lem, "noun", text) or lex.lookup(text, "noun")
        if not entries and tok.tag_ in ("NN", "NNS") and tok.dep_ in ("ROOT", "conj", "advcl", "xcomp"):
            entries = lex.lookup(lem, "verb", text)
    else:
        entries = []
    return [(e, tok) for e in entries]


def _direct_objects(tok: Any, e: Entry) -> list[Any]:
    """Objects an entry's object constraint is checked against: direct objects, the entry's own
    preposition's object, and for nouns their "of" complement; plus conjuncts and compounds."""
    objs = [c for c in tok.children if c.dep_ in OBJ or c.dep_ in PASS_SUBJ]
    if tok.dep_ in ("amod", "compound") and tok.head.pos_ in ("NOUN", "PROPN"):
        objs.append(tok.head)
    if tok.dep_ in ("acl", "relcl") and tok.tag_ == "VBN":
        objs.append(tok.head)
    preps = {e.prep} if e.prep else set()
    if e.pos == "noun" or tok.pos_ == "NOUN":
        preps |= {"of", "on", "against"}
    preps |= {"at", "on"} if e.object in ("projectile", "fire", "weapon") else set()
    for c in tok.children:
        if c.dep_ in ("prep", "agent", "dative") and c.lower_ in preps:
            objs.extend(g for g in c.children if g.dep_ == "pobj")
        if c.dep_ == "compound":
            objs.append(c)
    out = []
    for o in objs:
        out.append(o)
        out.extend(c for c in o.children if c.dep_ in ("conj", "compound"))
        if o.lemma_.lower() in ("control", "possession", "position", "round", "barrage", "volley", "cache"):
            out.extend(g for c in o.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj")
    return out


_SPORT = {"match", "goal", "goals", "striker", "league", "cup", "innings", "wicket", "football", "tennis",
          "midfielder", "defender", "coach", "tournament", "semi-final", "final", "penalty", "scored", "season",
          "championship", "cricket", "rugby", "basketball", "team", "club", "fixture", "kick-off", "half", "draw",
          "visitors", "win", "title", "champions", "over", "side"}
_SPORT_STRONG = {"bowler", "wicket", "innings", "striker", "midfielder", "goalkeeper", "half-time", "scored",
                 "league", "semi-final", "quarter-final", "batsman", "fixture"}


def _constraints_ok(e: Entry, tok: Any, lex: Lexicon) -> bool:
    if e.type == "ASSAULT" and sum(2 if t.lower_ in _SPORT_STRONG else t.lower_ in _SPORT for t in tok.doc) >= 2:
        return False  # "the visitors' attack", "struck twice in the second half"
    if e.not_subject:
        subj = [c for c in tok.children if c.dep_ in SUBJ]
        if any(lex.object_class(_lemma(c)) & {e.not_subject} for c in subj):
            return False
    if e.particle:
        if not any(c.dep_ == "prt" and c.lower_ == e.particle for c in tok.children):
            nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
            if nxt is None or nxt.lower_ != e.particle:
                return False
    if e.prep:
        preps = {c.lower_ for c in tok.children if c.dep_ in ("prep", "agent", "prt")}
        nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
        if e.prep not in preps and (nxt is None or nxt.lower_ != e.prep):
            return False
    if e.object or e.not_object:
        classes: set[str] = set()
        for o in _direct_objects(tok, e):
            classes |= lex.object_class(_lemma(o)) | lex.object_class(o.lower_)
        if e.object and e.object not in classes:
            return False
        if e.not_object and e.not_object in classes:
            return False
    return True


def _specificity(e: Entry) -> int:
    return 4 * bool(e.object) + 2 * bool(e.prep) + 2 * bool(e.particle) + (" " in e.lemma)


def _event_for(tok: Any, ctx: _SentenceContext) -> Event | None:
    if tok.is_punct or tok.like_num:
        return None
    cands = [(e, first) for e, first in _candidates(tok, ctx.lex) if _constraints_ok(e, tok, ctx.lex)]
    if tok.is_stop and not any(" " in e.lemma for e, _ in cands) and tok.lower_ not in ("hit",):
        return None
    if not cands:
        return None
    # a noun modifying a trigger noun is part of that trigger ("rocket" in "rocket fire")
    if tok.dep_ == "compound" and tok.head.pos_ == "NOUN" and _candidates(tok.head, ctx.lex):
        return None
    entry, first = max(cands, key=lambda c: (_specificity(c[0]), c[0].confidence))
    is_noun = entry.pos == "noun" or tok.pos_ in ("NOUN", "PROPN") or (
        tok.tag_ == "VBG" and tok.dep_ in ("nsubj", "nsubjpass", "dobj") and not any(
            c.dep_ in ("dobj", "aux") for c in tok.children))  # "Fighting between A and B killed six"
    source, target = (_noun_args(tok, entry, ctx) if is_noun else _verb_args(tok, entry, ctx))
    participant = bool(source or target) or _has_participant(tok, ctx)
    if not participant:
        return None
    sent = ctx.sent
    cameo = ctx.lex.cameo.get(entry.cameo)
    contexts = list(entry.contexts or cameo.plover_contexts)
    ev = Event(
        type=entry.type, mode=entry.mode, contexts=contexts, quad_class=QUAD_BY_TYPE[entry.type],
        cameo=entry.cameo, goldstein=cameo.goldstein, source=source, target=target,
        evidence_text=sent.text, sentence_index=sent.index, sentence_start=sent.start,
        sentence_end=sent.end, trigger=ctx.doc[first.i:tok.i + 1].text, confidence=entry.confidence,
    )
    ev._trigger_i = tok.i
    ev._trigger_start = sent.start + first.idx
    ev._entry = entry
    ev._notes["facts"] = dict(entry.facts)
    ev._notes["nominal"] = is_noun
    ev._notes["main_clause"] = _main_clause(tok)
    ev._notes["subordinate"] = _subordinate(tok)
    if _embedded(tok, ctx.lex):
        ev._notes["embedded"] = True
        ev.confidence -= 0.2
    elif is_noun and _grievance(tok):
        ev._notes["embedded"] = True  # "protested against the arrest of ...": the cause, not a new event
        ev.confidence -= 0.25
    return ev


_GRIEVANCE_PREPS = {"against", "over", "about", "after", "following", "despite", "amid", "for"}


def _grievance(tok: Any) -> bool:
    cur = tok
    for _ in range(3):
        if cur.dep_ == "pobj" and cur.head.lower_ in _GRIEVANCE_PREPS:
            return True
        if cur.dep_ not in ("pobj", "prep", "conj", "compound"):
            return False
        cur = cur.head
    return False


_EMBEDDING_TYPES = {"REQUEST", "THREATEN", "AGREE", "REJECT"}


def _main_clause(tok: Any) -> int:
    """2 for the sentence's main predicate (or the reported clause of "X said"), 1 for its arguments."""
    if tok.dep_ == "ROOT":
        return 2
    if tok.dep_ == "ccomp" and tok.head.dep_ == "ROOT" and tok.head.lemma_.lower() in _REPORTING:
        return 2
    if tok.head.dep_ == "ROOT" or (tok.head.dep_ == "ccomp" and tok.head.head.lemma_.lower() in _REPORTING):
        return 1
    return 0


_MODIFIER_DEPS = {"relcl", "acl"}


def _subordinate(tok: Any) -> bool:
    """Is the trigger background to the sentence's news: inside a relative clause, a participial
    modifier of a noun, or a noun's prepositional complement ("suspected of blowing up a plane in 1988",
    "the settlers, who had burned ...")? Such events rank below the main clause's. Adverbial clauses
    are not: "when police intervened and shot ..." is often the news itself."""
    cur = tok
    for _ in range(8):
        if cur.dep_ == "ROOT" or cur.head is cur:
            return False
        if cur.dep_ in _MODIFIER_DEPS:
            # "a group of citizens protested in X" parsed as a reduced relative of the root noun: the
            # sentence has no other predicate, so the clause is the main one
            root = cur.head
            while root.dep_ in ("pobj", "prep") and root.head is not root:
                root = root.head
            return root.dep_ != "ROOT" or root.pos_ == "VERB"
        if cur.dep_ in ("pcomp", "pobj") and cur.head.dep_ == "prep" and cur.head.head.pos_ in ("NOUN", "PROPN"):
            return True
        cur = cur.head
    return False


def _embedded(tok: Any, lex: Lexicon) -> bool:
    """Is the trigger the complement of a demand, threat, promise or refusal ("demanded to arrest")?"""
    cur = tok
    for _ in range(3):
        if cur.dep_ not in ("xcomp", "ccomp", "pcomp", "pobj", "prep", "advcl", "dobj"):
            return False
        cur = cur.head
        if cur.pos_ == "VERB" and any(e.type in _EMBEDDING_TYPES for e in lex.lookup(cur.lemma_.lower(), "verb")):
            return True
    return False


# ---------------------------------------------------------------- arguments


def _subject(tok: Any) -> tuple[list[Any], bool]:
    """Subject tokens of a verb and whether the verb is passive (inherits through xcomp/conj/advcl)."""
    cur = tok
    for _ in range(4):
        subj = [c for c in cur.children if c.dep_ in SUBJ]
        psubj = [c for c in cur.children if c.dep_ in PASS_SUBJ]
        if subj or psubj:
            if cur is tok:
                return (subj or psubj), bool(psubj)
            # inherited: a participle of a passive clause keeps the active reading of its own verb
            return (subj or []), False
        if cur.dep_ in ("relcl", "acl") and cur.head.pos_ in ("NOUN", "PROPN"):
            passive = cur.tag_ == "VBN" and not any(c.dep_ == "aux" for c in cur.children)
            if cur is tok and passive:
                return [], True
            return [cur.head], False
        if cur.dep_ in ("xcomp", "conj", "advcl", "ccomp", "pcomp", "acomp") and cur.head is not cur:
            if cur.dep_ == "advcl" and cur.tag_ not in ("VBG", "VB"):
                break  # "X was killed when ..." clauses have their own subject
            cur = cur.head
            continue
        break
    return [], tok.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in tok.children)


def _agent(tok: Any) -> list[Any]:
    for c in tok.children:
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
            return [g for g in c.children if g.dep_ == "pobj"]
    return []


INTRANSITIVE = {"PROTEST", "MOBILIZE"}
_HOSTILE = {"ASSAULT", "COERCE", "PROTEST", "THREATEN", "SANCTION", "ACCUSE", "REJECT", "MOBILIZE"}
_POSSESSIVE = {"its": "it", "their": "they", "his": "he", "her": "she"}


def _verb_args(tok: Any, entry: Entry, ctx: _SentenceContext) -> tuple[list[Actor], list[Actor]]:
    gov = tok.head.head if tok.dep_ == "pcomp" else None
    if gov is not None and gov.dep_ in ("dobj", "obj") and _vlemma(gov.head) in ACCUSING_VERBS:
        gov = gov.head  # "accused [the rebels [of attacking]]"
    if gov is not None and _vlemma(gov) in ACCUSING_VERBS and tok.head.lower_ in ("of", "for"):
        # "X accused Y of shelling Z": Y is the (alleged) source
        accused = [c for c in gov.children if c.dep_ in ("dobj", "obj")]
        return _actors(accused, ctx), _actors([c for c in tok.children if c.dep_ in ("dobj", "obj")], ctx)
    if (tok.dep_ == "acl" and tok.tag_ == "VBN" and not _agent(tok)
            and (entry.type in INTRANSITIVE or _reciprocal(entry))):
        # "Hundreds of students protested in X" mis-parsed as a reduced relative
        head = tok.head
        if head.dep_ == "ROOT" and head.lower_ in ("hundreds", "thousands", "dozens", "scores", "tens"):
            head = next((g for c in head.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"),
                        head)
        return _actors([head], ctx), []
    subj, passive = _subject(tok)
    passive = passive or any(c.dep_ in ("auxpass",) for c in tok.children)
    psubj = [c for c in tok.children if c.dep_ in PASS_SUBJ]
    objs = [c for c in tok.children if c.dep_ in ("dobj", "obj", "dative")]
    if passive:
        source_toks = _agent(tok)
        target_toks = psubj or ([] if subj and subj[0].dep_ in SUBJ else subj)
        if tok.dep_ in ("acl",) and not psubj:
            target_toks = [tok.head]
    else:
        source_toks = subj
        target_toks = objs
    source = _actors(source_toks, ctx)
    if not source and source_toks and source_toks[0].dep_ in ("dobj", "attr") and source_toks[0].head.pos_ == "VERB":
        # "the party issued a declaration demanding ...": the declaration's issuer speaks
        gsubj, gpass = _subject(source_toks[0].head)
        source = _actors(_agent(source_toks[0].head) if gpass else gsubj, ctx)
    target = _actors(target_toks, ctx)
    if entry.type == "RETREAT":
        # "withdrew its troops from Lebanon": what is withdrawn is the actor's own; the place left is the other side
        left = _actors([g for c in tok.children if c.dep_ == "prep" and c.lower_ == "from"
                        for g in c.children if g.dep_ == "pobj"], ctx)
        if left:
            target = left
    if not target:
        # "fired with rifles on the positions of X": the first governed preposition that names an actor
        preps = [c for c in tok.children if c.dep_ == "prep" and c.i > tok.i and c.lower_ in TARGET_PREPS]
        preps += [c for c in tok.children if c.dep_ == "prep" and c.i > tok.i and c.lower_ == "with"]
        for c in preps:
            target = _actors([g for g in c.children if g.dep_ == "pobj" and not _is_time(g)], ctx)
            if target:
                break
    # "A and B clashed" -> A vs B
    if not target and len(source) > 1 and _reciprocal(entry):
        source, target = source[:1], source[1:]
    if not target:
        target = _complement_target(tok, source, ctx)
    if not target and entry.mode == "visit":
        target = _visited(tok, tok.head, ctx)
    return source, target


_COMPLEMENT_DEPS = {"xcomp", "ccomp", "dobj", "prep", "dative", "advcl", "acomp", "oprd", "attr"}


def _complement_target(tok: Any, source: list[Actor], ctx: _SentenceContext) -> list[Actor]:
    """Last resort for a target: the first actor named in the trigger's complements, to its right
    ("agreed to provide aid for Romania", "promised to continue aid to Mozambique")."""
    taken = {(a.id, a.name) for a in source}
    for c in tok.children:
        if c.i < tok.i or c.dep_ not in _COMPLEMENT_DEPS:
            continue
        for t in c.subtree:
            if t.dep_ in SUBJ and t.head.i != tok.i:
                continue
            if t.pos_ not in ("PROPN", "NOUN") or _is_time(t):
                continue
            for a in _actor_for(t, ctx):
                if (a.id, a.name) not in taken and (a.country or a.id):
                    return [a]
    return []


def _is_time(tok: Any) -> bool:
    return tok.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL") or tok.like_num


def _reciprocal(entry: Entry) -> bool:
    return entry.lemma in RECIPROCAL or bool(entry.facts.get("armed_clash"))


def _noun_args(tok: Any, entry: Entry, ctx: _SentenceContext) -> tuple[list[Actor], list[Actor]]:
    source_toks: list[Any] = []
    target_toks: list[Any] = []
    between: list[Any] = []
    for c in tok.children:
        if c.dep_ == "poss" or (c.dep_ == "nsubj" and c.i < tok.i):  # "US airstrikes" mis-parsed as a clause
            source_toks.append(c)
        elif c.dep_ in ("compound", "amod", "nmod") and c.i < tok.i:
            if c.pos_ in ("PROPN",) or c.ent_type_ in ("NORP", "GPE", "ORG") or ctx.lex.object_class(
                    _lemma(c)) & {"armed"}:
                source_toks.append(c)
        elif c.dep_ in ("prep", "agent"):
            pobjs = [g for g in c.children if g.dep_ == "pobj"]
            if c.lower_ == "by":
                source_toks.extend(pobjs)
            elif c.lower_ == "between":
                between.extend(pobjs)
            elif c.lower_ in TARGET_PREPS | {"with", "targeting"}:
                target_toks.extend(pobjs)
            elif c.lower_ == "of" and entry.type in ("ASSAULT", "COERCE"):
                target_toks.extend(pobjs)  # "shelling of Ukrainian positions", "abduction of three engineers"
            elif c.lower_ == "of" and entry.type == "PROTEST":
                source_toks.extend(pobjs)
        elif c.dep_ == "acl" and c.lower_ in ("targeting", "against"):
            target_toks.extend(g for g in c.children if g.dep_ in OBJ)
    if not between and tok.dep_ in SUBJ | PASS_SUBJ:
        # "clashes were reported between A and B": the parser hangs "between" on the verb
        between = [g for c in tok.head.children if c.dep_ == "prep" and c.lower_ == "between"
                   for g in c.children if g.dep_ == "pobj"]
    # "went on a looting spree", "a mediation mission": the trigger modifies the noun that carries the
    # clause role (and the noun's own "between" phrase)
    anchor = tok.head if tok.dep_ in ("compound", "amod") and tok.head.pos_ == "NOUN" else tok
    if not between and anchor is not tok:
        between = [g for c in anchor.children if c.dep_ == "prep" and c.lower_ == "between"
                   for g in c.children if g.dep_ == "pobj"]
    if between:
        actors = _actors(between, ctx)
        if actors:
            if source_toks:  # "X's mediation between A and B": X mediates, A and B are the parties
                own = _actors(source_toks, ctx)
                if own:
                    return own, actors
            return actors[:1], actors[1:]
    tok = anchor
    head = tok.head
    source = _actors(source_toks, ctx)
    light = tok.dep_ in ("dobj", "obj", "attr") and _vlemma(head) in LIGHT_VERBS
    if not source and light:
        # "launched an attack", "issued an ultimatum", "mounted its invasion": the light verb's subject
        subj, passive = _subject(head)
        source = _actors(_agent(head) if passive else subj, ctx)
    if not target_toks and light:
        # "issued an ultimatum to X", "gave a warm welcome to X": the light verb carries the addressee
        target_toks = [g for c in list(tok.children) + list(head.children) if c.dep_ in ("prep", "dative")
                       and c.i > tok.i
                       and c.lower_ in ("to", "with", "on", "against", "upon")
                       for g in c.children if g.dep_ == "pobj" and not _is_time(g)][:1]
    # "an attack by X" handled above; "X's attack"; "the attack killed": nominal as subject
    if not source and tok.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ == "VERB":
        gov = head.head
        friendly_on = head.lower_ == "on" and entry.type not in _HOSTILE
        if _vlemma(gov) in ACCUSING_VERBS:
            source = _actors([c for c in gov.children if c.dep_ in ("dobj", "obj")], ctx)
        elif (_vlemma(gov) not in _REPORTING | {"condemn", "denounce", "deny", "protest", "criticize",
                                                "criticise", "investigate", "kill", "injure", "wound", "die"}
              and (head.lower_ not in TARGET_PREPS | {"during", "against"} or friendly_on)
              and not any(e.type in ("ASSAULT", "COERCE") for e, _ in _candidates(gov, ctx.lex))):
            # "arrived in Amman on a visit", "took part in the protest": the clause's subject acts
            subj, passive = _subject(gov)
            source = [] if passive else _actors(subj, ctx)
    target = _actors(target_toks, ctx)
    if not target and len(source) > 1 and _reciprocal(entry):
        source, target = source[:1], source[1:]
    if not target and entry.mode == "visit":
        target = _visited(tok, head.head if head.dep_ == "prep" else head, ctx)
    return source, target


def _visited(tok: Any, gov: Any, ctx: _SentenceContext) -> list[Actor]:
    """The host of a visit is the country whose name or capital is visited ("a visit to Hanoi", "arrived
    in Amman on a visit", "visited Japan")."""
    places = [c for c in tok.children if c.dep_ in ("dobj", "obj")] if tok.pos_ == "VERB" else []
    for t in (tok, gov):
        places += [g for c in t.children if c.dep_ == "prep" and c.lower_ in ("to", "in")
                   for g in c.children if g.dep_ == "pobj"]
    for p in places:
        s, e = _phrase_span(p)
        actor = ctx.kb.place_state(ctx.doc[s:e].text) or ctx.kb.place_state(p.text)
        if actor is not None:
            return [actor]
    return []


def _has_participant(tok: Any, ctx: _SentenceContext) -> bool:
    """Some non-actor participant (victim, target object) is attached to the trigger."""
    if tok.dep_ in ("compound", "amod") and tok.head.pos_ == "NOUN" and tok.pos_ == "NOUN":
        tok = tok.head
    for c in tok.children:
        if c.dep_ in OBJ | PASS_SUBJ | SUBJ | {"poss"}:
            if c.lower_ not in PRONOUNS or c.dep_ in PASS_SUBJ:
                return True
        if c.dep_ in ("prep", "agent") and c.lower_ in TARGET_PREPS | {"by", "between", "with", "in"}:
            if any(g.dep_ == "pobj" and not _is_time(g) for g in c.children):
                return True
        if c.dep_ in ("compound", "amod") and c.pos_ in ("PROPN", "NOUN"):
            return True
    # counted incidents ("observed a total of 18 projectiles near X") are reports of fire on someone
    if tok.pos_ == "NOUN" and any(c.dep_ == "nummod" for c in tok.children):
        return True
    # a nominal trigger that is itself the object of an action verb ("defused a roadside bomb")
    if tok.pos_ == "NOUN" and ((tok.dep_ == "dobj" and tok.head.pos_ == "VERB") or (
            tok.dep_ == "pobj" and tok.head.head.pos_ == "VERB") or (
            tok.dep_ == "nsubj" and any(c.dep_ in ("dobj", "obj") for c in tok.head.children))):
        return True
    return False


def _coord(tok: Any) -> list[Any]:
    out = [tok]
    for c in tok.children:
        if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN", "PRON"):
            out.extend(_coord(c))
    return out


def _phrase_span(tok: Any) -> tuple[int, int]:
    """Token span of a noun phrase without its coordinated conjuncts, relative clauses or appositions."""
    left = tok.i
    right = tok.i
    for c in tok.children:
        if c.dep_ in ("conj", "cc", "relcl", "acl", "appos", "punct", "advcl"):
            continue
        sub = list(c.subtree)
        if c.i < tok.i:
            left = min(left, sub[0].i)
        elif c.dep_ in ("prep",) and c.lower_ in ("of", "from", "loyal"):
            right = max(right, sub[-1].i)
        elif c.dep_ in ("compound", "amod", "nummod", "poss", "nmod"):
            right = max(right, sub[-1].i)
    return left, right + 1


def _actors(toks: Iterable[Any], ctx: _SentenceContext) -> list[Actor]:
    out: list[Actor] = []
    seen: set[tuple[str | None, str]] = set()
    for t in toks:
        for c in _coord(t):
            for a in _actor_for(c, ctx):
                key = (a.id, a.name)
                if key not in seen:
                    seen.add(key)
                    out.append(a)
    return out


_QUANTITY_HEADS = {"hundred", "hundreds", "thousand", "thousands", "dozen", "dozens", "score", "scores", "ten",
                   "tens", "million", "millions", "crowd", "group", "band", "handful", "number"}


def _actor_for(tok: Any, ctx: _SentenceContext) -> list[Actor]:
    if tok.i in ctx._actor_cache:
        return ctx._actor_cache[tok.i]
    res: list[Actor] = []
    # "hundreds of supporters of X", "a group of students": the quantity is not the actor, its "of" noun is
    if tok.lemma_.lower() in _QUANTITY_HEADS or tok.lower_ in _QUANTITY_HEADS:
        pobj = [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                for g in c.children if g.dep_ == "pobj"]
        if pobj:
            res = _actor_for(pobj[0], ctx)
            ctx._actor_cache[tok.i] = res
            return res
    # "the forces of X", "fighters loyal to X", "members of X": look through to X
    inner = None
    # (not "supporters of X": a crowd that backs X is not X's fighters)
    if tok.lemma_.lower() in ("force", "member", "fighter", "unit", "position", "element",
                              "militant", "troop", "group") or tok.lower_ in ("positions", "forces"):
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("of", "to", "from"):
                pobj = [g for g in c.children if g.dep_ == "pobj"]
                if pobj:
                    inner = pobj[0]
    s, e = _phrase_span(tok)
    span = ctx.doc[s:e]
    start = ctx.sent.start + span.start_char
    end = ctx.sent.start + span.end_char
    m = ctx.mention_for(start, end, ctx.sent.start + tok.idx)
    inner_actors = _actor_for(inner, ctx) if inner is not None else []
    if m is not None and not (tok.lemma_.lower() in ("position", "member", "element")
                              and inner_actors):
        actor = Actor(**m.actor.to_dict())
        # "military forces of Armenia": a generic agent takes the country of its "of" complement
        if actor.country is None and inner_actors and inner_actors[0].country:
            actor.country = inner_actors[0].country
            if actor.id and actor.id.startswith("agent:") and inner_actors[0].kind == "state":
                actor.name = f"{actor.name} ({inner_actors[0].name})"
        res = [actor]
    elif inner_actors:
        res = inner_actors
    elif tok.lower_ in _POSSESSIVE and tok.dep_ == "poss":
        # "mounted its invasion", "their demands": the possessor is whoever the pronoun points to
        actor = ctx.kb.resolve_phrase(_POSSESSIVE[tok.lower_], ctx.article, start=start)
        res = [actor] if actor is not None else []
    elif tok.lower_ in PRONOUNS and tok.lower_ not in ("they", "he", "she", "them", "him", "her", "who", "it"):
        res = []
    else:
        text = span.text
        if (tok.lemma_.lower() in NON_ACTOR_HEADS and tok.pos_ != "PRON") or (
                tok.pos_ in ("NOUN", "VERB") and not tok.ent_type_ and _candidates(tok, ctx.lex)):
            actor = None  # an event noun ("the fighting", "the attack") is not a participant
        else:
            actor = ctx.kb.resolve_phrase(text, ctx.article, start=start)
        if actor is not None:
            res = [actor]
    ctx._actor_cache[tok.i] = res
    return res


# ---------------------------------------------------------------- intentions (PLOVER codes intent as its own event)

_FUTURE_AUX = {"will", "would", "shall", "'ll"}
_INTENT_GOVERNORS = {"plan", "prepare", "intend", "decide", "want", "aim", "seek", "hope", "mean", "ready",
                     "prepared", "set", "expect", "try", "resolve", "willing", "able", "determined"}
_COOPERATIVE = {"CONSULT": "036", "SUPPORT": "032", "AID": "033", "COOPERATE": "031", "RETREAT": "035",
                "CONCEDE": "035", "AGREE": "030"}
_CONFLICT = {"ASSAULT": "138", "COERCE": "137", "SANCTION": "131", "PROTEST": "133", "MOBILIZE": "138"}
_REPORTING = {"say", "tell", "state", "announce", "declare", "warn", "insist", "stress", "add", "write",
              "conclude", "argue", "note", "reiterate"}


def _negated(tok: Any) -> bool:
    return any(c.dep_ == "neg" for c in tok.children)


def _intent_marker(tok: Any) -> tuple[Any, bool] | None:
    """The modal or governing verb that makes `tok` an intention, and whether it is negated."""
    aux = [c for c in tok.children if c.dep_ == "aux" and c.lower_ in _FUTURE_AUX]
    if aux:
        return aux[0], _negated(tok)
    if tok.dep_ == "xcomp":
        gov = tok.head
        if gov.lemma_.lower() in _INTENT_GOVERNORS or gov.lower_ in _INTENT_GOVERNORS:
            return gov, _negated(gov) or _negated(tok)
        if gov.lemma_.lower() in ("refuse", "decline"):
            return gov, True
    return None


def _intent_events(found: list[Event], ctx: _SentenceContext) -> list[Event]:
    """"X will support Y" is an AGREE by X in PLOVER; "X will strike" a THREATEN; "will not accept" a REJECT.

    The stated action stays as its own (future) event; the intention is added beside it, unless
    the sentence already has a verbal trigger for it (threatened, vowed, offered, refused).
    """
    out: list[Event] = []
    doc = ctx.doc
    verbal_heads = {doc[e._trigger_i].i for e in found if e.type in ("AGREE", "THREATEN", "REJECT", "REQUEST")}
    for ev in found:
        if ev._notes.get("nominal") or ev.type in ("THREATEN", "REJECT", "REQUEST", "ACCUSE"):
            continue
        tok = doc[ev._trigger_i]
        marker = _intent_marker(tok)
        if marker is None:
            continue
        gov, neg = marker
        if gov.i in verbal_heads or (tok.head.i in verbal_heads and tok.dep_ == "xcomp"):
            continue
        if neg:
            itype, code = "REJECT", "120"
        elif ev.type in _COOPERATIVE:
            itype, code = "AGREE", _COOPERATIVE[ev.type]
        elif ev.type in _CONFLICT:
            itype, code = "THREATEN", _CONFLICT[ev.type]
        else:
            continue
        cameo = ctx.lex.cameo.get(code)
        intent = Event(
            type=itype, mode=None, contexts=list(cameo.plover_contexts), quad_class=QUAD_BY_TYPE[itype],
            cameo=code, goldstein=cameo.goldstein, source=list(ev.source), target=list(ev.target),
            evidence_text=ev.evidence_text, sentence_index=ev.sentence_index, sentence_start=ev.sentence_start,
            sentence_end=ev.sentence_end, trigger=f"{gov.text} {ev.trigger}" if gov.i < tok.i else ev.trigger,
            confidence=min(0.9, ev.confidence + 0.1),
        )
        intent._trigger_i = gov.i if gov.dep_ != "aux" else tok.i
        intent._trigger_start = ev.sentence_start + gov.idx
        intent._notes = {"intent_of": ev.type, "facts": {}, "nominal": False, "intent": True}
        ev._notes["embedded"] = True
        ev.confidence -= 0.15
        out.append(intent)
    out.extend(_obligation_events(ctx, verbal_heads, found + out))
    return out


def _obligation_events(ctx: _SentenceContext, verbal_heads: set[int], found: list[Event]) -> list[Event]:
    """"X said Y must/should do Z": a REQUEST by X of Y, whatever Z is. The demand is the news; what
    Y is asked to do (found inside the complement) has not happened and ranks below it."""
    out: list[Event] = []
    for tok in ctx.doc:
        if tok.lemma_.lower() not in _REPORTING or tok.i in verbal_heads:
            continue
        for comp in tok.children:
            if comp.dep_ != "ccomp" or not any(c.dep_ == "aux" and c.lower_ in ("must", "should")
                                               for c in comp.children):
                continue
            subj, _ = _subject(tok)
            source = _actors(subj, ctx)
            tsubj = [c for c in comp.children if c.dep_ in SUBJ]
            target = _actors(tsubj, ctx)
            if not (source or target):
                continue
            cameo = ctx.lex.cameo.get("020")
            ev = Event(type="REQUEST", contexts=list(cameo.plover_contexts), quad_class=QUAD_BY_TYPE["REQUEST"],
                       cameo="020", goldstein=cameo.goldstein, source=source, target=target,
                       evidence_text=ctx.sent.text, sentence_index=ctx.sent.index,
                       sentence_start=ctx.sent.start, sentence_end=ctx.sent.end,
                       trigger=next(c.text for c in comp.children if c.dep_ == "aux"), confidence=0.6)
            # the saying is what happened: its verb carries the event's clause rank and factuality
            ev._trigger_i = tok.i
            ev._trigger_start = ctx.sent.start + comp.idx
            ev._notes = {"facts": {}, "nominal": False, "obligation": True, "main_clause": _main_clause(tok),
                         "subordinate": _subordinate(tok)}
            inside = {t.i for t in comp.subtree}
            for other in found:
                if other._trigger_i in inside and not other._notes.get("embedded"):
                    other._notes["embedded"] = True
                    other.confidence -= 0.15
            out.append(ev)
    return out


# ---------------------------------------------------------------- merging and scoring

_INCIDENT_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "advcl", "conj", "xcomp", "acl", "compound", "relcl",
                  "prep", "npadvmod", "appos", "attr"}
_WEAPON_RANK = {"suicide": 9, "chemical": 8, "air": 7, "drone": 7, "missile": 6, "rocket": 6, "artillery": 6,
                "ied": 5, "grenade": 5, "bomb": 4, "firearms": 2, "bladed": 1}


def _linked(a: Any, b: Any) -> bool:
    """Is token b within two dependency arcs of a (either direction), through incident-type arcs?"""
    if a.head == b or b.head == a:
        return True
    if b.head.head == a and b.head.dep_ in ("prep", "agent", "advcl", "xcomp", "conj"):
        return True
    if a.head.head == b and a.head.dep_ in ("prep", "agent", "advcl", "xcomp", "conj"):
        return True
    # "a grenade thrown at the patrol wounded three": a participle modifying an argument of the other verb
    if a.dep_ in ("acl", "relcl") and a.head.head == b and a.head.dep_ in ("nsubj", "nsubjpass", "dobj"):
        return True
    if b.dep_ in ("acl", "relcl") and b.head.head == a and b.head.dep_ in ("nsubj", "nsubjpass", "dobj"):
        return True
    return False


def _merge_same_incident(events: list[Event], sent: Sentence) -> list[Event]:
    """Fold ASSAULT-family triggers that describe one incident into the most informative event."""
    if len(events) < 2:
        return events
    doc = sent.doc
    dropped: set[int] = set()
    for i, a in enumerate(events):
        if i in dropped:
            continue
        for j, b in enumerate(events):
            if j == i or j in dropped or a.type != b.type:
                continue
            ta, tb = doc[a._trigger_i], doc[b._trigger_i]
            if a.type in ("ASSAULT", "PROTEST"):
                if not _linked(ta, tb):
                    continue
            elif not (ta.head == tb or tb.head == ta or tb.head.head == ta and tb.head.dep_ == "prep"
                      or ta.head.head == tb and ta.head.dep_ == "prep"):
                continue
            # keep the verbal event (it has the clause and the counts), absorb the nominal one's facts
            keep, drop = (a, b) if not a._notes.get("nominal") or b._notes.get("nominal") else (b, a)
            if keep._notes.get("nominal") and drop._notes.get("nominal"):
                keep, drop = (a, b) if a.confidence >= b.confidence else (b, a)
            elif not a._notes.get("nominal") and not b._notes.get("nominal"):
                # two verbs of one incident: the main clause's verb speaks for it
                keep, drop = (b, a) if _rank(b) > _rank(a) else (a, b)
            _absorb(keep, drop)
            dropped.add(events.index(drop))
            if drop is a:
                break
    return [e for k, e in enumerate(events) if k not in dropped]


def _rank(ev: Event) -> int:
    return ev._notes.get("main_clause", 0) - 3 * bool(ev._notes.get("subordinate"))


def _absorb(keep: Event, drop: Event) -> None:
    fk, fd = keep._notes.setdefault("facts", {}), drop._notes.get("facts", {})
    wk, wd = fk.get("weapon"), fd.get("weapon")
    if wd and _WEAPON_RANK.get(wd, 0) > _WEAPON_RANK.get(wk or "", 0):
        fk["weapon"] = wd
        keep.mode = drop.mode
        keep.cameo = drop.cameo
        keep.goldstein = drop.goldstein
    for k, v in fd.items():
        fk.setdefault(k, v)
    if not keep.source and drop.source:
        keep.source = drop.source
        if fd.get("armed_clash") and drop.target:  # "fighting between A and B killed six": B is a party too
            keep.target = drop.target + [a for a in keep.target if a not in drop.target]
    if not keep.target and drop.target:
        keep.target = drop.target
    keep.confidence = max(keep.confidence, drop.confidence)
    keep._notes.setdefault("absorbed", []).append(drop.trigger)


def _confidence(ev: Event) -> float:
    """Entry prior, plus evidence of a complete record; earlier sentences lead (wire style)."""
    c = ev.confidence
    if ev.source:
        c += 0.05
    if ev.target:
        c += 0.05
    if ev.acled:
        c += 0.05
    c -= min(ev.sentence_index, 10) * 0.04
    c += 0.05 * ev._notes.get("main_clause", 0)
    if ev._notes.get("subordinate"):
        c -= 0.2
    return max(0.05, min(0.99, c))
