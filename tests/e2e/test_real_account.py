"""A real account, through the CLI: a big mailbox, odd history pages, a send-as alias, drafts
that change id when edited, sent copies without our header."""

from __future__ import annotations

import email
import email.policy
import sqlite3
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr

from tests.e2e.world import NY, World

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=NY)


def at(hour: int, minute: int = 0, *, day: int = 0) -> datetime:
    """A moment in the week of Monday 2026-11-30, New York."""
    return MONDAY.replace(hour=hour, minute=minute) + timedelta(days=day)


def acme(world: World) -> None:
    """An interview with Jane at Acme today at 14:00, found in the morning."""
    world.add_interview(summary="Interview with Acme", start=at(14))
    world.tick(at(9))


def thank_you(world: World) -> dict:
    """The thank-you step to Jane as `status --json` shows it."""
    item = world.interview("Acme")
    return next(s for s in item["steps"] if s["step"] == "thank_you")


def headers(draft: dict) -> email.message.Message:
    """A draft's message, parsed."""
    return email.message_from_bytes(draft["raw"], policy=email.policy.default)


def test_a_first_run_on_a_big_mailbox_finishes_within_five_ticks(world: World) -> None:
    """20,000 messages and 1,000 drafts of the candidate's own; 30 interviews, 10 answered:
    every due thank-you drafted and every answer seen within 5 ticks, each under the budget."""
    world.sandbox.seed_mailbox(messages=20_000, drafts=1_000)
    for i in range(30):
        world.add_interview(
            summary=f"Interview with Company{i:02d}", start=at(10) + timedelta(minutes=10 * i),
            interviewers=((f"Pat {i}", f"pat@company{i:02d}.example"),),
        )
    for i in range(0, 30, 3):
        world.reply(sender=f"Pat {i} <pat@company{i:02d}.example>", subject="Next round",
                    when=at(17))
    world.sandbox.clear_log()
    spent = []
    for minute in range(5):
        world.at(at(19, 5 + minute))
        world.cli("tick", expect=None)
        spent.append(world.sandbox.units()["total"])
        world.sandbox.clear_log()
        statuses = [item["status"] for item in world.status_json()["interviews"]]
        if statuses.count("replied") == 10 and len(world.drafts()) == 1_000 + 20:
            break
    assert statuses.count("replied") == 10 and statuses.count("active") == 20, statuses
    assert len(world.drafts()) == 1_000 + 20, "one thank-you each for the 20 not answered"
    assert max(spent) <= 3000, spent
    print(f"\nbig mailbox first run: {len(spent)} tick(s), units per tick {spent}")


def test_empty_history_pages_skip_nothing(world: World) -> None:
    world.sandbox.set_empty_history_pages("every")
    acme(world)
    world.tick(at(19, 5))
    (draft,) = world.drafts()
    world.at(at(19, 30))
    world.sandbox.user_send_draft(draft["id"])
    world.tick(at(19, 40))
    assert thank_you(world)["state"] == "sent"


def test_drafts_are_from_the_default_send_as_alias_with_its_name_and_signature(
    world: World,
) -> None:
    config = world.home / "config.toml"  # leave name and signature to Gmail
    text = config.read_text()
    config.write_text(text.replace('name = "Casey Candidate"\n', "").replace(
        'signature = "Casey Candidate\\n+1 555 0100"\n', ""))
    world.sandbox.add_send_as_alias(
        "casey@casey.dev", "Casey C. Candidate", "<div>Casey C.<br>casey.dev</div>"
    )
    acme(world)
    world.tick(at(19, 5))
    (draft,) = world.drafts()
    msg = headers(draft)
    assert parseaddr(str(msg["From"])) == ("Casey C. Candidate", "casey@casey.dev")
    assert "Casey C.\ncasey.dev" in msg.get_content().replace("\r\n", "\n")


def test_mail_sent_from_an_alias_is_the_candidates_own(world: World) -> None:
    world.sandbox.add_send_as_alias("casey@casey.dev", "Casey", "")
    acme(world)
    own = EmailMessage()
    own["From"], own["To"], own["Subject"] = "Casey <casey@casey.dev>", "jane@acme.com", "Thanks!"
    own.set_content("Thank you for today.")
    world.at(at(18, 30))
    world.sandbox.user_send_message(own)
    world.tick(at(19, 5))
    assert thank_you(world)["state"] == "sent_by_user"
    assert world.drafts() == []
    assert world.interview("Acme")["status"] == "active"


def test_a_draft_edited_under_a_new_id_is_followed_not_made_again(world: World) -> None:
    acme(world)
    world.tick(at(19, 5))
    (draft,) = world.drafts()
    world.at(at(19, 30))
    edited = world.sandbox.user_edit_draft(draft["id"], new_id=True, drop_custom_headers=True)
    world.tick(at(19, 40))
    step = thank_you(world)
    assert (step["state"], step["draft_id"]) == ("drafted", edited["id"])
    world.tick(at(16, 35, day=1))  # the check-in waits for the edited thank-you
    assert [d["id"] for d in world.drafts()] == [edited["id"]]
    world.at(at(17, day=1))
    world.sandbox.user_send_draft(edited["id"], drop_custom_headers=True)
    world.tick(at(17, 5, day=1))
    assert thank_you(world)["state"] == "sent"


def test_a_sent_copy_without_the_key_header_settles_its_step(world: World) -> None:
    acme(world)
    world.tick(at(19, 5))
    (draft,) = world.drafts()
    world.at(at(19, 30))
    world.sandbox.user_send_draft(draft["id"], drop_custom_headers=True)
    world.tick(at(19, 40))
    assert thank_you(world)["state"] == "sent"


def test_a_private_event_leaves_no_trace_in_state_db(world: World) -> None:
    world.sandbox.add_event(
        "primary", summary="Therapy - Dr. Smith", start=at(11), end=at(12),
        description="Talk about the divorce", attendees=[{"email": "smith@clinic.example"}],
    )
    acme(world)
    dump = "\n".join(sqlite3.connect(world.home / "state.db").iterdump())
    assert "Interview with Acme" in dump
    assert not any(s in dump for s in ("Therapy", "divorce", "smith@clinic"))
