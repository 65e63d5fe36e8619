"""Strict JSON in and out: bounded nesting on read, no ``NaN`` / ``Infinity`` either way.

Python's :mod:`json` reads ``1e400`` as ``inf``, accepts ``NaN`` and ``Infinity`` and writes
them back, which no other JSON reader (SQLite's JSON functions, browsers, ``jq``) accepts. It
also recurses once per nesting level, so a few kilobytes of ``[[[[…`` end in
``RecursionError``.

- :func:`loads` refuses text nested deeper than ``max_depth`` (checked on the raw text before
  parsing) and keeps a non-finite number as the text the sender wrote (``"1e400"``), so what
  was read can always be written again.
- :func:`dumps` is :func:`json.dumps` with ``allow_nan=False``; :func:`finite` replaces any
  non-finite float in a value by its text first, for values that came from elsewhere.
"""

from __future__ import annotations

import json
import math
from itertools import accumulate
from typing import Any

#: Deepest nesting accepted from outside. Provider listings nest five or six levels.
MAX_DEPTH = 64

_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\x00\x00")


class TooDeepError(ValueError):
    """The JSON text nests deeper than allowed."""


def nesting_depth(content: bytes | str) -> int:
    """The deepest ``[`` / ``{`` nesting in JSON text (brackets inside strings ignored)."""
    data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    # drop escaped backslashes, then escaped quotes: every quote left opens or closes a string
    unescaped = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = b"".join(unescaped.split(b'"')[0::2])
    steps = outside.translate(None, _NOT_BRACKET).translate(_STEP)
    return max(accumulate(1 if step else -1 for step in steps), default=0)


def _keep_float(text: str) -> Any:
    number = float(text)
    return number if math.isfinite(number) else text


def _keep_constant(text: str) -> str:
    return text  # NaN, Infinity, -Infinity: kept as the words the sender wrote


def _brackets(content: bytes | str) -> int:
    """How many ``[`` and ``{`` the text holds (strings included): a bound on its nesting."""
    if isinstance(content, str):
        return content.count("[") + content.count("{")
    return content.count(b"[") + content.count(b"{")


def loads(content: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON text; :class:`TooDeepError` past ``max_depth``, ``ValueError`` if not JSON."""
    if _brackets(content) > max_depth:  # fewer brackets than that cannot nest deeper
        depth = nesting_depth(content)
        if depth > max_depth:
            raise TooDeepError(f"nested {depth} levels deep (at most {max_depth} are read)")
    # one C parse; the hooks run only for float literals and the NaN / Infinity words, and
    # keep a non-finite one as the text the sender wrote
    return json.loads(content, parse_float=_keep_float, parse_constant=_keep_constant)


def _is_strict(value: Any) -> bool:
    """Whether ``value`` is JSON without ``NaN`` / ``Infinity`` (checked by the C encoder)."""
    try:
        json.dumps(value, allow_nan=False)
    except (ValueError, TypeError, RecursionError):
        return False
    return True


def strict_or_finite(value: Any) -> Any:
    """``value`` itself when it is strict JSON already, else :func:`finite` of it (a copy).

    For values about to be serialised: the common case costs one C encode, not a walk.
    """
    return value if _is_strict(value) else finite(value)


def finite(value: Any) -> Any:
    """``value`` with every non-finite float replaced by its text (``inf`` -> ``"inf"``)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def dumps(value: Any, **kwargs: Any) -> str:
    """:func:`json.dumps` that refuses ``NaN`` and ``Infinity`` (``ValueError``)."""
    return json.dumps(value, allow_nan=False, **kwargs)
