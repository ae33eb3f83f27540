"""The Gmail adapter keeps the Mailbox port's promises against the sandbox, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage

import pytest

from agent.cli.options import settings_from_env
from agent.cli.tick import build_services_for
from agent.core.ports import MailQuery
from agent.google.gmail import Gmail
from tests.e2e.world import NY, USER, World, make_world

NOW = datetime(2026, 11, 30, 20, tzinfo=NY)


@pytest.fixture
def world(tmp_path) -> Iterator[World]:
    """A sandbox whose search index lags 5 s behind, as Gmail's does."""
    w = make_world(tmp_path, NOW)
    try:
        yield w
    finally:
        w.server.stop()


def gmail(world: World) -> Gmail:
    """The adapter as a pass builds it."""
    return Gmail(build_services_for(settings_from_env(None, world.env())))


def message(sender: str, to: str, subject: str) -> EmailMessage:
    """A plain message."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg.set_content("Hello")
    return msg


def test_a_page_without_records_gives_no_cursor_and_the_last_page_the_mailboxs(
    world: World,
) -> None:
    start = gmail(world).account().cursor
    world.reply(sender="jane@acme.com", subject="One", when=NOW - timedelta(minutes=1))
    world.sandbox.set_empty_history_pages("every")
    pages = list(gmail(world).changes(start))
    assert [p.cursor is None for p in pages] == [True, False]
    assert pages[-1].cursor == gmail(world).account().cursor
    assert len(pages[-1].added) == 1


def test_the_account_names_the_default_alias_and_every_own_address(world: World) -> None:
    world.sandbox.add_send_as_alias("casey@casey.dev", "Casey C.", "<b>Casey</b><br>casey.dev")
    account = gmail(world).account()
    assert account.address == USER
    assert set(account.own_addresses) == {USER, "casey@casey.dev"}
    assert (account.from_address, account.name) == ("casey@casey.dev", "Casey C.")
    assert account.signature == "Casey\ncasey.dev"


def test_drafts_to_a_person_include_one_made_a_moment_ago(world: World) -> None:
    mailbox = gmail(world)
    old = mailbox.create_draft(message(USER, "bob@else.org", "Old").as_bytes(), None)
    world.at(NOW + timedelta(minutes=5))  # the old draft is indexed now
    fresh = mailbox.create_draft(message(USER, "jane@acme.com", "Thanks").as_bytes(), None)
    found = {d.draft_id for d in gmail(world).drafts_to(("jane@acme.com",))}
    assert fresh.draft_id in found and old.draft_id not in found
    read = gmail(world).draft(fresh.draft_id)
    assert read is not None and read.to == ("jane@acme.com",)
    assert gmail(world).draft("gone") is None


def test_find_names_people_domains_companies_reports_and_sent_mail(world: World) -> None:
    since = NOW - timedelta(hours=1)
    ids = {
        "person": world.reply(sender="jane@acme.com", subject="Hi", when=since)["id"],
        "domain": world.reply(sender="hr@talent.acme.com", subject="Hi", when=since)["id"],
        "ats": world.reply(sender="no-reply@greenhouse.io", subject="Acme: your interview",
                           when=since)["id"],
        "report": world.reply(sender="mailer-daemon@mx.example", subject="Undeliverable: Hi",
                              when=since)["id"],
        "other": world.reply(sender="news@lists.example.org", subject="News", when=since)["id"],
    }
    world.at(NOW + timedelta(minutes=1))
    sent = world.sandbox.user_send_message(message(USER, "jane@acme.com", "Thanks"))["id"]
    world.at(NOW + timedelta(minutes=2))
    query = MailQuery(since=since, from_addresses=("jane@acme.com",),
                      from_domains=("acme.com",), companies=("Acme",), delivery_reports=True,
                      sent_to=("jane@acme.com",))
    found = {r.message_id for r in gmail(world).find(query)}
    assert found == {ids["person"], ids["domain"], ids["ats"], ids["report"], sent}
