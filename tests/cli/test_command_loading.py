"""Every command is registered with the lazy `followup` group, loads when asked, shows its help."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

import agent.cli
from agent.cli.main import COMMANDS, SUMMARIES, main

HELP = main.context_settings["help_option_names"]


def command_paths(group: click.Group = main, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand as the words that run it, found through the group itself."""
    ctx = click.Context(group, help_option_names=HELP)
    found: list[tuple[str, ...]] = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, f"followup {' '.join((*path, name))} does not resolve"
        found.append((*path, name))
        if isinstance(command, click.Group):
            found.extend(command_paths(command, (*path, name)))
    return found


def defined_commands() -> dict[str, click.Command]:
    """Every click command defined in agent/cli that no group holds: "module:name" -> it."""
    defined: dict[str, click.Command] = {}
    held: set[int] = set()
    for info in pkgutil.iter_modules(agent.cli.__path__):
        module = importlib.import_module(f"agent.cli.{info.name}")
        for attribute, value in vars(module).items():
            if not isinstance(value, click.Command) or value.callback is None:
                continue
            if value.callback.__module__ != module.__name__:
                continue  # imported from elsewhere
            defined[f"{module.__name__}:{attribute}"] = value
            if isinstance(value, click.Group) and value is not main:  # main holds what it loaded
                held.update(id(sub) for sub in value.commands.values())
    return {where: c for where, c in defined.items() if id(c) not in held and c is not main}


def test_every_command_defined_in_the_cli_is_registered() -> None:
    assert sorted(defined_commands()) == sorted(COMMANDS.values())


def test_every_registered_name_is_the_name_of_its_command() -> None:
    for name in COMMANDS:
        command = main.get_command(click.Context(main), name)
        assert command is not None and command.name == name


PATHS = command_paths()


def test_the_enumeration_reaches_every_command_and_subcommand() -> None:
    assert {p[0] for p in PATHS} == set(COMMANDS)
    assert {("auth", "status"), ("config", "check"), ("service", "install")} <= set(PATHS)


@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_every_command_shows_its_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="followup")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: followup {' '.join(path)} ")
    command: click.Command = main
    for word in path:
        assert isinstance(command, click.Group)
        command = command.get_command(click.Context(command), word)
    first_line = (command.help or "").strip().splitlines()[0]
    assert " ".join(first_line.split()[:4]) in " ".join(result.output.split())


def test_the_top_help_lists_every_command_with_its_short_help() -> None:
    output = CliRunner().invoke(main, ["--help"], prog_name="followup").output
    rows = output.split("Commands:\n", 1)[1].splitlines()
    listed = {row.split()[0]: row.split(None, 1)[1] for row in rows if row.strip()}
    assert list(listed) == sorted(COMMANDS)
    width = max(len(name) for name in COMMANDS)
    for name, text in listed.items():
        command = main.get_command(click.Context(main), name)
        assert command is not None
        assert text == command.get_short_help_str(80 - 6 - width)
        assert SUMMARIES[name] == command.get_short_help_str(10_000)  # the whole first sentence


def fresh(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    """`followup ARGS` (or a snippet) in a new interpreter, where no command is loaded yet."""
    argv = ["-c", code] if code else ["-m", "agent.cli.main", *args]
    return subprocess.run(
        [sys.executable, *argv], capture_output=True, text=True, timeout=60, check=False
    )


def test_a_mistyped_command_gets_clicks_error_and_a_suggestion_from_every_command() -> None:
    done = fresh("statu")
    assert done.returncode == 2
    assert "Error: No such command 'statu'. Did you mean 'status'?" in done.stderr
    far = fresh("frobnicate")
    assert far.returncode == 2
    assert "Error: No such command 'frobnicate'." in far.stderr and "Did you" not in far.stderr


def test_loading_the_command_line_loads_no_command() -> None:
    probe = (
        "import sys, agent.cli.main\n"
        "print(sorted(m for m in sys.modules if m.startswith('agent.cli')))"
    )
    done = fresh(code=probe)
    loaded = ["['agent.cli',", "'agent.cli.failures',", "'agent.cli.main',", "'agent.cli.options']"]
    assert done.stdout.split() == loaded


def test_the_top_help_loads_no_command() -> None:
    probe = (
        "import sys\nfrom click.testing import CliRunner\nfrom agent.cli.main import main\n"
        "CliRunner().invoke(main, ['--help'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('agent.cli')))"
    )
    done = fresh(code=probe)
    loaded = ["['agent.cli',", "'agent.cli.failures',", "'agent.cli.main',", "'agent.cli.options']"]
    assert done.stdout.split() == loaded, done.stderr
