r"""Everything the command line prints goes through here: control characters come out visible.

Model ids, names and error messages come from providers and the registry. Printed as they are,
an ``ESC`` sequence in one would recolour the terminal, hide text, rewrite the window title
(``OSC 0``), plant a clickable link (``OSC 8``) or move the cursor over earlier output. So every
C0 control but newline and tab, ``DEL`` and every C1 control is shown as ``\xNN``:

>>> printable("gpt-4o\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\r")
'gpt-4o\\x1b]8;;https://evil.example\\x07click\\x1b]8;;\\x07\\x0d'

JSON output keeps its structure: :func:`json_text` leaves C0 controls to ``json.dumps`` (which
always writes them as ``\u001b``) and writes C1 controls, which it would pass through raw with
``ensure_ascii=False``, as ``\u009b`` escapes too.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Sequence
from typing import Any, TextIO

#: C0 controls except tab (09) and newline (0A), DEL, and the C1 controls (80-9F).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1 = re.compile(r"[\x7f-\x9f]")


def printable(text: Any) -> str:
    """``text`` with every control character but newline and tab shown as ``\\xNN``."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group(0)):02x}", str(text))


def echo(*values: Any, file: TextIO | None = None, sep: str = " ") -> None:
    """``print`` for the command line: the values, made :func:`printable`."""
    print(printable(sep.join(str(v) for v in values)), file=file or sys.stdout)


def json_text(value: Any, **kwargs: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, ...)`` as strict JSON (no ``NaN``/``Infinity``:
    ``ValueError``) with no raw control character in it."""
    kwargs.setdefault("ensure_ascii", False)
    kwargs.setdefault("allow_nan", False)
    return _escape_c1(json.dumps(value, **kwargs))


def _escape_c1(text: str) -> str:
    # outside strings JSON has no such characters, so each one found is inside a string
    return _C1.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def json_rows(rows: Sequence[Any]) -> str:
    """A JSON array of ``rows`` with one row per line, as :func:`json_text` writes each.

    Lines stay greppable and the C encoder does the work (``indent=`` would switch
    :mod:`json` to its pure-Python encoder: seconds for 20,000 rows).

    >>> print(json_rows([{"a": 1}, {"b": [2, 3]}]))
    [
    {"a": 1},
    {"b": [2, 3]}
    ]
    >>> json_rows([])
    '[]'
    """
    if not rows:
        return "[]"
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
    text = "[\n" + ",\n".join([encode(row) for row in rows]) + "\n]"
    return _escape_c1(text)


class TerminalFormatter(logging.Formatter):
    """A log formatter whose lines are :func:`printable` (``-v`` logs provider messages)."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))
