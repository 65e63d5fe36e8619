"""A small real parser and evaluator for the ``filterByFormula`` that clients send.

It covers what ``pyairtable.formulas`` emits (facts file §7.1) — ``AND``/``OR``/``NOT``/``XOR``,
the comparison operators, ``{Field}`` references with ``\\}`` escapes, single- or double-quoted
strings with backslash escapes, numbers, ``TRUE()``/``FALSE()``/``BLANK()``,
``DATETIME_PARSE`` — plus the text and date functions people write by hand. Anything else is
refused up front with Airtable's 422 ``INVALID_FILTER_BY_FORMULA`` and the documented tails
(``Unknown field names: …``, ``Unknown function names: …``, ``Invalid formula…``).

>>> from registry_standins.airtable.model import FieldDef, Record, Table
>>> table = Table("tbl1", "T", [FieldDef("fld1", "Name", "singleLineText")], [])
>>> f = compile_formula("AND({Name}='O\\\\'Brien', LEN({Name})>3)", table)
>>> f.matches(Record("rec1", "", {"fld1": "O'Brien"}))
True
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from registry_standins.airtable import errors
from registry_standins.airtable.formula_functions import (
    FUNCTIONS,
    FormulaRuntimeError,
    Value,
    equals,
    field_value,
    order,
    to_number,
    to_text,
    truthy,
)
from registry_standins.airtable.model import FieldDef, Record, Table

_SYNTAX = "Invalid formula. Please check your formula text."
_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = ("!=", "<>", "<=", ">=", "=", "<", ">", "&", "+", "-", "*", "/")
_COMPARISONS = frozenset({"=", "!=", "<>", "<", "<=", ">", ">="})


class _SyntaxError(Exception):
    pass


@dataclass(frozen=True)
class _Token:
    kind: str  # num, str, field, ident, op, "(", ")", ",", end
    text: str
    value: Any = None


# AST nodes are plain tuples: ("lit", v) ("field", FieldDef) ("call", NAME, [args])
# ("bin", op, left, right) ("neg", expr).
Node = tuple[Any, ...]


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "'\"":
            chars: list[str] = []
            i += 1
            while i < n and text[i] != ch:
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                    chars.append({"n": "\n", "t": "\t"}.get(text[i], text[i]))
                else:
                    chars.append(text[i])
                i += 1
            if i >= n:
                raise _SyntaxError("unterminated string")
            out.append(_Token("str", ch, "".join(chars)))
            i += 1
        elif ch == "{":
            chars = []
            i += 1
            while i < n and text[i] != "}":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "}":
                    i += 1
                chars.append(text[i])
                i += 1
            if i >= n:
                raise _SyntaxError("unterminated field reference")
            out.append(_Token("field", "{", "".join(chars)))
            i += 1
        elif ch in "(),":
            out.append(_Token(ch, ch))
            i += 1
        elif match := _NUMBER.match(text, i):
            word = match.group()
            out.append(_Token("num", word, float(word) if "." in word else int(word)))
            i = match.end()
        elif match := _IDENT.match(text, i):
            out.append(_Token("ident", match.group()))
            i = match.end()
        else:
            op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
            if op is None:
                raise _SyntaxError(f"unexpected character {ch!r}")
            out.append(_Token("op", op))
            i += len(op)
    out.append(_Token("end", ""))
    return out


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.fields: list[str] = []
        self.functions: list[str] = []

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def take(self, kind: str) -> _Token:
        token = self.tokens[self.pos]
        if token.kind != kind:
            raise _SyntaxError(f"expected {kind}, found {token.text!r}")
        self.pos += 1
        return token

    def parse(self) -> Node:
        node = self.binary(0)
        self.take("end")
        return node

    _LEVELS: tuple[frozenset[str], ...] = (
        _COMPARISONS,
        frozenset({"&"}),
        frozenset({"+", "-"}),
        frozenset({"*", "/"}),
    )

    def binary(self, level: int) -> Node:
        if level == len(self._LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while self.peek().kind == "op" and self.peek().text in self._LEVELS[level]:
            op = self.take("op").text
            node = ("bin", "!=" if op == "<>" else op, node, self.binary(level + 1))
        return node

    def unary(self) -> Node:
        token = self.peek()
        if token.kind == "op" and token.text in "+-":
            self.pos += 1
            operand = self.unary()
            return ("neg", operand) if token.text == "-" else operand
        return self.primary()

    def primary(self) -> Node:
        token = self.peek()
        self.pos += 1
        if token.kind in ("num", "str"):
            return ("lit", token.value)
        if token.kind == "field":
            self.fields.append(token.value)
            return ("field", token.value)
        if token.kind == "(":
            node = self.binary(0)
            self.take(")")
            return node
        if token.kind == "ident":
            if self.peek().kind != "(":
                # A bare single-word name is a field reference, as in Airtable.
                self.fields.append(token.text)
                return ("field", token.text)
            self.take("(")
            args: list[Node] = []
            if self.peek().kind != ")":
                args.append(self.binary(0))
                while self.peek().kind == ",":
                    self.pos += 1
                    args.append(self.binary(0))
            self.take(")")
            name = token.text.upper()
            self.functions.append(name)
            return ("call", name, args)
        raise _SyntaxError(f"unexpected {token.text or 'end of formula'!r}")


@dataclass(frozen=True)
class Formula:
    """A compiled formula bound to one table's fields."""

    text: str
    root: Node
    table: Table

    def evaluate(self, record: Record) -> Value:
        return _eval(self.root, record, self.table)

    def matches(self, record: Record) -> bool:
        """Airtable keeps a record unless the result is 0, false, "", NaN, [] or an error."""
        try:
            return truthy(self.evaluate(record))
        except (FormulaRuntimeError, ArithmeticError, ValueError, OverflowError):
            return False


