"""Outsiders' text (event titles, names, notes, mail headers) made safe to show on one line.

One rule for every caller: control characters, line and paragraph separators, unusual
spaces and the invisible bidi/BOM characters become spaces (a right-to-left override in
an event title cannot reorder a terminal line or a draft); lone surrogates, which cannot
be encoded, and Unicode tag characters, invisible text that a run of spaces would only
replace, are dropped.
"""

from __future__ import annotations

import re
import unicodedata

_SURROGATE = re.compile("[\ud800-\udfff]")

# Invisible characters that reorder or hide text: bidi embeddings/overrides/isolates, marks
# (left-to-right, right-to-left, Arabic letter mark), BOM.
INVISIBLE = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
TAGS = range(0xE0000, 0xE0080)  # Unicode tag characters: invisible ASCII look-alikes
_AS_SPACE = frozenset({"Cc", "Zl", "Zp", "Zs"})


def printable(text: str | None, limit: int | None = None) -> str:
    """Unsafe characters become spaces, lone surrogates go; runs of spaces are kept; capped."""
    text = text or ""
    if text.isprintable():  # nothing to change (every unsafe character is unprintable)
        return text if limit is None else text[:limit]
    out: list[str] = []
    for ch in text:
        if ch == " " or (ch.isprintable() and ch not in INVISIBLE):
            out.append(ch)
            continue
        category = unicodedata.category(ch)
        if category in _AS_SPACE or ch in INVISIBLE:
            out.append(" ")
        elif category != "Cs" and ord(ch) not in TAGS:
            out.append(ch)  # other format characters (ZWJ, ZWNJ, soft hyphen) are part of words
    shown = "".join(out)
    return shown if limit is None else shown[:limit]


def one_line(text: str | None, limit: int | None = None) -> str:
    """printable() with whitespace runs collapsed to one space, trimmed, capped at `limit`."""
    shown = " ".join(printable(text).split())
    return shown if limit is None else shown[:limit].rstrip()


def as_written(text: str | None, limit: int | None = None) -> str:
    """printable(), trimmed, runs of spaces kept; longer than `limit`: cut, ending in '...'."""
    shown = printable(text).strip()
    if limit is not None and len(shown) > limit:
        shown = shown[: limit - 3].rstrip() + "..."
    return shown


def escaped(text: str) -> str:
    """The user's own text on one line with its control characters shown as escapes ('\\n')."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def well_formed(text: str) -> str:
    """Text whose lone surrogates (a JSON `\\ud800` escape makes one) each became U+FFFD."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text
