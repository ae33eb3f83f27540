"""A cold `followup tick` loads only what it uses: the user's holidays come from state.db."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime

from tests.e2e.world import NY, World

PROBE = """
import sys
from agent.cli.main import main
try:
    main(["tick"], standalone_mode=False)
finally:
    print("MODULES", sorted(m for m in sys.modules if m.startswith(("holidays", "jinja2"))))
"""


def cold_tick_modules(world: World) -> list[str]:
    """The holidays modules a fresh `followup tick` process imported."""
    env = dict(os.environ)
    env.pop("FOLLOWUP_GOOGLE_ENDPOINT", None)
    env.update({k: v for k, v in world.env().items() if v})
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("MODULES "))
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
