"""The CAMEO code table (Goldstein scores, PLOVER translations) shipped as data."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources as ir

QUAD_BY_TYPE = {
    "AGREE": "verbal_cooperation", "CONSULT": "verbal_cooperation", "SUPPORT": "verbal_cooperation",
    "CONCEDE": "verbal_cooperation", "COOPERATE": "material_cooperation", "AID": "material_cooperation",
    "RETREAT": "material_cooperation", "REQUEST": "verbal_conflict", "ACCUSE": "verbal_conflict",
    "REJECT": "verbal_conflict", "THREATEN": "verbal_conflict", "PROTEST": "material_conflict",
    "SANCTION": "material_conflict", "MOBILIZE": "material_conflict", "COERCE": "material_conflict",
    "ASSAULT": "material_conflict",
}


@dataclass(frozen=True)
class CameoCode:
    code: str
    goldstein: float
    plover_type: str | None
    plover_mode: str | None
    plover_contexts: tuple[str, ...]
    quad_class: str
    description: str


class CameoTable:
    """Lookup of CAMEO codes; unknown codes fall back to their nearest listed parent."""

    def __init__(self, codes: dict[str, CameoCode]) -> None:
        self.codes = codes

    def __contains__(self, code: str) -> bool:
        return code in self.codes

    def get(self, code: str) -> CameoCode:
        c = code
        while c and c not in self.codes:
            c = c[:-1]
        if not c:
            raise KeyError(f"unknown CAMEO code {code!r}")
        return self.codes[c]

    def goldstein(self, code: str) -> float:
        return self.get(code).goldstein


def load_cameo() -> CameoTable:
    text = ir.files("eventwire").joinpath("data/cameo.tsv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    codes: dict[str, CameoCode] = {}
    for row in csv.DictReader(lines, delimiter="\t"):
        code = row["cameo"]
        if not code.isdigit() or not 2 <= len(code) <= 4:
            raise ValueError(f"data/cameo.tsv: bad CAMEO code {code!r}")
        codes[code] = CameoCode(
            code=code,
            goldstein=float(row["goldstein"]),
            plover_type=row["plover_type"] or None,
            plover_mode=row["plover_mode"] or None,
            plover_contexts=tuple(c for c in (row["plover_context"] or "").split(";") if c),
            quad_class=row["quad_class"],
            description=row["description"] or "",
        )
    return CameoTable(codes)
