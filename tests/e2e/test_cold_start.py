"""A cold `followup tick`: the commands it loads, the templates it checks, its GC."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime

from tests.e2e.world import NY, World

PROBE = """
import gc
import sys
from agent.cli.main import main
try:
    main(["tick"], standalone_mode=False)
finally:
    print("MODULES", sorted(m for m in sys.modules if m.startswith("agent.")))
    print("COUNTRIES", sorted(m for m in sys.modules if m.startswith("holidays.countries.")))
    print("GC", gc.isenabled(), gc.get_freeze_count())
"""


def cold_tick(world: World) -> str:
    """The output of a fresh `followup tick` process, with the agent modules it imported."""
    env = dict(os.environ)
    env.pop("FOLLOWUP_GOOGLE_ENDPOINT", None)
    env.update({k: v for k, v in world.env().items() if v})
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    ).stdout


def cold_tick_modules(world: World, kind: str = "MODULES") -> list[str]:
    """The agent modules (or holidays' countries) a fresh `followup tick` process imported."""
    line = next(x for x in cold_tick(world).splitlines() if x.startswith(f"{kind} "))
    return json.loads(line.removeprefix(f"{kind} ").replace("'", '"'))


def test_an_edited_template_is_checked_by_the_next_cold_tick(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=datetime(2026, 12, 2, 14, tzinfo=NY))
    world.tick(datetime(2026, 11, 30, 9, tzinfo=NY))
    templates = world.home / "templates"
    templates.mkdir()
    override = templates / "check_in.email.j2"
    good = "Subject: Checking in\n\nHi {{ contact.name }},\n"
    override.write_text(good)
    world.tick(datetime(2026, 11, 30, 10, tzinfo=NY))  # a new file: checked and found good
    override.write_text(good.replace("contact.name", "contact.nmae"))  # same size, same second
    world.at(datetime(2026, 11, 30, 10, 6, tzinfo=NY))
    broken = world.cli("tick", expect=6)
    assert f"{override}, line 3" in broken.output + (broken.stderr or "")
    assert world.cli("tick", expect=6)  # still broken: still refused
    override.write_text(good)
    world.tick(datetime(2026, 11, 30, 10, 10, tzinfo=NY))
    include = templates / "parts" / "greeting.j2"
    include.parent.mkdir()
    include.write_text("Hi {{ contact.name }},\n")
    override.write_text("Subject: Checking in\n\n{% include 'parts/greeting.j2' %}")
    world.tick(datetime(2026, 11, 30, 10, 15, tzinfo=NY))
    include.write_text("Hi {{ contact.nmae }},\n")
    assert world.cli("tick", expect=6)  # a change in an included file counts too


# What an idle `followup tick` may load of the command line: the group, the shared pieces, the
# run's wiring and the tick's own module; every other command's module loads only when it runs.
TICK_CLI = ["agent.cli", "agent.cli.failures", "agent.cli.health", "agent.cli.main",
            "agent.cli.options", "agent.cli.state", "agent.cli.tick"]


def test_an_idle_tick_loads_no_other_command(world: World) -> None:
    from agent.cli.main import COMMANDS

    world.add_interview(summary="Interview with Acme", start=datetime(2026, 12, 2, 14, tzinfo=NY))
    world.tick(datetime(2026, 11, 30, 9, tzinfo=NY))
    world.at(datetime(2026, 11, 30, 10, tzinfo=NY))
    modules = cold_tick_modules(world)
    assert [m for m in modules if m.startswith("agent.cli")] == TICK_CLI
    others = {where.split(":")[0] for name, where in COMMANDS.items() if name != "tick"}
    assert others.isdisjoint(modules)


def test_an_idle_tick_looks_up_no_country(world: World) -> None:
    """The settings' country is checked by name; its holidays (the costly import of its module)
    are looked up only by a tick that plans."""
    world.add_interview(summary="Interview with Acme", start=datetime(2026, 12, 2, 14, tzinfo=NY))
    world.tick(datetime(2026, 11, 30, 9, tzinfo=NY))
    world.at(datetime(2026, 11, 30, 10, tzinfo=NY))
    assert cold_tick_modules(world, "COUNTRIES") == []
    world.at(datetime(2026, 12, 2, 19, tzinfo=NY))
    assert "holidays.countries.united_states" in cold_tick_modules(world, "COUNTRIES")
