"""Every failure a user can cause: one line on stderr, a distinct exit code, nothing half-done."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import click
import pytest

from agent.cli.main import main
from agent.cli.sandbox import write_sandbox_token
from tests.e2e.helpers import at, one_line, parsed, steps
from tests.e2e.world import World


def snapshot(path: Path) -> tuple[bytes, int]:
    """A file's bytes and modification time."""
    return path.read_bytes(), path.stat().st_mtime_ns


def closed_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_bad_settings_exit_3_naming_file_and_key_and_create_no_state(world: World) -> None:
    config = world.home / "config.toml"
    config.write_text(config.read_text() + '\n[schedule]\nreminder_business_days = "three"\n')
    line = one_line(world.cli("tick", expect=None), 3)
    assert str(config) in line and "schedule.reminder_business_days" in line
    assert not (world.home / "state.db").exists()
    assert world.sandbox.request_log() == []


def test_bad_settings_leave_an_existing_state_db_untouched(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    config = world.home / "config.toml"
    config.write_text(config.read_text() + "\n[calendar]\nwatched_calendars = []\n")
    before = snapshot(world.home / "state.db")
    world.sandbox.clear_log()
    for command in (("tick",), ("status",), ("stop", "x"), ("note", "x", "fit", "y")):
        line = one_line(world.cli(*command, expect=None), 3)
        assert "calendar.watched_calendars" in line and str(config) in line
    assert snapshot(world.home / "state.db") == before
    assert world.sandbox.request_log() == []


def test_a_region_the_holidays_package_lacks_exits_3_where_the_package_is_asked(
    world: World,
) -> None:
    """Loading settings checks a region's shape only; `config check`, `doctor` and the first tick
    that plans ask the holidays package, and each says the same one line."""
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    config = world.home / "config.toml"
    text = config.read_text().replace('country = "US"', 'country = "US"\nsubdivision = "Californa"')
    config.write_text(text)
    expected = (
        f'{config}: user.subdivision: "Californa" is not a subdivision of US'
        ' (use one of "AK", "AL", "AR", "AS" ...)'
    )
    assert one_line(world.cli("config", "check", expect=None), 3) == f"followup: {expected}"
    doctor = world.cli("doctor", expect=3).output.splitlines()
    assert doctor[0].startswith("FAIL settings") and doctor[0].endswith(expected)
    assert "Acme" in world.cli("status").output  # reading state asks for no holidays
    assert one_line(world.cli("tick", expect=None), 3) == f"followup: {expected}"
    config.write_text(text.replace("Californa", "california"))
    assert 'subdivision = "CA"' in world.cli("config", "show").output
    world.tick()


def test_no_token_exits_4(world: World) -> None:
    (world.home / "token.json").unlink()
    line = one_line(world.cli("tick", expect=None), 4)
    assert str(world.home / "token.json") in line and "followup auth" in line
    assert world.sandbox.request_log() == []


def test_group_readable_token_exits_4(world: World) -> None:
    token = world.home / "token.json"
    token.chmod(0o640)
    line = one_line(world.cli("tick", expect=None), 4)
    assert "chmod 600" in line and str(token) in line
    assert world.sandbox.request_log() == []


def test_google_unreachable_exits_5_then_recovers(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    config = world.home / "config.toml"
    good = config.read_text()
    gone = f"http://127.0.0.1:{closed_port()}/"
    config.write_text(good.replace(world.server.url, gone))
    write_sandbox_token(world.home / "token.json", gone, reminders=False)  # made for it
    world.at(at(30, 19))
    line = one_line(world.cli("tick", expect=None), 5)
    assert "cannot get an answer" in line and "try again later" in line
    assert steps(world, "Acme")[("thank_you", "jane@acme.com")]["state"] == "planned"
    config.write_text(good)
    write_sandbox_token(world.home / "token.json", world.server.url, reminders=False)
    world.tick()
    assert len(world.drafts()) == 1


def test_broken_user_template_exits_6_naming_file_and_line(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    templates = world.home / "templates"
    templates.mkdir()
    override = templates / "thank_you.email.j2"
    override.write_text(
        "Subject: Thanks, {{ contact.name }}\n\nHi {{ contact.name }},\n{{ no_such_variable }}\n"
    )
    before = steps(world, "Acme")
    world.at(at(30, 19))
    line = one_line(world.cli("tick", expect=None), 6)
    assert f"{override}, line 4" in line and "no_such_variable" in line
    assert world.drafts() == []
    assert world.sandbox.counts().get("gmail.users.drafts.create", 0) == 0
    after = steps(world, "Acme")
    for key in [k for k in before if k[0] != "ask"]:  # the cue was settled before the failure
        assert after[key] == before[key], key
    assert after[("thank_you", "jane@acme.com")]["state"] == "planned"
    assert one_line(world.cli("tick", expect=None), 6) == line

    override.write_text("Subject: Thanks, {{ contact.name }}\n\nHi {{ contact.name }}, thanks!\n")
    world.tick()
    world.tick(at(30, 20))
    [draft] = world.drafts()
    assert parsed(draft).get_content().startswith("Hi Jane Doe, thanks!")
    assert steps(world, "Acme")[("thank_you", "jane@acme.com")]["draft_id"] == draft["id"]


def test_template_syntax_error_names_the_line(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    templates = world.home / "templates"
    templates.mkdir()
    override = templates / "thank_you.email.j2"
    override.write_text("Subject: Thanks\n\nHello\n{% if contact.name %}\nDear you\n")
    world.at(at(30, 9))
    line = one_line(world.cli("tick", expect=None), 6)
    assert str(override) in line and "line" in line
    assert world.drafts() == []


def test_a_broken_template_is_reported_by_the_first_tick_not_when_a_draft_is_due(
    world: World,
) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    templates = world.home / "templates"
    templates.mkdir()
    override = templates / "check_in.voicemail.j2"
    override.write_text("Hello {{ contact.first_name }}.\n{{ strenghts | join(', ') }}\n")
    world.at(at(30, 9, 2))  # nothing is due for hours, and the check-in not before tomorrow
    world.sandbox.clear_log()
    line = one_line(world.cli("tick", expect=None), 6)
    assert f"{override}, line 2" in line and "strenghts" in line
    assert world.sandbox.request_log() == [], "found before anything else is done"
    # `followup run` says it once and waits for the fix: tests/e2e/test_daemon_e2e.py
    override.write_text("Hello {{ contact.first_name }}.\n{{ strengths | join(', ') }}\n")
    world.tick(at(30, 9, 4))


def test_state_db_from_the_future_exits_7_and_is_left_alone(world: World) -> None:
    db = world.home / "state.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = snapshot(db)
    for command in (("tick",), ("status",), ("status", "--json")):
        line = one_line(world.cli(*command, expect=None), 7)
        assert "state.db is at schema version 99" in line and "upgrade followup" in line
    assert snapshot(db) == before


def test_state_db_that_is_not_a_database_exits_7(world: World) -> None:
    db = world.home / "state.db"
    db.write_bytes(b"this is not sqlite\n" * 100)
    line = one_line(world.cli("status", expect=None), 7)
    assert str(db) in line and "move it aside" in line


@pytest.mark.parametrize(
    "command",
    [
        ("preview", "0000000"),
        ("preview", "0000000", "check_in"),
        ("note", "0000000", "follow-up", "Thursday"),
        ("stop", "0000000"),
        ("stop", "0000000", "--keep-drafts"),
        ("resume", "0000000"),
    ],
)
def test_unknown_interview_id_exits_8(world: World, command: tuple[str, ...]) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    line = one_line(world.cli(*command, expect=None), 8)
    assert "no interview with id '0000000'" in line and "followup status" in line


def test_unknown_step_exits_8(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    ident = world.interview("Acme")["id"]
    assert "no step 'lunch'" in one_line(world.cli("preview", ident, "lunch", expect=None), 8)
    assert "has no draft" in one_line(world.cli("preview", ident, "closed", expect=None), 8)


def test_bad_usage_exits_2(world: World) -> None:
    assert world.cli("tick", "--bogus", expect=None).exit_code == 2
    assert world.cli("no-such-command", expect=None).exit_code == 2
    assert world.cli("preview", expect=None).exit_code == 2


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand path of the CLI."""
    found: list[tuple[str, ...]] = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += command_paths(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


def test_every_help_exits_0(world: World) -> None:
    paths = command_paths(main)
    assert ("tick",) in paths and ("config", "check") in paths
    for path in paths:
        result = world.cli(*path, "--help")
        assert "Usage:" in result.output, path
    assert world.cli("-h").output == world.cli("--help").output
