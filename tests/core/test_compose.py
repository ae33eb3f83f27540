"""Composing drafts: exact headers, threading, and hostile event text that stays data."""

from __future__ import annotations

import base64
import email
import email.policy
from dataclasses import replace
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from agent.core.compose import (
    Sender,
    StepText,
    TemplateSet,
    compose_draft,
    render_cue,
    render_voicemail,
    reply_subject,
    sample_context,
    sender_for,
    signature_text,
    template_context,
)
from agent.core.errors import TemplateError
from agent.core.headers import UnsafeHeader, draft_key_value, intended_names
from agent.core.interviews import Contact, Interview, Notes
from agent.core.messages import RenderedDraft, ThreadRef
from agent.core.model import KEY_HEADER, StepName
from agent.core.ports import Account
from agent.core.settings import ContentSettings, UserSettings
from agent.files.templates import load_templates

NY = ZoneInfo("America/New_York")
TODAY = date(2026, 12, 1)
JANE = Contact(email="jane@acme.com", name="Jane Doe")
SAM = Contact(email="sam@acme.com", name="Sam Lee")
SENDER = Sender(
    address="alex@gmail.com", name="Alex Morgan", signature="Alex Morgan\n+1 555 0199",
    phone="+1 555 0199",
)
NOBODY = Sender(address="alex@gmail.com", name="", signature="")
CONTENT = ContentSettings(fit=("default fit point",), strengths=("default strength",))
THREAD = ThreadRef(
    thread_id="thread-1",
    message_id_header="<CAF123@mail.gmail.com>",
    references="<first@acme.com> <second@acme.com>",
    subject="Thank you for the Engineer interview at Acme",
)
DEFAULTS = load_templates(None)
HOSTILE = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}x{% endfor %}",
    "Acme\r\nBcc: evil@x.com",
    "=?UTF-8?Q?=0A?=Bcc: x@y",
    "日本語 Ελληνικά العربية",
    "Acme " + "x" * 10_000,
    "Acme\u2028Bcc: a@b.com\u0085\x7fZ",
]


def interview(**changes: Any) -> Interview:
    """A one-interviewer interview at Acme on Tuesday 2026-12-01."""
    base = Interview(
        key="primary/evt123",
        calendar_id="primary",
        event_id="evt123",
        title="Interview with Acme",
        start=datetime(2026, 12, 1, 14, 0, tzinfo=NY),
        end=datetime(2026, 12, 1, 15, 0, tzinfo=NY),
        contacts=(JANE,),
        primary=JANE,
        company="Acme",
        role="Engineer",
        notes=Notes(
            fit=("you ship small changes every day", "on-call is shared"),
            strengths=("Postgres tuning",),
            start="January 5",
            phone="+1 555 0100",
        ),
    )
    return replace(base, **changes)


def step_text(
    step: StepName = StepName.THANK_YOU,
    *,
    iv: Interview | None = None,
    to: Contact = JANE,
    sender: Sender = SENDER,
    content: ContentSettings = CONTENT,
    branch: str = "",
    today: date = TODAY,
) -> StepText:
    """The words of one step, with test defaults."""
    return StepText(
        step=step,
        interview=iv or interview(),
        to=to,
        sender=sender,
        content=content,
        today=today,
        branch=branch,
        follow_up_date="Thursday, December 3" if branch == "named" else None,
    )


def draft(
    step: StepName = StepName.THANK_YOU,
    *,
    iv: Interview | None = None,
    to: Contact = JANE,
    thread: ThreadRef | None = None,
    branch: str = "",
    templates: TemplateSet = DEFAULTS,
    key: str | None = None,
    sender: str = "alex@gmail.com",
    candidate_name: str = "Alex Morgan",
) -> RenderedDraft:
    """compose_draft with test defaults."""
    who = replace(SENDER, address=sender, name=candidate_name)
    return compose_draft(
        step_text(step, iv=iv, to=to, sender=who, branch=branch),
        templates,
        key=key or draft_key_value(b"s" * 32, "primary/evt123", step.value, to.email),
        thread=thread,
    )


def parse(raw: bytes) -> EmailMessage:
    """The draft as a mail reader sees it."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def content(msg: EmailMessage) -> str:
    """The decoded body with plain newlines."""
    return str(msg.get_content()).replace("\r\n", "\n")


def header_lines(raw: bytes) -> list[str]:
    """The raw header block, one entry per physical line."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    return head.split("\r\n")


