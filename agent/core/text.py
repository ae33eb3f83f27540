"""Outsiders' text (event titles, names, mail headers) made safe to show on one line."""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def well_formed(text: str) -> str:
    """Text without lone surrogates (a JSON `\\ud800` escape decodes to one): each becomes
    U+FFFD, so the text can be encoded, stored and shown like any other."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def printable(text: str, limit: int | None = None) -> str:
    """Control characters (newlines, terminal escapes) become spaces; capped at `limit`."""
    shown = "".join(ch if ch.isprintable() else " " for ch in text)
    return shown if limit is None else shown[:limit]


def one_line(text: str, limit: int | None = None) -> str:
    """printable() with runs of whitespace collapsed to one space."""
    return printable(" ".join(printable(text).split()), limit)
