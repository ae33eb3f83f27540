"""Pure: what one incoming message means for one interview's sequence, and return dates.

The order of the rules and how a return date is read: docs/etiquette.md, "Reading mail".
"""

from __future__ import annotations

import contextlib
import email.policy
import re
from datetime import date, datetime, timedelta
from email import errors
from email.utils import parsedate_to_datetime

from agent.core.dates import MONTH_NAMES, MONTHS
from agent.core.delivery import DeliveryReport, report_from_meta
from agent.core.detect import APPLICANT_TRACKING, PUBLIC_MAIL_DOMAINS, within
from agent.core.interviews import Interview
from agent.core.messages import Classification, MessageKind, MessageMeta
from agent.core.model import domain_of
from agent.core.robot_mail import (
    AUTO,
    MAX_HEADER_CHARS,
    MAX_NAME_HEADER_CHARS,
    MAX_SNIPPET_CHARS,
    MSG_ID,
    SYSTEM,
    Machine,
    bounded,
    looks_like_report,
    machine_made,
)
from agent.core.text import ADDRESS, addresses_in, one_line

_ANGLE = re.compile(r"<\s*+(" + ADDRESS.pattern + r")")
# Job alerts and recommendations an applicant-tracking system sends job seekers (its sender's
# name and subject, or its own address): not about this candidacy, even naming the company.
_JOB_ALERT = re.compile(
    r"\bjob\s+(?:alerts?|matches|recommendations?)\b|\bnew\s+(?:jobs?|openings?|opportunities"
    r"|positions|roles)\b|\bjobs\s+(?:at|for\s+you|you\s+(?:may|might)|matching|like\s+this)\b"
    r"|\brecommended\s+(?:for\s+you|jobs?|roles?|positions?)\b|\b(?:is|are|now|still)\s+hiring\b"
    r"|\bsimilar\s+(?:jobs|roles|positions)\b|\btalent\s+(?:community|network|pool)\b"
    r"|\bnewsletter\b",
    re.IGNORECASE,
)
_ALERT_SENDER = re.compile(r"alert|recommend|digest|newsletter|marketing", re.IGNORECASE)


def parse_address(header_value: str) -> tuple[str, str]:
    """The first (display name, lowercased address) in a header value; ('', '') if none."""
    value = one_line(header_value[:MAX_HEADER_CHARS], MAX_NAME_HEADER_CHARS)
    with contextlib.suppress(Exception):  # the stdlib parser fails in many ways on garbage
        header = email.policy.default.header_factory("From", value)
        invalid = any(isinstance(d, errors.InvalidHeaderDefect) for d in header.defects)
        for addr in () if invalid else header.addresses:  # type: ignore[attr-defined]
            if ADDRESS.fullmatch(addr.addr_spec):
                return one_line(addr.display_name), addr.addr_spec.lower()
    # what a mail reader shows: the address in angle brackets, else the first one
    match = _ANGLE.search(value) or ADDRESS.search(value)
    if match is None:
        return "", ""
    found = match.group(match.lastindex or 0)
    name = value[: match.start()].strip().strip('"').strip()
    return name, found.lower()


def classify(
    msg: MessageMeta, interview: Interview, *, user_email: str,
    sequence_thread_ids: frozenset[str], sequence_message_ids: frozenset[str] = frozenset(),
    report: DeliveryReport | None = None,
) -> Classification:
    """The verdict on one message for one interview; `report`: its full read, if it had one."""
    msg = bounded(msg)
    name, sender = parse_address(msg.header("From"))
    user = user_email.strip().lower()
    if (user and sender == user) or "SENT" in msg.label_ids:
        return Classification(MessageKind.OWN, "sent by you")
    contacts = {c.email.strip().lower() for c in (*interview.contacts, interview.primary)}
    subject = one_line(msg.header("Subject"))
    after = msg.internal_date >= interview.start
    link = _sequence_link(msg, sequence_thread_ids, sequence_message_ids)

    if report is None and looks_like_report(msg, sender):
        report = report_from_meta(msg)
    if report is not None and not report.challenge:
        linked = bool(link or sequence_message_ids & set(report.returned_ids))
        return _report_verdict(report, contacts, user, after and linked, after)

    employer = _employer_reason(sender, user, contacts, link)
    ats = _ats_reason(sender, name, subject, interview.company)
    machine = machine_made(msg, subject, sender)
    if report is not None and machine is None:
        machine = Machine("a challenge-response robot (asks you to confirm you are human)", AUTO)
    # Machine-made mail answers when an applicant-tracking system writes about the candidacy
    # (list headers or not), or a system writes for a person from a contact or in the thread.
    context = sender in contacts or bool(link)
    answers = machine is not None and machine.kind != AUTO and (
        bool(ats) or (context and machine.kind == SYSTEM)
    )
    if machine is not None and not answers:
        if after and (employer or ats) and machine.kind == AUTO and machine.auto_reply:
            sent = message_date(msg)
            back = return_date(f"{subject}\n{msg.snippet}", sent)
            reason = f"{machine.reason} ({employer or ats})"
            return Classification(
                MessageKind.AUTO_REPLY, reason, return_date=back, message_day=sent
            )
        return Classification(MessageKind.OTHER, f"{machine.reason}, not the employer's answer")
    if not after:
        return Classification(MessageKind.OTHER, "arrived before the interview started")
    if employer or ats:
        return Classification(MessageKind.EMPLOYER_REPLY, employer or ats)
    return Classification(MessageKind.OTHER, "not from the interview's contacts, company or thread")