def assert_only_intended_headers(raw: bytes, threaded: bool) -> EmailMessage:
    """Exactly the intended header names, each once, and no Bcc/Cc anywhere in the head."""
    msg = parse(raw)
    assert [k.lower() for k in msg] == [n.lower() for n in intended_names(threaded)]
    assert msg.get_all("Bcc") is None and msg.get_all("Cc") is None
    allowed = tuple(f"{n}:" for n in intended_names(threaded))
    for line in header_lines(raw):
        assert line.startswith(allowed) or line.startswith(" "), line
        assert len(line) <= 998
    return msg


def test_thank_you_draft_has_exact_headers_and_body() -> None:
    rendered = draft()
    msg = assert_only_intended_headers(rendered.raw, threaded=False)
    assert str(msg["From"]) == "Alex Morgan <alex@gmail.com>"
    assert [a.addr_spec for a in msg["To"].addresses] == ["jane@acme.com"]
    assert msg["To"].addresses[0].display_name == "Jane Doe"
    assert str(msg["Subject"]) == "Thank you for the Engineer interview at Acme"
    assert rendered.subject == "Thank you for the Engineer interview at Acme"
    expected = draft_key_value(b"s" * 32, "primary/evt123", "thank_you", "jane@acme.com")
    assert msg[KEY_HEADER] == expected
    assert "primary" not in msg[KEY_HEADER] and "jane" not in msg[KEY_HEADER]
    assert msg["MIME-Version"] == "1.0"
    assert msg["Content-Type"] == 'text/plain; charset="utf-8"'
    assert msg["Date"] is None and msg["Message-ID"] is None
    assert rendered.thread_id is None
    assert rendered.to == JANE
    assert content(msg) == rendered.body
    assert rendered.body.startswith(
        "Dear Jane,\n\nThank you for taking the time to meet with me today"
    )
    assert "- you ship small changes every day\n- on-call is shared\n" in rendered.body
    assert rendered.body.endswith("Best regards,\nAlex Morgan\n+1 555 0199\n")
    assert rendered.voicemail.count("+1 555 0199") == 2
    assert "(Call Jane Doe at +1 555 0100.)" in rendered.voicemail
    assert "because you ship small changes every day and on-call is shared." in rendered.voicemail


def test_header_names_are_spelled_exactly() -> None:
    names = [line.split(":", 1)[0] for line in header_lines(draft(thread=THREAD).raw)
             if not line.startswith(" ")]
    assert names == [
        "From", "To", "Subject", "In-Reply-To", "References", "X-Followup-Key",
        "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
    ]


def test_panel_interviewer_gets_own_draft_and_no_fit_falls_back_to_settings() -> None:
    iv = interview(contacts=(JANE, SAM), notes=Notes())
    rendered = draft(iv=iv, to=SAM)
    msg = parse(rendered.raw)
    assert [a.addr_spec for a in msg["To"].addresses] == ["sam@acme.com"]
    assert rendered.body.startswith("Dear Sam,")
    assert "rest of the panel" in rendered.body
    assert "- default fit point\n" in rendered.body


def test_check_in_named_restates_strengths_and_start_date() -> None:
    rendered = draft(StepName.CHECK_IN, branch="named")
    assert "- Postgres tuning\n" in rendered.body
    assert "anything else you need" in rendered.body
    assert "available to start on January 5" in rendered.body
    assert "Is there anything else you need from me?" in rendered.voicemail


def test_check_in_next_day_reiterates_thank_you_points() -> None:
    rendered = draft(StepName.CHECK_IN, branch="next_day")
    assert "- you ship small changes every day\n- on-call is shared\n" in rendered.body
    assert "January 5" not in rendered.body


def test_reminder_is_short() -> None:
    rendered = draft(StepName.REMINDER)
    assert rendered.subject == "Checking in on the Engineer position at Acme"
    assert len(rendered.body.split()) < 90


