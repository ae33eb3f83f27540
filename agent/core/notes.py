"""The candidate's notes: description lines (plain or Google's HTML) and `followup note` pairs."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import fields, replace

from agent.core.interviews import Contact, Notes
from agent.core.text import html_to_text, one_line

log = logging.getLogger(__name__)

# What is read of an event (outsiders' text), before any pattern runs; docs/limits.md.
MAX_DESCRIPTION_CHARS = 50_000  # the rest of a huge description is ignored
MAX_LINE_CHARS = 1000  # a title or a person's name, as read
MAX_ADDRESS_CHARS = 254  # an attendee's address (a longer one is no mail address)
# What is kept of it, after cleaning.
MAX_VALUE_CHARS = 300  # one note value, a title
MAX_NAME_CHARS = 100  # a contact's display name
MAX_ITEMS = 20  # entries of one list field (fit, strengths, contacts)

NOTE_KEYS: tuple[str, ...] = (
    "follow-up", "fit", "strengths", "start", "phone", "contact", "company", "role",
)

# Spellings accepted for each key, after casefolding and turning "-"/"_"/spaces into one space.
_KEY_ALIASES: dict[str, str] = {
    "follow up": "follow-up",
    "followup": "follow-up",
    "fit": "fit",
    "strengths": "strengths",
    "strength": "strengths",
    "start": "start",
    "start date": "start",
    "phone": "phone",
    "contact": "contact",
    "contacts": "contact",
    "company": "company",
    "role": "role",
    "position": "role",
}

_NOTE_LINE = re.compile(
    r"^\s*(?:[-*•·>]+\s*)?(?P<key>[A-Za-z][A-Za-z _-]{0,20}?)\s*:\s*(?P<value>.*)$"
)
_SEPARATORS = "\\s<>,;:\"'()\\[\\]"
_EMAIL = re.compile(
    rf"(?<![^{_SEPARATORS}])"
    r"(?P<addr>[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
    rf"(?=$|[{_SEPARATORS}]|\.(?:\s|$))"
)
_HTML_HINT = re.compile(
    r"<(?:br|p|div|span|a|b|i|u|em|strong|ul|ol|li|font|h[1-6]|table|tr|td|html|body)\b[^<>]*>"
    r"|</[a-z][a-z0-9]*\s*>|&(?:[a-z]{2,8}|#\d{1,7}|#x[0-9a-f]{1,6});",
    re.IGNORECASE,
)
_BRACKETED_ADDRESS = re.compile(r"<([^<>\s@]{1,64}@[^<>\s@]{1,255})>")
# An encoded line break or header in a contact's name: a way to smuggle a second recipient.
_ENCODED_TEXT = re.compile(r"=\?|%0[ad]|=0[ad]|\\[nr]|&#(?:x0*[ad]|0*1[03]);", re.IGNORECASE)


def is_valid_email(address: str) -> bool:
    """True when `address` is one plain ASCII mail address (no name, no brackets)."""
    match = _EMAIL.fullmatch(address.strip())
    return match is not None and _local_part_ok(match.group("addr"))


def _local_part_ok(address: str) -> bool:
    """Dots may not start, end or double up in the local part."""
    local = address.rsplit("@", 1)[0]
    return not (local.startswith(".") or local.endswith(".") or ".." in local)


def _name_from(fragment: str) -> str:
    """The display name in the text around an address, or ''."""
    name = fragment.replace("mailto:", " ")
    name = one_line(name, MAX_NAME_CHARS * 2).strip(" <>\"',;()[]")
    if "@" in name:
        return ""
    return one_line(name, MAX_NAME_CHARS)


def parse_contacts(value: str) -> tuple[Contact, ...]:
    """Contacts in `Jane Doe <jane@acme.com>`, `Jane Doe, jane@acme.com` or bare-address form."""
    found: list[Contact] = []
    seen: set[str] = set()
    previous_end = 0
    matches = list(_EMAIL.finditer(value))
    for index, match in enumerate(matches):
        name = _name_from(value[previous_end : match.start()])
        previous_end = match.end()
        if not name and index == len(matches) - 1:
            name = _name_from(value[previous_end:])  # "jane@acme.com (Jane Doe)"
        address = match.group("addr").lower()
        if not _local_part_ok(address) or address in seen:
            continue
        seen.add(address)
        found.append(Contact(email=address, name=name))
    return tuple(found[:MAX_ITEMS])


def contact_line(value: str) -> tuple[Contact | None, str]:
    """The one person a `Contact:` line names, else (None, why the line is ignored).

    A line names one person with one address: a second address, or a name holding an
    encoded line break or header (`=?...?=`, `%0A`, `=0A`, `\\n`), is not guessed at.
    """
    found = parse_contacts(value[: MAX_VALUE_CHARS * 8])
    if not found:
        return None, "no valid mail address"
    if len(found) > 1:
        return None, f"it names {len(found)} addresses; write one Contact line per person"
    rest = re.sub(re.escape(found[0].email), " ", value, flags=re.IGNORECASE)
    if _ENCODED_TEXT.search(rest):
        return None, "the name holds encoded text (a line break or a header)"
    return found[0], ""


def _html_to_text(description: str) -> str:
    """The text of an HTML description, one line per block."""
    protected = _BRACKETED_ADDRESS.sub(r"&lt;\1&gt;", description)
    try:
        return html_to_text(protected, accept_address=is_valid_email)
    except (AssertionError, ValueError):  # malformed markup: fall back to dropping tags
        log.debug("description is not parseable HTML; stripping tags")
        return re.sub(r"<[^<>]*>", "\n", description)


def description_lines(description: str) -> tuple[str, ...]:
    """The description as cleaned, non-empty text lines (HTML turned into text first)."""
    text = description[:MAX_DESCRIPTION_CHARS]
    if _HTML_HINT.search(text):
        text = _html_to_text(text)
    lines = (one_line(line, MAX_DESCRIPTION_CHARS) for line in re.split(r"\r\n|[\r\n]", text))
    return tuple(line for line in lines if line)


def _canonical_key(key: str) -> str | None:
    """The NOTE_KEYS name for a key as written, or None when it is not a note key."""
    spaced = " ".join(re.sub(r"[-_]+", " ", key.casefold()).split())
    return _KEY_ALIASES.get(spaced)


class _Builder:
    """Accumulates note values; scalar keys keep the last value given."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.fit: list[str] = []
        self.strengths: list[str] = []
        self.contacts: list[Contact] = []
        self.ignored: list[str] = []

    def add(self, key: str, raw: str) -> None:
        """Apply one (canonical key, raw value) note."""
        if key == "contact":
            contact, why = contact_line(raw)
            if contact is None:
                shown = one_line(raw, 80)
                self.ignored.append(f"Contact line {shown!r} ignored: {why}")
            elif contact.email not in {c.email for c in self.contacts}:
                self.contacts.append(contact)
            return
        value = one_line(raw, MAX_VALUE_CHARS)
        if not value:
            return
        if key == "fit":
            self.fit.append(value)
        elif key == "strengths":
            parts = (one_line(p, MAX_VALUE_CHARS) for p in re.split(r"[;,]", value))
            self.strengths.extend(p for p in parts if p)
        else:
            self.values[key] = value

    def build(self) -> Notes:
        """The accumulated Notes."""
        return Notes(
            follow_up=self.values.get("follow-up"),
            fit=tuple(self.fit[:MAX_ITEMS]),
            strengths=tuple(self.strengths[:MAX_ITEMS]),
            start=self.values.get("start"),
            phone=self.values.get("phone"),
            contacts=tuple(self.contacts[:MAX_ITEMS]),
            company=self.values.get("company"),
            role=self.values.get("role"),
            ignored=tuple(self.ignored[:MAX_ITEMS]),
        )


