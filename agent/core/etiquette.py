"""The etiquette's schedule: when each step of an interview's sequence is due, and what is due now.

Times of day are wall-clock times in the user's zone; durations are added on the UTC time line.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from agent.core.business import BusinessCalendar
from agent.core.dates import parse_follow_up
from agent.core.formats import short_day
from agent.core.interviews import Contact, Interview, PlannedStep
from agent.core.model import STEP_ORDER, STEPS, StepName
from agent.core.settings import ScheduleSettings

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class Plan:
    """An interview's steps in order (ask, thank_you, check_in, reminder, closed), with warnings."""

    steps: tuple[PlannedStep, ...]
    warnings: tuple[str, ...] = ()

    def step(self, name: StepName) -> PlannedStep:
        """The planned step of that name (KeyError if the plan has none)."""
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)


@dataclass(frozen=True)
class Due:
    """What to do now: act on at most one step, skip the missed ones, wake up at next_due."""

    act: PlannedStep | None
    skip: tuple[tuple[PlannedStep, str], ...] = ()
    next_due: datetime | None = None


@dataclass(frozen=True)
class MailState:
    """What became of one email step to the main contact, as far as pacing the next goes."""

    sent_at: datetime | None = None  # the candidate sent it (our draft, or their own message)
    unsent_since: datetime | None = None  # our draft has waited unsent in Gmail since then
    dismissed_at: datetime | None = None  # the candidate deleted our draft


WAITING_PREFIX = "waiting for you to send or delete"  # status and agenda find held steps by it


def _at(day: date, t: time, zone: ZoneInfo) -> datetime:
    """The wall-clock time `t` on `day` in `zone` (a time skipped by DST lands just after)."""
    wall = datetime.combine(day, t.replace(tzinfo=None), tzinfo=zone)
    return wall.astimezone(UTC).astimezone(zone)


def _utc(moment: datetime) -> datetime:
    """`moment` on the UTC time line (aware datetimes only)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: pass timezone-aware times")
    return moment.astimezone(UTC)


def _later(a: datetime, b: datetime) -> datetime:
    """The later of two aware datetimes, compared on the UTC time line."""
    return a if _utc(a) >= _utc(b) else b


def _shift(moment: datetime, minutes: int, zone: ZoneInfo) -> datetime:
    """`moment` plus `minutes` of elapsed time, shown in `zone`."""
    return (_utc(moment) + timedelta(minutes=minutes)).astimezone(zone)


def _check_in(
    interview: Interview, thank_you: datetime, schedule: ScheduleSettings, zone: ZoneInfo,
    calendar: BusinessCalendar, warnings: list[str],
) -> tuple[datetime, str]:
    """The check-in time and branch ("named" or "next_day"), noting problems in `warnings`."""
    day = interview.start.astimezone(zone).date()
    default_day = calendar.add_business_days(day, schedule.check_in_default_business_days)
    default = (_at(default_day, schedule.check_in_default_time, zone), "next_day")
    text = (interview.notes.follow_up or "").strip()
    if not text:
        return default
    named = parse_follow_up(text, interview.end, zone, calendar)
    if named is None:
        problem = f'could not read follow-up date "{text}"'
    elif named.day <= day:
        problem = f'follow-up date "{text}" ({short_day(named.day)}) is not after the interview day'
    else:
        due = _at(named.day, named.at or schedule.check_in_named_time, zone)
        if _utc(due) > _utc(thank_you):
            if not calendar.is_business_day(named.day):
                why = calendar.holiday_name(named.day) or "not a working day"
                note = f"follow-up date {short_day(named.day)} is not a business day ({why})"
                warnings.append(f"{note}; keeping it as named")
            return due, "named"
        problem = f'follow-up time "{text}" is not after the thank-you'
    warnings.append(f"{problem}; using the next business day")
    return default


def _gaps(schedule: ScheduleSettings) -> dict[StepName, int]:
    """Business days from each step's predecessor, used when a delay makes steps chain."""
    return {
        StepName.CHECK_IN: schedule.check_in_default_business_days,
        StepName.REMINDER: schedule.reminder_business_days,
        StepName.CLOSED: schedule.closed_business_days,
    }


def _delay(
    steps: list[PlannedStep], until: date, schedule: ScheduleSettings, zone: ZoneInfo,
    calendar: BusinessCalendar, settled: Mapping[StepName, bool],
) -> list[PlannedStep]:
    """Move unsettled steps from thank_you on past `until`; later steps chain from moved ones."""
    gaps = _gaps(schedule)
    first_day = calendar.add_business_days(until, 1)
    out = [steps[0]]
    moved: PlannedStep | None = None
    for step in steps[1:]:
        due = step.due
        wall = due.time()
        if not settled.get(step.name, False):
            if moved is not None and step.name in gaps:
                chained_day = calendar.add_business_days(moved.due.date(), gaps[step.name])
                due = _later(due, _at(chained_day, wall, zone))
            if due.date() <= until:
                due = _at(first_day, wall, zone)
        new = replace(step, due=due)
        moved = new if due != step.due else None
        out.append(new)
    return out


_CHAIN = (StepName.THANK_YOU, StepName.CHECK_IN, StepName.REMINDER, StepName.CLOSED)


def _from_send(
    step: PlannedStep, sent_at: datetime, schedule: ScheduleSettings, zone: ZoneInfo,
    calendar: BusinessCalendar,
) -> PlannedStep:
    """The step planned from the moment the previous email was sent, by the table's rule."""
    sent_day = sent_at.astimezone(zone).date()
    if step.name == StepName.CHECK_IN:
        if step.branch == "named" and _utc(step.due) > _utc(sent_at):
            return step
        day = calendar.add_business_days(sent_day, schedule.check_in_default_business_days)
        due = _at(day, schedule.check_in_default_time, zone)
        if step.branch != "named":
            due = _later(due, step.due)
        return replace(step, due=due, branch="next_day")
    gap = _gaps(schedule)[step.name]
    due = _at(calendar.add_business_days(sent_day, gap), schedule.reminder_time, zone)
    return replace(step, due=_later(step.due, due))


