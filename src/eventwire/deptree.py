"""Dependency-tree distances, shared by the stages that attach words (dates, counts) to triggers."""

from __future__ import annotations

from typing import Any

_MAX_DEPTH = 100  # a guard against malformed (cyclic) parses


def path_to_root(tok: Any) -> list[Any]:
    """The token and its heads up to the sentence root."""
    path = [tok]
    while path[-1].head.i != path[-1].i and len(path) < _MAX_DEPTH:
        path.append(path[-1].head)
    return path


def tree_distance(a: Any, b: Any) -> int:
    """Number of dependency edges between two tokens of one parse (100 when unconnected)."""
    pa = {t.i: n for n, t in enumerate(path_to_root(a))}
    for n, t in enumerate(path_to_root(b)):
        if t.i in pa:
            return pa[t.i] + n
    return _MAX_DEPTH
