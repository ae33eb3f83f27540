"""HTML fragments from outsiders (event descriptions, Gmail signatures) as plain text."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import unquote

BLOCKS = frozenset(
    {"p", "div", "li", "tr", "ul", "ol", "table", "blockquote", "pre", "section", "article",
     "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6"}
)
SKIP = frozenset({"script", "style", "head", "title"})
# A '<' that opens no whole tag: as text, since the stdlib parser rescans from each one it
# cannot finish (quadratic on "<a <a <a ..." before Python 3.11.13).
_LOOSE_LT = re.compile(r"<(?![A-Za-z/!?][^<>]*>)")


class _Extractor(HTMLParser):
    """Collects the text of an HTML fragment, one line per block or <br>."""

    def __init__(
        self, collapse_whitespace: bool, accept_address: Callable[[str], bool] | None
    ) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._collapse = collapse_whitespace
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
    html: str,
    *,
    collapse_whitespace: bool = False,
    accept_address: Callable[[str], bool] | None = None,
) -> str:
    """The text of an HTML fragment, a line per block; mailto links keep an accepted address.

    With `collapse_whitespace`, line breaks inside the text count as spaces (as in HTML).
    Raises ValueError or AssertionError on markup the stdlib parser cannot take.
    """
    parser = _Extractor(collapse_whitespace, accept_address)
    parser.feed(_LOOSE_LT.sub("&lt;", html or ""))
    parser.close()
    return "".join(parser.parts)
