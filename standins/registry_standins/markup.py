r"""Find Markdown that would render as a link, an image or HTML: the oracle of the rendering tests.

A page's Markdown is safe when every outside value in it was escaped (``pages/_ui/safe.py``).
:func:`live_markup` reads a Markdown body the way CommonMark/GFM would start a link: it skips
inline code spans (their text is literal), treats a backslash before ASCII punctuation as making
that character literal, and reports what is left that a renderer would turn into a link
(``[x](y)``, ``[x][y]``, a ``[y]: url`` definition), an image (``![x](y)``), raw HTML or an
``<autolink>``, or a GFM autolink literal (``https://…``, ``www.…``, ``a@b.c``, with or without ``mailto:``).

>>> live_markup("see [docs](https://evil.example)")
['](', 'https://']
>>> live_markup(r"see \[docs\]\(https\://evil\.example\)")  # the autolinker still fires
['https://']
>>> live_markup("see \\[docs\\]\\(https\u2060\\://evil\\.example\\)"), live_markup("`[a](b)`")
([], [])
"""

from __future__ import annotations

import re

_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_HIDDEN = "\x00"

#: Syntax, seen with escaped characters hidden.
_LIVE = [
    re.compile(r"!\["),  # an image
    re.compile(r"\]\("),  # an inline link or image target
    re.compile(r"\]\["),  # a reference link
    re.compile(r"(?m)^\s{0,3}\[[^\]\x00]+\]:"),  # a link reference definition
    re.compile(r"<[A-Za-z/!?]"),  # raw HTML or an <autolink>
]
#: GFM autolink literals, seen in the text after escapes are resolved: remark finds them in
#: text nodes, so a backslash does not stop them (remark-gfm's autolink-literal transform).
_AUTOLINK = [
    re.compile(r"(?i)(?:https?|ftp)://"),
    re.compile(r"(?i)www\."),
    re.compile(r"[\w.+-]+@[\w-]+\.[\w-]+"),
]


def _skeleton(markdown: str, *, resolve: bool = False) -> str:
    """``markdown`` with code spans replaced by ``\x00``, and backslash-escaped characters too
    (or, with ``resolve``, by the character itself)."""
    out: list[str] = []
    i, n = 0, len(markdown)
    while i < n:
        ch = markdown[i]
        if ch == "\\" and i + 1 < n and markdown[i + 1] in _PUNCT:
            out.append(markdown[i + 1] if resolve else _HIDDEN * 2)
            i += 2
            continue
        if ch == "`":
            run = len(markdown[i:]) - len(markdown[i:].lstrip("`"))
            fence = "`" * run
            j = i + run
            while True:
                close = markdown.find(fence, j)
                if close < 0:
                    break
                after = close + run
                if (after >= n or markdown[after] != "`") and markdown[close - 1] != "`":
                    break
                j = after + 1
            if close >= 0:
                out.append(_HIDDEN * (close + run - i))
                i = close + run
                continue
            out.append(_HIDDEN * run)  # an unmatched run is literal backticks
            i += run
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def live_markup(markdown: str) -> list[str]:
    """What in ``markdown`` would render as a link, an image, HTML or an autolink ([] if none)."""
    skeleton, resolved = _skeleton(markdown), _skeleton(markdown, resolve=True)
    return [m.group(0) for pattern in _LIVE for m in pattern.finditer(skeleton)] + [
        m.group(0) for pattern in _AUTOLINK for m in pattern.finditer(resolved)
    ]