def _report_verdict(
    report: DeliveryReport, contacts: set[str], user: str, linked: bool, after: bool
) -> Classification:
    """A delivery report: a bounce of the sequence's mail (`linked`), a delay, or other mail."""
    if report.delayed:
        return Classification(MessageKind.OTHER, "a delivery delay notice, not a bounce")
    if report.delivered:
        return Classification(MessageKind.OTHER, "a delivery receipt, not a bounce")
    failed = [a for a in report.failed if a != user]
    contact = next((a for a in failed if a in contacts), None)
    bounced = contact or next(iter(failed), None)
    if linked:
        what = f"{bounced} bounced" if bounced else "a follow-up bounced"
        return Classification(MessageKind.BOUNCE, what, bounced_address=bounced)
    if after and contact is not None:
        why = f"a delivery notice naming {contact} that is not about your mail"
        return Classification(MessageKind.UNLINKED_BOUNCE, why, bounced_address=contact)
    return Classification(MessageKind.OTHER, "a bounce about another message")


def _sequence_link(
    msg: MessageMeta, thread_ids: frozenset[str], message_ids: frozenset[str]
) -> str:
    """How a message belongs to the sequence's own mail ('' when it does not)."""
    if msg.thread_id and msg.thread_id in thread_ids:
        return "in the thread of your follow-up"
    named = set(MSG_ID.findall(f"{msg.header('In-Reply-To')} {msg.header('References')}"))
    if named & message_ids:
        return "answering your follow-up"
    return ""


def _employer_reason(sender: str, user: str, contacts: set[str], link: str) -> str:
    """Why the sender speaks for the employer: contact, company domain or thread ('' if not)."""
    if sender and sender in contacts:
        return f"from {sender}, an interviewer"
    domain = domain_of(sender)
    own_domain = domain_of(user)
    for contact in sorted(contacts):
        company_domain = domain_of(contact)
        if (
            company_domain
            and company_domain not in PUBLIC_MAIL_DOMAINS
            and company_domain != own_domain
            and within(domain, company_domain)
        ):
            return f"from {domain}, the company's domain"
    return link


def _ats_reason(sender: str, name: str, subject: str, company: str) -> str:
    """'via Greenhouse naming Acme' when an applicant-tracking system names the company."""
    domain = domain_of(sender)
    system = next((label for d, label in APPLICANT_TRACKING.items() if within(domain, d)), "")
    wanted = " ".join(company.split()).casefold()
    alert = _JOB_ALERT.search(f"{name} {subject}") or _ALERT_SENDER.search(sender.partition("@")[0])
    if not system or not wanted or alert:
        return ""
    pattern = r"(?<!\w)" + re.escape(wanted) + r"(?!\w)"
    if re.search(pattern, " ".join(f"{name} {subject}".split()).casefold()):
        return f"via {system} naming {company}"
    return ""


def recipient_addresses(meta: MessageMeta) -> set[str]:
    """Every address in To and Cc, lowercased (read in linear time, whatever the header holds)."""
    meta = bounded(meta)
    return set(addresses_in(f"{meta.header('To')}\n{meta.header('Cc')}"))


# --- an out-of-office's return date ---------------------------------------------------------------

