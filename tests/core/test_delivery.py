"""Delivery reports from many mail servers, written here in their real shapes (no corpus needed).

Each rule of agent/core/delivery.py has a message: where the failed address is read from
(delivery-status fields, X-Failed-Recipients, the notice text, the returned headers), what a
delay looks like, and which messages are worth the one full read.
"""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta

import pytest

from agent.core.delivery import read_report
from agent.core.interviews import Contact, Interview
from agent.core.messages import Classification, MessageKind, MessageMeta
from agent.core.replies import classify, parse_address
from agent.core.robot_mail import looks_like_report

USER = "alex@example.org"


def report(ctype: str, body: str, *, sender: str = "MAILER-DAEMON@mx.acme.com",
           subject: str = "Undelivered Mail Returned to Sender", extra: str = "") -> bytes:
    """A report as raw bytes."""
    return (
        f"From: {sender}\nTo: {USER}\nSubject: {subject}\nDate: Tue, 1 Dec 2026 10:00:00 +0000\n"
        f"{extra}MIME-Version: 1.0\nContent-Type: {ctype}\n\n{body}"
    ).encode()


DSN = 'multipart/report; report-type=delivery-status; boundary="B"'

POSTFIX = report(DSN, """--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.acme.com

Final-Recipient: rfc822; j.doe@store.acme.com
Original-Recipient: rfc822;jane@acme.com
Action: failed
Status: 5.1.1

--B
Content-Type: message/rfc822

From: alex@example.org
To: jane@acme.com
Message-ID: <thanks-1@example.org>
Subject: Thank you

Hi Jane
--B--
""")

SENDMAIL_DELAY = report(DSN, """--B
Content-Type: text/plain

    **********************************************
    **      THIS IS A WARNING MESSAGE ONLY      **
    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **
    **********************************************

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.acme.com

Final-Recipient: RFC822; jane@acme.com
Action: delayed
Status: 4.4.7
Will-Retry-Until: Sat, 5 Dec 2026 10:00:00 +0000

--B--
""", subject="Warning: could not send message for past 4 hours")

QMAIL = report("text/plain", """Hi. This is the qmail-send program at mail.acme.com.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<jane@acme.com>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

Return-Path: <alex@example.org>
From: Alex <alex@example.org>
To: jane@acme.com
Subject: Thank you
""", sender="MAILER-DAEMON@mail.acme.com", subject="failure notice")

EXIM = report("text/plain", """This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  jane@acme.com
    SMTP error from remote mail server after RCPT TO:<jane@acme.com>:
    550 5.1.1 User unknown

------ This is a copy of the message, including all the headers. ------

From: alex@example.org
To: bob@acme.com, jane@acme.com
""", subject="Mail delivery failed: returning message to sender",
    extra="X-Failed-Recipients: jane@acme.com\nAuto-Submitted: auto-replied\n")

YAHOO = report("text/plain", """Sorry, we were unable to deliver your message to the \
following address.

<jane@yahoo.com>:
554: delivery error: dd This user doesn't have a yahoo.com account (jane@yahoo.com) [0]

--- Below this line is a copy of the message.
""", sender="MAILER-DAEMON@yahoo.com", subject="Failure Notice")

EXCHANGE_TEXT = report("text/plain", """Your message did not reach some or all of the intended \
recipients.

      Subject:  Thank you
      Sent:     12/1/2026 9:58 AM

The following recipient(s) cannot be reached:

      Jane Doe on 12/1/2026 10:00 AM
            The e-mail address you entered couldn't be found.
            <mx.acme.com #5.1.1 smtp;550 5.1.1 RESOLVER.ADR.RecipientNotFound>

      'jane@acme.com' on 12/1/2026 10:00 AM
            550 5.1.1 User unknown
""", sender="System Administrator <postmaster@acme.com>", subject="Undeliverable: Thank you")

AOL = report("text/plain", """Your mail to the following recipients could not be delivered \
because they are not accepting mail from alex@example.org:
\tjanedoe123
""", sender="Mail Delivery Subsystem <MAILER-DAEMON@aol.com>", subject="Mail Delivery Problem")

HEADERS_ONLY = report(DSN, """--B
Content-Type: text/plain

Delivery to the following recipients failed.

--B
Content-Type: text/rfc822-headers

From: alex@example.org
To: Jane Doe <jane@acme.com>
Message-ID: <thanks-1@example.org>
Subject: Thank you

--B--
""", sender="postmaster@acme.com", subject="Delivery Status Notification (Failure)")

