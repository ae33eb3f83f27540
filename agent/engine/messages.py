"""One incoming or sent message applied to the sequences it concerns.

The watched interviews are indexed once per pass by address, domain, thread, Message-ID and
company, so a message is classified only against the interviews it can concern (usually none
or one): the cost per message does not grow with the number of interviews.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from agent.core.delivery import DeliveryReport, read_report
from agent.core.detect import APPLICANT_TRACKING, PUBLIC_MAIL_DOMAINS
from agent.core.errors import FollowupError
from agent.core.formats import moment
from agent.core.messages import Classification, MessageKind, MessageMeta
from agent.core.model import EMAIL_STEPS, WATCHED, InterviewStatus, StepState, domain_of
from agent.core.ports import MailQuery
from agent.core.replies import classify, judge_return, parse_address, recipient_addresses
from agent.core.robot_mail import looks_like_report
from agent.core.text import addresses_in, one_line, printable
from agent.engine import drafts, sequence
from agent.engine.work import Pass, Sequence, guarded
from agent.store import mail, set_aside
from agent.store.sequences import step_order

log = logging.getLogger(__name__)

LAST_LOOK_LIMIT = 20
UNSENT = (StepState.PLANNED, StepState.INTENT, StepState.DRAFTED)
_MSG_ID = re.compile(r"<[^<>\s]{1,998}>")
_WORD = re.compile(r"\w+")


@dataclass
class MailIndex:
    """Interview keys by what links a message to them."""

    order: dict[str, int] = field(default_factory=dict)  # key -> position in start order
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
        self, meta: MessageMeta, own: frozenset[str], report: DeliveryReport | None = None
    ) -> list[str]:
        """Keys of the interviews this message may concern, in start order."""
        name, sender = parse_address(meta.header("From"))
        found: set[str] = set(self.by_thread.get(meta.thread_id, set()))
        refs = f"{meta.header('In-Reply-To')} {meta.header('References')}"
        returned = report.returned_ids if report is not None else ()
        for rfc in (*_MSG_ID.findall(refs), *returned):
            found |= self.by_message_id.get(rfc, set())
        for addr in report.failed if report is not None else ():
            found |= self.by_address.get(addr.strip().lower(), set())
        if sender in own or "SENT" in meta.label_ids:
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
            for addr in addresses_in(named):
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


def mail_index(p: Pass) -> MailIndex:
    """This pass's index of every watched interview, built on first use."""
    if "mail_index" in p.cache:
        return p.cache["mail_index"]
    index = MailIndex()
    own_domain = domain_of(p.user)
    for position, seq in enumerate(p.watched()):
        key, interview = seq.key, seq.interview
        index.order[key] = position
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
        for thread in seq.threads():
            index.link(key, thread, "")
        for sent in seq.sent:
            index.link(key, "", sent.rfc_message_id)
    p.cache["mail_index"] = index
    return index


def employer_query(seq: Sequence, since: datetime, limit: int = 500) -> MailQuery:
    """Mail that may be the employer's since a moment: from a contact or the company's domain,
    or from an applicant-tracking system naming the company (a superset of what `classify`
    takes for the company's answer)."""
    people = [c.email for c in (*seq.interview.contacts, seq.interview.primary) if c.email]
    domains = [domain_of(a) for a in people if domain_of(a) not in PUBLIC_MAIL_DOMAINS]
    company = seq.interview.company.strip()
    return MailQuery(
        since=since, from_addresses=tuple(dict.fromkeys(people)),
        from_domains=tuple(dict.fromkeys(d for d in domains if d)),
        companies=(company,) if company else (), limit=limit,
    )


# --- applying one message ------------------------------------------------------------------------


def apply(p: Pass, meta: MessageMeta, *, only: frozenset[str] | None = None) -> None:
    """Apply a message once; one that cannot be processed is set aside, the pass goes on."""
    guarded(p, "message", meta.id, meta.header("Subject"), lambda: _apply(p, meta, only))
    with p.write():
        mail.mark_seen(p.conn, meta.id, p.now)


def read_and_apply(p: Pass, message_id: str, *, only: frozenset[str] | None = None) -> None:
    """Read one message (not a draft, not one set aside) and apply it."""
    if set_aside.has(p.conn, "message", message_id):
        return
    meta = p.mailbox.message(message_id)
    if meta is not None and "DRAFT" not in meta.label_ids:
        apply(p, meta, only=only)


