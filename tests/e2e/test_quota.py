"""A real inbox's volume under Gmail's per-minute quota: never starved, never over budget."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from tests.e2e.world import NY, USER, World

COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli")
QUOTA = 6000  # Gmail's units per user per minute


def at(hour: int, minute: int = 0, day: int = 30) -> datetime:
    """A New York wall-clock moment in late November 2026."""
    return datetime(2026, 11, day, hour, minute, tzinfo=NY)


def five_interviews(world: World) -> None:
    """Five interviews ending at 15:00, each with its own interviewer and company domain."""
    for company in COMPANIES:
        lower = company.lower()
        world.add_interview(
            summary=f"Interview with {company}",
            start=at(14),
            interviewers=((f"Lee {company}", f"lee@{lower}.example"),),
        )


def list_mail(world: World, count: int, start: datetime, end: datetime) -> None:
    """`count` mailing-list messages spread between two moments (complete, so parsed once)."""
    step = (end - start) / count
    for i in range(count):
        when = start + step * i
        raw = (
            f"From: Weekly Digest <digest{i % 7}@lists.example.org>\r\nTo: {USER}\r\n"
            f"Subject: Digest #{i}: what happened today\r\n"
            f"Date: {format_datetime(when)}\r\nMessage-ID: <digest-{i}@lists.example.org>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nUnrelated news.\r\n"
        )
        world.sandbox.deliver(raw.encode(), internal_date=when)


def thank_yous(world: World) -> dict[str, str]:
    """Interview title -> state of its thank-you step."""
    out = {}
    for item in world.status_json()["interviews"]:
        for step in item["steps"]:
            if step["step"] == "thank_you":
                out[item["title"]] = step["state"]
    return out


def tick_units(world: World, moment: datetime, expect: int = 0) -> tuple[int, str]:
    """Run `followup tick` at a moment: (Gmail units it spent, its output)."""
    world.sandbox.clear_log()
    result = world.at(moment).cli("tick", expect=expect)
    assert not any(r.refused for r in world.sandbox.request_log() if expect == 0)
    return int(world.sandbox.units()["total"]), result.output


def test_a_burst_of_list_mail_never_starves_the_thank_yous(world: World) -> None:
    five_interviews(world)
    world.tick(at(9))
    list_mail(world, 1500, at(15, 1), at(18, 50))
    world.at(at(16, 30)).reply(
        sender="Lee Globex <lee@globex.example>", subject="Great talking today", when=at(16, 30)
    )
    bounce = EmailMessage()  # a delivery report outside any thread, naming a contact: about
    # no mail of the candidate's (nothing was sent to Hooli yet), so it pauses nothing
    bounce["From"] = "Mail Delivery Subsystem <mailer-daemon@googlemail.com>"
    bounce["To"] = USER
    bounce["Subject"] = "Delivery Status Notification (Failure)"
    bounce["X-Failed-Recipients"] = "lee@hooli.example"
    bounce.set_content("Your message to lee@hooli.example could not be delivered.")
    world.sandbox.deliver(bounce, internal_date=at(17))
    world.sandbox.set_quota(QUOTA)

    spent, _ = tick_units(world, at(19, 5))

    assert spent <= 3000, spent
    counts = world.sandbox.counts()
    assert counts.get("gmail.users.messages.get", 0) <= 3  # the reply and the bounce, not 1,500
    states = thank_yous(world)
    assert states["Interview with Acme"] == "drafted"
    assert states["Interview with Initech"] == "drafted"
    assert states["Interview with Umbrella"] == "drafted"
    assert states["Interview with Hooli"] == "drafted"
    globex = world.interview("Globex")
    assert globex["status"] == "replied", globex
    assert world.interview("Hooli")["status"] == "active"
    assert len(world.drafts()) == 4


def test_gmail_quota_ends_the_tick_cleanly_and_the_next_goes_on(world: World) -> None:
    five_interviews(world)
    world.tick(at(9))
    list_mail(world, 300, at(15, 1), at(18, 50))
    world.at(at(16, 30)).reply(
        sender="Lee Globex <lee@globex.example>", subject="Great talking today", when=at(16, 30)
    )
    world.sandbox.set_quota(60)  # the user's other Gmail apps leave this tick very little
    codes = []
    moment = at(19, 5)
    for _ in range(8):
        world.at(moment)
        result = world.cli("tick", expect=None)
        codes.append(result.exit_code)
        if result.exit_code:
            assert result.exit_code == 10, result.output
            assert "Gmail's quota" in result.output and "network" not in result.output
        if set(thank_yous(world).values()) <= {"drafted", "stopped"} and not result.exit_code:
            break
        moment += timedelta(minutes=1)
    assert 10 in codes, codes  # the limit was hit, and the ticks went on
    assert world.interview("Globex")["status"] == "replied"
    states = thank_yous(world)
    assert [states[f"Interview with {c}"] for c in ("Acme", "Initech", "Umbrella", "Hooli")] == [
        "drafted"
    ] * 4
    assert len(world.drafts()) == 4  # exactly once each, for all the stops


def test_relevant_mail_beyond_the_budget_is_read_over_several_ticks(world: World) -> None:
    config = world.home / "config.toml"
    config.write_text(config.read_text() + "unit_budget = 150\n")
    five_interviews(world)
    world.tick(at(9))
    for i in range(12):  # each worth a messages.get: from the companies' domains
        company = COMPANIES[i % 5].lower()
        world.reply(
            sender=f"Team <team{i}@{company}.example>",
            subject=f"Hello {i}",
            when=at(9, 30),  # before the interviews: no effect, but worth reading
        )
    spent: list[int] = []
    for minute in range(6):
        units, _ = tick_units(world, at(10, minute))
        spent.append(units)
    assert max(spent) <= 150, spent
    assert spent[0] > spent[-1], spent  # the backlog was worked off, then idle again
    reads = sum(1 for r in world.sandbox.request_log() if r.method == "gmail.users.messages.get")
    assert reads == 0  # by the last tick nothing was left to read


def test_a_rate_limit_403_is_gmails_quota_too(world: World) -> None:
    five_interviews(world)
    world.tick(at(9))
    world.sandbox.clear_log()
    world.sandbox.inject_fault(
        "gmail.users.history.list", 403, count=1, reason="userRateLimitExceeded"
    )
    result = world.at(at(9, 5)).cli("tick", expect=10)
    assert "Gmail's quota" in result.output and "network" not in result.output
    assert world.sandbox.counts()["gmail.users.history.list"] == 1  # not hammered with retries
    world.at(at(9, 6)).cli("tick")


def test_a_full_sync_stopped_by_the_quota_goes_on_where_it_stopped(world: World) -> None:
    five_interviews(world)
    world.tick(at(9))
    world.at(at(16)).reply(
        sender="Lee Hooli <lee@hooli.example>", subject="Next steps", when=at(16)
    )
    world.sandbox.expire_history()  # the laptop slept too long: a full sync is needed
    world.sandbox.set_quota(45)  # a few searches and one read a minute
    searched: list[int] = []
    moment = at(18)
    for _ in range(12):
        world.sandbox.clear_log()
        result = world.at(moment).cli("tick", expect=None)
        assert result.exit_code in (0, 10), result.output
        searched.append(
            sum(
                1
                for r in world.sandbox.request_log()
                if r.method == "gmail.users.messages.list" and not r.refused
            )
        )
        moment += timedelta(minutes=1)
        if not result.exit_code:
            break
    assert result.exit_code == 0 and len(searched) >= 2, searched
    # each interview's two searches were made once, whatever the stops in between
    assert sum(searched) == 2 * len(COMPANIES) + 1, searched  # + one search for bounces
    assert world.interview("Hooli")["status"] == "replied"
    world.sandbox.clear_log()
    world.at(moment).cli("tick")
    assert world.sandbox.counts().get("gmail.users.messages.list", 0) == 0  # history again


def test_a_combined_search_longer_than_a_url_still_finds_the_reply(world: World) -> None:
    for i in range(60):  # 60 long company domains: the query is sent as a POST override
        domain = f"recruiting-team-{i:02d}.very-long-company-name.example"
        world.add_interview(
            summary=f"Interview with Company {i:02d}",
            start=at(14),
            interviewers=((f"Lee {i}", f"lee@{domain}"),),
        )
    world.tick(at(9))
    world.reply(
        sender="Lee 59 <lee@recruiting-team-59.very-long-company-name.example>",
        subject="Thanks for today",
        when=at(16),
    )
    list_mail(world, 20, at(16, 1), at(16, 30))
    world.tick(at(16, 45))
    assert world.interview("Company 59")["status"] == "replied"
    assert world.sandbox.counts()["gmail.users.messages.get"] == 1
