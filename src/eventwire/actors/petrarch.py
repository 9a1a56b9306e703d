"""Reading PETRARCH/Phoenix-format actor dictionaries into our user actor format.

The format (as documented for PETRARCH): an entry is a line `NAME_WITH_UNDERSCORES_ [CODE]`,
optionally followed by `+SYNONYM_` lines and further `[CODE date-range]` lines; `#` starts a
comment. A CAMEO actor code is a country (or IGO/NGO) code followed by role codes, e.g.
`IRQREB`, `USAGOV`; date restrictions look like `>20010101`, `<20050120` or `080101-120131`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .kb import slug

_CODE = re.compile(r"\[([^\]]*)\]")
# CAMEO three-letter country codes that differ from ISO 3166 alpha-3
_CAMEO_TO_ISO = {
    "JAP": "JPN",
    "ROM": "ROU",
    "SER": "SRB",
    "MNT": "MNE",
    "TMP": "TLS",
    "ZAR": "COD",
    "BUR": "MMR",
    "GER": "DEU",
    "KOS": "XKX",
}
_NON_STATE = {"IGO", "NGO", "NGM", "MNC", "IMG", "UIS", "REB", "INS", "OPP", "PTY", "UAF", "SEP", "---"}
_ARMED = {"REB", "INS", "UAF", "SEP", "IMG", "PRM", "MIL"}
_TITLES = {
    "GOV": "official",
    "MIL": "military officer",
    "LEG": "legislator",
    "JUD": "judge",
    "ELI": "notable",
    "PTY": "party official",
    "REB": "rebel leader",
    "OPP": "opposition figure",
    "COP": "police officer",
}
_SECTOR_MAP = {
    "INS": "REB",
    "SEP": "REB",
    "IMG": "REB",
    "NGO": "SOC",
    "IGO": "SOC",
    "NGM": "SOC",
    "MNC": "BUS",
    "HLH": "MED",
    "HRI": "SOC",
    "ENV": "SOC",
    "CRM": "CRM",
    "ELI": "ELI",
    "MED": "JRN",
    "UIS": "UAF",
}


def _name(token: str) -> str:
    """`KATAIB_HEZBOLLAH_` -> `Kataib Hezbollah`; short one-word codes such as `KH_` stay upper case."""
    parts = [p for p in token.strip().strip("+").split("_") if p]
    if len(parts) == 1 and len(parts[0]) <= 5:
        return parts[0].upper()
    return " ".join(p.title() if len(p) > 3 or i == 0 else p.lower() for i, p in enumerate(parts))


def _parse_date(s: str) -> dt.date | None:
    s = s.strip()
    if not s:
        return None
    if len(s) == 6:  # YYMMDD
        year = int(s[:2])
        s = f"{1900 + year if year > 40 else 2000 + year}{s[2:]}"
    try:
        return dt.datetime.strptime(s, "%Y%m%d").date()
    except ValueError:
        return None


def _parse_code(raw: str) -> dict[str, Any]:
    """`IRQREB 080101-120131` -> country, sector and optional date range."""
    parts = raw.split()
    code = parts[0].upper() if parts else ""
    start = end = None
    for extra in parts[1:]:
        if extra.startswith(">"):
            start = _parse_date(extra[1:])
        elif extra.startswith("<"):
            end = _parse_date(extra[1:])
        elif "-" in extra:
            a, _, b = extra.partition("-")
            start, end = _parse_date(a), _parse_date(b)
    head = code[:3]
    country = None if head in _NON_STATE else _CAMEO_TO_ISO.get(head, head) or None
    roles = [code[i : i + 3] for i in range(3 if country or head in _NON_STATE else 0, len(code), 3)]
    if head in _NON_STATE and head not in ("IGO", "NGO", "MNC", "---"):
        roles.insert(0, head)
    sector = roles[0] if roles else ({"IGO": "SOC", "NGO": "SOC", "MNC": "BUS"}.get(head))
    sector = _SECTOR_MAP.get(sector or "", sector)
    return {
        "code": code,
        "country": country,
        "sector": sector,
        "start": start,
        "end": end,
        "armed": bool(set(roles) & _ARMED) and sector not in ("MIL",),
    }


def parse_petrarch(text: str) -> list[dict[str, Any]]:
    """Entries in our user YAML shape (organizations format; dated codes become person roles)."""
    entries: list[dict[str, Any]] = []
    cur: dict[str, Any] | None = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith(("<", "{", "}")):
            continue
        codes = [_parse_code(c) for c in _CODE.findall(line)]
        bare = _CODE.sub("", line).strip()
        if bare.startswith("+"):
            if cur is not None and _name(bare):
                cur["aliases"].append(_name(bare))
            continue
        if bare and not line[0].isspace():
            cur = {"name": _name(bare.split()[0]) if bare.split() else "", "aliases": [], "codes": []}
            if len(bare.split()) > 1:  # several words without underscores: keep as written
                cur["name"] = _name(bare.replace(" ", "_"))
            entries.append(cur)
        if cur is not None:
            cur["codes"].extend(codes)
    return [_to_user(e) for e in entries if e["name"] and e["codes"]]


def _to_user(e: dict[str, Any]) -> dict[str, Any]:
    codes = e["codes"]
    dated = [c for c in codes if c["start"] or c["end"]]
    first = (sorted(codes, key=lambda c: c["start"] or dt.date.min)[-1]) if codes else {}
    if dated:  # an office held over time: a person with roles
        return {
            "id": f"person:{slug(e['name'])}",
            "name": e["name"],
            "aliases": e["aliases"],
            "country": first.get("country"),
            "roles": [
                {
                    "title": (c["sector"] or "official").lower(),
                    "of": f"state:{c['country']}" if c["country"] else None,
                    "sector": c["sector"],
                    "start": c["start"].isoformat() if c["start"] else None,
                    "end": c["end"].isoformat() if c["end"] else None,
                }
                for c in codes
            ],
        }
    c = codes[0]
    return {
        "id": f"org:{slug(e['name'])}",
        "name": e["name"],
        "aliases": e["aliases"],
        "country": c["country"],
        "kind": "armed_group" if c["armed"] else "organization",
        "sector": c["sector"],
        "affiliations": [],
        "designations": [],
    }
