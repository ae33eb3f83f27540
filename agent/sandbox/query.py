"""Gmail search (`q`): parse the query language into a tree and match it against messages."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from agent.sandbox.mime import Parsed, message_ids
from agent.sandbox.wire import ApiError

# Gmail reads dates in search at midnight Pacific time.
SEARCH_ZONE = ZoneInfo("America/Los_Angeles")
OPERATORS = frozenset(
    {
        "from",
        "to",
        "cc",
        "bcc",
        "subject",
        "after",
        "before",
        "older",
        "newer",
        "newer_than",
        "older_than",
        "in",
        "label",
        "is",
        "rfc822msgid",
        "has",
        "deliveredto",
        "list",
        "filename",
        "category",
    }
)
_ADDRESS_OPS = frozenset({"from", "to", "cc", "bcc", "deliveredto"})
_UNITS = {
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "m": timedelta(days=30),
    "y": timedelta(days=365),
}


@dataclass(frozen=True)
class Term:
    """`op:value` (op '' for free text)."""

    op: str
    value: str


@dataclass(frozen=True)
class And:
    """All children match."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Any child matches."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """The child does not match."""

    child: Node


Node = Term | And | Or | Not


class Candidate(Protocol):
    """What a query looks at in one message (the mailbox's stored message is one)."""

    label_ids: list[str]
    internal_ms: int

    @property
    def parsed(self) -> Parsed:
        """The message's headers and text."""
        ...


def _tokens(text: str) -> list[tuple[str, str]]:
    """Split a query into (kind, text) tokens: ( ) { } OR NEG OP WORD QUOTED."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "(){}":
            out.append((ch, ch))
            i += 1
        elif ch == '"':
            end = text.find('"', i + 1)
            end = n if end < 0 else end
            out.append(("QUOTED", text[i + 1 : end]))
            i = end + 1
        elif (
            ch == "-"
            and i + 1 < n
            and not text[i + 1].isspace()
            and (i == 0 or not text[i - 1].isalnum())
        ):
            out.append(("NEG", "-"))
            i += 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '(){}"':
                j += 1
            word = text[i:j]
            i = j
            op, sep, rest = word.partition(":")
            if sep and op.lower() in OPERATORS:
                out.append(("OP", op.lower()))
                if rest:
                    out.append(("WORD", rest))
            elif word in ("OR", "|"):
                out.append(("OR", word))
            elif word == "AND":
                continue
            else:
                out.append(("WORD", word))
    return out


class _Parser:
    """Recursive descent: implicit AND binds looser than OR, as in Gmail."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        """The kind of the next token, or None at the end."""
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        """Consume and return the next token."""
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def conjunction(self, op: str, stop: str | None) -> Node:
        """Terms side by side (implicit AND) until `stop`."""
        children: list[Node] = []
        while self.peek() is not None and self.peek() != stop:
            if self.peek() in (")", "}", "OR"):
                self.take()  # stray token: ignore, as Gmail does
                continue
            children.append(self.disjunction(op))
        return children[0] if len(children) == 1 else And(tuple(children))

    def disjunction(self, op: str) -> Node:
        """Terms joined by OR."""
        children = [self.unary(op)]
        while self.peek() == "OR":
            self.take()
            if self.peek() in (None, ")", "}"):
                break
            children.append(self.unary(op))
        return children[0] if len(children) == 1 else Or(tuple(children))

    def unary(self, op: str) -> Node:
        """A term, possibly negated with '-'."""
        if self.peek() == "NEG":
            self.take()
            if self.peek() is None:
                return And(())
            return Not(self.unary(op))
        return self.primary(op)

    def primary(self, op: str) -> Node:
        """An operator term, a group in () or {}, or a bare word."""
        kind, text = self.take()
        if kind == "OP":
            if self.peek() is None:
                return Term(op, text)
            return self.primary(text)
        if kind == "(":
            node = self.conjunction(op, ")")
            if self.peek() == ")":
                self.take()
            return node
        if kind == "{":
            children: list[Node] = []
            while self.peek() not in (None, "}"):
                if self.peek() == "OR":
                    self.take()
                    continue
                children.append(self.unary(op))
            if self.peek() == "}":
                self.take()
            return Or(tuple(children))
        return Term(op, text)


def parse_query(text: str) -> Node:
    """Parse a Gmail search string into a tree."""
    return _Parser(_tokens(text or "")).conjunction("", None)


def terms(node: Node) -> list[Term]:
    """Every Term in the tree."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return terms(node.child)
    return [t for child in node.children for t in terms(child)]


def _address_match(v: str, pairs: list[tuple[str, str]]) -> bool:
    """Gmail-like address match of a lowercased term: whole address, domain (or parent
    domain), local part, name."""
    for name, addr in pairs:
        local, _, domain = addr.partition("@")
        if "@" in v:
            if addr == v or (v.startswith("@") and addr.endswith(v)):
                return True
        elif domain == v or domain.endswith("." + v) or local == v or v in name.lower():
            return True
    return False


