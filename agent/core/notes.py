"""The candidate's notes: description lines (plain or Google's HTML) and `followup note` pairs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import fields, replace

from agent.core.interviews import Contact, Notes
from agent.core.text import ADDRESS, html_to_text, is_valid_email, one_line

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
_KEY_ALIASES: dict[str, str] = {key.replace("-", " "): key for key in NOTE_KEYS} | {
    "followup": "follow-up", "strength": "strengths", "start date": "start",
    "contacts": "contact", "position": "role",
}
_NOTE_LINE = re.compile(
    r"^\s*(?:[-*•·>]+\s*)?(?P<key>[A-Za-z][A-Za-z _-]{0,20}?)\s*:\s*(?P<value>.*)$"
)
_HTML_HINT = re.compile(
    r"<(?:br|p|div|span|a|b|i|u|em|strong|ul|ol|li|font|h[1-6]|table|tr|td|html|body)\b[^<>]*>"
    r"|</[a-z][a-z0-9]*\s*>|&(?:[a-z]{2,8}|#\d{1,7}|#x[0-9a-f]{1,6});",
    re.IGNORECASE,
)
_BRACKETED_ADDRESS = re.compile(rf"<({ADDRESS.pattern})>")
# An encoded line break or header in a contact's name: a way to smuggle a second recipient.
_ENCODED_TEXT = re.compile(r"=\?|%0[ad]|=0[ad]|\\[nr]|&#(?:x0*[ad]|0*1[03]);", re.IGNORECASE)


def _name_from(fragment: str) -> str:
    """The display name in the text around an address, or ''."""
    name = one_line(fragment.replace("mailto:", " "), MAX_NAME_CHARS * 2).strip(" <>\"',;()[]")
    return "" if "@" in name else one_line(name, MAX_NAME_CHARS)


def parse_contacts(value: str) -> tuple[Contact, ...]:
    """Contacts in `Jane Doe <jane@acme.com>`, `Jane Doe, jane@acme.com` or bare-address form."""
    found: dict[str, Contact] = {}
    previous_end = 0
    matches = [m for m in ADDRESS.finditer(value) if is_valid_email(m.group(0))]
    for index, match in enumerate(matches):
        name = _name_from(value[previous_end : match.start()])
        previous_end = match.end()
        if not name and index == len(matches) - 1:
            name = _name_from(value[previous_end:])  # "jane@acme.com (Jane Doe)"
        address = match.group(0).lower()
        found.setdefault(address, Contact(email=address, name=name))
    return tuple(found.values())[:MAX_ITEMS]


def contact_line(value: str) -> tuple[Contact | None, str]:
    """The one person a `Contact:` line names (no second address, no encoded line break)."""
    found = parse_contacts(value[: MAX_VALUE_CHARS * 8])
    if not found:
        return None, "no valid mail address"
    if len(found) > 1:
        return None, f"it names {len(found)} addresses; write one Contact line per person"
    rest = re.sub(re.escape(found[0].email), " ", value, flags=re.IGNORECASE)
    if _ENCODED_TEXT.search(rest):
        return None, "the name holds encoded text (a line break or a header)"
    return found[0], ""


def description_lines(description: str) -> tuple[str, ...]:
    """The description as cleaned, non-empty text lines (HTML turned into text first)."""
    text = description[:MAX_DESCRIPTION_CHARS]
    if _HTML_HINT.search(text):
        protected = _BRACKETED_ADDRESS.sub(r"&lt;\1&gt;", text)  # "Jane <jane@acme.com>" as text
        text = html_to_text(protected, accept_address=is_valid_email)
    lines = (one_line(line, MAX_DESCRIPTION_CHARS) for line in re.split(r"\r\n|[\r\n]", text))
    return tuple(line for line in lines if line)


def _canonical_key(key: str) -> str | None:
    """The NOTE_KEYS name for a key as written, or None when it is not a note key."""
    return _KEY_ALIASES.get(" ".join(re.sub(r"[-_]+", " ", key.casefold()).split()))


def _notes(pairs: Iterable[tuple[str, str]]) -> Notes:
    """Notes from (canonical key, raw value) pairs; a scalar key keeps the last value given."""
    values: dict[str, str] = {}
    fit: list[str] = []
    strengths: list[str] = []
    contacts: dict[str, Contact] = {}
    ignored: list[str] = []
    for key, raw in pairs:
        value = one_line(raw, MAX_VALUE_CHARS)
        if key == "contact":
            contact, why = contact_line(raw)
            if contact is None:
                ignored.append(f"Contact line {one_line(raw, 80)!r} ignored: {why}")
            else:
                contacts.setdefault(contact.email, contact)
        elif key == "strengths":
            parts = (one_line(p, MAX_VALUE_CHARS) for p in re.split(r"[;,]", value))
            strengths.extend(p for p in parts if p)
        elif key == "fit" and value:
            fit.append(value)
        elif value:
            values[key.replace("-", "_")] = value  # follow_up, start, phone, company, role
    return Notes(
        fit=tuple(fit[:MAX_ITEMS]), strengths=tuple(strengths[:MAX_ITEMS]),
        contacts=tuple(contacts.values())[:MAX_ITEMS], ignored=tuple(ignored[:MAX_ITEMS]), **values,
    )


def parse_notes(description: str) -> Notes:
    """The notes in an event description: one `Key: value` per line, other lines ignored."""
    lines = (_NOTE_LINE.match(line) for line in description_lines(description))
    pairs = ((_canonical_key(m.group("key")), m.group("value")) for m in lines if m)
    return _notes((key, value) for key, value in pairs if key)


def notes_from_pairs(pairs: Iterable[tuple[str, str]]) -> Notes:
    """Notes from (key, value) pairs as given to `followup note ID KEY VALUE`."""
    canonical: list[tuple[str, str]] = []
    for key, value in pairs:
        name = _canonical_key(key)
        if name is None:
            raise ValueError(f"unknown note key {key!r}; use one of: {', '.join(NOTE_KEYS)}")
        if name == "contact" and value.strip():
            contact, why = contact_line(value)
            if contact is None:
                raise ValueError(
                    f"{why} in contact {value!r}; "
                    "write it as 'Jane Doe <jane@acme.com>' or 'jane@acme.com'"
                )
        canonical.append((name, value))
    return _notes(canonical)


def merge_notes(base: Notes, override: Notes) -> Notes:
    """`base` with every non-empty field of `override` put over it."""
    changes = {
        f.name: getattr(override, f.name)
        for f in fields(Notes)
        if getattr(override, f.name) not in (None, "", ())
    }
    return replace(base, **changes)