def test_empty_names_and_notes_render_sensibly() -> None:
    bare = Contact(email="hr@acme.com")
    iv = interview(contacts=(bare,), primary=bare, company="", role="", notes=Notes())
    for step, branch in [
        (StepName.THANK_YOU, ""), (StepName.CHECK_IN, "named"),
        (StepName.CHECK_IN, "next_day"), (StepName.REMINDER, ""),
    ]:
        text = step_text(step, iv=iv, to=bare, sender=NOBODY, content=ContentSettings(),
                         branch=branch, today=date(2026, 12, 4))
        rendered = compose_draft(text, DEFAULTS, key="k1abc", thread=None)
        assert rendered.body.startswith("Hello,\n"), step
        assert "None" not in rendered.body and " at ." not in rendered.body
        assert "\n- " not in rendered.body
        assert str(parse(rendered.raw)["From"]) == "alex@gmail.com"
        assert "None" not in rendered.voicemail
    text = step_text(iv=iv, to=bare, sender=NOBODY, content=ContentSettings(),
                     today=date(2026, 12, 4))
    late = compose_draft(text, DEFAULTS, key="k1abc", thread=None)
    assert "meet with me on Tuesday, December 1." in late.body


def test_threading_headers_and_subject() -> None:
    rendered = draft(StepName.CHECK_IN, thread=THREAD, branch="named")
    msg = assert_only_intended_headers(rendered.raw, threaded=True)
    assert msg["In-Reply-To"] == "<CAF123@mail.gmail.com>"
    assert msg["References"] == "<first@acme.com> <second@acme.com> <CAF123@mail.gmail.com>"
    assert str(msg["Subject"]) == "Re: Thank you for the Engineer interview at Acme"
    assert rendered.subject == "Re: Thank you for the Engineer interview at Acme"
    assert rendered.thread_id == "thread-1"


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("Re: Thank you", "Re: Thank you"),
        ("RE: Re: re:Thank you", "Re: Thank you"),
        ("Thank you", "Re: Thank you"),
        ("", "Re: fallback"),
        ("Re: =?UTF-8?Q?=0A?=Bcc: x@y", "Re: =?UTF-8?Q?=0A?=Bcc: x@y"),
        ("Re: a\r\nBcc: x@y", "Re: a  Bcc: x@y"),
    ],
)
def test_reply_subject(original: str, expected: str) -> None:
    assert reply_subject(original, "fallback") == expected


def test_reply_with_hostile_thread_subject_reads_back_literally() -> None:
    thread = replace(THREAD, subject="Re: =?UTF-8?Q?=0A?=Bcc: x@y")
    rendered = draft(StepName.REMINDER, thread=thread)
    msg = assert_only_intended_headers(rendered.raw, threaded=True)
    assert str(msg["Subject"]) == "Re: =?UTF-8?Q?=0A?=Bcc: x@y"


def test_references_without_earlier_ones_and_dropping_garbage() -> None:
    refs = "garbage <ok@x.com>\r\nBcc: a@b.com <CAF123@mail.gmail.com>"
    thread = replace(THREAD, references=refs)
    msg = parse(draft(StepName.REMINDER, thread=thread).raw)
    assert msg["References"] == "<ok@x.com> <CAF123@mail.gmail.com>"
    msg = parse(draft(StepName.REMINDER, thread=replace(THREAD, references="")).raw)
    assert msg["References"] == "<CAF123@mail.gmail.com>"


@pytest.mark.parametrize(
    "bad", ["", "CAF123@mail", "<a b@c>", "<x@y>\r\nBcc: e@x.com", "<x@y> <z@w>"]
)
def test_bad_thread_message_id_is_unsafe(bad: str) -> None:
    with pytest.raises(UnsafeHeader):
        draft(StepName.REMINDER, thread=replace(THREAD, message_id_header=bad))


def expected_line(text: str, limit: int) -> str:
    """What the spec says a header shows: control characters as spaces, capped."""
    cleaned = "".join(
        " " if (ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029") else c for c in text
    ).strip()
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 3].rstrip() + "..."


def expected_name(text: str) -> str:
    """A display name as written: capped at 100, and at 45 UTF-8 bytes when it is encoded."""
    name = expected_line(text, 100)
    if (name.isascii() and "=?" not in name) or len(name.encode()) <= 45:
        return name
    while len((name + "...").encode()) > 45:
        name = name[:-1]
    return name.rstrip() + "..."