GMAIL_DELAY = report("text/plain", """Delivery incomplete

There was a temporary problem delivering your message to jane@acme.com. Gmail will retry \
for 46 more hours. You'll be notified if the delivery fails permanently.
""", sender="Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
    subject="Delivery Status Notification (Delay)")

BOXBE = report(DSN, """--B
Content-Type: text/plain

Hello Alex, your message has been waitlisted. Please add yourself to my guest list so your
messages will go to my Inbox. Click the link below to be added.

--B
Content-Type: message/delivery-status

Final-Recipient: rfc822; jane@acme.com
Action: failed
Status: 5.0.0

--B--
""", sender="noreply@boxbe.com", subject="Re: Thank you (Action Required)")


@pytest.mark.parametrize(
    ("raw", "failed", "source"),
    [
        pytest.param(POSTFIX, ("jane@acme.com", "j.doe@store.acme.com"), "delivery-status",
                     id="postfix-dsn-original-then-final"),
        pytest.param(QMAIL, ("jane@acme.com",), "text", id="qmail"),
        pytest.param(EXIM, ("jane@acme.com",), "header", id="exim-x-failed-recipients"),
        pytest.param(YAHOO, ("jane@yahoo.com",), "text", id="yahoo"),
        pytest.param(EXCHANGE_TEXT, ("jane@acme.com",), "text", id="exchange-text"),
        pytest.param(AOL, ("janedoe123@aol.com",), "text", id="aol-screen-name"),
        pytest.param(HEADERS_ONLY, ("jane@acme.com",), "returned", id="returned-headers"),
    ],
)
def test_the_failed_address_is_read_from_any_server(
    raw: bytes, failed: tuple[str, ...], source: str
) -> None:
    result = read_report(raw)
    assert result.failure and not result.delayed
    assert result.failed[: len(failed)] == failed
    assert result.source == source


def test_the_returned_message_id_is_kept_to_link_the_bounce() -> None:
    assert "<thanks-1@example.org>" in read_report(POSTFIX).returned_ids


@pytest.mark.parametrize("raw", [SENDMAIL_DELAY, GMAIL_DELAY], ids=["sendmail-dsn", "gmail"])
def test_a_delay_is_not_a_failure(raw: bytes) -> None:
    result = read_report(raw)
    assert result.delayed and result.failed == ()


def test_a_delivery_receipt_is_not_a_bounce() -> None:
    receipt = POSTFIX.replace(b"Action: failed", b"Action: delivered").replace(
        b"Status: 5.1.1", b"Status: 2.0.0"
    )
    result = read_report(receipt)
    assert result.delivered and not result.failure and result.failed == ()


def test_a_challenge_response_dsn_is_not_a_bounce() -> None:
    result = read_report(BOXBE)
    assert result.challenge and not result.failure


def meta(headers: dict[str, str], snippet: str = "") -> MessageMeta:
    """Metadata as the Gmail adapter hands it over."""
    return MessageMeta(
        id="m", thread_id="t", internal_date=datetime(2026, 12, 1, tzinfo=UTC),
        headers=tuple(headers.items()), snippet=snippet,
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"From": "postmaster@acme.com", "Subject": "Thank you"},
        {"From": "Mail Delivery System <MAILER-DAEMON@mx.acme.com>", "Subject": "x"},
        {"From": "mailer-daemon", "Subject": "There was an error sending your mail"},
        {"From": "a@acme.com", "Content-Type": DSN, "Subject": "x"},
        {"From": "a@acme.com", "X-Failed-Recipients": "jane@acme.com", "Subject": "x"},
        {"From": "a@acme.com", "X-MS-Exchange-Message-Is-Ndr": "", "Subject": "x"},
        {"From": "Postmaster <pm@acme.de>", "Subject": "Unzustellbar: Vielen Dank"},
        {"From": "Postmaster <pm@acme.fr>", "Subject": "Non remis : Merci"},
        {"From": "Postmaster <pm@acme.es>", "Subject": "No se puede entregar: Gracias"},
        {"From": "Postmaster <pm@acme.it>", "Subject": "Mancato recapito: Grazie"},
        {"From": "Postmaster <pm@acme.nl>", "Subject": "Onbestelbaar: Bedankt"},
        {"From": "Postmaster <pm@acme.pl>", "Subject": "Niedostarczona wiadomość"},
        {"From": "Postmaster <pm@acme.se>", "Subject": "Kunde inte levereras: Tack"},
        {"From": "Postmaster <pm@acme.br>", "Subject": "Não foi entregue: Obrigado"},
        {"From": "<>", "Return-Path": "<>", "Subject": ""},
    ],
)
def test_what_looks_like_a_report(headers: dict[str, str]) -> None:
    msg = meta(headers)
    assert looks_like_report(msg, parse_address(msg.header("From"))[1])


