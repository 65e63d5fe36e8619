"""One rule for model and provider ids: how they are cleaned, and which are refused.

The same function runs when a provider listing is parsed, when a record is built (so what a
store writes is what it reads back) and when a stored row is read; an id that reads back
differently from how it was written would be added again on every refresh.

Cleaning (:func:`clean_id`): surrounding white space and the zero-width characters
(U+200B–U+200D, U+2060 word joiner, U+FEFF byte-order mark) are removed, then the text is put
in Unicode NFC. What is left is refused (:func:`id_problem`) when it is empty, longer than
:data:`MAX_ID_LENGTH` characters, or still holds a control character (C0/C1, including NUL,
tab and line breaks), a lone surrogate, a line or paragraph separator, or any other invisible
format character (bidi marks, embeddings, overrides and isolates among them): such an id
shows differently from what it is.

>>> clean_id(" gpt\\u200b-4o ")
'gpt-4o'
>>> id_problem("gpt\\u202e-4o")
'holds an invisible or direction-changing character (U+202E)'
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

MAX_ID_LENGTH = 256

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_REFUSED_CATEGORIES = {
    "Cc": "holds a control character",
    "Cs": "holds a lone surrogate",
    "Zl": "holds a line separator",
    "Zp": "holds a paragraph separator",
    "Cf": "holds an invisible or direction-changing character",
}


def clean_id(text: str) -> str:
    """``text`` without surrounding space and zero-width characters, in NFC."""
    if len(text) > MAX_ID_LENGTH * 4:
        return text  # refused by id_problem for its length; not worth normalising
    if text.isascii() and text.isprintable():
        return text.strip(" ")  # no zero-width character, already NFC: the common case, fast
    stripped = _ZERO_WIDTH.sub("", text).strip()
    try:
        return unicodedata.normalize("NFC", stripped)
    except UnicodeError:  # pragma: no cover - normalize does not raise on str input
        return stripped


def id_problem(text: str) -> str | None:
    """Why the cleaned id ``text`` is refused, or ``None`` when it is usable."""
    if not text:
        return "is empty"
    if len(text) > MAX_ID_LENGTH:
        return f"is longer than {MAX_ID_LENGTH} characters"
    if text.isascii() and text.isprintable():
        return None  # printable ASCII holds none of the refused categories
    for char in text:
        reason = _REFUSED_CATEGORIES.get(unicodedata.category(char))
        if reason:
            return f"{reason} (U+{ord(char):04X})"
    return None


def checked_id(value: Any) -> tuple[str | None, str | None]:
    """``(id, None)`` for a usable id, ``(None, reason)`` otherwise (also for non-text)."""
    if not isinstance(value, str):
        return None, "is missing" if value is None else "is not text"
    text = clean_id(value)
    problem = id_problem(text)
    return (None, problem) if problem else (text, None)