def body_text(text: str) -> str:
    """What the body shows: the same text, control characters as spaces, not capped."""
    return expected_line(text, 10**9)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_company_and_role_stay_literal(hostile: str) -> None:
    iv = interview(company=hostile, role=hostile)
    rendered = draft(iv=iv)
    msg = assert_only_intended_headers(rendered.raw, threaded=False)
    literal = body_text(hostile)
    subject = expected_line(f"Thank you for the {literal} interview at {literal}", 200)
    assert str(msg["Subject"]) == subject
    assert rendered.subject == subject
    assert body_text(hostile) in rendered.body
    assert content(msg) == rendered.body
    assert "49" not in rendered.body
    assert [a.addr_spec for a in msg["To"].addresses] == ["jane@acme.com"]
    assert body_text(hostile) in rendered.voicemail
    cue = render_cue(step_text(StepName.ASK, iv=iv, today=iv.start.date()), DEFAULTS)
    assert body_text(hostile) in cue


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_contact_name_is_encoded_display_name(hostile: str) -> None:
    contact = Contact(email="jane@acme.com", name=hostile)
    rendered = draft(iv=interview(contacts=(contact,), primary=contact), to=contact)
    msg = assert_only_intended_headers(rendered.raw, threaded=False)
    [address] = msg["To"].addresses
    assert address.addr_spec == "jane@acme.com"
    assert address.display_name == expected_name(hostile)
    first_word = body_text(hostile).split()[0]
    assert f"Dear {first_word}," in rendered.body


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_candidate_name_in_from(hostile: str) -> None:
    rendered = draft(candidate_name=hostile)
    msg = assert_only_intended_headers(rendered.raw, threaded=False)
    [address] = msg["From"].addresses
    assert address.addr_spec == "alex@gmail.com"
    assert address.display_name == expected_name(hostile)


def test_encoded_subject_is_b_encoded_on_the_wire() -> None:
    rendered = draft(iv=interview(company="=?UTF-8?Q?=0A?=Bcc: x@y"))
    subject_lines = []
    for line in header_lines(rendered.raw):
        if line.startswith("Subject:") or (subject_lines and line.startswith(" ")):
            subject_lines.append(line)
        elif subject_lines:
            break
    wire = " ".join(subject_lines)
    assert "=?UTF-8?Q?" not in wire
    assert "=?utf-8?b?" in wire
    assert "Bcc" not in wire


@pytest.mark.parametrize(
    "name",
    ['Jane "JJ" O\'Brien, PhD (Eng)', "Doe, Jane <boss@evil.com>", "a\\b", "  spaced  "],
)
def test_ascii_display_names_with_specials_read_back_exactly(name: str) -> None:
    contact = Contact(email="jane@acme.com", name=name)
    msg = parse(draft(to=contact).raw)
    [address] = msg["To"].addresses
    assert address.display_name == name.strip()
    assert address.addr_spec == "jane@acme.com"


@pytest.mark.parametrize(
    "addr",
    [
        "",
        "jane",
        "jane@acme.com\r\nBcc: evil@x.com",
        "jane@acme.com, evil@x.com",
        "Jane <jane@acme.com>",
        "jané@acme.com",
        "jane@@acme.com",
        "jane@localhost",
        "jane@acme..com",
        "\"jane\"@acme.com",
        "jane@acme.com (x)",
        "a" * 250 + "@acme.com",
    ],
)
def test_unsafe_recipient_address_raises(addr: str) -> None:
    with pytest.raises(UnsafeHeader):
        draft(to=Contact(email=addr, name="Jane"))


def test_unsafe_sender_address_raises() -> None:
    with pytest.raises(UnsafeHeader):
        draft(sender="alex@gmail.com\nBcc: x@y.com")


def test_unusual_event_id_gives_an_opaque_key_through_compose() -> None:
    key = draft_key_value(b"s" * 32, "primary/evt\r\nBcc: x@y.com 日本", "thank_you", "j@a.com")
    msg = assert_only_intended_headers(draft(key=key).raw, threaded=False)
    assert str(msg[KEY_HEADER]) == key


def test_long_non_ascii_body_is_quoted_printable_and_round_trips() -> None:
    rendered = draft(iv=interview(company="日本語 " + "x" * 10_000))
    msg = parse(rendered.raw)
    assert msg["Content-Transfer-Encoding"] == "quoted-printable"
    assert content(msg) == rendered.body
    assert max(len(line) for line in rendered.raw.split(b"\r\n")) <= 998


def test_raw_is_ready_for_base64url() -> None:
    rendered = draft()
    assert base64.urlsafe_b64decode(base64.urlsafe_b64encode(rendered.raw)) == rendered.raw
    assert rendered.raw.isascii()
    assert b"\r\n\r\n" in rendered.raw


