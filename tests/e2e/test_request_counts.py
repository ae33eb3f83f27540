"""What a tick costs in requests: an idle tick makes at most two, whatever the interview count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.helpers import at
from tests.e2e.world import USER, World

IDLE = {"calendar.events.list": 1, "gmail.users.history.list": 1}


def seed_interviews(world: World, count: int) -> None:
    """`count` interviews with as many companies, all begun Monday morning (08:00-11:45)."""
    for i in range(count):
        start = at(30, 8) + timedelta(minutes=15 * (i % 16))
        lead = f"lead@company{i:03d}.example"
        world.sandbox.add_event(
            "primary",
            summary=f"Interview with Company{i:03d}",
            start=start,
            end=start + timedelta(minutes=45),
            attendees=[
                {"email": USER, "responseStatus": "accepted", "self": True},
                {"email": lead, "responseStatus": "accepted"},
            ],
            organizer={"email": lead, "displayName": f"Lead {i}"},
        )


@pytest.mark.parametrize("count", [1, 200])
def test_an_idle_tick_makes_at_most_two_requests(world: World, count: int) -> None:
    seed_interviews(world, count)
    world.tick(at(30, 13))  # first run: full sync, every `ask` cue done
    world.tick(at(30, 13, 5))
    interviews = world.status_json()["interviews"]
    assert len(interviews) == count
    assert {i["status"] for i in interviews} == {"active"}
    world.sandbox.clear_log()
    assert world.tick(at(30, 13, 10)).output.strip() == "nothing to do"
    counts = world.sandbox.counts()
    assert sum(counts.values()) <= 2, counts
    assert counts == IDLE


def test_unrelated_mail_costs_one_search_a_tick_and_no_read(world: World) -> None:
    """Mail the combined search does not find is looked for again while the search index may
    still lag (inbox_sync.INDEX_LAG, 30 minutes), one search a tick, never read."""
    seed_interviews(world, 3)
    world.tick(at(30, 13))
    world.tick(at(30, 13, 30))  # the one search behind the full sync, once the index caught up
    world.sandbox.clear_log()
    message = world.reply(sender="news@example.org", subject="This week", when=at(30, 13, 30))
    world.tick(at(30, 14))
    assert world.sandbox.counts() == {**IDLE, "gmail.users.messages.list": 1}
    world.sandbox.clear_log()
    world.tick(at(30, 14, 5))
    assert world.sandbox.counts() == {**IDLE, "gmail.users.messages.list": 1}, "looked for again"
    world.sandbox.modify_labels(message["id"], remove=["UNREAD"])  # the candidate reads it
    world.sandbox.clear_log()
    world.tick(at(30, 14, 31))  # label changes are not news; a last look after the window
    assert world.sandbox.counts() == {**IDLE, "gmail.users.messages.list": 1}
    world.sandbox.clear_log()
    world.tick(at(30, 14, 40))
    assert world.sandbox.counts() == IDLE, "no longer looked for"


def test_own_drafts_are_not_read_back(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    assert len(world.drafts()) == 1
    world.sandbox.clear_log()
    world.tick(at(30, 19, 5))
    assert world.sandbox.counts() == IDLE


def test_a_full_sync_is_bounded_by_the_watched_interviews(world: World) -> None:
    seed_interviews(world, 5)  # Company000-004, begun by 13:30
    world.add_interview(  # still to come: nothing in the mailbox can be its reply yet
        summary="Interview with Initech",
        start=at(2, 10, month=12),
        interviewers=(("Bill Lumbergh", "bill@initech.example"),),
    )
    world.tick(at(30, 13, 30))
    world.reply(sender="lead@company002.example", subject="Hello", when=at(30, 13, 40))
    world.sandbox.expire_history()
    world.sandbox.clear_log()
    world.tick(at(30, 14))
    assert world.sandbox.counts() == {
        "calendar.events.list": 1,
        "gmail.users.history.list": 1,  # 404
        "gmail.users.getProfile": 1,  # the cursor to store after the full sync ...
        "gmail.users.settings.sendAs.list": 1,  # ... read with the account's addresses
        "gmail.users.messages.list": 2 * 5 + 1,  # per begun interview: from, sent to; bounces
        "gmail.users.messages.get": 1,  # the one new message
    }
    statuses = {i["title"]: i["status"] for i in world.status_json()["interviews"]}
    assert statuses.pop("Interview with Company002") == "replied"
    assert set(statuses.values()) == {"active"}
    assert len(statuses) == 5
    world.sandbox.clear_log()
    world.tick(at(30, 14, 5))
    assert world.sandbox.counts() == IDLE, "back to incremental sync"
