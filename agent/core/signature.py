"""The sender's name and signature for drafts: the settings first, else the Gmail account's."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from agent.core.html_text import html_to_text
from agent.core.settings import UserSettings
from agent.core.text import as_written

MAX_SIGNATURE_LINES = 12
MAX_SIGNATURE_LINE = 200


@dataclass(frozen=True)
class SenderIdentity:
    """The name and plain-text signature drafts are signed with, and where each came from."""

    name: str = ""
    signature: str = ""
    name_from: str = ""  # "settings", "gmail" or "" (none)
    signature_from: str = ""


def signature_text(html: str) -> str:
    """A Gmail signature's HTML as plain text: one line per line, no tags, entities decoded."""
    raw_lines = html_to_text(html, collapse_whitespace=True).split("\n")
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
