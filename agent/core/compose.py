"""The drafts' words: the user's Jinja2 templates rendered in a sandbox, and the safe draft.

Event text reaches a template only as a variable value; every failure is one TemplateError line.
"""

from __future__ import annotations

import hashlib
import logging
import re
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from agent.core.errors import TemplateError
from agent.core.formats import day_name
from agent.core.headers import MAX_SUBJECT, DraftHeaders, draft_message
from agent.core.interviews import Contact, Interview, Notes
from agent.core.messages import RenderedDraft, ThreadRef
from agent.core.model import STEPS, StepName
from agent.core.ports import Account
from agent.core.settings import ContentSettings, UserSettings
from agent.core.text import as_written, html_to_text, one_line

log = logging.getLogger(__name__)

TEMPLATE_NAMES = tuple(name for info in STEPS.values() for name in info.templates)
EMAIL_TEMPLATES = tuple(info.email_template for info in STEPS.values() if info.email_template)
README_HINT = "check the variable names in templates/README.md"
MAX_SIGNATURE_LINES = 12
MAX_SIGNATURE_LINE = 200

_REPLY_PREFIX = re.compile(r"^(?:\s*re\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_LOWER_FIRST = frozenset(
    {"a", "an", "it", "my", "our", "that", "the", "their", "these", "they", "this", "those"}
    | {"we", "you", "your"}
)


@dataclass(frozen=True)
class Sender:
    """Who the drafts are from."""

    address: str  # the From address
    name: str  # display name ('' allowed)
    signature: str  # plain text ('' allowed)
    phone: str = ""  # the candidate's phone ([user] phone)


@dataclass(frozen=True)
class StepText:
    """What one step's words are made from, for one contact."""

    step: StepName
    interview: Interview
    to: Contact
    sender: Sender
    content: ContentSettings
    today: date
    branch: str = ""
    follow_up_date: str | None = None
    sent: tuple[tuple[StepName, date], ...] = ()  # earlier emails this contact got, with the day


@dataclass(frozen=True)
class EmailText:
    """A rendered email template split into its subject line and plain-text body."""

    subject: str
    body: str


@dataclass(frozen=True)
class TemplateSource:
    """One template file's bytes, and the file they came from (error messages name it)."""

    data: bytes
    origin: str


def sentence(text: object) -> str:
    """A filter: the text with a capital first letter and a closing full stop."""
    value = str(text).strip()
    if not value:
        return ""
    value = value[0].upper() + value[1:]
    return value if value[-1] in ".!?…" else value + "."


def and_list(items: object) -> str:
    """A filter: list items joined for speech, 'a, b and c', ready to sit inside a sentence."""
    parts = [str(p).strip().rstrip(".;,!") for p in (items or ())]  # type: ignore[attr-defined]
    out = []
    for part in filter(None, parts):
        first, _, rest = part.partition(" ")
        if first.lower() in _LOWER_FIRST and first[:1].isupper() and first[1:].islower():
            part = first.lower() + (" " + rest if rest else "")
        out.append(part)
    if len(out) <= 1:
        return "".join(out)
    return ", ".join(out[:-1]) + " and " + out[-1]


