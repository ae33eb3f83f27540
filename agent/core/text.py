"""Outsiders' text (titles, names, notes, mail): safe on one line, HTML as text, its addresses.

Controls, separators, odd spaces and invisible bidi/BOM characters become spaces; lone
surrogates and Unicode tag characters go.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from html import unescape
from html.parser import HTMLParser
from urllib.parse import unquote

_SURROGATE = re.compile("[\ud800-\udfff]")
# bidi embeddings, overrides, isolates and marks (LRM, RLM, Arabic letter mark), BOM
INVISIBLE = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
TAGS = range(0xE0000, 0xE0080)  # Unicode tag characters: invisible ASCII look-alikes
_AS_SPACE = frozenset({"Cc", "Zl", "Zp", "Zs"})
_LOCAL = r"A-Za-z0-9.!#$%&'*+/=?^_`{|}~-"
# The one mail address pattern: a whole run of local-part characters (never a suffix of one,
# so a long run of letters is scanned once), '@', a host name.
ADDRESS = re.compile(rf"(?<![{_LOCAL}])[{_LOCAL}]++@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
BLOCKS = frozenset(
    {"p", "div", "li", "tr", "ul", "ol", "table", "blockquote", "pre", "section", "article",
     "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6"}
)
SKIP = frozenset({"script", "style", "head", "title"})
# A '<' that opens no whole tag: as text, since the stdlib parser rescans from each one it
# cannot finish (quadratic on "<a <a <a ..." before Python 3.11.13).
_LOOSE_LT = re.compile(r"<(?![A-Za-z/!?][^<>]*>)")


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
    """printable() and trimmed, runs of spaces kept; longer than `limit`: cut, ending '...'."""
    shown = printable(text).strip()
    if limit is not None and len(shown) > limit:
        shown = shown[: limit - 3].rstrip() + "..."
    return shown


def escaped(text: str) -> str:
    """The user's own text on one line with its control characters shown as escapes ('\\n')."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def well_formed(text: str) -> str:
    """Text whose lone surrogates (from a JSON `\\ud800` escape) became U+FFFD."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def is_valid_email(address: str) -> bool:
    """True for one plain mail address (no name, no brackets): a dotted host ending in letters."""
    address = address.strip()
    local, _, host = address.rpartition("@")
    labels = host.split(".")
    return (
        ADDRESS.fullmatch(address) is not None
        and len(local) <= 64
        and not (local.startswith(".") or local.endswith(".") or ".." in local)
        and len(labels) > 1
        and labels[-1].isalpha()
        and len(labels[-1]) > 1
        and all(0 < len(part) <= 63 and part.strip("-") == part for part in labels)
    )


def addresses_in(text: str) -> list[str]:
    """Every mail address in `text`, lowercased, in order; linear time on any input."""
    found = (m.group(0).lower().lstrip(".'") for m in ADDRESS.finditer(text))
    return [addr for addr in found if not addr.startswith("@")]


class _Extractor(HTMLParser):
    """Collects the text of an HTML fragment, one line per block or <br>."""

    def __init__(self, collapse: bool, accept_address: Callable[[str], bool] | None) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._collapse = collapse
        self._accept = accept_address
        self._links: list[tuple[str, int]] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a block, a link, or a skipped element."""
        if tag in SKIP:
            self._skipping += 1
        elif tag == "br" or tag in BLOCKS:
            self.parts.append("\n")
        if tag == "a" and self._accept is not None:
            href = dict(attrs).get("href") or ""
            address = ""
            if href.lower().startswith("mailto:"):
                address = unquote(href[7:].split("?", 1)[0]).strip()
            self._links.append((address, len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        """Close a block, a skipped element or a link (a mailto link keeps its address)."""
        if tag in SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in BLOCKS:
            self.parts.append("\n")
        if tag == "a" and self._accept is not None and self._links:
            address, start = self._links.pop()
            if not (address and self._accept(address)):
                return
            text = "".join(self.parts[start:])
            if address.lower() not in text.lower():
                self.parts[start:] = [f"{text} <{address}>" if text.strip() else address]

    def handle_data(self, data: str) -> None:
        """Keep text outside skipped elements."""
        if not self._skipping:
            self.parts.append(re.sub(r"\s+", " ", data) if self._collapse else data)


def html_to_text(
    html: str, *, collapse_whitespace: bool = False,
    accept_address: Callable[[str], bool] | None = None,
) -> str:
    """An HTML fragment's text, a line per block; a mailto link keeps an accepted address."""
    parser = _Extractor(collapse_whitespace, accept_address)
    try:
        parser.feed(_LOOSE_LT.sub("&lt;", html or ""))
        parser.close()
    except (AssertionError, ValueError):  # markup the stdlib parser refuses ("<![x[")
        return unescape(re.sub(r"<[^<>]*>", "\n", html))
    return "".join(parser.parts)
