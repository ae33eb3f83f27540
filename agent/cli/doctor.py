"""`followup doctor`: check each part of a setup and say what to do about each failure."""

from __future__ import annotations

import contextlib
import functools
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click
from googleapiclient.errors import HttpError

from agent.cli.failures import as_followup_error
from agent.cli.health import stored_problem
from agent.cli.options import Obj, current_time
from agent.cli.service import SYSTEMS, ServiceError
from agent.cli.service_files import this_system
from agent.cli.tick import build_services_for
from agent.core.compose import sender_for
from agent.core.errors import FollowupError, SettingsError
from agent.core.ports import Account
from agent.core.settings import Paths, Settings
from agent.core.text import escaped
from agent.files.paths import open_to_others, resolve_paths
from agent.files.templates import load_templates
from agent.google.auth import fresh_credentials, required_scopes
from agent.google.client import Services
from agent.google.gmail import Gmail
from agent.store.db import open_store
from agent.store.lock import RunLock


@dataclass(frozen=True)
class Check:
    """The verdict on one part of the setup."""

    name: str
    ok: bool
    detail: str
    exit_code: int = 0
    warn: bool = False  # ok, but worth fixing (shown as WARN; the exit code stays 0)


def _run(name: str, fn: Callable[[], str], paths: Paths | None = None) -> Check:
    """Run one check; a FollowupError (or other failure) becomes a FAIL line."""
    try:
        return Check(name, True, fn())
    except Exception as exc:  # a doctor reports, it does not crash
        error = as_followup_error(exc, paths)  # a FollowupError is itself
        if error is None:
            return Check(name, False, f"unexpected {type(exc).__name__}: {exc}", 1)
        return Check(name, False, str(error), error.exit_code)


def check_templates(settings: Settings) -> str:
    """Render every template once with sample data."""
    templates = load_templates(settings.paths.templates_dir)
    errors = templates.check_all()
    if errors:
        raise errors[0]
    where = settings.paths.templates_dir
    mine = len(list(where.glob("*.j2"))) if where.is_dir() else 0
    return f"all templates render ({mine} of yours in {where})" if mine else "all templates render"


def check_token(settings: Settings) -> str:
    """Token present, private, with the right scopes, and refreshable."""
    scopes = required_scopes(settings.reminders.enabled)
    creds = fresh_credentials(settings.paths.token_file, scopes, endpoint=settings.google.endpoint)
    fresh = "access works" if creds.valid else "access must be renewed at the next run"
    return f"{settings.paths.token_file} is private, has the scopes, {fresh}"


def check_google(settings: Settings, account: Callable[[], Account]) -> str:
    """The account and each watched calendar answer; a calendar Google does not know is named."""
    services = build_services_for(settings)
    address = account().address
    zones = {cid: _calendar_zone(services, cid) for cid in settings.calendar.watched}
    missing = [cid for cid, zone in zones.items() if zone is None]
    if missing:
        names = ", ".join(repr(cid) for cid in missing)
        raise SettingsError(
            f"no calendar {names} in {address}'s Google Calendar (or not shared with it); "
            f"fix [calendar] watched in {settings.paths.config_file}"
        )
    listed = ", ".join(f"{cid} ({zone or 'no zone'})" for cid, zone in zones.items())
    return f"Gmail {address}; calendars {listed}"


def check_sender(settings: Settings, account: Callable[[], Account]) -> Check:
    """Who drafts are from: the default send-as address; the settings' name and signature first."""
    note = ""
    try:
        got = account()
    except FollowupError as exc:
        got, note = Account("", ""), f" (could not read Gmail's: {exc})"
    who = sender_for(settings.user, got)
    name_from, signature_from = (
        "from settings" if mine.strip() else "from Gmail"
        for mine in (settings.user.name, settings.user.signature)
    )
    missing = [
        what for what, value in (("name", who.name), ("signature", who.signature)) if not value
    ]
    if missing:
        what = " and no ".join(missing)
        return Check(
            "sender", True,
            f"drafts would be signed with no {what}: set [user] name / signature in "
            f"{settings.paths.config_file}, or your name and signature in Gmail's settings{note}",
            warn=True,
        )
    signature = escaped(who.signature.replace("\n", " | "))
    return Check(
        "sender", True,
        f'from {escaped(who.address) or "your address"}, name "{escaped(who.name)}" ({name_from}), '
        f'signature "{signature}" ({signature_from}){note}',
    )


def _calendar_zone(services: Services, calendar_id: str) -> str | None:
    """The calendar's time zone ('' if it has none), or None when it answers 404."""
    request = services.calendar.events().list(calendarId=calendar_id, maxResults=1)
    try:
        page = services.api.read(
            request, f"reading calendar {calendar_id!r}", expect=frozenset({404})
        )
    except HttpError:
        return None
    return str(page.get("timeZone", ""))