def compile_formula(text: str, table: Table) -> Formula:
    """Parse ``text`` and resolve its field names against ``table``; 422 if anything is off."""
    try:
        parser = _Parser(_tokens(text))
        root = parser.parse()
    except _SyntaxError:
        raise errors.invalid_formula(_SYNTAX) from None
    unknown_fields = [n for n in dict.fromkeys(parser.fields) if _field_by_name(table, n) is None]
    if unknown_fields:
        names = ", ".join(n.lower() for n in unknown_fields)
        raise errors.invalid_formula(f"Unknown field names: {names}")
    unknown = [n for n in dict.fromkeys(parser.functions) if n not in FUNCTIONS]
    if unknown:
        raise errors.invalid_formula(f"Unknown function names: {', '.join(unknown)}")
    return Formula(text, _resolve(root, table), table)


def _field_by_name(table: Table, name: str) -> FieldDef | None:
    # Names only, case-insensitively: field ids inside formulas are reported rejected (§7.2).
    low = name.lower()
    return next((f for f in table.fields if f.name.lower() == low), None)


def _resolve(node: Node, table: Table) -> Node:
    if node[0] == "field":
        return ("field", _field_by_name(table, node[1]))
    if node[0] == "call":
        return ("call", node[1], [_resolve(a, table) for a in node[2]])
    if node[0] == "bin":
        return ("bin", node[1], _resolve(node[2], table), _resolve(node[3], table))
    if node[0] == "neg":
        return ("neg", _resolve(node[1], table))
    return node


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
}


def _eval(node: Node, record: Record, table: Table) -> Value:
    kind = node[0]
    if kind == "lit":
        value: Value = node[1]
        return value
    if kind == "field":
        return field_value(table, node[1], record)
    if kind == "neg":
        return -to_number(_eval(node[1], record, table))
    if kind == "call":
        args = [_eval(a, record, table) for a in node[2]]
        return FUNCTIONS[node[1]](record, args)
    op, left, right = node[1], _eval(node[2], record, table), _eval(node[3], record, table)
    if op == "=":
        return equals(left, right)
    if op == "!=":
        return not equals(left, right)
    if op == "&":
        return to_text(left) + to_text(right)
    if op in _ARITHMETIC:
        return _ARITHMETIC[op](to_number(left), to_number(right))
    cmp = order(left, right)
    if cmp is None:
        return False
    return {"<": cmp < 0, "<=": cmp <= 0, ">": cmp > 0, ">=": cmp >= 0}[op]