def test_template_context_has_every_documented_variable() -> None:
    ctx = template_context(step_text(StepName.CHECK_IN, branch="named"))
    assert set(ctx) == set(sample_context())
    assert ctx["interview_date"] == "Tuesday, December 1"
    assert ctx["interview_when"] == "today"
    assert ctx["fit"] == ["you ship small changes every day", "on-call is shared"]
    assert ctx["strengths"] == ["Postgres tuning"]
    assert ctx["phone"] == "+1 555 0100"
    assert ctx["candidate_phone"] == "+1 555 0199"
    assert ctx["is_panel"] is False
    assert ctx["step"] == "check_in"
    assert ctx["thank_you_sent"] is None
    alex = Sender(address="alex@gmail.com", name="Alex", signature="")
    sent = ((StepName.THANK_YOU, date(2026, 12, 1)),)
    nxt = template_context(replace(step_text(sender=alex, today=date(2026, 12, 2)), sent=sent))
    assert nxt["interview_when"] == "yesterday"
    assert nxt["signature"] == "Alex"
    assert nxt["candidate_phone"] is None
    assert nxt["thank_you_sent"] == "Tuesday, December 1"
    assert nxt["check_in_sent"] is None


def test_render_voicemail_matches_the_drafts_script() -> None:
    cases = [(StepName.THANK_YOU, ""), (StepName.CHECK_IN, "named"), (StepName.REMINDER, "")]
    for step, branch in cases:
        script = render_voicemail(step_text(step, branch=branch), DEFAULTS)
        assert script == draft(step, branch=branch).voicemail


def test_render_cue_names_the_company_and_panel() -> None:
    iv = interview(contacts=(JANE, SAM))
    cue = render_cue(step_text(StepName.ASK, iv=iv), DEFAULTS)
    assert "Acme" in cue and "colleagues" in cue and cue.endswith("?")


def test_steps_without_email_are_refused() -> None:
    with pytest.raises(ValueError, match="no email template"):
        draft(StepName.ASK)


def test_user_template_error_surfaces_from_compose(tmp_path: Path) -> None:
    path = tmp_path / "thank_you.email.j2"
    path.write_text("Subject: x\n\n{{ strenghts }}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"thank_you\.email\.j2, line 3: 'strenghts' is undef"):
        draft(templates=load_templates(tmp_path))


def test_user_subject_with_control_characters_is_cleaned(tmp_path: Path) -> None:
    (tmp_path / "thank_you.email.j2").write_text(
        "Subject: Hi\tthere {{ company }}\n\nBody\n", encoding="utf-8"
    )
    rendered = draft(templates=load_templates(tmp_path), iv=interview(company="A\x0bB"))
    assert str(parse(rendered.raw)["Subject"]) == "Hi there A B"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("", ""),
        ("Casey", "Casey"),
        ("Casey<br>+1 555 0100", "Casey\n+1 555 0100"),
        (
            '<div dir="ltr"><b>Casey</b>&nbsp;C.<div>R&amp;D &lt;lead&gt;</div></div>',
            "Casey C.\nR&D <lead>",
        ),
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("<div>a</div><script>alert(1)</script><style>p{}</style>b", "a\nb"),
        ('<a href="mailto:c@x.com">c@x.com</a>\n  spread\n over', "c@x.com spread over"),
        ("line\u202eevil<br>\x00x", "line evil\nx"),
    ],
)
def test_signature_text(html: str, text: str) -> None:
    assert signature_text(html) == text


def test_settings_override_the_accounts_name_and_signature_each_on_its_own() -> None:
    user = UserSettings(name="Me", signature="Me\n555", email="me@x.com", phone="+1 555")
    gmail = Account("primary@x.com", "", from_address="send-as@x.com", name="Gm", signature="Gs")
    assert sender_for(user, gmail) == Sender(
        address="send-as@x.com", name="Me", signature="Me\n555", phone="+1 555"
    )
    assert sender_for(user, replace(gmail, from_address="")).address == "primary@x.com"
    no_address = replace(gmail, address="", from_address="")
    mixed = sender_for(UserSettings(name="Me", email="me@x.com"), no_address)
    assert (mixed.name, mixed.signature, mixed.address) == ("Me", "Gs", "me@x.com")
    none = sender_for(UserSettings(), Account("", ""))
    assert (none.name, none.signature, none.address) == ("", "", "")
