"""Gmail's search index lags behind history: mail a tick's search misses is acted on later.

The sandbox leaves out of `q=` searches whatever reached the mailbox less than a set number of
seconds ago (history, messages.get and drafts see it at once). Interview: Monday 2026-11-30
14:00 New York with Jane Doe <jane@acme.com>; the thank-you is sent at 20:00.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from tests.e2e.helpers import (
    LATER,
    at,
    interview_with_acme,
    killed_after_create,
    no_more_drafts,
    postfix_dsn,
    sent_thank_you,
    steps,
)
from tests.e2e.world import World
from tests.sandbox.helpers import create_draft, message, services

LAG = 120  # seconds the index is behind in these tests


def reply_behind_the_index(world: World, when: datetime) -> None:
    """The thank-you was sent; the index lags LAG seconds; Jane replies at `when`."""
    interview_with_acme(world)
    sent_thank_you(world)
    world.tick(at(30, 21))
    world.sandbox.set_search_lag(LAG)
    world.at(when)
    world.reply(sender="Jane Doe <jane@acme.com>", subject="Next steps", body="Can we talk?")


def test_an_employer_reply_in_a_new_thread_missed_by_the_search_stops_later(
    world: World,
) -> None:
    reply_behind_the_index(world, at(1, 10, month=12))
    world.tick(at(1, 10, month=12) + timedelta(seconds=10))  # the search does not see it yet
    assert world.interview("Acme")["status"] == "active"
    world.tick(at(1, 10, 5, month=12))  # indexed now: the next tick's search finds it
    record = world.interview("Acme")
    assert record["status"] == "replied", record["story"]
    assert "jane@acme.com" in record["status_reason"]
    no_more_drafts(world, LATER)


def test_a_bounce_from_a_relay_missed_by_the_search_pauses_later(world: World) -> None:
    interview_with_acme(world)
    sent = sent_thank_you(world)
    world.sandbox.set_search_lag(LAG)
    raw = postfix_dsn(sent).replace(
        b"From: MAILER-DAEMON@mx1.acme.com (Mail Delivery System)",
        b"From: Mail Delivery Subsystem <mailer-daemon@relay.hosting.example>",
    )
    world.at(at(30, 20, 1))
    world.sandbox.deliver(raw)
    world.tick(at(30, 20, 1) + timedelta(seconds=30))
    assert world.interview("Acme")["status"] == "active"
    world.tick(at(30, 20, 10))
    record = world.interview("Acme")
    assert record["status"] == "paused", record["story"]
    assert "jane@acme.com bounced" in record["status_reason"]
    for moment in LATER:
        world.tick(moment)
    assert world.drafts() == [], "a paused sequence drafts nothing"


def test_mail_the_index_never_finds_is_dropped_after_the_window(world: World) -> None:
    """A message kept for the index to catch up is not looked for past INDEX_LAG."""
    interview_with_acme(world)
    sent_thank_you(world)
    world.sandbox.set_search_lag(3600)  # longer than the agent waits
    world.at(at(30, 20, 30))
    world.reply(sender="Jane Doe <jane@acme.com>", subject="Following up", body="Call me")
    world.sandbox.clear_log()
    for minute in (31, 40, 50, 59):
        world.tick(at(30, 20, minute))
        assert world.sandbox.counts().get("gmail.users.messages.list") == 1
        world.sandbox.clear_log()
    world.tick(at(30, 21, 1))  # over 30 minutes since it was first seen: the last look
    assert world.sandbox.counts().get("gmail.users.messages.list") == 1
    world.sandbox.clear_log()
    world.tick(at(30, 21, 10))
    assert "gmail.users.messages.list" not in world.sandbox.counts()
    assert world.interview("Acme")["status"] == "active"


def test_a_reply_kept_for_the_index_is_found_after_a_long_pause_between_ticks(
    world: World,
) -> None:
    """Ticks an hour apart (cron, a long interval): the one after the window still looks."""
    reply_behind_the_index(world, at(1, 10, month=12))
    world.tick(at(1, 10, month=12) + timedelta(seconds=10))
    assert world.interview("Acme")["status"] == "active"
    world.tick(at(1, 11, month=12))
    assert world.interview("Acme")["status"] == "replied"


def test_unrelated_mail_with_the_index_lagging_stays_within_the_unit_limit(
    world: World,
) -> None:
    """300 newsletters arriving just before a tick, never indexed while the agent looks: each
    tick spends at most 100 units on them and reads none of them."""
    interview_with_acme(world)
    sent_thank_you(world)
    world.tick(at(30, 21))
    world.sandbox.set_search_lag(3600)
    world.at(at(1, 9, month=12))
    for i in range(300):
        world.reply(sender=f"news{i}@list.example", subject=f"Issue {i}")
    spent = []
    for minute in (1, 5, 15, 29, 45):
        world.sandbox.clear_log()
        world.tick(at(1, 9, minute, month=12))
        units = world.sandbox.units()
        assert "gmail.users.messages.get" not in units["by_method"], units
        spent.append(units["total"])
    assert max(spent) <= 100, spent
    assert world.interview("Acme")["status"] == "active"


def test_state_restored_seconds_after_a_draft_never_drafts_twice(world: World) -> None:
    """The last look before a create finds a draft made moments ago although the search index
    does not return it yet: drafts are looked for in drafts.list, which is never behind."""
    interview_with_acme(world)
    world.tick(at(30, 19))
    [thank_you] = world.drafts()
    db = world.home / "state.db"
    backup = db.read_bytes()  # a copy: the thank-you drafted (its keys checked), nothing more
    world.at(at(30, 21))
    world.sandbox.user_send_draft(thank_you["id"])
    world.sandbox.set_search_lag(1800)
    world.tick(at(1, 16, 30, month=12))
    assert [world.step_of(d) for d in world.drafts()] == ["check_in"]
    for extra in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        extra.unlink(missing_ok=True)
    db.write_bytes(backup)  # the user restores the copy a minute later
    world.sandbox.clear_log()
    world.tick(at(1, 16, 31, month=12))
    assert world.sandbox.counts().get("gmail.users.drafts.create", 0) == 0
    [check_in] = world.drafts()
    record = steps(world, "Acme")
    assert record[("thank_you", "jane@acme.com")]["state"] == "sent"
    assert record[("check_in", "jane@acme.com")]["state"] == "drafted"
    assert record[("check_in", "jane@acme.com")]["draft_id"] == check_in["id"]


def test_a_reply_just_before_a_full_sync_is_found_when_the_index_has_caught_up(
    world: World,
) -> None:
    """The history id expired: the full sync's searches miss a reply that came seconds before
    and the history id it stores is past it; a search once the index caught up finds it."""
    reply_behind_the_index(world, at(1, 10, month=12))
    world.sandbox.expire_history()
    world.tick(at(1, 10, month=12) + timedelta(seconds=10))
    assert world.interview("Acme")["status"] == "active"
    world.tick(at(1, 10, 5, month=12))
    assert world.interview("Acme")["status"] == "active", "not before the window is over"
    world.sandbox.clear_log()
    world.tick(at(1, 10, 31, month=12))
    record = world.interview("Acme")
    assert record["status"] == "replied", record["story"]
    assert world.sandbox.counts()["gmail.users.messages.get"] == 1, "only the reply is read"
    world.sandbox.clear_log()
    world.tick(at(1, 10, 40, month=12))
    assert world.sandbox.counts() == {
        "calendar.events.list": 1,
        "gmail.users.history.list": 1,
    }, "searched again once"
    no_more_drafts(world, LATER)


def test_the_last_look_before_a_create_does_not_read_the_candidates_own_drafts(
    world: World,
) -> None:
    """Looking for a draft of ours that the index may not have yet costs a drafts.list and a
    search, not a drafts.get per draft the candidate keeps for other people."""
    interview_with_acme(world)
    world.tick(at(30, 19))
    [thank_you] = world.drafts()
    world.at(at(30, 21))
    world.sandbox.user_send_draft(thank_you["id"])
    world.tick(at(30, 21, 5))
    world.sandbox.set_search_lag(LAG)
    gmail = services(world.server.url)[0]
    for i in range(12):  # the candidate's own drafts
        create_draft(gmail, message(f"Plans {i}", to=f"friend{i}@example.org"))
    world.at(at(1, 16, 30, month=12) - timedelta(seconds=10))
    create_draft(gmail, message("Just now", to="friend@example.org"))  # not indexed yet
    world.sandbox.clear_log()
    world.tick(at(1, 16, 30, month=12))
    ours = [d for d in world.drafts() if b"X-Followup-Key" in d["raw"]]
    assert [world.step_of(d) for d in ours] == ["check_in"]
    assert world.sandbox.counts().get("gmail.users.drafts.get", 0) <= 1, "the fresh one at most"


def test_a_lost_create_answer_then_the_candidate_sends_the_draft_at_once(world: World) -> None:
    """The intent's draft is gone (sent) and search does not return the sent message yet: the
    history (never behind) settles the step before anything could be created again."""
    world.add_interview(summary="Interview with Acme - Backend Engineer", start=at(30, 14))
    world.tick(at(30, 9))
    world.sandbox.set_search_lag(1800)
    killed_after_create(world)
    [made] = world.drafts()
    world.at(at(30, 19) + timedelta(seconds=20))
    world.sandbox.user_send_draft(made["id"])
    world.sandbox.clear_log()
    world.tick(at(30, 19) + timedelta(seconds=40))
    assert world.sandbox.counts().get("gmail.users.drafts.create", 0) == 0
    assert world.drafts() == []
    assert steps(world, "Acme")[("thank_you", "jane@acme.com")]["state"] == "sent"


def test_a_draft_made_while_the_reply_was_not_indexed_is_removed_when_it_is_found(
    world: World,
) -> None:
    """The reply came seconds before the check-in was due: the search and the last look both
    miss it, so the check-in is drafted; the next tick finds the reply and removes it."""
    reply_behind_the_index(world, at(1, 16, 30, month=12) - timedelta(seconds=10))
    world.tick(at(1, 16, 30, month=12))
    assert [world.step_of(d) for d in world.drafts()] == ["check_in"]
    world.tick(at(1, 16, 35, month=12))
    record = world.interview("Acme")
    assert record["status"] == "replied", record["story"]
    assert world.drafts() == []
    no_more_drafts(world, LATER[1:])


def test_the_candidates_own_thank_you_just_before_a_full_sync_is_found_after_it(
    world: World,
) -> None:
    """The candidate thanked Jane themselves seconds before a full sync whose search missed
    it: the search once the index caught up finds it, and no thank-you is drafted."""
    interview_with_acme(world)
    world.sandbox.set_search_lag(LAG)
    world.at(at(30, 17))
    own = EmailMessage()
    own["From"] = "Casey Candidate <candidate@example.com>"
    own["To"] = "jane@acme.com"
    own["Subject"] = "Thank you for today"
    own.set_content("Thanks for your time today.")
    world.sandbox.user_send_message(own)
    world.sandbox.expire_history()
    world.tick(at(30, 17) + timedelta(seconds=10))
    assert steps(world, "Acme")[("thank_you", "jane@acme.com")]["state"] == "planned"
    world.tick(at(30, 17, 31))
    assert steps(world, "Acme")[("thank_you", "jane@acme.com")]["state"] == "sent_by_user"
    world.tick(at(30, 19))
    assert world.drafts() == []


def test_state_lost_seconds_after_the_candidate_sent_a_draft_leaves_no_second_copy(
    world: World,
) -> None:
    """state.db is lost moments after the candidate sent the thank-you, which search does not
    return yet: the thank-you is drafted again, and once the index has caught up the search
    behind the full sync finds the sent one, settles the step and removes the second copy."""
    interview_with_acme(world)
    world.tick(at(30, 19))
    [thank_you] = world.drafts()
    world.sandbox.set_search_lag(1800)
    world.at(at(30, 20))
    world.sandbox.user_send_draft(thank_you["id"])
    db = world.home / "state.db"
    for extra in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        extra.unlink(missing_ok=True)
    db.unlink()
    world.tick(at(30, 20) + timedelta(seconds=30))
    world.tick(at(30, 20, 31))
    record = steps(world, "Acme")[("thank_you", "jane@acme.com")]
    assert record["state"] == "sent"
    assert world.drafts() == []
    for moment in LATER:
        world.tick(moment)
    assert [world.step_of(d) for d in world.drafts()] == ["check_in"]
