r"""Outside values on a page are text, never Markdown: the one place that makes them so.

Streamlit renders Markdown in almost every element (titles, captions, alerts, expander, tab,
metric, button and widget labels, help tooltips, progress and status text, toasts). A model id
from a provider, an Airtable cell, a query parameter or an error body would otherwise become a
live link, an image fetched from someone else's server, a heading or a coloured badge.

- :func:`text` escapes a value: every Markdown metacharacter gets a backslash (CommonMark
  turns ``\x`` back into a literal ``x`` for ASCII punctuation), so no link, image,
  emphasis, HTML, directive (``:red[…]``), icon or math can start; and bare URLs, ``www.`` and
  e-mail addresses get an invisible word joiner (U+2060) before their ``:``, ``.`` or ``@``, so
  the GFM autolinker, which runs after escapes are resolved, does not match them. Line breaks
  become spaces: a value is one line of text.
- :func:`code` shows a value as inline code (``model ids``), with a fence longer than any run
  of backticks in it, so it cannot close the span early.
- :func:`md` fills a trusted template (the page's own ``**bold**`` and badges) with values,
  escaping each one unless it already is :class:`Markdown` (the result of :func:`text`,
  :func:`code` or :func:`md`).

Values for elements that show plain text (``st.text``, ``st.code``, ``st.json``, dataframe cells,
selectbox and multiselect options) need none of this.

>>> text("x` [PHISH](https://evil.example) `y")
'x\\` \\[PHISH\\]\\(https\u2060\\://evil\\.example\\) \\`y'
>>> md("**{}**: {}", "OpenAI (default)", code("gpt-4o"))
'**OpenAI \\(default\\)**: `gpt-4o`'
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["Markdown", "code", "md", "plain", "text"]

#: The characters Markdown (CommonMark, GFM and Streamlit's extensions: ``:material/…:``,
#: ``:red[…]``, ``$math$``) gives a meaning, plus ``@`` and ``.`` of e-mail and ``www.``
#: autolinks. All are ASCII punctuation, which CommonMark lets a backslash escape. Left as
#: they are: ``, ; ? % / ' "`` (no syntax of their own outside a link, which cannot start).
METACHARACTERS = frozenset("\\`*_{}[]()#+-.!|<>~:$&@=^")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
_BACKTICKS = re.compile(r"`+")


class Markdown(str):
    """Text that is already safe Markdown: :func:`md` puts it into templates as it is."""

    __slots__ = ()


def _one_line(value: Any) -> str:
    raw = "" if value is None else str(value)
    return _LINE_BREAKS.sub(" ", raw)


#: Invisible, and not a line-break opportunity: what keeps GFM's autolinker off a value.
WORD_JOINER = "\u2060"
#: Where GFM's autolinker starts: ``http(s)://``/``ftp://``, ``www.`` and the ``@`` of an e-mail
#: address. It runs over the text after escapes are resolved (remark's autolink-literal
#: transform), so a backslash is not enough: a word joiner goes in front of the ``:`` or ``.``
#: or ``@``, which its patterns then do not match.
_AUTOLINK_STARTS = re.compile(r"(?i)(?<=[a-z0-9])(?=://)|(?<=www)(?=\.)|(?=@)")


def _unlinkable(raw: str) -> str:
    return _AUTOLINK_STARTS.sub(WORD_JOINER, raw)


def text(value: Any) -> Markdown:
    r"""``value`` as Markdown that renders exactly as the characters of ``value`` (one line).

    >>> text("![b](http://attacker/beacon.png)")
    '\\!\\[b\\]\\(http\u2060\\://attacker/beacon\\.png\\)'
    >>> text("ana@example.com"), text(None)
    ('ana\u2060\\@example\\.com', '')
    """
    if isinstance(value, Markdown):
        return value
    raw = _unlinkable(_one_line(value))
    return Markdown("".join("\\" + ch if ch in METACHARACTERS else ch for ch in raw))


def code(value: Any) -> Markdown:
    r"""``value`` as an inline code span that it cannot break out of.

    >>> code("gpt-4o"), code("x` [a](b) `y")
    ('`gpt-4o`', '`` x` [a](b) `y ``')
    >>> code("")
    ''
    """
    raw = _one_line(value)
    if not raw:
        return Markdown("")
    longest = max((len(run) for run in _BACKTICKS.findall(raw)), default=0)
    fence = "`" * (longest + 1)
    # a space on both sides keeps a leading or trailing backtick off the fence (CommonMark
    # strips one space each side); without backticks inside the plain form reads the same
    pad = " " if longest or raw.startswith(" ") or raw.endswith(" ") else ""
    return Markdown(f"{fence}{pad}{raw}{pad}{fence}")


def md(template: str, *values: Any, **named: Any) -> Markdown:
    r"""``template.format(...)`` with every value escaped by :func:`text` (unless Markdown).

    The template is the page's own text: never build it from an outside value.

    >>> md("Signed in as {who}", who="[me](http://x)")
    'Signed in as \\[me\\]\\(http\u2060\\://x\\)'
    """
    return Markdown(
        template.format(*(text(v) for v in values), **{k: text(v) for k, v in named.items()})
    )


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def plain(markdown: str) -> str:
    r"""The characters a reader sees for Markdown made by :func:`text` or :func:`md` (tests).

    >>> plain(text("ana@example.com [x](y)"))
    'ana@example.com [x](y)'
    """
    return _ESCAPED.sub(r"\1", markdown).replace(WORD_JOINER, "")
