"""Table rendering details."""

from __future__ import annotations

from eventwire.output import _actors


def test_actor_column_does_not_repeat_a_country_the_name_already_carries() -> None:
    crowd = {"name": "Protesters (Iraq)", "country": "IRQ"}
    army = {"name": "Military Forces of Iraq", "country": "IRQ"}
    unknown = {"name": "Gunmen", "country": None}
    assert _actors([crowd, army, unknown]) == "Protesters (Iraq); Military Forces of Iraq (IRQ); Gunmen"