def parse_notes(description: str) -> Notes:
    """The notes in an event description: one `Key: value` per line, other lines ignored."""
    builder = _Builder()
    for line in description_lines(description):
        match = _NOTE_LINE.match(line)
        if match is None:
            continue
        key = _canonical_key(match.group("key"))
        if key is not None:
            builder.add(key, match.group("value"))
    return builder.build()


def notes_from_pairs(pairs: Iterable[tuple[str, str]]) -> Notes:
    """Notes from (key, value) pairs as given to `followup note ID KEY VALUE`."""
    builder = _Builder()
    for key, value in pairs:
        canonical = _canonical_key(key)
        if canonical is None:
            raise ValueError(f"unknown note key {key!r}; use one of: {', '.join(NOTE_KEYS)}")
        if canonical == "contact" and value.strip():
            contact, why = contact_line(value)
            if contact is None:
                raise ValueError(
                    f"{why} in contact {value!r}; "
                    "write it as 'Jane Doe <jane@acme.com>' or 'jane@acme.com'"
                )
        builder.add(canonical, value)
    return builder.build()


def merge_notes(base: Notes, override: Notes) -> Notes:
    """`base` with every non-empty field of `override` put over it."""
    changes = {
        f.name: getattr(override, f.name)
        for f in fields(Notes)
        if getattr(override, f.name) not in (None, "", ())
    }
    return replace(base, **changes)