def check_state(settings: Settings) -> str:
    """state.db opens at a schema this version knows."""
    existed = settings.paths.state_db.exists()
    with open_store(settings.paths.state_db) as store:
        version = store.schema_version
    made = "" if existed else " (created)"
    return f"{settings.paths.state_db}{made} at schema version {version}"


def check_lock(settings: Settings) -> str:
    """Whether a run is active now."""
    lock = RunLock(settings.paths.lock_file)
    if lock.acquire():
        lock.release()
        return "no other run is active"
    pid = lock.holder_pid()
    who = f" (pid {pid})" if pid else ""
    return f"a run is active now{who}; that is fine while the service runs"


def check_files(paths: Paths) -> Check:
    """followup's folders and files are readable by the user alone."""
    exposed = open_to_others(paths)
    if not exposed:
        return Check("files", True, "followup's folders and files are readable by you alone")
    fixes = [
        f"`chmod {mode} {' '.join(shlex.quote(str(p)) for p in found)}`"
        for mode, found in (("700", [p for p in exposed if p.is_dir()]),
                            ("600", [p for p in exposed if not p.is_dir()]))
        if found
    ]
    shown = ", ".join(str(p) for p in exposed)
    return Check("files", True, f"others can read {shown}: run {' and '.join(fixes)}", warn=True)


def check_service() -> Check:
    """The service for this system installed and running; WARN (never FAIL) when not."""
    try:
        state = SYSTEMS[this_system()].state()
    except ServiceError as exc:
        return Check("service", True, f"cannot tell: {exc}", warn=True)
    todo = "" if state.installed else "; `followup service install` sets it up (or use cron)"
    return Check("service", True, state.describe() + todo, warn=not state.running)


def run_checks(load: Callable[[], Settings]) -> list[Check]:
    """Every check in order; later checks are skipped when settings cannot load."""
    checks: list[Check] = []
    try:
        settings = load()
    except FollowupError as exc:
        return [Check("settings", False, str(exc), exc.exit_code)]
    paths = settings.paths
    where: Path = paths.config_file
    checks.append(Check("settings", True, f"{where}" + ("" if where.exists() else " (defaults)")))
    checks.append(_run("templates", lambda: check_templates(settings), paths))
    token = _run("token", lambda: check_token(settings), paths)
    checks.append(token)
    if token.ok:
        account = functools.cache(lambda: Gmail(build_services_for(settings)).account())
        checks.append(_run("google", lambda: check_google(settings, account), paths))
        try:
            checks.append(check_sender(settings, account))
        except Exception as exc:  # a doctor reports, it does not crash
            checks.append(Check("sender", True, f"could not check: {exc}", warn=True))
    else:
        checks.append(Check("google", False, "skipped: needs a working token", token.exit_code))
    checks.append(_run("state", lambda: check_state(settings), paths))
    checks.append(_run("lock", lambda: check_lock(settings), paths))
    checks.append(check_files(paths))
    checks.append(check_service())
    return checks


def summary(checks: list[Check]) -> str:
    """The last line: ready for whom, or how many things to fix."""
    failed = [c for c in checks if not c.ok]
    if failed:
        things = "one thing" if len(failed) == 1 else f"{len(failed)} things"
        return f"not ready: fix {things} marked FAIL above, then run `followup doctor` again"
    google = next((c.detail for c in checks if c.name == "google"), "")
    account = google.removeprefix("Gmail ").split(";", 1)[0] if google else ""
    return f"ready: followup will draft for {account}" if account else "ready"


@click.command()
@click.pass_obj
def doctor(obj: Obj) -> None:
    """Check settings, templates, token, Google, sender, state, lock, files and the service."""
    timezone = ""
    with contextlib.suppress(FollowupError):
        timezone = obj.settings().user.timezone
    problem = stored_problem(resolve_paths(obj.config), timezone, current_time())
    if problem:
        click.echo(click.style(problem, fg="red", bold=True))
    checks = run_checks(lambda: obj.settings(full=True))
    width = max(len(c.name) for c in checks)
    for c in checks:
        mark = click.style("OK  ", fg="green") if c.ok else click.style("FAIL", fg="red")
        if c.ok and c.warn:
            mark = click.style("WARN", fg="yellow")
        click.echo(f"{mark} {c.name:<{width}}  {c.detail}")
    click.echo(summary(checks))
    failed = [c for c in checks if not c.ok]
    if failed:
        sys.exit(failed[0].exit_code or 1)
