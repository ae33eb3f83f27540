"""What the organizer (or the user) does to the calendar, and the sequence that follows."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from tests.e2e.helpers import at, steps
from tests.e2e.world import NY, USER, World

BERLIN = ZoneInfo("Europe/Berlin")
JANE = "jane@acme.com"


def due(world: World, title: str, step: str, recipient: str = JANE) -> str:
    """The planned time of one step, as status --json shows it."""
    return steps(world, title)[(step, recipient)]["due"]


def ignored(world: World) -> dict[str, str]:
    """Title -> reason of every event status lists under ignored."""
    return {item["title"]: item["reason"] for item in world.status_json()["ignored"]}


def step_kinds(world: World) -> list[str]:
    """The step name of every draft in the mailbox (from its X-Followup-Key)."""
    return world.made_steps()


def attendees(response: str) -> list[dict]:
    """The user (with a response) and Jane, as the organizer's invitation lists them."""
    return [
        {"email": USER, "responseStatus": response, "self": True},
        {"email": JANE, "displayName": "Jane Doe", "responseStatus": "accepted"},
    ]


def test_moved_before_it_happens_moves_the_pending_steps(world: World) -> None:
    event = world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    assert due(world, "Acme", "thank_you") == at(30, 19).isoformat()
    world.sandbox.move_event("primary", event["id"], at(1, 14, month=12), at(1, 15, month=12))
    world.tick(at(30, 10))
    assert due(world, "Acme", "thank_you") == at(1, 19, month=12).isoformat()
    assert due(world, "Acme", "check_in") == at(2, 16, 30, month=12).isoformat()
    assert due(world, "Acme", "reminder") == at(7, 10, month=12).isoformat()
    assert world.interview("Acme")["start"] == at(1, 14, month=12).isoformat()
    world.tick(at(30, 19))
    assert world.drafts() == []
    world.tick(at(1, 19, month=12))
    assert step_kinds(world) == ["thank_you"]
    assert any("moved" in line for line in world.interview("Acme")["story"])


def test_moved_after_the_thank_you_was_drafted_does_not_thank_twice(world: World) -> None:
    event = world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    [thank_you] = world.drafts()
    world.sandbox.move_event("primary", event["id"], at(1, 14, month=12), at(1, 15, month=12))
    world.tick(at(30, 20))
    record = steps(world, "Acme")[("thank_you", JANE)]
    assert (record["state"], record["draft_id"]) == ("drafted", thank_you["id"])
    assert due(world, "Acme", "check_in") == at(2, 16, 30, month=12).isoformat()
    world.tick(at(1, 19, month=12))
    world.tick(at(1, 20, month=12))
    assert [d["id"] for d in world.drafts()] == [thank_you["id"]]
    world.send_drafts()
    world.tick(at(2, 16, 30, month=12))
    assert step_kinds(world) == ["check_in", "thank_you"]


def test_cancelled_before_it_happens_cancels_the_sequence(world: World) -> None:
    event = world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    world.sandbox.cancel_event("primary", event["id"])
    world.tick(at(30, 10))
    record = world.interview("Acme")
    assert record["status"] == "cancelled"
    assert {s["state"] for s in record["steps"]} == {"stopped"}
    for moment in (at(30, 19), at(1, 16, 30, month=12), at(4, 10, month=12)):
        world.tick(moment)
    assert world.drafts() == []


def test_moved_later_then_cancelled_removes_the_unsent_thank_you(world: World) -> None:
    event = world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    [thank_you] = world.drafts()
    # Monday's meeting is rescheduled to Thursday, then called off on Wednesday
    world.sandbox.move_event("primary", event["id"], at(3, 14, month=12), at(3, 15, month=12))
    world.tick(at(1, 9, month=12))
    world.sandbox.cancel_event("primary", event["id"])
    world.tick(at(2, 9, month=12))
    assert world.drafts() == []
    record = world.interview("Acme")
    assert record["status"] == "cancelled"
    row = steps(world, "Acme")[("thank_you", JANE)]
    assert row["state"] == "stopped"
    assert "removed" in row["reason"]
    assert any(
        "thank_you draft for jane@acme.com removed (the interview was cancelled)" in line
        for line in record["story"]
    )
    assert thank_you["id"] not in {d["id"] for d in world.drafts()}
    world.tick(at(4, 16, 30, month=12))
    assert world.drafts() == []


