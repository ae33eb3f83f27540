"""The etiquette's schedule (plan) and the missed-steps rule (select_due)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from agent.core.business import BusinessCalendar
from agent.core.etiquette import Due, Plan, plan, select_due
from agent.core.interviews import Contact, Interview, Notes
from agent.core.model import EMAIL_STEPS, StepName
from agent.core.settings import ScheduleSettings

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
US = BusinessCalendar(country="US")
DE = BusinessCalendar(country="DE")
PLAIN = BusinessCalendar()
DEFAULTS = ScheduleSettings()
JANE = Contact("jane@acme.com", "Jane Doe")
SAM = Contact("sam@acme.com", "Sam Lead")
LEE = Contact("lee@acme.com", "Lee Manager")
S = StepName


def make(
    start: datetime,
    minutes: int = 60,
    *,
    follow_up: str | None = None,
    contacts: tuple[Contact, ...] = (JANE,),
) -> Interview:
    """An interview at Acme starting at `start`, lasting `minutes`."""
    return Interview(
        key="primary/ev1",
        calendar_id="primary",
        event_id="ev1",
        title="Interview with Acme",
        start=start,
        end=start + timedelta(minutes=minutes),
        contacts=contacts,
        primary=contacts[0],
        company="Acme",
        role="the role",
        notes=Notes(follow_up=follow_up),
    )


def make_plan(
    interview: Interview,
    zone: ZoneInfo = NY,
    calendar: BusinessCalendar = US,
    schedule: ScheduleSettings = DEFAULTS,
    **kwargs: object,
) -> Plan:
    """plan() with defaults."""
    return plan(interview, schedule=schedule, zone=zone, calendar=calendar, **kwargs)  # type: ignore[arg-type]


def dues(the_plan: Plan) -> dict[StepName, datetime]:
    """Step name -> due."""
    return {step.name: step.due for step in the_plan.steps}


def at(y: int, mo: int, d: int, h: int, mi: int = 0, zone: ZoneInfo = NY) -> datetime:
    """A wall-clock time in `zone`."""
    return datetime(y, mo, d, h, mi, tzinfo=zone)


MONDAY = at(2026, 11, 30, 10)  # Monday; US calendar has no holiday that week


def test_unnamed_follow_up_default_schedule() -> None:
    the_plan = make_plan(make(MONDAY))
    assert [s.name for s in the_plan.steps] == list(S)
    assert dues(the_plan) == {
        S.ASK: at(2026, 11, 30, 10, 50),
        S.THANK_YOU: at(2026, 11, 30, 19),
        S.CHECK_IN: at(2026, 12, 1, 16, 30),
        S.REMINDER: at(2026, 12, 4, 10),
        S.CLOSED: at(2026, 12, 11, 10),
    }
    assert the_plan.step(S.CHECK_IN).branch == "next_day"
    assert the_plan.warnings == ()


def test_recipients() -> None:
    the_plan = make_plan(make(MONDAY, contacts=(SAM, JANE, LEE)))
    recipients = {s.name: s.recipients for s in the_plan.steps}
    assert recipients == {
        S.ASK: (),
        S.THANK_YOU: (SAM, JANE, LEE),
        S.CHECK_IN: (SAM,),
        S.REMINDER: (SAM,),
        S.CLOSED: (),
    }
    assert [s.name in EMAIL_STEPS for s in the_plan.steps] == [False, True, True, True, False]


@pytest.mark.parametrize(
    ("follow_up", "check_in", "reminder", "closed"),
    [
        ("Thursday", at(2026, 12, 3, 10), at(2026, 12, 8, 10), at(2026, 12, 15, 10)),
        ("Thursday at 2pm", at(2026, 12, 3, 14), at(2026, 12, 8, 10), at(2026, 12, 15, 10)),
        ("2026-12-03 08:15", at(2026, 12, 3, 8, 15), at(2026, 12, 8, 10), at(2026, 12, 15, 10)),
        ("tomorrow", at(2026, 12, 1, 10), at(2026, 12, 4, 10), at(2026, 12, 11, 10)),
        ("next week", at(2026, 12, 7, 10), at(2026, 12, 10, 10), at(2026, 12, 17, 10)),
    ],
)
def test_named_follow_up(
    follow_up: str, check_in: datetime, reminder: datetime, closed: datetime
) -> None:
    the_plan = make_plan(make(MONDAY, follow_up=follow_up))
    assert the_plan.step(S.CHECK_IN).branch == "named"
    assert (the_plan.step(S.CHECK_IN).due, the_plan.step(S.REMINDER).due) == (check_in, reminder)
    assert the_plan.step(S.CLOSED).due == closed
    assert the_plan.warnings == ()


def test_named_day_that_is_not_a_business_day_is_kept_with_a_warning() -> None:
    the_plan = make_plan(make(MONDAY, follow_up="Saturday"))
    assert the_plan.step(S.CHECK_IN).due == at(2026, 12, 5, 10)
    assert the_plan.step(S.REMINDER).due == at(2026, 12, 9, 10)
    assert the_plan.warnings == (
        "follow-up date Sat 2026-12-05 is not a business day (not a working day); "
        "keeping it as named",
    )


def test_named_holiday_is_kept_with_its_name() -> None:
    the_plan = make_plan(make(at(2026, 11, 23, 10), follow_up="Thursday"))
    assert the_plan.step(S.CHECK_IN).due == at(2026, 11, 26, 10)
    assert the_plan.warnings == (
        "follow-up date Thu 2026-11-26 is not a business day (Thanksgiving Day); "
        "keeping it as named",
    )


@pytest.mark.parametrize(
    ("follow_up", "warning"),
    [
        ("blah", 'could not read follow-up date "blah"; using the next business day'),
        (
            "today",
            'follow-up date "today" (Mon 2026-11-30) is not after the interview day; '
            "using the next business day",
        ),
        (
            "Nov 29",
            'follow-up date "Nov 29" (Sun 2026-11-29) is not after the interview day; '
            "using the next business day",
        ),
    ],
)
def test_unusable_follow_up_falls_back_with_a_warning(follow_up: str, warning: str) -> None:
    the_plan = make_plan(make(MONDAY, follow_up=follow_up))
    assert the_plan.step(S.CHECK_IN).due == at(2026, 12, 1, 16, 30)
    assert the_plan.step(S.CHECK_IN).branch == "next_day"
    assert the_plan.warnings == (warning,)


def test_named_time_before_a_late_thank_you_falls_back() -> None:
    late = make(at(2026, 11, 30, 23, 0), minutes=50, follow_up="2026-12-01 00:10")
    the_plan = make_plan(late)
    assert the_plan.step(S.THANK_YOU).due == at(2026, 12, 1, 0, 20)
    assert the_plan.step(S.CHECK_IN).due == at(2026, 12, 1, 16, 30)
    assert the_plan.warnings == (
        'follow-up time "2026-12-01 00:10" is not after the thank-you; '
        "using the next business day",
    )


def test_friday_interview() -> None:
    the_plan = make_plan(make(at(2026, 11, 6, 14)), calendar=PLAIN)
    assert dues(the_plan) == {
        S.ASK: at(2026, 11, 6, 14, 50),
        S.THANK_YOU: at(2026, 11, 6, 19),
        S.CHECK_IN: at(2026, 11, 9, 16, 30),  # Monday
        S.REMINDER: at(2026, 11, 12, 10),  # Thursday
        S.CLOSED: at(2026, 11, 19, 10),  # next Thursday
    }


def test_late_interview_thank_you_thirty_minutes_after_it_ends() -> None:
    the_plan = make_plan(make(at(2026, 11, 30, 18, 45)))  # ends 19:45
    assert the_plan.step(S.THANK_YOU).due == at(2026, 11, 30, 20, 15)
    assert the_plan.step(S.ASK).due == at(2026, 11, 30, 19, 35)


def test_minutes_are_elapsed_time_across_the_dst_change() -> None:
    # 00:30 EDT to 01:05 EST on the night clocks go back: 95 minutes
    start = datetime(2026, 11, 1, 4, 30, tzinfo=UTC)
    the_plan = make_plan(make(start, minutes=95))
    ask = the_plan.step(S.ASK).due
    assert ask.astimezone(UTC) == datetime(2026, 11, 1, 5, 55, tzinfo=UTC)
    assert ask.utcoffset() == timedelta(hours=-4)


def test_short_interview_ask_not_before_it_starts() -> None:
    the_plan = make_plan(make(MONDAY, minutes=5))
    assert the_plan.step(S.ASK).due == MONDAY


def test_interview_day_is_taken_in_the_users_zone() -> None:
    start = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Monday 21:00 in New York
    the_plan = make_plan(make(start))
    assert the_plan.step(S.THANK_YOU).due == at(2026, 11, 30, 22, 30)
    assert the_plan.step(S.CHECK_IN).due == at(2026, 12, 1, 16, 30)
    assert all(step.due.tzinfo is NY for step in the_plan.steps)


def test_dst_ends_new_york() -> None:
    the_plan = make_plan(make(at(2026, 10, 30, 10)))  # Friday; clocks go back Sun Nov 1
    expected = {
        S.ASK: (datetime(2026, 10, 30, 10, 50), -4),
        S.THANK_YOU: (datetime(2026, 10, 30, 19, 0), -4),
        S.CHECK_IN: (datetime(2026, 11, 2, 16, 30), -5),
        S.REMINDER: (datetime(2026, 11, 5, 10, 0), -5),
        S.CLOSED: (datetime(2026, 11, 13, 10, 0), -5),  # Veterans Day (Wed 11th) skipped
    }
    for step in the_plan.steps:
        wall, offset = expected[step.name]
        assert step.due.replace(tzinfo=None) == wall
        assert step.due.utcoffset() == timedelta(hours=offset)
    check_in_utc = the_plan.step(S.CHECK_IN).due.astimezone(UTC)
    assert check_in_utc == datetime(2026, 11, 2, 21, 30, tzinfo=UTC)


def test_dst_starts_berlin() -> None:
    start = at(2026, 3, 27, 10, zone=BERLIN)  # Friday; clocks go forward Sun Mar 29
    the_plan = make_plan(make(start), zone=BERLIN, calendar=DE)
    expected = {
        S.ASK: (datetime(2026, 3, 27, 10, 50), 1),
        S.THANK_YOU: (datetime(2026, 3, 27, 19, 0), 1),
        S.CHECK_IN: (datetime(2026, 3, 30, 16, 30), 2),
        S.REMINDER: (datetime(2026, 4, 2, 10, 0), 2),
        S.CLOSED: (datetime(2026, 4, 13, 10, 0), 2),  # Good Friday and Easter Monday skipped
    }
    for step in the_plan.steps:
        wall, offset = expected[step.name]
        assert step.due.replace(tzinfo=None) == wall
        assert step.due.utcoffset() == timedelta(hours=offset)
    check_in_utc = the_plan.step(S.CHECK_IN).due.astimezone(UTC)
    assert check_in_utc == datetime(2026, 3, 30, 14, 30, tzinfo=UTC)


def test_holiday_in_the_gap() -> None:
    the_plan = make_plan(make(at(2026, 11, 25, 10)))  # Wednesday before Thanksgiving
    assert the_plan.step(S.CHECK_IN).due == at(2026, 11, 27, 16, 30)
    assert the_plan.step(S.REMINDER).due == at(2026, 12, 2, 10)
    assert the_plan.step(S.CLOSED).due == at(2026, 12, 9, 10)


def test_schedule_settings_drive_every_time() -> None:
    schedule = ScheduleSettings(
        ask_minutes_before_end=15,
        thank_you_time=time(18, 0),
        thank_you_min_minutes_after_end=60,
        check_in_default_time=time(17, 0),
        check_in_default_business_days=2,
        reminder_time=time(9, 30),
        reminder_business_days=4,
        closed_business_days=10,
    )
    the_plan = make_plan(make(at(2026, 11, 30, 16, 30)), schedule=schedule)
    assert dues(the_plan) == {
        S.ASK: at(2026, 11, 30, 17, 15),
        S.THANK_YOU: at(2026, 11, 30, 18, 30),
        S.CHECK_IN: at(2026, 12, 2, 17),
        S.REMINDER: at(2026, 12, 8, 9, 30),
        S.CLOSED: at(2026, 12, 22, 9, 30),
    }


def test_named_time_setting() -> None:
    schedule = ScheduleSettings(check_in_named_time=time(11, 15))
    the_plan = make_plan(make(MONDAY, follow_up="Thursday"), schedule=schedule)
    assert the_plan.step(S.CHECK_IN).due == at(2026, 12, 3, 11, 15)


# --- delay_until (out of office) ---


def test_delay_moves_steps_and_later_ones_chain() -> None:
    the_plan = make_plan(make(MONDAY), delay_until=date(2026, 12, 2))
    assert dues(the_plan) == {
        S.ASK: at(2026, 11, 30, 10, 50),  # never moved
        S.THANK_YOU: at(2026, 12, 3, 19),
        S.CHECK_IN: at(2026, 12, 4, 16, 30),
        S.REMINDER: at(2026, 12, 9, 10),
        S.CLOSED: at(2026, 12, 16, 10),
    }


def test_delay_after_the_thank_you_was_sent_moves_the_check_in_to_the_day_after() -> None:
    settled = {S.ASK: True, S.THANK_YOU: True}
    the_plan = make_plan(make(MONDAY), delay_until=date(2026, 12, 2), settled=settled)
    assert dues(the_plan) == {
        S.ASK: at(2026, 11, 30, 10, 50),
        S.THANK_YOU: at(2026, 11, 30, 19),
        S.CHECK_IN: at(2026, 12, 3, 16, 30),
        S.REMINDER: at(2026, 12, 8, 10),
        S.CLOSED: at(2026, 12, 15, 10),
    }


def test_delay_reaching_only_the_reminder() -> None:
    settled = {S.ASK: True, S.THANK_YOU: True, S.CHECK_IN: True}
    the_plan = make_plan(make(MONDAY), delay_until=date(2026, 12, 7), settled=settled)
    assert the_plan.step(S.CHECK_IN).due == at(2026, 12, 1, 16, 30)
    assert the_plan.step(S.REMINDER).due == at(2026, 12, 8, 10)
    assert the_plan.step(S.CLOSED).due == at(2026, 12, 15, 10)


def test_delay_before_the_steps_changes_nothing() -> None:
    assert make_plan(make(MONDAY), delay_until=date(2026, 11, 29)) == make_plan(make(MONDAY))


def test_delay_keeps_a_later_named_check_in() -> None:
    settled = {S.ASK: True, S.THANK_YOU: True}
    interview = make(MONDAY, follow_up="Dec 10 at 3pm")
    the_plan = make_plan(interview, delay_until=date(2026, 12, 2), settled=settled)
    assert the_plan.step(S.CHECK_IN).due == at(2026, 12, 10, 15)
    assert the_plan == make_plan(interview)


def test_delay_lands_on_the_first_business_day_after_a_holiday() -> None:
    settled = {S.ASK: True, S.THANK_YOU: True}
    interview = make(at(2026, 11, 23, 10))
    the_plan = make_plan(interview, delay_until=date(2026, 11, 25), settled=settled)
    assert the_plan.step(S.CHECK_IN).due == at(2026, 11, 27, 16, 30)


@pytest.mark.parametrize("until", [date(2026, 11, 30) + timedelta(days=n) for n in range(0, 20, 3)])
def test_delay_never_makes_a_step_earlier_and_keeps_the_order(until: date) -> None:
    before = make_plan(make(MONDAY))
    after = make_plan(make(MONDAY), delay_until=until)
    for old, new in zip(before.steps, after.steps, strict=True):
        assert new.due >= old.due
        assert new.due.tzinfo is NY
        if old.name != S.ASK and old.due.date() <= until:
            assert new.due.date() > until
    times = [s.due for s in after.steps]
    assert times == sorted(times)


# --- select_due: the missed-steps rule ---

PLAN = make_plan(make(MONDAY), calendar=PLAIN)
# ask Mon 10:50, thank_you Mon 19:00, check_in Tue 16:30, reminder Fri 12-04 10:00,
# closed Fri 12-11 10:00
MISSED = "missed while followup was not running; the {} step was already due"


def test_nothing_due_yet() -> None:
    due = select_due(PLAN, at(2026, 11, 30, 9), {})
    assert due == Due(act=None, skip=(), next_due=at(2026, 11, 30, 10, 50))


def test_ask_cue_alone() -> None:
    due = select_due(PLAN, at(2026, 11, 30, 10, 55), {})
    assert due == Due(act=PLAN.step(S.ASK), skip=(), next_due=at(2026, 11, 30, 19))


def test_ask_is_skipped_once_thank_you_is_due_and_skips_nothing_else() -> None:
    due = select_due(PLAN, at(2026, 11, 30, 19, 5), {})
    assert due.act == PLAN.step(S.THANK_YOU)
    assert due.skip == (
        (PLAN.step(S.ASK), "the interview is over: the thank_you step is already due"),
    )
    assert due.next_due == at(2026, 12, 1, 16, 30)


def test_ask_is_skipped_once_thank_you_is_due_even_if_thank_you_is_settled() -> None:
    due = select_due(PLAN, at(2026, 11, 30, 19, 5), {S.THANK_YOU: True})
    assert due.act is None
    assert [(step.name, why) for step, why in due.skip] == [
        (S.ASK, "the interview is over: the thank_you step is already due")
    ]


def test_due_exactly_now_counts() -> None:
    due = select_due(PLAN, at(2026, 11, 30, 19), {S.ASK: True})
    assert due.act == PLAN.step(S.THANK_YOU)
    assert due.skip == ()


def test_missed_thank_you_is_skipped_for_the_check_in() -> None:
    due = select_due(PLAN, at(2026, 12, 2, 9), {S.ASK: True, S.THANK_YOU: False})
    assert due.act == PLAN.step(S.CHECK_IN)
    assert due.skip == ((PLAN.step(S.THANK_YOU), MISSED.format("check_in")),)
    assert due.next_due == at(2026, 12, 4, 10)


def test_long_gap_acts_on_the_latest_only() -> None:
    due = select_due(PLAN, at(2026, 12, 5, 9), {S.ASK: True})
    assert due.act == PLAN.step(S.REMINDER)
    assert due.skip == (
        (PLAN.step(S.THANK_YOU), MISSED.format("reminder")),
        (PLAN.step(S.CHECK_IN), MISSED.format("reminder")),
    )
    assert due.next_due == at(2026, 12, 11, 10)


def test_closed_acts_like_any_step() -> None:
    due = select_due(PLAN, at(2026, 12, 20, 9), {})
    assert due.act == PLAN.step(S.CLOSED)
    assert [step.name for step, _ in due.skip] == [S.ASK, S.THANK_YOU, S.CHECK_IN, S.REMINDER]
    assert due.skip[0][1] == "the interview is over: the thank_you step is already due"
    assert due.skip[3][1] == MISSED.format("closed")
    assert due.next_due is None


def test_settled_steps_are_left_alone() -> None:
    settled = dict.fromkeys(S, True)
    assert select_due(PLAN, at(2026, 12, 20, 9), settled) == Due(act=None, skip=(), next_due=None)
    partly = {S.ASK: True, S.THANK_YOU: True, S.CHECK_IN: True}
    assert select_due(PLAN, at(2026, 12, 2, 9), partly) == Due(
        act=None, skip=(), next_due=at(2026, 12, 4, 10)
    )


def test_now_in_another_zone() -> None:
    now = datetime(2026, 12, 1, 0, 5, tzinfo=UTC)  # Mon 19:05 in New York
    assert select_due(PLAN, now, {S.ASK: True}).act == PLAN.step(S.THANK_YOU)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        select_due(PLAN, datetime(2026, 12, 1, 0, 5), {})


def run_agent(the_plan: Plan, ticks: list[datetime]) -> tuple[list[StepName], list[StepName]]:
    """Apply select_due at each tick as the engine would: (acted, skipped) step names in order."""
    settled: dict[StepName, bool] = {}
    acted: list[StepName] = []
    skipped: list[StepName] = []
    for now in ticks:
        due = select_due(the_plan, now, settled)
        for step, _ in due.skip:
            assert not settled.get(step.name)
            skipped.append(step.name)
            settled[step.name] = True
        if due.act is not None:
            assert not settled.get(due.act.name)
            acted.append(due.act.name)
            settled[due.act.name] = True
        if due.next_due is not None:
            assert due.next_due > now
    return acted, skipped


def test_a_daemon_running_all_along_acts_on_every_step_once() -> None:
    start = at(2026, 11, 30, 0)
    ticks = [start + timedelta(minutes=10 * i) for i in range(6 * 24 * 14)]
    assert run_agent(PLAN, ticks) == (list(S), [])


@pytest.mark.parametrize("gap_hours", [1, 7, 23, 50, 100, 200, 400])
def test_intermittent_runs_never_act_twice_at_once_and_settle_everything(gap_hours: int) -> None:
    start = at(2026, 11, 30, 0)
    ticks = [start + timedelta(hours=gap_hours * i) for i in range(1 + 24 * 30 // gap_hours)]
    acted, skipped = run_agent(PLAN, ticks)
    assert sorted([*acted, *skipped]) == sorted(S)
    assert acted[-1] == S.CLOSED
    assert acted == sorted(acted, key=list(S).index)


# --- one unsent draft per contact (docs/etiquette.md) ------------------------------------------

MON = datetime(2026, 11, 30, 14, tzinfo=NY)  # Thursday Dec 3 is named below


def _paced(**mail: object) -> Plan:
    """The Monday interview's plan with the main contact's mail states."""
    from agent.core.etiquette import MailState

    states = {StepName(k): MailState(**v) for k, v in mail.items()}  # type: ignore[arg-type]
    return make_plan(make(MON, follow_up="Thursday"), mail=states)


def test_named_date_still_ahead_of_the_send_keeps_it() -> None:
    p = _paced(thank_you={"sent_at": datetime(2026, 12, 2, 9, tzinfo=NY)})
    check_in = p.step(S.CHECK_IN)
    assert (check_in.due, check_in.branch) == (datetime(2026, 12, 3, 10, tzinfo=NY), "named")
    assert p.step(S.REMINDER).due == datetime(2026, 12, 8, 10, tzinfo=NY)


def test_named_date_passed_by_the_send_uses_the_next_business_day_after_it() -> None:
    p = _paced(thank_you={"sent_at": datetime(2026, 12, 4, 11, tzinfo=NY)})  # a Friday
    check_in = p.step(S.CHECK_IN)
    assert (check_in.due, check_in.branch) == (datetime(2026, 12, 7, 16, 30, tzinfo=NY), "next_day")
    assert p.step(S.REMINDER).due == datetime(2026, 12, 10, 10, tzinfo=NY)
    assert p.step(S.CLOSED).due == datetime(2026, 12, 17, 10, tzinfo=NY)


def test_unsent_draft_holds_later_steps_and_closes_as_not_sent() -> None:
    p = _paced(thank_you={"unsent_since": datetime(2026, 11, 30, 19, tzinfo=NY)})
    assert [s.held for s in p.steps] == [False, False, True, True, False]
    wait = "waiting for you to send or delete the thank-you to Jane Doe"
    assert p.step(S.CHECK_IN).reason == wait
    closed = p.step(S.CLOSED)
    assert (closed.due, closed.branch) == (datetime(2026, 12, 14, 10, tzinfo=NY), "not_sent")
    due = select_due(p, datetime(2026, 12, 11, 10, tzinfo=NY), {S.ASK: True, S.THANK_YOU: True})
    assert due.act is None and due.skip == () and due.next_due == closed.due
