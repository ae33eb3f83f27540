"""Is this calendar event a trusted job interview? If so: its contacts, company and role.

Its choices beyond the etiquette's words: docs/etiquette.md, "What is an interview".
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from agent.core.interviews import CalendarEvent, Contact, Interview, Notes, Rejection
from agent.core.model import domain_of
from agent.core.notes import (
    MAX_ADDRESS_CHARS,
    MAX_LINE_CHARS,
    MAX_NAME_CHARS,
    MAX_VALUE_CHARS,
    description_lines,
    merge_notes,
    parse_notes,
)
from agent.core.settings import CalendarSettings
from agent.core.text import one_line
from agent.core.titles import (
    TitleHints,
    role_like,
    sequence_company_key,
    title_companies,
    title_hints,
)

PUBLIC_MAIL_DOMAINS: frozenset[str] = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "outlook.de", "outlook.fr", "hotmail.com",
    "hotmail.co.uk", "hotmail.fr", "hotmail.de", "hotmail.it", "hotmail.es", "live.com",
    "live.co.uk", "live.de", "live.fr", "msn.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr",
    "yahoo.de", "yahoo.es", "yahoo.it", "yahoo.co.jp", "yahoo.com.br", "yahoo.co.in", "ymail.com",
    "rocketmail.com", "icloud.com", "me.com", "mac.com", "aol.com", "aim.com", "proton.me",
    "protonmail.com", "protonmail.ch", "pm.me", "gmx.de", "gmx.net", "gmx.com", "gmx.at", "gmx.ch",
    "web.de", "t-online.de", "freenet.de", "posteo.de", "mailbox.org", "yandex.ru", "yandex.com",
    "ya.ru", "mail.ru", "bk.ru", "inbox.ru", "list.ru", "rambler.ru", "qq.com", "163.com",
    "126.com", "yeah.net", "sina.com", "sohu.com", "naver.com", "hanmail.net", "daum.net",
    "fastmail.com", "fastmail.fm", "hey.com", "zoho.com", "zohomail.com", "tutanota.com",
    "tuta.io", "mail.com", "email.com", "usa.com", "orange.fr", "wanadoo.fr", "free.fr",
    "laposte.net", "sfr.fr", "libero.it", "virgilio.it", "seznam.cz", "wp.pl", "o2.pl", "onet.pl",
    "interia.pl", "rediffmail.com", "comcast.net", "verizon.net", "att.net", "sbcglobal.net",
    "bellsouth.net", "cox.net", "charter.net", "btinternet.com", "sky.com", "bigpond.com",
    "shaw.ca", "rogers.com", "sympatico.ca", "bluewin.ch"
})

# Applicant-tracking systems by mail domain: they write for employers, never are one.
APPLICANT_TRACKING: dict[str, str] = {
    "greenhouse.io": "Greenhouse", "greenhouse-mail.io": "Greenhouse", "lever.co": "Lever",
    "myworkday.com": "Workday", "workday.com": "Workday", "ashbyhq.com": "Ashby",
    "smartrecruiters.com": "SmartRecruiters", "icims.com": "iCIMS", "jobvite.com": "Jobvite",
    "bamboohr.com": "BambooHR", "workable.com": "Workable", "workablemail.com": "Workable",
    "recruitee.com": "Recruitee", "teamtailor.com": "Teamtailor",
    "teamtailor-mail.com": "Teamtailor", "breezy.hr": "Breezy HR", "applytojob.com": "JazzHR",
    "jazzhr.com": "JazzHR", "successfactors.com": "SuccessFactors",
    "successfactors.eu": "SuccessFactors", "taleo.net": "Taleo", "personio.de": "Personio",
    "personio.com": "Personio", "pinpointhq.com": "Pinpoint", "rippling.com": "Rippling",
    "jobylon.com": "Jobylon",
}
_SCHEDULERS = frozenset({"calendly.com", "goodtime.io"})  # their addresses are no interviewer
# Domains of scheduling and hiring services: an address there never names the employer.
_SERVICE_DOMAINS = frozenset({*_SCHEDULERS, "zoom.us", "teams.microsoft.com", *APPLICANT_TRACKING})
_ROBOT_LOCAL_PARTS = ("noreply", "no-reply", "no_reply", "donotreply", "do-not-reply",
                      "do_not_reply", "mailer-daemon", "calendar-notification", "notification",
                      "scheduler", "calendly")
_ROLE_LOCAL_PARTS = frozenset({  # shared inboxes rather than people
    "team", "hiring", "jobs", "job", "careers", "career", "recruiting", "recruitment",
    "recruiter", "recruiters", "talent", "hr", "people", "interviews", "interview", "staffing",
})
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go"})
_DOMAIN_PREFIXES = frozenset({"mail", "email", "mx", "corp", "careers", "jobs", "hr", "talent"})


def within(domain: str, parent: str) -> bool:
    """True when `domain` is `parent` or one of its subdomains."""
    return bool(domain) and (domain == parent or domain.endswith("." + parent))


def company_from_domain(domain: str) -> str | None:
    """A company name from a mail domain (acme-robotics.co.uk -> Acme Robotics), None if public."""
    domain = domain.lower().strip(".")
    if any(within(domain, d) for d in _SERVICE_DOMAINS | PUBLIC_MAIL_DOMAINS):
        return None
    labels = [label for label in domain.split(".") if label]
    if len(labels) < 2:
        return None
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        name = labels[-3]
    else:
        name = labels[-2]
    if name in _DOMAIN_PREFIXES:
        return None
    words = [w for w in re.split(r"[-_]+", name) if w]
    return " ".join(w[:1].upper() + w[1:] for w in words) or None


def _is_room_group_or_robot(address: str) -> bool:
    """Rooms, group calendars, and scheduling robots: addresses that are no interviewer."""
    local, _, domain = address.lower().rpartition("@")
    if domain == "calendar.google.com" or domain.endswith(".calendar.google.com"):
        return True
    if domain in _SCHEDULERS or domain.startswith("bookings."):
        return True
    return any(part in local for part in _ROBOT_LOCAL_PARTS)


def _event_contacts(event: CalendarEvent, user_email: str) -> tuple[tuple[Contact, ...], bool]:
    """The people on the event but the user, and whether a room, group or robot was left out."""
    user = user_email.lower()
    filtered = False
    offered: list[tuple[str, str]] = []
    if event.organizer is not None and not event.organizer_is_self:
        offered.append((event.organizer.email, event.organizer.name))
    for attendee in event.attendees:
        if attendee.is_resource and not attendee.is_self:
            filtered = True
        elif not attendee.is_self and (
            attendee.response_status != "declined" or attendee.is_organizer
        ):
            offered.append((attendee.email, attendee.name))
    names: dict[str, str] = {}
    for email, name in offered:
        address = email.strip().lower()
        if not address or address == user or len(address) > MAX_ADDRESS_CHARS:
            continue
        if _is_room_group_or_robot(address):
            filtered = True
        elif not names.get(address):  # the first name that is more than the address
            cleaned = one_line(name[:MAX_LINE_CHARS], MAX_NAME_CHARS)
            names[address] = "" if cleaned.lower() == address else cleaned
    people = [Contact(email=address, name=name) for address, name in names.items()]
    humans = [c for c in people if c.email.rpartition("@")[0] not in _ROLE_LOCAL_PARTS]
    return tuple(humans or people), filtered


def _trust_problem(event: CalendarEvent, user_email: str) -> str | None:
    """Why the user has not vouched for this event (an organizer only by Google's `self` flag)."""
    user = user_email.lower()
    if event.organizer_is_self:
        return None
    own = [a for a in event.attendees if a.is_self or (user and a.email.lower() == user)]
    if not own:
        return "untrusted: you are not on this event's guest list"
    status = own[0].response_status
    if status in ("accepted", "tentative"):
        return None
    if status == "declined":
        return "untrusted: you declined this invitation"
    return "untrusted: you have not accepted this invitation"


def _match_problem(
    event: CalendarEvent, settings: CalendarSettings, lines: tuple[str, ...]
) -> str | None:
    """Why the event is not (or is excluded as) an interview, or None."""
    title = one_line(event.summary[:MAX_LINE_CHARS], MAX_LINE_CHARS)
    tag_line = ""
    if settings.tag:
        tag = re.compile(rf"(?<![\w#]){re.escape(settings.tag)}(?!\w)", re.IGNORECASE)
        tag_line = next((line for line in lines if tag.search(line)), "")
    interview = re.compile(settings.interview_pattern, re.IGNORECASE)
    by_title = bool(settings.interview_pattern) and interview.search(title)
    if not by_title and not tag_line:
        return "not an interview: title does not match and no tag in the description"
    if settings.exclude_pattern:
        exclude = re.compile(settings.exclude_pattern, re.IGNORECASE)
        hit = exclude.search(title) or (None if by_title else exclude.search(tag_line))
        if hit:
            return f"excluded: matches {hit.group(0).lower()!r}"
    return None


def _reject(event: CalendarEvent, reason: str) -> Rejection:
    """A Rejection of `event` for `reason`."""
    title = one_line(event.summary[:MAX_LINE_CHARS], MAX_VALUE_CHARS)
    return Rejection(event.calendar_id, event.event_id, title, reason)


def detect(
    event: CalendarEvent, *, user_email: str, settings: CalendarSettings, zone: ZoneInfo,
    overrides: Notes | None = None,
) -> Interview | Rejection:
    """The Interview this event is, or the Rejection saying why it is not acted on."""
    if event.status == "cancelled":
        return _reject(event, "cancelled")
    if event.is_agent_reminder:
        return _reject(event, "created by followup (reminder)")
    if event.event_type not in ("default", "fromGmail"):
        return _reject(event, f"not an interview: {event.event_type} event")
    lines = description_lines(event.description)
    problem = _match_problem(event, settings, lines)
    if problem:
        return _reject(event, problem)
    if event.all_day:
        return _reject(event, "all-day event")
    if event.start is None or event.end is None:
        return _reject(event, "no start or end time")
    problem = _trust_problem(event, user_email)
    if problem:
        return _reject(event, problem)
    notes = parse_notes(event.description)
    if overrides is not None:
        notes = merge_notes(notes, overrides)
    if notes.contacts:
        user = user_email.lower()
        contacts = tuple(c for c in notes.contacts if c.email != user)
        filtered = False
    else:
        contacts, filtered = _event_contacts(event, user_email)
    if not contacts:
        if filtered:
            return _reject(event, "no contacts: only rooms, groups or scheduling robots")
        return _reject(event, "no contacts: no one but you on the event")
    title = one_line(event.summary[:MAX_LINE_CHARS], MAX_VALUE_CHARS)
    names = tuple(c.name for c in contacts if c.name)
    hints = title_hints(title, names)
    company = _company(notes, contacts, title_companies(hints, names))
    return Interview(
        f"{event.calendar_id}/{event.event_id}", event.calendar_id, event.event_id, title,
        event.start.astimezone(zone), event.end.astimezone(zone), contacts, primary=contacts[0],
        company=company, role=_role(notes, hints, company), notes=notes,
    )


def _company(notes: Notes, contacts: tuple[Contact, ...], from_title: list[str]) -> str:
    """`Company:` note, else the contacts' non-public mail domain, else the title, else ''."""
    if notes.company:
        return notes.company
    for contact in contacts:
        from_domain = company_from_domain(domain_of(contact.email))
        if from_domain:
            key = sequence_company_key(from_domain)
            spelled = [c for c in from_title if sequence_company_key(c) == key]
            return spelled[0] if spelled else from_domain
    return from_title[0] if from_title else ""


def _role(notes: Notes, hints: TitleHints, company: str) -> str:
    """`Role:`/`Position:` note, else the title's role, else '' (unknown)."""
    if notes.role:
        return notes.role
    key = sequence_company_key(company)
    for candidate in (hints.role, *(x for x in hints.leftovers if role_like(x))):
        if candidate and sequence_company_key(candidate) != key:
            return candidate
    return ""
