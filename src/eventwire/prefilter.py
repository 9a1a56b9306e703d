"""Cheap multi-pattern prefilter: only sentences that can hold an event get parsed."""

from __future__ import annotations

from typing import Any


class Prefilter:
    """Baseline: every sentence is a candidate."""

    @classmethod
    def build(cls, lexicon: Any, kb: Any) -> Prefilter:
        return cls()

    def is_candidate(self, text: str) -> bool:
        return True
