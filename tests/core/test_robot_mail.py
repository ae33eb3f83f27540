"""Machine-made mail is decided before anything else: no auto-reply, robot or list stops it.

One realistic message per signal and per language; ordinary replies still stop. Systems that
write for a person, lists and newsletters: test_employer_systems.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from agent.core.messages import MessageKind, MessageMeta
from agent.core.replies import classify, judge_return, message_date
from tests.core.hostile import ACME, NY, START

THREAD = "thread-of-the-follow-up"


def msg(sender: str, subject: str, snippet: str = "", **headers: str) -> MessageMeta:
    """A message in the follow-up's thread, a day after the interview."""
    headers.setdefault("Date", "Wed, 2 Dec 2026 09:00:00 -0500")
    pairs = [("From", sender), ("To", "alex@example.org"), ("Subject", subject)]
    pairs += [(k.replace("_", "-"), v) for k, v in headers.items()]
    return MessageMeta(
        id="m", thread_id=THREAD, internal_date=START + timedelta(days=1),
        headers=tuple(pairs), snippet=snippet,
    )


def verdict(message: MessageMeta) -> MessageKind:
    """The kind of a message for Acme's sequence."""
    return classify(
        message, ACME, user_email="alex@example.org", sequence_thread_ids=frozenset({THREAD})
    ).kind


JANE_FROM = "Jane Doe <jane@acme.com>"
SIGNALS = [
    pytest.param(msg(JANE_FROM, "Re: Thanks", Auto_Submitted="auto-replied"), id="auto-submitted"),
    pytest.param(msg(JANE_FROM, "Re: Thanks", X_Autoreply="yes"), id="x-autoreply"),
    pytest.param(msg(JANE_FROM, "Re: Thanks", X_Autorespond="on"), id="x-autorespond"),
    pytest.param(msg(JANE_FROM, "Re: Thanks", Precedence="bulk"), id="precedence-bulk"),
    pytest.param(msg(JANE_FROM, "[Automatyczna odpowiedz] x", Precedence="junk"), id="junk"),
    pytest.param(msg(JANE_FROM, "Re: Thanks", Precedence="list"), id="precedence-list"),
    pytest.param(msg(JANE_FROM, "Re: Thanks", Precedence="auto_reply"), id="precedence-auto"),
    pytest.param(msg("Acme jobs <jobs@acme.com>", "Re: Thanks", List_Id="<jobs.acme.com>"),
                 id="list-id"),
    pytest.param(msg(JANE_FROM, "RE: Thanks", X_MS_Exchange_Inbox_Rules_Loop="jane@acme.com"),
                 id="exchange-inbox-rule"),
    pytest.param(msg(JANE_FROM, "Re: Thanks", Return_Path="<>"), id="null-return-path"),
    pytest.param(msg("hiring-request@lists.acme.com", "Re: Thanks",
                     "Your message to hiring was rejected: you are not a member."),
                 id="list-robot-rejection"),
    pytest.param(msg(JANE_FROM, "RE: Thanks",
                     "This account is protected. Please click on the following link to have "
                     "your address added to the recipient's allowed list."),
                 id="challenge-allowed-list"),
    pytest.param(msg(JANE_FROM, "Re: Thanks",
                     "Please confirm you are human before your message is delivered."),
                 id="challenge-human"),
    pytest.param(msg(JANE_FROM, "Re: Thanks [Please verify your email]",
                     "I apologize for this one-time inconvenience."), id="challenge-verify"),
    pytest.param(msg("Acme <news@acme.com>", "Weekly", X_Mailer="PHPMailer 6.1"),
                 id="bulk-mailer"),
    pytest.param(msg(JANE_FROM, "Read: Thanks", Content_Type="multipart/report; "
                     "report-type=disposition-notification; boundary=b"), id="read-receipt"),
]


@pytest.mark.parametrize("message", SIGNALS)
def test_an_auto_reply_a_robot_or_list_mail_never_stops_the_sequence(message: MessageMeta) -> None:
    assert verdict(message) in (MessageKind.AUTO_REPLY, MessageKind.OTHER)


