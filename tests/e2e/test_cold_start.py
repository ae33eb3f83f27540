"""A cold `followup tick` loads only what it uses: the user's holidays come from state.db."""

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
    watched = ("holidays", "jinja2", "agent.")
    print("MODULES", sorted(m for m in sys.modules if m.startswith(watched)))
    print("GC", gc.isenabled(), gc.get_freeze_count())
"""


def cold_tick(world: World) -> str:
    """The output of a fresh `followup tick` process, with what it imported and its GC state."""
    env = dict(os.environ)
    env.pop("FOLLOWUP_GOOGLE_ENDPOINT", None)
    env.update({k: v for k, v in world.env().items() if v})
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    ).stdout


def cold_tick_modules(world: World) -> list[str]:
    """The holidays, Jinja2 and agent modules a fresh `followup tick` process imported."""
    line = next(x for x in cold_tick(world).splitlines() if x.startswith("MODULES "))
    return json.loads(line.removeprefix("MODULES ").replace("'", '"'))


def test_an_idle_tick_after_the_first_loads_no_holidays(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=datetime(2026, 12, 2, 14, tzinfo=NY))
    first = cold_tick_modules(world)
    assert "holidays.countries.united_states" in first  # computed once, then cached
    assert not any(m.startswith("holidays.countries.g") for m in first), "only the US module"
    world.at(datetime(2026, 11, 30, 10, tzinfo=NY))
    later = cold_tick_modules(world)
    assert not [m for m in later if m.startswith("holidays")], later
    status = world.interview("Acme")
    assert status["status"] == "active"


# Loaded only when something happens: a message arrives, a step is due, a template renders.
LAZY = (
    "jinja2", "agent.core.template_loader", "agent.core.compose", "agent.core.etiquette",
    "agent.core.replies", "agent.core.machine", "agent.core.delivery", "agent.core.detect",
    "agent.core.return_dates", "agent.engine.advance", "agent.engine.step_rows",
    "agent.engine.draft_life", "agent.engine.apply_message", "agent.engine.mail_index",
    "agent.engine.stopping", "agent.engine.reconcile", "agent.engine.keys",
    # the records built only from a changed event, a message or a decoded interview
    "agent.core.events", "agent.core.messages", "agent.core.interviews",
    # per-item machinery: set-aside items, seen mail, draft keys, signatures, reminders
    "agent.engine.isolation", "agent.store.set_aside", "agent.store.mail_side",
    "agent.core.headers", "agent.core.signature", "agent.core.html_text",
    "agent.engine.reminders", "agent.store.reminder_rows",
)


def lazy_loaded(modules: list[str]) -> list[str]:
    """The modules of LAZY (or their submodules) that were imported."""
    return [m for m in modules if any(m == lazy or m.startswith(lazy + ".") for lazy in LAZY)]


def test_an_idle_tick_loads_no_template_engine_mail_rules_or_plan_rules(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=datetime(2026, 12, 2, 14, tzinfo=NY))
    # a second round with the same company: supersession looks, without decoding either
    world.add_interview(summary="Interview with Acme", start=datetime(2026, 12, 4, 14, tzinfo=NY))
    first = cold_tick_modules(world)
    assert "agent.engine.advance" in first and "jinja2" in first  # planned and checked once
    world.tick(datetime(2026, 11, 30, 10, tzinfo=NY))  # the full sync's one search once indexed
    world.at(datetime(2026, 11, 30, 10, 5, tzinfo=NY))
    assert lazy_loaded(cold_tick_modules(world)) == []
    world.at(datetime(2026, 11, 30, 10, 10, tzinfo=NY))
    assert lazy_loaded(cold_tick_modules(world)) == []


def test_an_edited_template_is_checked_by_the_next_cold_tick(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=datetime(2026, 12, 2, 14, tzinfo=NY))
    world.tick(datetime(2026, 11, 30, 9, tzinfo=NY))
    templates = world.home / "templates"
    templates.mkdir()
    override = templates / "check_in.email.j2"
    good = "Subject: Checking in\n\nHi {{ contact.name }},\n"
    override.write_text(good)
    world.at(datetime(2026, 11, 30, 10, tzinfo=NY))
    assert "jinja2" in cold_tick_modules(world)  # a new file: rendered once
    world.at(datetime(2026, 11, 30, 10, 5, tzinfo=NY))
    assert "jinja2" not in cold_tick_modules(world)  # unchanged: not again
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
TICK_CLI = ["agent.cli", "agent.cli.common", "agent.cli.main", "agent.cli.runtime",
            "agent.cli.tick_command"]


def test_an_idle_tick_loads_no_other_command(world: World) -> None:
    from agent.cli.main import COMMANDS

    world.add_interview(summary="Interview with Acme", start=datetime(2026, 12, 2, 14, tzinfo=NY))
    world.tick(datetime(2026, 11, 30, 9, tzinfo=NY))
    world.at(datetime(2026, 11, 30, 10, tzinfo=NY))
    modules = cold_tick_modules(world)
    assert [m for m in modules if m.startswith("agent.cli")] == TICK_CLI
    others = {where.split(":")[0] for name, where in COMMANDS.items() if name != "tick"}
    assert others.isdisjoint(modules)


def test_a_cold_tick_freezes_what_start_up_made_and_runs_the_pass_with_the_gc_on(
    world: World,
) -> None:
    world.add_interview(summary="Interview with Acme", start=datetime(2026, 12, 2, 14, tzinfo=NY))
    world.tick(datetime(2026, 11, 30, 9, tzinfo=NY))
    world.at(datetime(2026, 11, 30, 10, tzinfo=NY))
    out = cold_tick(world)
    assert "nothing to do" in out
    enabled, frozen = next(x for x in out.splitlines() if x.startswith("GC ")).split()[1:]
    assert enabled == "True" and int(frozen) > 10_000, out  # modules, classes, clients


def test_a_tick_inside_another_program_leaves_its_gc_alone(world: World) -> None:
    import gc

    world.add_interview(summary="Interview with Acme", start=datetime(2026, 12, 2, 14, tzinfo=NY))
    frozen = gc.get_freeze_count()
    world.tick(datetime(2026, 11, 30, 9, tzinfo=NY))
    assert "nothing to do" in world.tick(datetime(2026, 11, 30, 10, tzinfo=NY)).output
    assert gc.isenabled() and gc.get_freeze_count() == frozen
