"""eventwire: news text to coded political event data (PLOVER, CAMEO, ACLED), offline.

Public surface: `extract`, `Pipeline`, `Config`, and the record types.
"""

from .config import Config
from .model import Actor, Article, Event, Place
from .pipeline import Pipeline, extract

__version__ = "0.1.0"
__all__ = ["Actor", "Article", "Config", "Event", "Pipeline", "Place", "__version__", "extract"]