def test_cancelled_after_the_ask_cue_before_it_ended_cancels(world: World) -> None:
    event = world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    world.tick(at(30, 14, 50))
    assert steps(world, "Acme")[("ask", "")]["state"] == "done"
    world.sandbox.cancel_event("primary", event["id"])
    world.tick(at(30, 14, 55))
    record = world.interview("Acme")
    assert record["status"] == "cancelled"
    assert steps(world, "Acme")[("ask", "")]["state"] == "done"
    world.tick(at(30, 19))
    assert world.drafts() == []


def test_deleted_while_the_sync_token_expired_is_cancelled_by_the_full_sync(world: World) -> None:
    event = world.add_interview(summary="Interview with Acme", start=at(1, 14, month=12))
    world.tick(at(30, 9))
    world.sandbox.cancel_event("primary", event["id"])
    world.sandbox.expire_sync_tokens()
    world.tick(at(30, 10))
    record = world.interview("Acme")
    assert (record["status"], record["status_reason"]) == (
        "cancelled",
        "the event is no longer on the calendar",
    )
    world.tick(at(1, 19, month=12))
    assert world.drafts() == []


def test_cancelled_after_it_happened_the_sequence_continues(world: World) -> None:
    event = world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    world.sandbox.cancel_event("primary", event["id"])
    world.tick(at(30, 16))
    assert world.interview("Acme")["status"] == "active"
    world.tick(at(30, 19))
    assert step_kinds(world) == ["thank_you"]
    world.send_drafts()
    world.sandbox.expire_sync_tokens()  # a full sync no longer lists the event
    world.tick(at(1, 16, 30, month=12))
    assert world.interview("Acme")["status"] == "active"
    assert step_kinds(world) == ["check_in", "thank_you"]


def test_unanswered_and_declined_invitations_are_never_acted_on(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14), response="needsAction")
    world.add_interview(
        summary="Interview with Initech",
        start=at(30, 15),
        response="declined",
        interviewers=(("Bill Lumbergh", "bill@initech.com"),),
    )
    world.tick(at(30, 9))
    for moment in (at(30, 19), at(1, 16, 30, month=12)):
        world.tick(moment)
    assert world.drafts() == []
    assert world.status_json()["interviews"] == []
    reasons = ignored(world)
    assert reasons["Interview with Acme"] == "untrusted: you have not accepted this invitation"
    assert reasons["Interview with Initech"] == "untrusted: you declined this invitation"
    assert "untrusted" in world.cli("status").output


def test_accepted_later_becomes_an_interview(world: World) -> None:
    event = world.add_interview(
        summary="Interview with Acme", start=at(30, 14), response="needsAction"
    )
    world.tick(at(30, 9))
    assert "Interview with Acme" in ignored(world)
    world.sandbox.patch_event("primary", event["id"], {"attendees": attendees("accepted")})
    world.tick(at(30, 10))
    assert world.interview("Acme")["status"] == "active"
    assert ignored(world) == {}
    world.tick(at(30, 19))
    assert step_kinds(world) == ["thank_you"]


def test_declined_after_accepting_ends_the_sequence(world: World) -> None:
    event = world.add_interview(summary="Interview with Acme", start=at(1, 14, month=12))
    world.tick(at(30, 9))
    world.sandbox.patch_event("primary", event["id"], {"attendees": attendees("declined")})
    world.tick(at(30, 10))
    record = world.interview("Acme")
    assert record["status"] == "gone"
    assert record["status_reason"] == "no longer followed: untrusted: you declined this invitation"
    assert ignored(world) == {"Interview with Acme": "untrusted: you declined this invitation"}
    world.tick(at(1, 19, month=12))
    assert world.drafts() == []


