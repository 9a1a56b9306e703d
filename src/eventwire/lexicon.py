"""The trigger lexicon: data files mapping trigger lemmas to PLOVER/CAMEO codes and ACLED facts.

Entries live in `data/lexicon/*.yaml` and are validated against `data/lexicon/schema.json`
when loaded. Object classes (what kind of noun a trigger's object must be) live in
`data/lexicon/objects.yaml`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources as ir
from typing import Any

import yaml

from .cameo import QUAD_BY_TYPE, CameoTable, load_cameo


class LexiconError(ValueError):
    """A lexicon file breaks the schema (message names the file and entry)."""


@dataclass(frozen=True)
class Entry:
    lemma: str
    pos: str
    type: str
    cameo: str
    mode: str | None = None
    contexts: tuple[str, ...] = ()
    particle: str | None = None
    prep: str | None = None
    object: str | None = None
    not_object: str | None = None
    not_subject: str | None = None
    facts: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    acled: tuple[str, str] | None = None
    confidence: float = 0.7
    also: tuple[str, ...] = ()
    source: str = ""

    @property
    def quad_class(self) -> str:
        return QUAD_BY_TYPE[self.type]


_IRREGULAR = {
    "strike": ["struck", "stricken"], "shoot": ["shot"], "fight": ["fought"], "seize": ["seized"],
    "take": ["took", "taken"], "hold": ["held"], "meet": ["met"], "flee": ["fled"], "throw": ["threw", "thrown"],
    "beat": ["beaten"], "blow": ["blew", "blown"], "bring": ["brought"], "give": ["gave", "given"],
    "send": ["sent"], "lead": ["led"], "set": ["set"], "run": ["ran"], "break": ["broke", "broken"],
    "steal": ["stole", "stolen"], "tear": ["tore", "torn"], "overrun": ["overran"], "withdraw": ["withdrew",
    "withdrawn"], "sell": ["sold"], "speak": ["spoke", "spoken"], "seek": ["sought"], "sink": ["sank", "sunk"],
    "win": ["won"], "lose": ["lost"], "hit": ["hit"], "shut": ["shut"], "put": ["put"], "say": ["said"],
    "slay": ["slew", "slain"], "forbid": ["forbade", "forbidden"], "undertake": ["undertook", "undertaken"],
    "retake": ["retook", "retaken"], "overtake": ["overtook", "overtaken"], "bind": ["bound"],
    "lay": ["laid"], "swear": ["swore", "sworn"], "rise": ["rose", "risen"], "spread": ["spread"],
    "storm": ["stormed"], "bomb": ["bombed"], "ride": ["rode"], "drive": ["drove", "driven"],
    "catch": ["caught"], "hang": ["hanged", "hung"], "fly": ["flew", "flown"], "stand": ["stood"],
    "draw": ["drew", "drawn"], "undergo": ["underwent"], "forgive": ["forgave", "forgiven"],
    "uphold": ["upheld"], "stick": ["stuck"], "sweep": ["swept"], "feed": ["fed"], "rape": ["raped"],
    "trade": ["traded"], "fall": ["fell", "fallen"], "pound": ["pounded"],
}


def _inflections(lemma: str, pos: str) -> set[str]:
    """Regular inflected forms of a (possibly multiword) lemma: enough for a prefilter, not a morphology."""
    words = lemma.split()
    head = words[-1] if pos == "noun" else words[0]
    forms = {head}
    if pos == "noun":
        forms.add(head + ("es" if head.endswith(("s", "x", "ch", "sh")) else "s"))
        if head.endswith("y") and len(head) > 2 and head[-2] not in "aeiou":
            forms.add(head[:-1] + "ies")
    else:
        stem = head[:-1] if head.endswith("e") else head
        forms |= {head + "s", head + "es", stem + "ed", stem + "ing", head + "d", head + "ed"}
        if head.endswith("y") and len(head) > 2 and head[-2] not in "aeiou":
            forms |= {head[:-1] + "ied", head[:-1] + "ies"}
        if len(head) >= 3 and head[-1] not in "aeiouwxy" and head[-2] in "aeiou" and head[-3] not in "aeiou":
            forms |= {head + head[-1] + "ed", head + head[-1] + "ing"}
        forms |= set(_IRREGULAR.get(head, []))
    out = set()
    for f in forms:
        out.add(" ".join(words[:-1] + [f]) if pos == "noun" else " ".join([f] + words[1:]))
    return out


def surface_lemmas(lemmas: set[str]) -> dict[str, str]:
    """Inflected form -> lemma for a set of verbs (the small model's lemmatiser misses some: "staged")."""
    return {f: lem for lem in lemmas for f in _inflections(lem, "verb")}


class Lexicon:
    """All trigger entries, indexed by (lemma, pos)."""

    def __init__(self, entries: list[Entry], objects: dict[str, set[str]], cameo: CameoTable) -> None:
        self.entries = entries
        self.objects = objects
        self.cameo = cameo
        self.by_lemma: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        self.multiword: dict[str, list[Entry]] = defaultdict(list)  # last word -> multiword noun entries
        self.by_surface: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        for e in entries:
            if e.pos == "noun" and " " in e.lemma:
                self.multiword[e.lemma.split()[-1]].append(e)
            else:
                self.by_lemma[(e.lemma, e.pos)].append(e)
                # spelling variants and irregular forms the lemmatiser may leave alone ("retook", "criticised")
                forms = set(e.also) | (_inflections(e.lemma, "verb") if e.pos == "verb" else set())
                for form in forms:
                    if " " not in form and e not in self.by_surface[(form.lower(), e.pos)]:
                        self.by_surface[(form.lower(), e.pos)].append(e)

    def lookup(self, lemma: str, pos: str, surface: str | None = None) -> list[Entry]:
        """Entries for a lemma; falls back to known surface forms (spelling variants, irregular pasts)."""
        found = self.by_lemma.get((lemma, pos), [])
        if not found and surface is not None:
            found = self.by_surface.get((surface, pos), [])
        return found

    def object_class(self, lemma: str) -> set[str]:
        """Classes (person, weapon, territory, ...) the noun lemma belongs to."""
        return {c for c, words in self.objects.items() if lemma in words}

    def surface_forms(self) -> set[str]:
        """Lower-case surface strings (inflected) that can realise some trigger: the prefilter's patterns."""
        forms: set[str] = set()
        for e in self.entries:
            forms |= _inflections(e.lemma, e.pos)
            forms |= set(e.also)
        return forms


def _validate(raw: list[Any], name: str, schema: dict[str, Any], cameo: CameoTable) -> list[Entry]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    out = []
    if not isinstance(raw, list):
        raise LexiconError(f"{name}: top level must be a list of entries")
    for i, item in enumerate(raw):
        errors = sorted(validator.iter_errors(item), key=lambda e: list(e.path))
        if errors:
            raise LexiconError(f"{name}: entry {i} ({item.get('lemma') if isinstance(item, dict) else item!r}): "
                               f"{errors[0].message}")
        if item["cameo"] not in cameo:
            raise LexiconError(f"{name}: entry {i} ({item['lemma']}): unknown CAMEO code {item['cameo']}")
        out.append(Entry(
            lemma=item["lemma"].lower(), pos=item["pos"], type=item["type"], cameo=item["cameo"],
            mode=item.get("mode"), contexts=tuple(item.get("contexts") or ()), particle=item.get("particle"),
            prep=item.get("prep"), object=item.get("object"), not_object=item.get("not_object"),
            not_subject=item.get("not_subject"),
            facts=dict(item.get("facts") or {}), acled=tuple(item["acled"]) if item.get("acled") else None,
            confidence=float(item.get("confidence", 0.7)), also=tuple(item.get("also") or ()), source=name,
        ))
    return out


def load_lexicon() -> Lexicon:
    """Load and validate every `data/lexicon/*.yaml` trigger file."""
    base = ir.files("eventwire").joinpath("data/lexicon")
    schema = json.loads(base.joinpath("schema.json").read_text(encoding="utf-8"))
    cameo = load_cameo()
    entries: list[Entry] = []
    objects: dict[str, set[str]] = {}
    for f in sorted(base.iterdir(), key=lambda p: p.name):
        if not f.name.endswith(".yaml"):
            continue
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        if f.name == "objects.yaml":
            objects = {k: {w.lower() for w in v} for k, v in (data or {}).items()}
            continue
        entries.extend(_validate(data or [], f"data/lexicon/{f.name}", schema, cameo))
    return Lexicon(entries, objects, cameo)
