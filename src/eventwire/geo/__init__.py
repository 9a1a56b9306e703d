"""Offline geocoding: a gazetteer built from installed registry packages plus curated data,
toponym detection in sentences, context-driven disambiguation and per-event place choice."""

from .gazetteer import Gazetteer, load_gazetteer

__all__ = ["Gazetteer", "load_gazetteer"]