def test_a_null_sender_naming_a_failure_in_its_first_line_looks_like_a_report() -> None:
    msg = meta({"From": "Jane <jane@acme.com>", "Return-Path": "<>", "Subject": "Re: Thanks"},
               "You sent mail to jane@acme.com. That's not a valid user here.")
    assert looks_like_report(msg, "jane@acme.com")


@pytest.mark.parametrize(
    ("headers", "snippet"),
    [
        ({"From": "Jane <jane@acme.com>", "Subject": "Re: Thank you"}, "Great to meet you."),
        ({"From": "Jane <jane@acme.com>", "Subject": "Re: the delivery date"}, "We failed to"),
        ({"From": "Jane <jane@acme.com>", "Subject": "Out of Office"}, "Back Monday."),
        ({"From": "Postmaster <postmaster@acme.com>", "Subject": "Automatic reply: Thanks"},
         "I am out of the office until Monday."),
        ({"From": "Acme Careers <careers@acme.zendesk.com>", "Subject": "Re: Thanks",
          "Auto-Submitted": "auto-generated", "X-Mailer": "Zendesk Mailer"},
         "Hi Alex, the team has rejected two candidates and would like to meet you again"),
    ],
)
def test_a_persons_mail_is_not_read_in_full(headers: dict[str, str], snippet: str) -> None:
    assert not looks_like_report(meta(headers, snippet), "jane@acme.com")


JANE = Contact("jane@acme.com", "Jane Doe")
ACME = Interview(
    key="primary/e", calendar_id="primary", event_id="e", title="Interview with Acme",
    start=datetime(2026, 11, 30, 15, tzinfo=UTC), end=datetime(2026, 11, 30, 16, tzinfo=UTC),
    contacts=(JANE,), primary=JANE, company="Acme", role="Engineer",
)
SEQ_THREAD = "thread-of-the-thank-you"
SENT = frozenset({"<thanks-1@example.org>"})  # the Message-ID of the thank-you Alex sent


def verdict(
    raw: bytes, *, thread: str = "t-other", sent: frozenset[str] = SENT, extra: str = ""
) -> Classification:
    """The report read in full and classified for Acme's sequence (its thank-you: SENT)."""
    if extra:
        raw = extra.encode() + raw
    headers = tuple((k, str(v)) for k, v in email.message_from_bytes(raw).items())
    received = MessageMeta(
        id="r", thread_id=thread, internal_date=ACME.start + timedelta(days=1),
        label_ids=("INBOX",), headers=headers,
    )
    return classify(
        received, ACME, user_email=USER, sequence_thread_ids=frozenset({SEQ_THREAD}),
        sequence_message_ids=sent, report=read_report(raw),
    )


STRANGER = report("text/plain", """Delivery to the following recipient failed permanently:

     jane@acme.com

Technical details of permanent failure: the account does not exist.
""", sender="Kim <kim@elsewhere.example>", subject="Undeliverable: hello")


@pytest.mark.parametrize(
    ("raw", "thread", "extra"),
    [
        pytest.param(POSTFIX, "t-other", "", id="its-returned-message-is-the-thank-you"),
        pytest.param(HEADERS_ONLY, "t-other", "", id="its-returned-headers-name-the-thank-you"),
        pytest.param(QMAIL, SEQ_THREAD, "", id="in-the-thread-of-the-thank-you"),
        pytest.param(EXIM, "t-other", "In-Reply-To: <thanks-1@example.org>\n",
                     id="x-failed-recipients-replying-to-the-thank-you"),
    ],
)
def test_a_bounce_linked_to_the_candidates_mail_pauses(raw: bytes, thread: str, extra: str) -> None:
    result = verdict(raw, thread=thread, extra=extra)
    assert (result.kind, result.bounced_address) == (MessageKind.BOUNCE, "jane@acme.com")


@pytest.mark.parametrize(
    "raw", [STRANGER, POSTFIX, EXIM], ids=["a-strangers-notice", "another-message", "exim"]
)
def test_a_notice_that_only_names_a_contact_changes_nothing(raw: bytes) -> None:
    result = verdict(raw, sent=frozenset({"<another@example.org>"}))
    assert (result.kind, result.bounced_address) == (MessageKind.UNLINKED_BOUNCE, "jane@acme.com")
    assert result.reason == "a delivery notice naming jane@acme.com that is not about your mail"


def test_a_notice_naming_no_contact_is_about_other_mail() -> None:
    assert verdict(YAHOO).kind == MessageKind.OTHER
