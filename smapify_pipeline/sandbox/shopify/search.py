"""Shopify's ``query:`` search syntax, compiled to a predicate over state objects.

Supported: ``field:value``; comparators ``field:>v``, ``>=``, ``<``, ``<=``; quoted values (``'…'`` or
``"…"``); a trailing ``*`` for prefix match; ``AND`` (also implicit, by juxtaposition), ``OR`` (binds looser
than AND), ``NOT`` / a leading ``-``, and parentheses; a bare word searches the resource's default text
fields. Text matches ignore case. Dates without an offset are read in the shop's time zone; a bare date
compared with ``:`` means "that whole day".

A term naming a field the resource does not filter on is ignored, and reported in the answer's
``extensions.search[].warnings`` as Shopify does; it neither fails the query nor filters anything out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

Predicate = Callable[[Any], bool]


@dataclass(frozen=True)
class SearchField:
    kind: str
    """"text", "exact" (case-insensitive, no substring), "date" or "number"."""
    get: Callable[[Any], Any]
    """The object's value, or an iterable of values (any one matching is enough)."""
    negated: bool = False
    """A ``*_not`` field (``tag_not:x``): matches what the plain field would not."""


@dataclass
class CompiledSearch:
    predicate: Predicate
    warnings: list[dict[str, str]] = field(default_factory=list)

    def filter(self, items: Iterable[Any]) -> list[Any]:
        return [item for item in items if self.predicate(item)]


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lparen>\()|(?P<rparen>\))|
        (?P<term>-?[A-Za-z_][\w.]*:(?:>=|<=|>|<)?(?:'[^']*'|"[^"]*"|[^\s()]*))|
        (?P<word>'[^']*'|"[^"]*"|[^\s()]+)
    )""",
    re.VERBOSE,
)


def _tokens(query: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    position = 0
    query = query.strip()
    while position < len(query):
        match = _TOKEN.match(query, position)
        if match is None or match.end() == position:
            break
        kind = match.lastgroup or "word"
        out.append((kind, match.group(kind)))
        position = match.end()
    return out


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


class _Parser:
    def __init__(
        self, tokens: list[tuple[str, str]], compile_term: Callable[[str | None, str, str], Predicate]
    ):
        self.tokens = tokens
        self.i = 0
        self.compile_term = compile_term

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def parse_or(self) -> Predicate:
        parts = [self.parse_and()]
        while (tok := self.peek()) is not None and tok == ("word", "OR"):
            self.i += 1
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else (lambda obj: any(p(obj) for p in parts))

    def parse_and(self) -> Predicate:
        parts: list[Predicate] = []
        while (tok := self.peek()) is not None and tok[0] != "rparen" and tok != ("word", "OR"):
            if tok == ("word", "AND"):
                self.i += 1
                continue
            parts.append(self.parse_unary())
        if not parts:
            return lambda obj: True
        return parts[0] if len(parts) == 1 else (lambda obj: all(p(obj) for p in parts))

    def parse_unary(self) -> Predicate:
        kind, text = self.tokens[self.i]
        if (kind, text) == ("word", "NOT"):
            self.i += 1
            inner = self.parse_unary()
            return lambda obj: not inner(obj)
        if kind == "lparen":
            self.i += 1
            inner = self.parse_or()
            if (tok := self.peek()) is not None and tok[0] == "rparen":
                self.i += 1
            return inner
        self.i += 1
        if kind == "term":
            negate = text.startswith("-")
            name, _, rest = text.lstrip("-").partition(":")
            comparator = next((c for c in (">=", "<=", ">", "<") if rest.startswith(c)), "")
            predicate = self.compile_term(name, comparator, _unquote(rest[len(comparator) :]))
            return (lambda obj: not predicate(obj)) if negate else predicate
        negate = text.startswith("-") and len(text) > 1
        predicate = self.compile_term(None, "", _unquote(text[1:] if negate else text))
        return (lambda obj: not predicate(obj)) if negate else predicate


def compile_search(
    query: str | None,
    fields: dict[str, SearchField],
    default_text: Callable[[Any], Iterable[str]],
    timezone: str = "UTC",
) -> CompiledSearch:
    """Compile ``query`` for a resource whose filterable fields are ``fields``."""
    result = CompiledSearch(predicate=lambda obj: True)
    if not query or not query.strip():
        return result
    zone = ZoneInfo(timezone)

    def compile_term(name: str | None, comparator: str, value: str) -> Predicate:
        if name is None:
            needle = value.lower()
            return lambda obj: any(needle in (text or "").lower() for text in default_text(obj))
        spec = fields.get(name)
        if spec is None:
            result.warnings.append({"field": name, "message": "Invalid search field for this query."})
            return lambda obj: True
        if spec.kind == "date":
            predicate = _date_predicate(spec.get, comparator, value, zone, result, name)
        elif spec.kind == "number":
            predicate = _number_predicate(spec.get, comparator, value, result, name)
        else:
            predicate = _text_predicate(spec.get, comparator, value, exact=spec.kind == "exact")
        return (lambda obj: not predicate(obj)) if spec.negated else predicate

    result.predicate = _Parser(_tokens(query), compile_term).parse_or()
    return result


def _values(getter: Callable[[Any], Any], obj: Any) -> list[Any]:
    value = getter(obj)
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return [value]


def _text_predicate(getter: Callable[[Any], Any], comparator: str, value: str, exact: bool) -> Predicate:
    wanted = value.lower()
    prefix = wanted.endswith("*")
    if prefix:
        wanted = wanted[:-1]

    def matches(candidate: Any) -> bool:
        if candidate is None:
            return False
        text = str(candidate).lower()
        if comparator:
            return _compare(text, comparator, wanted)
        if prefix:
            return text.startswith(wanted)
        return text == wanted

    return lambda obj: any(matches(v) for v in _values(getter, obj))


def _compare(left: Any, comparator: str, right: Any) -> bool:
    if comparator == ">":
        return bool(left > right)
    if comparator == ">=":
        return bool(left >= right)
    if comparator == "<":
        return bool(left < right)
    return bool(left <= right)


def _number_predicate(
    getter: Callable[[Any], Any], comparator: str, value: str, result: CompiledSearch, name: str
) -> Predicate:
    try:
        wanted = float(value)
    except ValueError:
        result.warnings.append({"field": name, "message": f"Invalid number: {value}"})
        return lambda obj: True
    if not comparator:
        return lambda obj: any(v is not None and float(v) == wanted for v in _values(getter, obj))
    return lambda obj: any(
        v is not None and _compare(float(v), comparator, wanted) for v in _values(getter, obj)
    )


def parse_search_date(value: str, zone: ZoneInfo) -> tuple[datetime, bool] | None:
    """(instant, is_whole_day) for ``2026-08-01``, ``2026-08-01T10:00:00Z``, ``…+09:00`` or no offset."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = datetime.strptime(text, "%Y-%m-%d")
            return day.replace(tzinfo=zone), True
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment, False


def _date_predicate(
    getter: Callable[[Any], Any],
    comparator: str,
    value: str,
    zone: ZoneInfo,
    result: CompiledSearch,
    name: str,
) -> Predicate:
    parsed = parse_search_date(value, zone)
    if parsed is None:
        result.warnings.append({"field": name, "message": f"Invalid date: {value}"})
        return lambda obj: False
    moment, whole_day = parsed
    if not comparator:
        end = moment + (timedelta(days=1) if whole_day else timedelta(seconds=1))
        return lambda obj: any(v is not None and moment <= v < end for v in _values(getter, obj))
    return lambda obj: any(v is not None and _compare(v, comparator, moment) for v in _values(getter, obj))