_ORD = r"(?:st|nd|rd|th|er|º|°|\.)?"
_PATTERNS = (
    ("ymd", re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")),
    ("num", re.compile(r"(?<![\d./])(\d{1,2})([/.])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\d/])(\.?)")),
    ("dmy", re.compile(
        rf"(?<!\d)(\d{{1,2}}){_ORD}\s*(?:de\s+|of\s+)?({MONTH_NAMES})\.?(?![^\W\d_])"
        rf"(?:,?\s+(?:de\s+)?(\d{{4}}))?",
        re.IGNORECASE,
    )),
    ("mdy", re.compile(
        rf"(?<![^\W\d_])({MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"
        rf"(?:,?\s+(\d{{4}}))?",
        re.IGNORECASE,
    )),
)
_RETURN_WORDS = re.compile(
    r"\b(?:back|return|returns|returning|until|till|til|through|thru"
    r"|bis|zurück|zurueck|wieder|ab dem"
    r"|retour|jusqu['’]?au|jusqu['’]à|reviens|rentre"
    r"|hasta|regreso|regresaré|regresare|vuelta|volveré|volvere|vuelvo)\b",
    re.IGNORECASE,
)
_WINDOW = 40
STALE = timedelta(days=60)
AHEAD = timedelta(days=400)
PLAUSIBLE = timedelta(days=60)  # a return more than this after the message is not believed


def _year(text: str | None) -> int | None:
    """A two- or four-digit year as a four-digit one."""
    return None if not text else int(text) + (2000 if int(text) < 100 else 0)


def _parts(kind: str, m: re.Match[str]) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of one match; None when it cannot be a date."""
    year: int | None
    if kind == "ymd":
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif kind == "num":
        if m[2] == "." and not m[4] and not m[5]:
            return None  # "10.30" is more likely a time than a date
        first, second = int(m[1]), int(m[3])
        us = m[2] == "/" and first <= 12  # 12/03/2026 is December 3; 03.12.2026, 25/12/2026 not
        month, day = (first, second) if us else (second, first)
        year = _year(m[4])
    elif kind == "dmy":
        day, month, year = int(m[1]), MONTHS[m[2].casefold()], _year(m[3])
    else:
        month, day, year = MONTHS[m[1].casefold()], int(m[2]), _year(m[3])
    return (year, month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None


def _resolve(parts: tuple[int | None, int, int], reference: date) -> date | None:
    """The calendar date of a mention, a missing year inferred from `reference`."""
    year, month, day = parts
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(reference.year, month, day)
        return candidate if candidate >= reference - STALE else date(reference.year + 1, month, day)
    except ValueError:
        return None


def return_date(text: str, reference: date) -> date | None:
    """The day an out-of-office sender is back (or away until), read in a subject and snippet."""
    text = text[: MAX_HEADER_CHARS + MAX_SNIPPET_CHARS]
    found = [
        (m, parts)
        for kind, pattern in _PATTERNS
        for m in pattern.finditer(text)
        if (parts := _parts(kind, m)) is not None
    ]
    found.sort(key=lambda item: (item[0].start(), -item[0].end()))
    dates: list[tuple[bool, date]] = []
    last_end = 0
    for m, parts in found:
        if m.start() < last_end:
            continue  # overlaps the mention before it
        window = text[max(last_end, m.start() - _WINDOW) : m.start()]
        last_end = m.end()
        day = _resolve(parts, reference)
        if day is not None and reference - STALE <= day <= reference + AHEAD:
            dates.append((bool(_RETURN_WORDS.search(window)), day))
    anchored = [day for flagged, day in dates if flagged]
    return anchored[0] if anchored else max((day for _, day in dates), default=None)


def message_date(msg: MessageMeta) -> date:
    """The day of the message's own Date (its writer's calendar), else (or if later) its arrival."""
    arrived = msg.internal_date
    try:
        written = parsedate_to_datetime(msg.header("Date")[:MAX_HEADER_CHARS].strip())
    except (TypeError, ValueError, IndexError):
        return arrived.date()
    if written.tzinfo is None or written > arrived + timedelta(days=1):
        return arrived.date()
    return written.date()


def judge_return(back: date | None, sent: date, now: datetime) -> tuple[date | None, str]:
    """(the return date to wait for, or None; why a date found is not believed, or '')."""
    if back is None:
        return None, ""
    if back > sent + PLAUSIBLE:
        days = PLAUSIBLE.days
        return None, f"return date {back} ignored: more than {days} days after the message"
    if back < sent or back < now.date():
        return None, f"return date {back} ignored: already past"
    return back, ""
