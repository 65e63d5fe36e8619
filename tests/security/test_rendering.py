"""The one helper that turns outside values into text on a page (``pages/_ui/safe.py``)."""

from __future__ import annotations

import re

import pytest

from pages._ui import safe
from registry_standins.markup import live_markup

#: (outside value, what a reader must see). Each would be live Markdown unescaped.
HOSTILE = [
    "x` [PHISH](https://evil.example) `y",
    "![b](http://attacker/beacon.png)",
    "[Click here to re-enter your API key](https://evil.example/login)",
    "https://evil.example/bare",
    "www.evil.example",
    "phish@evil.example",
    "mailto:phish@evil.example",
    "<https://evil.example>",
    "<img src=x onerror=alert(1)>",
    "<a href='https://evil.example'>x</a>",
    "[x]: https://evil.example",
    "[click][x]",
    "[![i](http://attacker/i.png)](https://evil.example)",
    "\\[already escaped?\\](https://evil.example)",
    "line one\n\n[on a new block](https://evil.example)",
    "# heading",
    "> quote",
    "- list item",
    "1. ordered",
    "**bold** _it_ ~~gone~~",
    ":red[alarm] :material/warning: :orange-badge[x]",
    "$x^2$",
    "| a | b |",
    "&lt;script&gt;",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_text_is_inert_and_reads_as_the_value(value: str) -> None:
    out = safe.text(value)
    assert live_markup(out) == []
    assert safe.plain(out) == re.sub(r"[\r\n]+", " ", value)


@pytest.mark.parametrize("value", HOSTILE)
def test_code_cannot_be_broken_out_of(value: str) -> None:
    out = safe.code(value)
    assert live_markup(out) == []
    assert out.startswith("`") and out.endswith("`")
    assert "\n" not in out


@pytest.mark.parametrize("value", HOSTILE)
def test_md_escapes_every_value_and_keeps_the_template(value: str) -> None:
    out = safe.md("**{}** · {} · {who}", value, safe.code(value), who=value)
    assert out.startswith("**") and live_markup(out) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("gpt-4o", "gpt\\-4o"),
        ("OpenAI (default)", "OpenAI \\(default\\)"),
        ('1 model matching "gpt", cheapest first', '1 model matching "gpt", cheapest first'),
        ("a\r\nb", "a b"),
        (None, ""),
        (3, "3"),
        ("ünïcödé 🚀", "ünïcödé 🚀"),
    ],
)
def test_text_table(value, expected) -> None:
    assert safe.text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("gpt-4o", "`gpt-4o`"),
        ("a`b", "`` a`b ``"),
        ("``x", "``` ``x ```"),
        (" padded ", "`  padded  `"),
        ("", ""),
    ],
)
def test_code_table(value, expected) -> None:
    assert safe.code(value) == expected


def test_markdown_values_are_not_escaped_twice() -> None:
    once = safe.text("a-b")
    assert safe.text(once) == once
    assert safe.md("{}", once) == "a\\-b"
    assert safe.md("{}", "a-b") == "a\\-b"


@pytest.mark.parametrize(
    "live",
    [
        "[a](https://evil.example)",
        "![a](b)",
        "see https://evil.example",
        "www.evil.example",
        "a@evil.example",
        "<b>x</b>",
        "[x]: https://evil.example",
        "`` a ` ``[x](y)",  # after a code span closes, a link is live again
    ],
)
def test_the_oracle_finds_live_markup(live: str) -> None:
    assert live_markup(live)
