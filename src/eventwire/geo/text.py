"""Name normalisation shared by the gazetteer builder and the matcher.

Both sides must fold names identically (accents, apostrophes, hyphens, case), or a
spelling such as "Dar'a" in text would never meet "Dar`a" in the gazetteer.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_DROP = str.maketrans("", "", "'`\u2019\u2018\u02bc\u02bb\u00b4")
_SPACE = re.compile(r"[\s\-\u2010-\u2015_/.,()]+")
_ARTICLES = ("al ", "el ", "ad ", "ar ", "as ", "ash ", "at ", "az ", "an ", "adh ", "ath ")
# hyphens split tokens ("Mogadishu-Hodan" can match "Mogadishu"; "Ivano-Frankivsk" matches as two tokens)
TOKEN = re.compile(r"[^\W_]+(?:['\u2019`][^\W_]+)*", re.UNICODE)


def fold(s: str) -> str:
    """Accent-strip and lower-case without touching separators."""
    nfkd = unicodedata.normalize("NFKD", s)
    return "".join(c for c in nfkd if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=65536)
def norm(s: str) -> str:
    """Canonical key of a place name: folded, apostrophes dropped, separators collapsed to one space.

    Cached: the matcher folds every word of every sentence, and news repeats its words."""
    return _SPACE.sub(" ", fold(s).translate(_DROP)).strip()


def variants(key: str) -> list[str]:
    """Extra keys for a normalised name: Arabic article dropped ("al hasakah" -> "hasakah")."""
    out = []
    for art in _ARTICLES:
        if key.startswith(art) and len(key) > len(art) + 3:
            out.append(key[len(art):])
            break
    return out


def is_latin(key: str) -> bool:
    """True when a normalised name is plain Latin letters/digits (usable against English text)."""
    return bool(key) and all(("a" <= c <= "z") or c.isdigit() or c == " " for c in key)