def _parse_when(value: str) -> datetime:
    """after:/before: value: epoch seconds, or YYYY/MM/DD (also YYYY-MM-DD) at midnight Pacific."""
    v = value.strip()
    if v.isdigit() and len(v) > 8:
        return datetime.fromtimestamp(int(v), tz=SEARCH_ZONE)
    match = re.fullmatch(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", v)
    if not match:
        raise ApiError(400, "invalidArgument", f"Invalid date in search query: {value}")
    y, m, d = (int(g) for g in match.groups())
    return datetime(y, m, d, tzinfo=SEARCH_ZONE)


def _relative(value: str, now: datetime) -> datetime:
    """newer_than:/older_than: value (2d, 3m, 1y, 12h) as an instant."""
    match = re.fullmatch(r"(\d+)([hdmy])", value.strip().lower())
    if not match:
        raise ApiError(400, "invalidArgument", f"Invalid relative date in search query: {value}")
    return now - int(match.group(1)) * _UNITS[match.group(2)]


def _label_match(value: str, labels: list[str], names: dict[str, str]) -> bool:
    """label:X by id or name, case-insensitive, '-' standing for space or '/'."""
    v = value.lower()
    for label in labels:
        name = names.get(label, label).lower()
        if v in (label.lower(), name, name.replace(" ", "-"), name.replace("/", "-")):
            return True
    return False


_IN = {
    "inbox": "INBOX",
    "sent": "SENT",
    "drafts": "DRAFT",
    "draft": "DRAFT",
    "spam": "SPAM",
    "trash": "TRASH",
    "chats": "CHAT",
    "starred": "STARRED",
    "important": "IMPORTANT",
}
_IS = {
    "unread": ("UNREAD", True),
    "read": ("UNREAD", False),
    "starred": ("STARRED", True),
    "important": ("IMPORTANT", True),
    "sent": ("SENT", True),
    "draft": ("DRAFT", True),
}


Test = Callable[[Candidate], bool]
_CHEAP = frozenset({"after", "newer", "before", "older", "newer_than", "older_than", "in",
                    "label", "is", "category", "has", "filename"})
_TEXT = frozenset({"", "subject"})


def _cost(node: Node) -> int:
    """How dear a node is to test: dates and labels 0, headers 1, text 2."""
    if isinstance(node, Term):
        return 0 if node.op in _CHEAP else 2 if node.op in _TEXT else 1
    if isinstance(node, Not):
        return _cost(node.child)
    return max((_cost(child) for child in node.children), default=0)


def matcher(node: Node, now: datetime, label_names: dict[str, str]) -> Test:
    """A predicate for a parsed query at the sandbox's current time (cheap terms tested first)."""
    if isinstance(node, Term):
        return _term(node, now, label_names)
    if isinstance(node, Not):
        inner = matcher(node.child, now, label_names)
        return lambda c: not inner(c)
    if isinstance(node, And):
        parts = [matcher(child, now, label_names) for child in sorted(node.children, key=_cost)]
        return lambda c: all(part(c) for part in parts)
    parts = [matcher(child, now, label_names) for child in node.children]
    return lambda c: any(part(c) for part in parts)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _term(t: Term, now: datetime, names: dict[str, str]) -> Test:
    """The predicate of one `op:value` term (dates and values read once, not per message)."""
    op, value = t.op, t.value
    v = value.lower().strip() if op in _ADDRESS_OPS else value.lower()
    if op in _ADDRESS_OPS:
        header = {"deliveredto": "delivered-to"}.get(op, op)
        return (lambda c: _address_match(v, c.parsed.addresses(header))) if v else _never
    if op == "subject":
        return lambda c: v in c.parsed.subject.lower()
    if op in ("after", "newer", "newer_than"):
        since = _ms(_relative(value, now) if op == "newer_than" else _parse_when(value))
        return lambda c: c.internal_ms >= since
    if op in ("before", "older", "older_than"):
        until = _ms(_relative(value, now) if op == "older_than" else _parse_when(value))
        return lambda c: c.internal_ms < until
    if op == "in":
        folder = _IN.get(v, v.upper())
        return (lambda c: True) if v == "anywhere" else (lambda c: folder in c.label_ids)
    if op == "label":
        return lambda c: _label_match(value, c.label_ids, names)
    if op == "is":
        label, present = _IS.get(v, (value.upper(), True))
        return lambda c: (label in c.label_ids) == present
    if op == "rfc822msgid":
        wanted = value.strip().strip("<>")
        return lambda c: bool(wanted) and any(
            m.strip("<>") == wanted for m in message_ids(c.parsed.message_id)
        )
    if op == "has":
        return (lambda c: c.parsed.has_attachment) if v == "attachment" else _never
    if op == "list":
        return lambda c: v in c.parsed.header("List-Id").lower()
    if op == "filename":
        return _never
    if op == "category":
        category = f"CATEGORY_{value.upper()}"
        return lambda c: category in c.label_ids
    return lambda c: v in c.parsed.searchable()


def _never(candidate: Candidate) -> bool:
    return False


def scope_labels(node: Node) -> set[str]:
    """The system folders a query names with in:/label:/is: (DRAFT, SPAM, TRASH, anywhere)."""
    named: set[str] = set()
    for t in terms(node):
        v = t.value.lower()
        if t.op == "in" and v == "anywhere":
            named.add("ANYWHERE")
        elif t.op in ("in", "label", "is"):
            named.add(_IN.get(v, v.upper()))
    return named