def _pace(
    steps: list[PlannedStep], mail: Mapping[StepName, MailState], primary: Contact,
    schedule: ScheduleSettings, zone: ZoneInfo, calendar: BusinessCalendar,
) -> list[PlannedStep]:
    """At most one unsent draft per contact (docs/etiquette.md, "One unsent draft per contact")."""
    by_name = {s.name: s for s in steps}
    gaps = _gaps(schedule)
    moved: PlannedStep | None = None
    for before, name in itertools.pairwise(_CHAIN):
        step = by_name[name]
        state = mail.get(before, MailState())
        if state.unsent_since is not None:
            label, who = STEPS[before].label, primary.name.strip() or primary.email
            waiting = f"{WAITING_PREFIX} the {label} to {who}"
            for later in _CHAIN[_CHAIN.index(name) :]:
                by_name[later] = replace(by_name[later], held=True, reason=waiting)
            start = state.unsent_since.astimezone(zone).date()
            day = calendar.add_business_days(start, schedule.unsent_close_business_days)
            not_sent = f"not sent: the {label} draft to {who} was neither sent nor deleted"
            by_name[StepName.CLOSED] = replace(
                by_name[StepName.CLOSED], due=_at(day, schedule.reminder_time, zone),
                branch="not_sent", held=False, reason=not_sent,
            )
            break
        new = step
        if state.sent_at is not None:
            new = _from_send(step, state.sent_at, schedule, zone, calendar)
        elif state.dismissed_at is not None:
            new = replace(step, due=_later(step.due, state.dismissed_at.astimezone(zone)))
        if moved is not None and name in gaps:
            day = calendar.add_business_days(moved.due.date(), gaps[name])
            new = replace(new, due=_later(new.due, _at(day, step.due.time(), zone)))
        moved = new if new.due != step.due else None
        by_name[name] = new
    return [by_name[s.name] for s in steps]


def plan(
    interview: Interview, *, schedule: ScheduleSettings, zone: ZoneInfo,
    calendar: BusinessCalendar, delay_until: date | None = None,
    settled: Mapping[StepName, bool] | None = None,
    mail: Mapping[StepName, MailState] | None = None,
) -> Plan:
    """The interview's steps and their due times under the etiquette's table."""
    # `delay_until`: an out-of-office return date (see `_delay`); `settled` (as for `select_due`)
    # steps are never moved; `mail`: what became of each email step to the main contact.
    start = interview.start.astimezone(zone)
    end = interview.end.astimezone(zone)
    ask = _later(_shift(end, -schedule.ask_minutes_before_end, zone), start)
    thank_you = _later(
        _at(start.date(), schedule.thank_you_time, zone),
        _shift(end, schedule.thank_you_min_minutes_after_end, zone),
    )
    warnings: list[str] = []
    check_in, branch = _check_in(interview, thank_you, schedule, zone, calendar, warnings)
    reminder_day = calendar.add_business_days(check_in.date(), schedule.reminder_business_days)
    reminder = _at(reminder_day, schedule.reminder_time, zone)
    closed_day = calendar.add_business_days(reminder_day, schedule.closed_business_days)
    primary = (interview.primary,)
    steps = [
        PlannedStep(StepName.ASK, ask),
        PlannedStep(StepName.THANK_YOU, thank_you, interview.contacts),
        PlannedStep(StepName.CHECK_IN, check_in, primary, branch),
        PlannedStep(StepName.REMINDER, reminder, primary),
        PlannedStep(StepName.CLOSED, _at(closed_day, schedule.reminder_time, zone)),
    ]
    if delay_until is not None:
        steps = _delay(steps, delay_until, schedule, zone, calendar, settled or {})
    if mail:
        steps = _pace(steps, mail, interview.primary, schedule, zone, calendar)
    for warning in warnings:
        log.debug("%s: %s", interview.key, warning)
    return Plan(tuple(steps), tuple(warnings))


def select_due(plan: Plan, now: datetime, settled: Mapping[StepName, bool]) -> Due:
    """Act on the latest passed, unsettled step only; skip earlier ones so nothing bursts."""
    # The `ask` cue never makes another step skipped; it is itself skipped once thank_you is due.
    current = _utc(now)
    order = {name: i for i, name in enumerate(STEP_ORDER)}
    open_steps = [s for s in plan.steps if not settled.get(s.name, False) and not s.held]
    passed = [s for s in open_steps if _utc(s.due) <= current]
    upcoming = [s for s in open_steps if _utc(s.due) > current]
    next_due = min(upcoming, key=lambda s: _utc(s.due)).due if upcoming else None
    thank_you_due = any(
        s.name == StepName.THANK_YOU and _utc(s.due) <= current for s in plan.steps
    )
    mains = [s for s in passed if s.name != StepName.ASK]
    act = max(mains, key=lambda s: (_utc(s.due), order[s.name])) if mains else None
    skip: list[tuple[PlannedStep, str]] = []
    for step in passed:
        if step is act:
            continue
        if step.name == StepName.ASK:
            if act is None and not thank_you_due:
                act = step
                continue
            reason = "the interview is over: the thank_you step is already due"
        else:
            later = act.name if act is not None else "next"
            reason = f"missed while followup was not running; the {later} step was already due"
        skip.append((step, reason))
    return Due(act=act, skip=tuple(skip), next_due=next_due)
