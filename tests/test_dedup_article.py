"""In-article dedup: an event noun that points back at an event already reported is not a new event."""

from __future__ import annotations

import pytest

from eventwire import extract

LEAD = "A car bomb exploded outside a police station in Kirkuk on Monday, killing four officers. "


@pytest.mark.parametrize("follow,n_assaults", [
    ("The interior ministry blamed a militant cell for the attack.", 1),             # points back
    ("Officials said the bombing was the deadliest this year.", 1),                  # points back
    ("On Wednesday, the attack on a checkpoint near Hawija killed two soldiers.", 2),  # its own date and count
    ("Gunmen also attacked a checkpoint near Hawija, officials said.", 2),             # a verb: a new event
])
def test_definite_event_noun_refers_back(follow: str, n_assaults: int) -> None:
    events = [e for e in extract(LEAD + follow, published="2024-03-06") if e.type == "ASSAULT"
              and e.status not in ("hypothetical", "future")]
    assert len(events) == n_assaults, [(e.trigger, e.sentence_index) for e in events]
