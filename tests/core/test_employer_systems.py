"""The employer's systems: which machine-written mail answers for the employer, and which not.

In a follow-up's thread or from a contact's own address, an auto-reply or a delivery report
is not an answer, but a helpdesk, an applicant-tracking system or a recruiter's mailing tool
writing for a person is one; so is an applicant-tracking message about the candidacy,
`List-Unsubscribe` or not. Newsletters, list mail (a person's post to a mailing list, a list
manager's acknowledgement) and job alerts that merely name the company are not. Each
message below has the headers its sender really writes.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from agent.core.messages import MessageKind, MessageMeta
from agent.core.replies import classify
from tests.core.hostile import ACME, START

USER = "alex@example.org"
THREAD = "thread-of-the-thank-you"
SENT_ID = "<CAFthanks42@mail.gmail.com>"


def message(*headers: tuple[str, str], snippet: str = "", thread: str = "t-new") -> MessageMeta:
    """A message a day after the interview, in `thread`, with these headers."""
    return MessageMeta(
        id="m", thread_id=thread, internal_date=START + timedelta(days=1),
        label_ids=("INBOX", "UNREAD"), headers=headers, snippet=snippet,
    )


def verdict(msg: MessageMeta) -> MessageKind:
    """The kind of `msg` for Acme's sequence, whose thank-you went out in THREAD as SENT_ID."""
    return classify(
        msg, ACME, user_email=USER, sequence_thread_ids=frozenset({THREAD}),
        sequence_message_ids=frozenset({SENT_ID}),
    ).kind


GREENHOUSE_REJECTION = message(
    ("Return-Path", "<bounces+3120745-2c4f-alex=example.org@us.greenhouse-mail.io>"),
    ("From", "Acme Recruiting <no-reply@us.greenhouse-mail.io>"),
    ("Reply-To", "jane@acme.com"),
    ("To", USER),
    ("Subject", "Your application to Acme"),
    ("Message-ID", "<wJH2q7fNRcOFl0lJ3lB4yg@geopod-ismtpd-5>"),
    ("List-Unsubscribe", "<mailto:unsubscribe@us.greenhouse-mail.io?subject=unsubscribe>"),
    ("Content-Type", 'multipart/alternative; boundary="c4f6e1"'),
    snippet="Hi Alex, Thank you for taking the time to interview with us. Unfortunately, we "
    "have decided to move forward with other candidates whose experience more closely",
)
LEVER_NEXT_ROUND = message(
    ("From", "Acme <no-reply@hire.lever.co>"),
    ("Reply-To", "Jane Doe <jane+candidate-77d2@hire.lever.co>"),
    ("To", f"Alex Morgan <{USER}>"),
    ("Subject", "Next steps with Acme: onsite interview"),
    ("Auto-Submitted", "auto-generated"),
    ("List-Unsubscribe", "<https://hire.lever.co/candidate/unsubscribe/77d2>"),
    snippet="Hi Alex, Thanks again for speaking with Jane. We'd love to invite you to an "
    "onsite interview. Please pick a time that works for you using the link below",
)
WORKDAY_STATUS = message(
    ("From", "Acme <acme@myworkday.com>"),
    ("To", USER),
    ("Subject", "Acme: an update on your application for Backend Engineer (R-1024)"),
    ("Auto-Submitted", "auto-generated"),
    ("X-Auto-Response-Suppress", "All"),
    snippet="Dear Alex, Thank you for your interest in the Backend Engineer position. After "
    "careful consideration, we will not be moving forward",
)
ZENDESK_IN_THREAD = message(
    ("From", "Acme Careers <careers@acme.zendesk.com>"),
    ("Reply-To", "Acme Careers <careers+id7K2Q9@acme.zendesk.com>"),
    ("To", f"Alex Morgan <{USER}>"),
    ("Message-ID", "<7K2Q9_6a1b2c_8f7e@sprut.zendesk.com>"),
    ("In-Reply-To", SENT_ID),
    ("References", f"<7K2Q9@zendesk.com> {SENT_ID}"),
    ("Subject", "Re: Thank you: Backend Engineer interview"),
    ("Auto-Submitted", "auto-generated"),
    ("X-Auto-Response-Suppress", "All"),
    ("X-Mailer", "Zendesk Mailer"),
    snippet="##- Please type your reply above this line -## Hi Alex, the hiring team has "
    "rejected two candidates and would like to meet you again on Thursday",
    thread=THREAD,
)
HELPDESK_FROM_JANE = message(
    ("From", "Jane Doe <jane@acme.com>"),
    ("To", USER),
    ("Subject", "[#4521] Your interview with Acme"),
    ("Auto-Submitted", "auto-generated"),
    ("X-Auto-Response-Suppress", "DR, RN, NRN, OOF, AutoReply"),
    snippet="Hello Alex, Thank you for your follow-up. We would like to schedule a call "
    "with our CTO next week.",
)
SEQUENCE_TOOL_FROM_JANE = message(
    ("From", "Jane Doe <jane@acme.com>"),
    ("To", USER),
    ("Subject", "Quick question about your availability"),
    ("List-Unsubscribe", "<https://hs-4242.s.hubspotemail.net/hs/manage-preferences/unsub>"),
    ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    snippet="Hi Alex, following up on our conversation: are you free on Thursday?",
)
ANSWERS = [
    pytest.param(GREENHOUSE_REJECTION, id="greenhouse-rejection-with-list-unsubscribe"),
    pytest.param(LEVER_NEXT_ROUND, id="lever-next-round-auto-generated"),
    pytest.param(WORKDAY_STATUS, id="workday-status-auto-generated"),
    pytest.param(ZENDESK_IN_THREAD, id="zendesk-in-the-thread"),
    pytest.param(HELPDESK_FROM_JANE, id="helpdesk-from-the-contact"),
    pytest.param(SEQUENCE_TOOL_FROM_JANE, id="recruiters-mailing-tool-from-the-contact"),
]


