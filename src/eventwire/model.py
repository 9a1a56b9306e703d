"""Data objects that flow through the pipeline.

`Article` is the one object every stage reads and extends; `Event`, `Actor` and
`Place` serialise to the public contract (``schema_version`` "1") with `to_dict`.
Fields whose names start with an underscore are working state for later stages
and never reach the output.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = "1"

PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
SECTORS = (
    "COP", "GOV", "JUD", "LEG", "MIL", "PRM", "PTY", "REB", "SPY", "UAF", "UNK", "AGR", "BUS",
    "CRM", "CVL", "EDU", "ELI", "JRN", "LAB", "MED", "REF", "OPP", "PRE", "REL", "SOC",
)
ACTOR_KINDS = ("state", "organization", "armed_group", "person", "group")
STATUSES = ("asserted", "claimed", "denied", "hypothetical", "future", "historical", "uncertain")
PRECISIONS = ("point", "city", "admin1", "country", "region")
DATE_PRECISIONS = ("day", "week", "month", "year", "unknown")


@dataclass
class Actor:
    """A resolved (or honestly unresolved) participant, in the contract's actor shape."""

    text: str
    name: str
    id: str | None = None
    country: str | None = None
    sector: str | None = None
    kind: str = "group"

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text, "name": self.name, "id": self.id,
            "country": self.country, "sector": self.sector, "kind": self.kind,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Actor:
        return cls(d["text"], d["name"], d.get("id"), d.get("country"), d.get("sector"), d.get("kind", "group"))


@dataclass
class Place:
    """A geocoded place in the contract's place shape."""

    name: str
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    precision: str = "city"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "country": self.country, "admin1": self.admin1,
            "lat": self.lat, "lon": self.lon, "geonames_id": self.geonames_id,
            "precision": self.precision,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Place:
        return cls(d["name"], d.get("country"), d.get("admin1"), d.get("lat"), d.get("lon"),
                   d.get("geonames_id"), d.get("precision", "city"))


@dataclass
class Mention:
    """An actor mention found in a sentence: character offsets are article offsets."""

    sentence_index: int
    start: int
    end: int
    actor: Actor


@dataclass
class Sentence:
    """One sentence with its article offsets; `doc` is its spaCy parse (None when prefiltered out)."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int = 0
    candidate: bool = True
    doc: Any = None


@dataclass
class Event:
    """One coded event. Public fields follow the contract; `_`-fields are stage working state."""

    type: str
    mode: str | None = None
    contexts: list[str] = field(default_factory=list)
    quad_class: str = "material_conflict"
    cameo: str | None = None
    goldstein: float | None = None
    acled: dict[str, str] | None = None
    source: list[Actor] = field(default_factory=list)
    target: list[Actor] = field(default_factory=list)
    date: str | None = None
    date_precision: str = "unknown"
    date_text: str | None = None
    location: Place | None = None
    fatalities: int | None = None
    fatalities_qualifier: str | None = None
    injured: int | None = None
    arrested: int | None = None
    size: int | None = None
    status: str = "asserted"
    attributed_to: Actor | None = None
    evidence_text: str = ""
    sentence_index: int = 0
    sentence_start: int = 0
    sentence_end: int = 0
    trigger: str = ""
    confidence: float = 0.5
    event_id: str = ""
    article_id: str = ""
    # working state, never serialised
    _trigger_i: int = -1  # token index of the trigger head in the sentence doc
    _trigger_start: int = -1  # article char offset of the trigger
    _entry: Any = None  # the lexicon entry that fired
    _notes: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Serialise to exactly the contract's keys, in the contract's order."""
        return {
            "schema_version": SCHEMA_VERSION,
            "event_id": self.event_id,
            "article_id": self.article_id,
            "type": self.type,
            "mode": self.mode,
            "contexts": list(self.contexts),
            "quad_class": self.quad_class,
            "cameo": self.cameo,
            "goldstein": self.goldstein,
            "acled": dict(self.acled) if self.acled else None,
            "source": [a.to_dict() for a in self.source],
            "target": [a.to_dict() for a in self.target],
            "date": self.date,
            "date_precision": self.date_precision,
            "date_text": self.date_text,
            "location": self.location.to_dict() if self.location else None,
            "fatalities": self.fatalities,
            "fatalities_qualifier": self.fatalities_qualifier,
            "injured": self.injured,
            "arrested": self.arrested,
            "size": self.size,
            "status": self.status,
            "attributed_to": self.attributed_to.to_dict() if self.attributed_to else None,
            "evidence": {
                "text": self.evidence_text,
                "sentence_index": self.sentence_index,
                "start": self.sentence_start,
                "end": self.sentence_end,
                "trigger": self.trigger,
            },
            "confidence": round(float(self.confidence), 3),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        """Inverse of `to_dict` (used by stores and exports to re-read their own output)."""
        ev = d.get("evidence") or {}
        return cls(
            type=d["type"], mode=d.get("mode"), contexts=list(d.get("contexts") or []),
            quad_class=d["quad_class"], cameo=d.get("cameo"), goldstein=d.get("goldstein"),
            acled=dict(d["acled"]) if d.get("acled") else None,
            source=[Actor.from_dict(a) for a in d.get("source") or []],
            target=[Actor.from_dict(a) for a in d.get("target") or []],
            date=d.get("date"), date_precision=d.get("date_precision", "unknown"),
            date_text=d.get("date_text"),
            location=Place.from_dict(d["location"]) if d.get("location") else None,
            fatalities=d.get("fatalities"), fatalities_qualifier=d.get("fatalities_qualifier"),
            injured=d.get("injured"), arrested=d.get("arrested"), size=d.get("size"),
            status=d.get("status", "asserted"),
            attributed_to=Actor.from_dict(d["attributed_to"]) if d.get("attributed_to") else None,
            evidence_text=ev.get("text", ""), sentence_index=ev.get("sentence_index", 0),
            sentence_start=ev.get("start", 0), sentence_end=ev.get("end", 0),
            trigger=ev.get("trigger", ""), confidence=d.get("confidence", 0.5),
            event_id=d.get("event_id", ""), article_id=d.get("article_id", ""),
        )


@dataclass
class Article:
    """The unit of work: raw input plus everything the stages add to it."""

    id: str
    text: str
    published: dt.date | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    # added by stages
    paragraphs: list[tuple[int, int]] | None = None
    sentences: list[Sentence] | None = None
    mentions: list[Mention] | None = None
    events: list[Event] | None = None
    # which stage products are present; the runner maintains it
    provided: set[str] = field(default_factory=lambda: {"text", "published"})
    meta: dict[str, Any] = field(default_factory=dict)

    def sentence(self, index: int) -> Sentence:
        assert self.sentences is not None
        return self.sentences[index]


def parse_published(value: Any) -> dt.date | None:
    """Accept `YYYY-MM-DD` or a full ISO 8601 timestamp; anything else is an error."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = str(value).strip()
    try:
        return dt.date.fromisoformat(s[:10])
    except ValueError as exc:
        raise ValueError(f"published is not an ISO 8601 date: {s!r}") from exc