def test_each_instance_of_a_weekly_interview_is_its_own_interview(world: World) -> None:
    world.add_interview(
        summary="Weekly interview with Acme",
        start=at(30, 14),
        recurrence=["RRULE:FREQ=WEEKLY;COUNT=3"],
    )
    world.tick(at(30, 9))
    records = world.status_json()["interviews"]
    assert [r["start"] for r in records] == [
        at(30, 14).isoformat(),
        at(7, 14, month=12).isoformat(),
        at(14, 14, month=12).isoformat(),
    ]
    assert len({r["key"] for r in records}) == 3
    world.tick(at(30, 19))
    world.tick(at(7, 19, month=12))
    world.tick(at(14, 19, month=12))
    drafted = [world.natural_key(d).split("#") for d in world.drafts()]
    thanked = sorted(key for key, step, _ in drafted if step == "thank_you")
    assert thanked == sorted(r["key"] for r in records), "one thank-you per instance"


def test_an_earlier_instance_ends_when_the_next_one_begins(world: World) -> None:
    world.add_interview(
        summary="Weekly interview with Acme",
        start=at(30, 14),
        recurrence=["RRULE:FREQ=WEEKLY;COUNT=2"],
    )
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    world.send_drafts()
    world.tick(at(1, 16, 30, month=12))
    first, second = world.status_json()["interviews"]
    assert first["status"] == second["status"] == "active", "the next one has not begun"
    world.tick(at(7, 14, 5, month=12))
    first, second = world.status_json()["interviews"]
    assert first["status"] == "superseded"
    assert first["status_reason"] == "next round with Acme on Mon 2026-12-07"
    assert second["status"] == "active"
    world.tick(at(30, 10, month=12))
    first_keys = [k for k in world.made_keys() if k.startswith(first["key"] + "#")]
    assert sorted(k.split("#")[1] for k in first_keys) == ["check_in", "thank_you"]


def test_mock_and_all_day_events_are_ignored(world: World) -> None:
    world.add_interview(summary="Mock interview with Acme", start=at(30, 11))
    world.sandbox.add_event(
        summary="Interview day at Globex",
        start=date(2026, 11, 30),
        end=date(2026, 12, 1),
        all_day=True,
        attendees=attendees("accepted"),
        organizer={"email": JANE},
    )
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    assert world.drafts() == []
    assert world.status_json()["interviews"] == []
    reasons = ignored(world)
    assert reasons["Mock interview with Acme"] == "excluded: matches 'mock'"
    assert reasons["Interview day at Globex"] == "all-day event"


def test_retitled_to_no_longer_match_ends_as_gone(world: World) -> None:
    event = world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    world.sandbox.patch_event("primary", event["id"], {"summary": "Coffee with Jane"})
    world.tick(at(30, 10))
    record = world.interview("Acme")
    assert record["status"] == "gone"
    assert record["status_reason"].startswith("no longer followed: not an interview")
    world.tick(at(30, 19))
    assert world.drafts() == []
    assert {s["state"] for s in world.interview("Acme")["steps"]} == {"stopped"}


def test_retitled_back_before_it_happens_resumes(world: World) -> None:
    event = world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    world.sandbox.patch_event("primary", event["id"], {"summary": "Coffee with Jane"})
    world.tick(at(30, 10))
    world.sandbox.patch_event("primary", event["id"], {"summary": "Interview with Acme"})
    world.tick(at(30, 11))
    assert world.interview("Acme")["status"] == "active"
    world.tick(at(30, 19))
    assert step_kinds(world) == ["thank_you"]