class TemplateSet:
    """The templates in effect, by name (a user's file over the packaged default)."""

    def __init__(self, sources: Mapping[str, TemplateSource]) -> None:
        """Render from `sources`: template name (a path relative to its folder) -> source."""
        self.sources = dict(sources)
        self.env = SandboxedEnvironment(
            loader=jinja2.FunctionLoader(self._load), undefined=jinja2.StrictUndefined,
            autoescape=False, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        )
        self.env.filters.update(sentence=sentence, and_list=and_list)

    def _load(self, name: str) -> tuple[str, str, Callable[[], bool]] | None:
        """The text and origin of one template, for Jinja2; None when there is none."""
        source = self.sources.get(name)
        if source is None:
            return None
        return source.data.decode("utf-8"), source.origin, lambda: True

    def fingerprint(self) -> str:
        """What `check_used` answers for: every source, and the names and samples it checks."""
        samples = (sample_context(), sample_context(full=False))
        digest = hashlib.sha256(repr((TEMPLATE_NAMES, samples)).encode())
        for name, source in sorted(self.sources.items()):
            header = repr((name, source.origin, len(source.data)))
            digest.update(header.encode("utf-8", "surrogatepass") + source.data)
        return digest.hexdigest()

    def source_path(self, name: str) -> str:
        """The file a template name resolves to: the user's, else the packaged one."""
        source = self.sources.get(name)
        return source.origin if source is not None else name

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        """Render template `name`; any failure is a one-line TemplateError naming file and line."""
        try:
            return self.env.get_template(name).render(dict(context))
        except UnicodeDecodeError as exc:
            problem = f"{self.source_path(name)}: not UTF-8 text (save the file as UTF-8)"
            raise TemplateError(one_line(problem)) from exc
        except jinja2.TemplateSyntaxError as exc:
            where = exc.filename or self.source_path(exc.name or name)
            message = exc.message or str(exc)
            raise self._error(where, exc.lineno, message, "fix the Jinja syntax") from exc
        except Exception as exc:  # located at the innermost frame in a template file
            origins = {s.origin for s in self.sources.values()}
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in origins]
            where, line = self.source_path(name), None
            if frames:
                where, line = frames[-1].filename, frames[-1].lineno
            message, hint = _explained(exc, name)
            if isinstance(exc, jinja2.TemplateNotFound) and line is None:
                hint = "put the file back or reinstall followup"
            raise self._error(where, line, message, hint) from exc

    def render_email(self, name: str, context: Mapping[str, Any]) -> EmailText:
        """Render an email template: `Subject: ...`, a blank line, then the plain-text body."""
        text = self.render(name, context).replace("\r\n", "\n").replace("\r", "\n")
        first, _, rest = text.partition("\n")
        if not first.startswith("Subject:"):
            problem = "the first line must be 'Subject: ...'"
            raise self._error(self.source_path(name), 1, problem, "see templates/README.md")
        body = rest.lstrip("\n").rstrip() + "\n"
        return EmailText(subject=first[len("Subject:") :].strip(), body=body)

    def check_used(self) -> None:
        """Render every template followup uses with sample data; raise the first TemplateError."""
        errors = self.check_all(used_only=True)
        if errors:
            raise errors[0]

    def check_all(self, *, used_only: bool = False) -> list[TemplateError]:
        """Render every template with sample data: the first problem of each, then stray files."""
        errors: list[TemplateError] = []
        for name in TEMPLATE_NAMES:
            render = self.render_email if name in EMAIL_TEMPLATES else self.render
            try:
                for ctx in (sample_context(), sample_context(full=False)):
                    render(name, ctx)
            except TemplateError as exc:
                errors.append(exc)
        if used_only:
            return errors
        rename = f"rename it to one of: {', '.join(TEMPLATE_NAMES)}"
        return errors + [
            TemplateError(f"{s.origin}: not a template followup uses ({rename})")
            for name, s in sorted(self.sources.items())
            if name.endswith(".j2") and "/" not in name and name not in TEMPLATE_NAMES
        ]

    @staticmethod
    def _error(where: str, line: int | None, message: str, hint: str) -> TemplateError:
        """One line: `<file>, line <n>: <what> (<what to do>)`."""
        place = f"{where}, line {line}" if line else where
        return TemplateError(one_line(f"{place}: {message} ({hint})"))


def _explained(exc: Exception, name: str) -> tuple[str, str]:
    """What went wrong while rendering template `name`, and what to do about it."""
    if isinstance(exc, jinja2.TemplateNotFound):
        missing = exc.name if isinstance(exc.name, str) else name
        return f"template {missing!r} not found", "fix the include"
    if isinstance(exc, jinja2.UndefinedError):
        return exc.message or str(exc), README_HINT
    if isinstance(exc, SecurityError):
        return str(exc), "templates may only use the documented variables and filters"
    return f"{type(exc).__name__}: {exc}", "check the expression on that line"


def sample_context(*, full: bool = True) -> dict[str, Any]:
    """Every template variable as a check-in would give it (sparse: no names, notes or history)."""
    jane = Contact("jane.doe@example.com", "Jane Doe" if full else "")
    start = datetime(2026, 12, 1, 14, tzinfo=UTC)
    notes = Notes(
        fit=("the team ships small, reviewed changes every day", "on-call is shared fairly"),
        strengths=("Postgres performance tuning", "leading incident reviews"),
        start="January 5", phone="+1 555 0100",
    )
    interview = Interview(
        "sample", "primary", "sample", "Interview", start, start + timedelta(hours=1),
        contacts=(jane, Contact("sam.lee@example.com", "Sam Lee")) if full else (jane,),
        primary=jane, company="Example Corp" if full else "",
        role="Senior Engineer" if full else "", notes=notes if full else Notes(),
    )
    alex = Sender("alex@example.com", "Alex Morgan", "Alex Morgan\n+1 555 0199", "+1 555 0199")
    sent = ((StepName.THANK_YOU, date(2026, 11, 30)), (StepName.CHECK_IN, date(2026, 12, 2)))
    return template_context(StepText(
        StepName.CHECK_IN, interview, jane, alex if full else Sender("", "", ""), ContentSettings(),
        today=date(2026, 12, 1 if full else 4),
        branch="named" if full else "next_day",
        follow_up_date="Thursday, December 3" if full else None,
        sent=sent if full else (),
    ))


