"""The watched interviews indexed by address, domain, thread and company, loaded once per tick.

A message is classified only against the interviews it can concern (usually none or one),
so the cost per message does not grow with the number of interviews.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.core.detect import PUBLIC_MAIL_DOMAINS
from agent.core.messages import MessageMeta
from agent.core.model import WATCHED
from agent.core.replies import APPLICANT_TRACKING, domain_of, parse_address, recipient_addresses
from agent.core.text import printable
from agent.engine.context import Context
from agent.store import links, sequences

_ADDR = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")
_MSG_ID = re.compile(r"<[^<>\s]+>")
_WORD = re.compile(r"\w+")


@dataclass
class MailIndex:
    """Interview keys by what links a message to them."""

    order: dict[str, int] = field(default_factory=dict)  # key -> position in start order
    companies: dict[str, str] = field(default_factory=dict)  # key -> company as written
    by_address: dict[str, set[str]] = field(default_factory=dict)
    by_domain: dict[str, set[str]] = field(default_factory=dict)
    by_thread: dict[str, set[str]] = field(default_factory=dict)
    by_message_id: dict[str, set[str]] = field(default_factory=dict)
    by_company_word: dict[str, set[str]] = field(default_factory=dict)  # first word -> keys
    wordless: set[str] = field(default_factory=set)  # companies without a word character

    def link(self, key: str, thread_id: str, rfc_message_id: str) -> None:
        """A message the candidate sent joins a sequence: its thread and id now lead there."""
        if thread_id:
            self.by_thread.setdefault(thread_id, set()).add(key)
        if rfc_message_id:
            self.by_message_id.setdefault(rfc_message_id, set()).add(key)

    def has_thread(self, thread_id: str) -> bool:
        """True when a thread belongs to a watched sequence."""
        return bool(thread_id) and thread_id in self.by_thread

    def candidates(
        self,
        meta: MessageMeta,
        user_email: str,
        reported: tuple[str, ...] = (),
        returned_ids: tuple[str, ...] = (),
    ) -> list[str]:
        """Keys of the interviews this message may concern, in start order.

        `reported` and `returned_ids`: the failed addresses and returned Message-IDs a
        delivery report read in full names.
        """
        name, sender = parse_address(meta.header("From"))
        found: set[str] = set()
        found |= self.by_thread.get(meta.thread_id, set())
        refs = f"{meta.header('In-Reply-To')} {meta.header('References')}"
        for rfc in (*_MSG_ID.findall(refs), *returned_ids):
            found |= self.by_message_id.get(rfc, set())
        for addr in reported:
            found |= self.by_address.get(addr.strip().lower(), set())
        user = user_email.strip().lower()
        if (user and sender == user) or "SENT" in meta.label_ids:
            for addr in recipient_addresses(meta):
                found |= self.by_address.get(addr, set())
        else:
            found |= self.by_address.get(sender, set())
            domain = domain_of(sender)
            while domain:
                found |= self.by_domain.get(domain, set())
                domain = domain.partition(".")[2]
            found |= self._via_ats(sender, name, meta.header("Subject"))
            named = f"{meta.header('X-Failed-Recipients')} {meta.snippet}"
            for addr in _ADDR.findall(named):
                found |= self.by_address.get(addr.lower().rstrip("."), set())
        return sorted(found, key=lambda k: self.order.get(k, 0))

    def _via_ats(self, sender: str, name: str, subject: str) -> set[str]:
        """Interviews whose company's first word an applicant-tracking system's mail names."""
        domain = domain_of(sender)
        if not any(domain == d or domain.endswith("." + d) for d in APPLICANT_TRACKING):
            return set()
        found = set(self.wordless)
        for word in _WORD.findall(f"{name} {subject}".casefold()):
            found |= self.by_company_word.get(word, set())
        return found


def build_index(ctx: Context) -> MailIndex:
    """Read every watched interview once and index it."""
    conn = ctx.store.conn
    index = MailIndex()
    own_domain = domain_of(ctx.user_email)
    threads, message_ids = links.sequence_links(conn, [s.value for s in WATCHED])
    for position, row in enumerate(sequences.list_interviews(conn, WATCHED)):
        interview = row.interview
        key = interview.key
        index.order[key] = position
        index.companies[key] = interview.company
        for contact in (*interview.contacts, interview.primary):
            addr = contact.email.strip().lower()
            if not addr:
                continue
            index.by_address.setdefault(addr, set()).add(key)
            domain = domain_of(addr)
            if domain and domain not in PUBLIC_MAIL_DOMAINS and domain != own_domain:
                index.by_domain.setdefault(domain, set()).add(key)
        words = _WORD.findall(" ".join(printable(interview.company).split()).casefold())
        if words:
            index.by_company_word.setdefault(words[0], set()).add(key)
        elif interview.company.strip():
            index.wordless.add(key)
        for thread in threads.get(key, ()):
            index.by_thread.setdefault(thread, set()).add(key)
        for rfc in message_ids.get(key, ()):
            index.by_message_id.setdefault(rfc, set()).add(key)
    return index


def current_index(ctx: Context) -> MailIndex:
    """This tick's index, built on first use."""
    if not isinstance(ctx.run.mail_index, MailIndex):
        ctx.run.mail_index = build_index(ctx)
    return ctx.run.mail_index