def test_next_round_booked_after_the_first_supersedes_it(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    world.add_interview(summary="Acme interview: second round", start=at(7, 11, month=12))
    world.tick(at(1, 9, month=12))
    first, second = world.status_json()["interviews"]
    assert first["status"] == "superseded"
    assert first["status_reason"] == "next round with Acme on Mon 2026-12-07"
    assert second["status"] == "active"
    world.tick(at(1, 16, 30, month=12))
    world.tick(at(4, 10, month=12))
    assert step_kinds(world) == ["thank_you"], "no check-in or reminder for the first round"
    assert len(world.drafts()) == 1, "the first round's thank-you draft is kept"


def test_sync_token_expiry_mid_week_does_a_full_sync_without_duplicates(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.add_interview(
        summary="Globex interview",
        start=at(1, 11, month=12),
        interviewers=(("Hank Scorpio", "hank@globex.com"),),
    )
    world.tick(at(30, 9))
    world.tick(at(30, 19))
    world.send_drafts()
    before = world.status_json()["interviews"]
    world.sandbox.expire_sync_tokens()
    world.sandbox.clear_log()
    world.tick(at(1, 16, 30, month=12))
    lists = [r for r in world.sandbox.request_log() if r.method == "calendar.events.list"]
    assert [r.status for r in lists] == [410, 200]
    assert "syncToken" in lists[0].query and "syncToken" not in lists[1].query
    after = world.status_json()["interviews"]
    assert [r["key"] for r in after] == [r["key"] for r in before]
    assert all(r["status"] == "active" for r in after)
    world.tick(at(1, 19, month=12))
    world.tick(at(1, 20, month=12))
    assert step_kinds(world) == ["check_in", "thank_you", "thank_you"]


def test_friday_interview_checks_in_on_monday(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(4, 10, month=12))
    world.tick(at(30, 9))
    assert due(world, "Acme", "check_in") == at(7, 16, 30, month=12).isoformat()
    assert due(world, "Acme", "reminder") == at(10, 10, month=12).isoformat()


def test_thanksgiving_is_not_a_business_day(world: World) -> None:
    world.at(at(24, 9))
    world.add_interview(summary="Interview with Acme", start=at(25, 14))
    world.tick()
    assert due(world, "Acme", "thank_you") == at(25, 19).isoformat()
    assert due(world, "Acme", "check_in") == at(27, 16, 30).isoformat()
    assert due(world, "Acme", "reminder") == at(2, 10, month=12).isoformat()
    world.tick(at(25, 19))
    world.send_drafts()
    world.tick(at(26, 16, 30))
    world.tick(at(27, 16, 29))
    assert step_kinds(world) == ["thank_you"]
    world.tick(at(27, 16, 30))
    assert step_kinds(world) == ["check_in", "thank_you"]


def test_reminder_after_dst_ends_is_at_ten_local(world: World) -> None:
    world.at(datetime(2026, 10, 30, 9, tzinfo=NY))
    world.add_interview(summary="Interview with Acme", start=at(30, 14, month=10))
    world.tick()
    check_in = due(world, "Acme", "check_in")
    reminder = due(world, "Acme", "reminder")
    assert check_in == "2026-11-02T16:30:00-05:00"
    assert reminder == "2026-11-05T10:00:00-05:00"
    assert due(world, "Acme", "thank_you") == "2026-10-30T19:00:00-04:00"
    world.tick(at(30, 19, month=10))
    world.send_drafts()
    world.tick(at(2, 16, 30))
    world.send_drafts()
    world.tick(at(5, 9, 59))
    assert step_kinds(world) == ["check_in", "thank_you"]
    world.tick(at(5, 10))
    assert step_kinds(world) == ["check_in", "reminder", "thank_you"]


def test_berlin_user_across_the_spring_dst_change(world: World) -> None:
    config = world.home / "config.toml"
    text = config.read_text().replace('country = "US"', 'country = "DE"')
    config.write_text(text.replace("[user]\n", '[user]\ntimezone = "Europe/Berlin"\n', 1))

    def berlin(month: int, day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)

    world.at(berlin(3, 26, 9))
    world.add_interview(summary="Interview with Acme", start=berlin(3, 27, 14))
    world.tick()
    assert due(world, "Acme", "thank_you") == "2026-03-27T19:00:00+01:00"
    assert due(world, "Acme", "check_in") == "2026-03-30T16:30:00+02:00"
    assert due(world, "Acme", "reminder") == "2026-04-02T10:00:00+02:00"
    # Good Friday (Apr 3) and Easter Monday (Apr 6) are German holidays
    assert steps(world, "Acme")[("closed", "")]["due"] == "2026-04-13T10:00:00+02:00"
    assert "Europe/Berlin" in world.cli("status").output
    world.tick(berlin(3, 27, 19))
    world.send_drafts()
    world.tick(berlin(3, 30, 16, 29))
    assert step_kinds(world) == ["thank_you"]
    world.tick(berlin(3, 30, 16, 30))
    assert step_kinds(world) == ["check_in", "thank_you"]
    world.send_drafts()
    world.tick(berlin(4, 2, 9, 59))
    assert step_kinds(world) == ["check_in", "thank_you"]
    world.tick(berlin(4, 2, 10))
    assert step_kinds(world) == ["check_in", "reminder", "thank_you"]