def signature_text(html: str) -> str:
    """A Gmail signature's HTML as plain text: one line per line, no tags, entities decoded."""
    raw_lines = html_to_text(html, collapse_whitespace=True).split("\n")
    text = "\n".join(as_written(line, MAX_SIGNATURE_LINE).strip() for line in raw_lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return "\n".join(text.split("\n")[:MAX_SIGNATURE_LINES])


def sender_for(user: UserSettings, account: Account) -> Sender:
    """[user] name and signature when set, else the account's; its send-as address, else email."""
    return Sender(
        address=(account.from_address or account.address).strip() or user.email.strip(),
        name=as_written(user.name).strip() or as_written(account.name).strip(),
        signature=user.signature.strip() or account.signature.strip(),
        phone=user.phone,
    )


def _clean_contact(contact: Contact) -> Contact:
    """The contact as templates see it (name on one line)."""
    return Contact(email=as_written(contact.email), name=as_written(contact.name))


def template_context(text: StepText) -> dict[str, Any]:
    """Every template variable (see templates/README.md) for one step and recipient."""
    interview, notes, content = text.interview, text.interview.notes, text.content
    candidate = as_written(text.sender.name)
    sent = {step: day_name(day) for step, day in text.sent}
    day = interview.start.date()
    when = {text.today: "today", text.today - timedelta(days=1): "yesterday"}
    return {
        "candidate": candidate,
        "signature": text.sender.signature.strip() or candidate,
        "candidate_phone": as_written(text.sender.phone) or None,
        "contact": _clean_contact(text.to),
        "contacts": tuple(_clean_contact(c) for c in interview.contacts),
        "company": as_written(interview.company),
        "role": as_written(interview.role),
        "interview_date": day_name(day),
        "interview_when": when.get(day, f"on {day_name(day)}"),
        "fit": [p for p in map(as_written, notes.fit or content.fit) if p],
        "strengths": [p for p in map(as_written, notes.strengths or content.strengths) if p],
        "start": as_written(notes.start) or None,
        "follow_up_date": as_written(text.follow_up_date) or None,
        "branch": text.branch,
        "step": text.step.value,
        "is_panel": len(interview.contacts) > 1,
        "phone": as_written(notes.phone) or None,
        "thank_you_sent": sent.get(StepName.THANK_YOU),
        "check_in_sent": sent.get(StepName.CHECK_IN),
    }


def reply_subject(thread_subject: str, fallback: str) -> str:
    """'Re: <thread subject>' without stacking prefixes ('Re: Re: x' -> 'Re: x')."""
    base = _REPLY_PREFIX.sub("", as_written(thread_subject, MAX_SUBJECT)).strip() or fallback
    return as_written("Re: " + base, MAX_SUBJECT + 4)


def _template_for(step: StepName, kind: str) -> str:
    """The step's template file of that kind ("email", "voicemail" or "cue")."""
    name: str | None = getattr(STEPS[step], f"{kind}_template")
    if name is None:
        raise ValueError(f"step {step.value!r} has no {kind} template")
    return name


def compose_draft(
    text: StepText, templates: TemplateSet, *, key: str, thread: ThreadRef | None
) -> RenderedDraft:
    """One step's draft and voicemail script for one recipient (UnsafeHeader, TemplateError)."""
    context = template_context(text)
    email = templates.render_email(_template_for(text.step, "email"), context)
    subject = as_written(email.subject, MAX_SUBJECT)
    if thread is not None:
        subject = reply_subject(thread.subject, subject)
    headers = DraftHeaders(
        context["candidate"], text.sender.address.strip(), text.to.name, text.to.email.strip(),
        subject, key, thread,
    )
    raw = draft_message(headers, email.body)
    log.debug("composed %s for %s (%d bytes)", text.step.value, headers.to_addr, len(raw))
    voicemail = templates.render(_template_for(text.step, "voicemail"), context)
    thread_id = thread.thread_id if thread is not None else None
    return RenderedDraft(text.to, subject, email.body, raw, thread_id, voicemail)


def render_voicemail(text: StepText, templates: TemplateSet) -> str:
    """The voicemail script of an email step, carrying the same points as its email."""
    return templates.render(_template_for(text.step, "voicemail"), template_context(text))


def render_cue(text: StepText, templates: TemplateSet) -> str:
    """The `ask` cue: the question to ask the contact before the interview ends."""
    return templates.render(_template_for(StepName.ASK, "cue"), template_context(text)).strip()