@pytest.mark.parametrize("msg", ANSWERS)
def test_a_system_writing_for_the_employer_answers(msg: MessageMeta) -> None:
    assert verdict(msg) == MessageKind.EMPLOYER_REPLY


MAILCHIMP_NEWSLETTER = message(
    ("From", "Acme <news@acme.com>"),
    ("Reply-To", "news@acme.com"),
    ("To", f"<{USER}>"),
    ("Subject", "Acme Product News: December"),
    ("List-Id", "Acme Newsletter <a1b2c3d4e5f6.mcsv.net>"),
    ("List-Unsubscribe", "<https://acme.us5.list-manage.com/unsubscribe?u=a1b2&id=c3d4>"),
    ("Precedence", "bulk"),
    ("X-Mailer", "MailChimp Mailer - **CIDa1b2c3d4e5f6**"),
    snippet="View this email in your browser. What's new at Acme this month",
)
JANE_POSTS_TO_A_LIST = message(
    ("From", "Jane Doe <jane@acme.com>"),
    ("To", "rust-users@lists.example.org"),
    ("Subject", "[rust-users] Async traits in 1.75"),
    ("List-Id", "Rust users <rust-users.lists.example.org>"),
    ("List-Post", "<mailto:rust-users@lists.example.org>"),
    ("List-Unsubscribe", "<mailto:rust-users-leave@lists.example.org>"),
    ("Precedence", "list"),
    snippet="Has anyone tried the new async fn in traits with tokio? I get a Send error",
)
LIST_ACKNOWLEDGEMENT_IN_THREAD = message(
    ("From", "Acme Careers <careers@acme.com>"),
    ("To", USER),
    ("In-Reply-To", SENT_ID),
    ("Subject", "Re: Thank you: Backend Engineer interview"),
    ("Precedence", "list"),
    ("List-Id", "Acme hiring <hiring.acme.com>"),
    snippet="Your message has been posted to the hiring list.",
    thread=THREAD,
)
NEWSLETTER_IN_THREAD_TO_A_LIST = message(
    ("From", "Jane Doe <jane@acme.com>"),
    ("To", "engineering@acme.com"),
    ("Subject", "Re: Thank you: Backend Engineer interview"),
    ("Precedence", "bulk"),
    ("List-Unsubscribe", "<mailto:leave-engineering@acme.com>"),
    snippet="Team, sharing Alex's note below",
    thread=THREAD,
)
LINKEDIN_ALERT = message(
    ("From", "LinkedIn Job Alerts <jobalerts-noreply@linkedin.com>"),
    ("To", f"Alex Morgan <{USER}>"),
    ("Subject", "Acme is hiring: Backend Engineer and 7 more jobs in Berlin"),
    ("List-Unsubscribe", "<https://www.linkedin.com/e/v2?e=unsub>"),
    snippet="Your job alert for backend engineer in Berlin. Acme Backend Engineer Berlin",
)
INDEED_ALERT = message(
    ("From", "Indeed <alert@indeed.com>"),
    ("To", USER),
    ("Subject", "Backend Engineer at Acme and 12 more new jobs"),
    snippet="Acme - Berlin. Easily apply. Responsive employer",
)
GLASSDOOR_ALERT = message(
    ("From", "Glassdoor Jobs <noreply@glassdoor.com>"),
    ("To", USER),
    ("Subject", "Acme is hiring for Backend Engineer. Apply Now."),
    snippet="Jobs for you: Backend Engineer Acme 4.1",
)
MONSTER_ALERT = message(
    ("From", "Monster <monster@notifications.monster.com>"),
    ("To", USER),
    ("Subject", "New jobs at Acme that match your search"),
    snippet="We found 3 new jobs for backend engineer",
)
GREENHOUSE_JOB_ALERT = message(
    ("From", "MyGreenhouse <no-reply@greenhouse.io>"),
    ("To", USER),
    ("Subject", "New jobs at Acme"),
    ("List-Unsubscribe", "<https://my.greenhouse.io/unsubscribe>"),
    snippet="Acme just posted 2 new jobs that match your job alert",
)
SMARTRECRUITERS_ALERT = message(
    ("From", "SmartRecruiters <jobalerts@smartrecruiters.com>"),
    ("To", USER),
    ("Subject", "Acme: Backend Engineer and other jobs for you"),
    snippet="Based on your preferences, here are jobs at Acme",
)
WORKDAY_JOB_ALERT = message(
    ("From", "Acme <acme@myworkday.com>"),
    ("To", USER),
    ("Subject", "Job Alert: New jobs posted at Acme"),
    ("Auto-Submitted", "auto-generated"),
    snippet="The following jobs were posted that match your saved search",
)
NOT_ANSWERS = [
    pytest.param(MAILCHIMP_NEWSLETTER, id="mailchimp-newsletter-from-the-company"),
    pytest.param(JANE_POSTS_TO_A_LIST, id="the-contact-posts-to-a-mailing-list"),
    pytest.param(LIST_ACKNOWLEDGEMENT_IN_THREAD, id="a-list-managers-acknowledgement"),
    pytest.param(NEWSLETTER_IN_THREAD_TO_A_LIST, id="a-bulk-send-in-the-thread"),
    pytest.param(LINKEDIN_ALERT, id="linkedin-job-alert"),
    pytest.param(INDEED_ALERT, id="indeed-job-alert"),
    pytest.param(GLASSDOOR_ALERT, id="glassdoor-job-alert"),
    pytest.param(MONSTER_ALERT, id="monster-job-alert"),
    pytest.param(GREENHOUSE_JOB_ALERT, id="greenhouse-job-seeker-alert"),
    pytest.param(SMARTRECRUITERS_ALERT, id="smartrecruiters-job-alert"),
    pytest.param(WORKDAY_JOB_ALERT, id="workday-job-alert"),
]


@pytest.mark.parametrize("msg", NOT_ANSWERS)
def test_newsletters_list_posts_and_job_alerts_are_not_answers(msg: MessageMeta) -> None:
    assert verdict(msg) == MessageKind.OTHER


def test_an_auto_reply_from_a_helpdesk_in_the_thread_is_still_an_auto_reply() -> None:
    received = message(
        ("From", "Acme Careers <careers@acme.zendesk.com>"),
        ("To", USER),
        ("In-Reply-To", SENT_ID),
        ("Subject", "[Acme Careers] Re: Thank you: Backend Engineer interview"),
        ("Auto-Submitted", "auto-replied"),
        ("X-Mailer", "Zendesk Mailer"),
        snippet="Your request (4521) has been received and is being reviewed by our team.",
        thread=THREAD,
    )
    assert verdict(received) == MessageKind.AUTO_REPLY


def test_a_system_writing_for_nobody_in_particular_is_not_an_answer() -> None:
    portal = message(
        ("From", "Acme Careers <no-reply@acme.com>"),
        ("To", USER),
        ("Subject", "Your Acme candidate account"),
        ("Auto-Submitted", "auto-generated"),
        snippet="Your password was changed.",
    )
    assert verdict(portal) == MessageKind.OTHER
