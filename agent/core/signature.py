"""The sender's name and signature for drafts: the settings first, else the Gmail account's."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser

from agent.core.settings import UserSettings
from agent.core.text import as_written

_BLOCKS = frozenset(
    {"p", "div", "li", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
     "blockquote", "pre", "section", "article", "header", "footer"}
)
_SKIP = frozenset({"script", "style", "head", "title"})
MAX_SIGNATURE_LINES = 12
MAX_SIGNATURE_LINE = 200


@dataclass(frozen=True)
class SenderIdentity:
    """The name and plain-text signature drafts are signed with, and where each came from."""

    name: str = ""
    signature: str = ""
    name_from: str = ""  # "settings", "gmail" or "" (none)
    signature_from: str = ""


class _Text(HTMLParser):
    """Collects the text of an HTML fragment, with line breaks where blocks and <br> are."""

    def __init__(self) -> None:
        """Start empty."""
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Blocks and <br> break the line; script/style are skipped."""
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "br" or tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        """A block's end breaks the line too."""
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        """Text outside skipped elements, its own line breaks counting as spaces (as in HTML)."""
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """A Gmail signature's HTML as plain text: one line per line, no tags, entities decoded."""
    parser = _Text()
    parser.feed(html or "")
    parser.close()
    raw_lines = "".join(parser.parts).split("\n")
    lines = [as_written(line, MAX_SIGNATURE_LINE).strip() for line in raw_lines]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return "\n".join(text.split("\n")[:MAX_SIGNATURE_LINES])


def sender_identity(
    user: UserSettings, gmail_name: str = "", gmail_signature: str = ""
) -> SenderIdentity:
    """The settings' name and signature, each falling back to the Gmail account's when empty."""
    name, name_from = as_written(user.name).strip(), "settings"
    if not name:
        name, name_from = as_written(gmail_name).strip(), "gmail"
    signature, signature_from = user.signature.strip(), "settings"
    if not signature:
        signature, signature_from = gmail_signature.strip(), "gmail"
    return SenderIdentity(
        name=name,
        signature=signature,
        name_from=name_from if name else "",
        signature_from=signature_from if signature else "",
    )


def signed_user(user: UserSettings, identity: SenderIdentity) -> UserSettings:
    """The user settings drafts are written with: name and signature filled from `identity`."""
    return replace(user, name=identity.name, signature=identity.signature)