OUT_OF_OFFICE = [
    ("Out of Office: Thanks", ""),
    ("Automatic reply: Thanks", ""),
    ("AUTO: Jane Doe is out of the office (returning 12/07/2026)", ""),
    ("Abwesenheitsnotiz: Danke", ""),
    ("Réponse automatique : Merci", ""),
    ("Respuesta automática: Gracias", ""),
    ("Risposta automatica: Grazie", ""),
    ("Fuori ufficio: Grazie", ""),
    ("Automatisch antwoord: Bedankt", ""),
    ("Afwezig: Bedankt", ""),
    ("Resposta automática: Obrigado", ""),
    ("Fora do escritório: Obrigado", ""),
    ("Automatyczna odpowiedź: Dziękuję", ""),
    ("Poza biurem: Dziękuję", ""),
    ("Automatiskt svar: Tack", ""),
    ("Frånvaro: Tack", ""),
    ("Re: Thanks", "I am currently out of the office with limited access to email."),
    ("Re: Thanks", "Thank you for your email. I am on vacation until December 7."),
    ("AW: Danke", "Ich bin bis zum 7. Dezember nicht im Büro."),
    ("RE: Merci", "Je suis absente jusqu'au 7 décembre."),
    ("RE: Gracias", "Estoy fuera de la oficina hasta el 7 de diciembre."),
    ("R: Grazie", "Sono fuori ufficio fino al 7 dicembre."),
    ("Re: Bedankt", "Ik ben afwezig tot en met 7 december."),
    ("RE: Obrigado", "Estou fora do escritório até 7 de dezembro."),
    ("Odp: Dziękuję", "Jestem nieobecna do 7 grudnia."),
    ("SV: Tack", "Jag är ledig till och med 7 december."),
    ("[AUTO] Thanks", ""),
    ("Urlaub", ""),
    ("Re: Thanks", "Hello, I am currently on parental leave until March."),
    ("Re: Thanks", "Dear Sender, thank you for your message. I am out of the office until May."),
    ("AW: Danke", "Vielen Dank für Ihre Nachricht. Ich bin ab dem 7.12. wieder im Büro."),
    ("RE: Merci", "Bonjour, merci pour votre message. Je suis en congés jusqu'au 7 décembre."),
    ("RE: Gracias", "Hola, gracias por su correo. Me encuentro fuera de la oficina."),
    ("R: Grazie", "Buongiorno, grazie per la sua email. Sarò assente fino al 7 dicembre."),
    ("Re: Bedankt", "Beste afzender, bedankt voor uw bericht. Ik ben tot 7 december afwezig."),
    ("RE: Obrigado", "Olá, obrigado pelo seu email. Estarei ausente até 7 de dezembro."),
    ("Odp: Dzięki", "Dzień dobry, dziękuję za wiadomość. Przebywam na urlopie do 7 grudnia."),
    ("SV: Tack", "Hej, tack för ditt mejl. Jag är föräldraledig till 7 december."),
]


@pytest.mark.parametrize(("subject", "first_line"), OUT_OF_OFFICE)
def test_out_of_office_in_many_languages_is_an_auto_reply(subject: str, first_line: str) -> None:
    assert verdict(msg(JANE_FROM, subject, first_line)) == MessageKind.AUTO_REPLY


@pytest.mark.parametrize(
    ("subject", "first_line"),
    [
        ("Re: Thank you for the interview", "Hi Alex, thanks for coming in. We'd like to move"),
        ("RE: Next steps", "Thank you for your email. I am happy to set up a second round."),
        ("Re: Thanks", "I was away last week, sorry for the delay. Could you do Tuesday?"),
        ("AW: Vielen Dank", "Hallo Alex, vielen Dank für das Gespräch."),
        ("Re: Your availability", "Are you away from the office in January?"),
        ("Re: Thanks", "Thank you for your note. I am glad you enjoyed meeting the team."),
        ("Re: Thanks", "Dear Alex, I was out of the office last week. Can we talk Tuesday?"),
        ("Re: Thanks", "Hi Alex, I'm available Tuesday at 10."),
    ],
)
def test_a_person_still_stops_the_sequence(subject: str, first_line: str) -> None:
    assert verdict(msg(JANE_FROM, subject, first_line)) == MessageKind.EMPLOYER_REPLY


def test_machine_made_is_decided_before_the_thread_rule() -> None:
    robot = msg("Robot <robot@elsewhere.org>", "Re: Thanks", Auto_Submitted="auto-replied")
    person = msg("Lee <lee@elsewhere.org>", "Re: Thanks")
    assert verdict(robot) == MessageKind.AUTO_REPLY  # in the thread: waits, stops nothing
    assert verdict(person) == MessageKind.EMPLOYER_REPLY


def test_a_return_date_is_read_from_the_messages_own_date() -> None:
    old = msg(JANE_FROM, "Out of Office", "Away until May 5th.",
              Date="Tue, 28 Apr 2026 09:00:00 -0400")
    result = classify(old, ACME, user_email="", sequence_thread_ids=frozenset({THREAD}))
    assert result.message_day == date(2026, 4, 28)
    assert result.return_date == date(2026, 5, 5)
    assert judge_return(result.return_date, result.message_day, START)[0] is None


@pytest.mark.parametrize(
    ("back", "sent", "today", "expected", "why"),
    [
        (date(2026, 12, 7), date(2026, 12, 2), date(2026, 12, 2), date(2026, 12, 7), ""),
        (date(2027, 1, 30), date(2026, 12, 2), date(2026, 12, 2), date(2027, 1, 30), ""),
        (date(2027, 2, 1), date(2026, 12, 2), date(2026, 12, 2), None, "more than 60 days"),
        (date(2026, 11, 20), date(2026, 12, 2), date(2026, 12, 2), None, "already past"),
        (date(2026, 12, 3), date(2026, 12, 2), date(2026, 12, 5), None, "already past"),
        (None, date(2026, 12, 2), date(2026, 12, 2), None, ""),
    ],
)
def test_judge_return(back, sent, today, expected, why) -> None:
    now = datetime.combine(today, datetime.min.time(), NY)
    got, reason = judge_return(back, sent, now)
    assert got == expected
    assert why in reason and (bool(reason) == bool(why))


def test_message_date_falls_back_to_arrival_and_distrusts_a_future_clock() -> None:
    arrived = START + timedelta(days=1)
    assert message_date(msg(JANE_FROM, "x", Date="garbage")) == arrived.date()
    future = msg(JANE_FROM, "x", Date="Fri, 1 Jan 2027 09:00:00 -0500")
    assert message_date(future) == arrived.date()