def _apply(p: Pass, meta: MessageMeta, only: frozenset[str] | None) -> None:
    """Classify a message against the watched sequences it can concern and apply it."""
    report = delivery_report(p, meta)
    index = mail_index(p)
    for key in index.candidates(meta, p.own_addresses, report):
        seq = p.sequence(key)
        if (only is not None and key not in only) or seq is None or seq.status not in WATCHED:
            continue
        ids = frozenset(s.rfc_message_id for s in seq.sent if s.rfc_message_id)
        verdict = classify(
            meta, seq.interview, user_email=p.user, sequence_thread_ids=seq.threads(),
            sequence_message_ids=ids, report=report,
        )
        if verdict.kind == MessageKind.OWN:
            _own_message(seq, meta)
            index.link(key, meta.thread_id, meta.header("Message-ID"))
        elif verdict.kind == MessageKind.EMPLOYER_REPLY:
            sender = meta.header("From") or "the employer"
            when = moment(meta.internal_date, p.zone)
            sequence.stop(
                seq, InterviewStatus.REPLIED,
                f"{printable(sender, 200)} replied {when} ({verdict.reason})",
                remove_drafts=p.settings.replies.delete_drafts_on_reply,
            )
        elif verdict.kind == MessageKind.AUTO_REPLY:
            _auto_reply(seq, verdict, meta)
        elif verdict.kind == MessageKind.BOUNCE:
            address = verdict.bounced_address or "a follow-up"
            sequence.pause(seq, f"{address} bounced; check the address, then `followup resume`")
        elif verdict.kind == MessageKind.UNLINKED_BOUNCE:
            named = seq.contact(verdict.bounced_address or "")
            who = printable(named.name or named.email, 100)
            seq.tell("notice", f"a delivery notice naming {who} that is not about your mail; "
                               "nothing changed")


def delivery_report(p: Pass, meta: MessageMeta) -> DeliveryReport | None:
    """A likely bounce read in full, else None. It is set aside before the full read and taken
    back after, so a pass killed while reading it never reads it again (one that Google did not
    answer is taken back at once: the next pass tries again)."""
    sender = parse_address(meta.header("From"))[1]
    if "SENT" in meta.label_ids or not looks_like_report(meta, sender):
        return None
    aside = set_aside.SetAside("message", meta.id, one_line(meta.header("Subject"), 200),
                               "reading this delivery report did not finish", p.now)
    with p.write():
        set_aside.put(p.conn, aside)
    try:
        raw = p.mailbox.full_message(meta.id)
    except FollowupError:
        with p.write():
            set_aside.clear(p.conn, "message", meta.id)
        raise
    report = read_report(raw) if raw else None
    with p.write():
        set_aside.clear(p.conn, "message", meta.id)
    return report


def _own_message(seq: Sequence, meta: MessageMeta) -> None:
    """The candidate wrote to a contact: a draft of ours was sent, or they wrote their own."""
    if "SENT" not in meta.label_ids or meta.internal_date < seq.interview.start:
        return
    sequence.ensure_rows(seq)
    contacts = {c.email for c in (*seq.interview.contacts, seq.interview.primary)}
    for contact in sorted(recipient_addresses(meta) & contacts):
        seq.record_sent(contact, meta)
        answered = drafts.sent_draft_of(seq, meta, contact)
        if answered is not None:
            drafts.mark_sent(seq, answered, meta)
        elif not drafts.message_key(meta):  # a draft of ours for another step settles none
            _written_by_hand(seq, contact, meta)


def _written_by_hand(seq: Sequence, contact: str, meta: MessageMeta) -> None:
    """The candidate's own message stands for the last email step due by then, else the next."""
    open_rows = [r for r in seq.rows(recipient=contact, states=UNSENT) if r.step in EMAIL_STEPS]
    due = [r for r in open_rows if r.due <= meta.internal_date]
    written = due[-1] if due else next(iter(open_rows), None)
    if written is None:
        return
    reason = f"you wrote to {contact} yourself on {moment(meta.internal_date, seq.p.zone)}"
    with seq.p.write():
        seq.move(written, StepState.SENT_BY_USER, reason, thread_id=meta.thread_id,
                 sent_message_id=meta.id)
        for earlier in seq.rows(recipient=contact, states=(StepState.PLANNED,)):
            if earlier.step in EMAIL_STEPS and step_order(earlier) < step_order(written):
                seq.move(earlier, StepState.SKIPPED, f"{reason}, for the {written.step.value}")
        seq.tell("sent_by_user", f"{written.step.value}: {reason}")


def _auto_reply(seq: Sequence, verdict: Classification, meta: MessageMeta) -> None:
    """Out of office: a plausible return date holds the next step until the business day after.

    The date is read relative to the reply's own Date; one more than 60 days after it, or
    already past, is ignored and the story says so.
    """
    p = seq.p
    sender = printable(meta.header("From"), 200)
    sent = verdict.message_day or meta.internal_date.date()
    back, why = judge_return(verdict.return_date, sent, p.now.astimezone(p.zone))
    if why:
        detail = f"automatic reply from {sender}: {why}; nothing moved"
    elif back is None:
        detail = f"automatic reply from {sender} ignored (no return date)"
    else:
        if seq.row.delay_until and seq.row.delay_until >= str(back):
            return
        seq.mark("delay_until", str(back))
        detail = f"{sender} is away until {back}; the next step waits until the next business day"
    seq.tell("auto_reply", detail)


def reply_arrived(seq: Sequence) -> bool:
    """The last look before a draft: did the employer write since the last sync?"""
    p = seq.p
    for ref in p.mailbox.find(employer_query(seq, seq.interview.start, LAST_LOOK_LIMIT)):
        if mail.seen_at(p.conn, ref.message_id) is None:
            read_and_apply(p, ref.message_id)
    return seq.status != InterviewStatus.ACTIVE
