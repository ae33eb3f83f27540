"""Every `followup ...` command the README shows exists, with options its subcommand really has."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from agent.cli.main import main

README = Path(__file__).resolve().parents[2] / "README.md"
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"`([^`]+)`")  # a code span may wrap a line
CRON_FIELD = re.compile(r"^[\d*/,-]+$")
SHELL_OPERATORS = {"&&", "||", ";", "|", ">", ">>", "2>&1", "<"}


def code_texts(markdown: str) -> list[str]:
    """The lines of fenced code blocks, then the inline code spans outside them."""
    texts: list[str] = []
    for block in FENCE.findall(markdown):
        texts.extend(block.splitlines()[1:-1])
    texts.extend(" ".join(span.split()) for span in INLINE.findall(FENCE.sub("", markdown)))
    return texts


def simple_commands(line: str) -> list[list[str]]:
    """A shell line split into simple commands (words), at && ; | and redirections."""
    try:
        words = shlex.split(line, comments=True)
    except ValueError:  # prose with an apostrophe inside a code block
        words = line.split()
    commands: list[list[str]] = [[]]
    for word in words:
        if word in SHELL_OPERATORS:
            commands.append([])
        else:
            commands[-1].append(word)
    return [c for c in commands if c]


def followup_args(words: list[str]) -> list[str] | None:
    """The arguments after `followup` when this simple command runs it, else None.

    Skips a `$` prompt, VAR=value assignments, a cron schedule and a `flock [-opts] FILE`
    wrapper; `followup` may be a path (`$HOME/.local/bin/followup`).
    """
    rest = list(words)
    if len(rest) > 5 and all(CRON_FIELD.match(w) for w in rest[:5]):
        rest = rest[5:]
    while rest and (rest[0] == "$" or re.match(r"^[A-Z_][A-Z0-9_]*=", rest[0])):
        rest = rest[1:]
    if rest and rest[0] == "flock":
        rest = rest[1:]
        while rest and rest[0].startswith("-"):
            rest = rest[1:]
        rest = rest[1:]  # the lock file
    if rest and rest[0].rsplit("/", 1)[-1] == "followup":
        return rest[1:]
    return None


def invocations(markdown: str) -> list[str]:
    """Every distinct `followup ...` command in the code of a Markdown text, as words joined."""
    found: dict[str, None] = {}
    for text in code_texts(markdown):
        for words in simple_commands(text):
            args = followup_args(words)
            if args is not None:
                found[" ".join(["followup", *args])] = None
    return list(found)


def _option_names(command: click.Command) -> dict[str, click.Parameter]:
    """Every option spelling of a command (help included) -> its parameter."""
    names: dict[str, click.Parameter] = {}
    # The context carries the group's help names (-h too): click caches the help option a
    # command builds first, so a bare Context here would take -h away from later runs.
    context = click.Context(command, help_option_names=main.context_settings["help_option_names"])
    for param in command.get_params(context):
        if isinstance(param, click.Option):
            for name in (*param.opts, *param.secondary_opts):
                names[name] = param
    return names


def problems(invocation: str) -> list[str]:
    """What is wrong with one `followup ...` command line (empty: it is valid)."""
    words = invocation.split()[1:]
    command: click.Command = main
    path = ["followup"]
    errors: list[str] = []
    skip_value = False
    for raw in words:
        word = raw.strip("[]")
        if skip_value or word in ("", "...", "/"):
            skip_value = False
            continue
        if word.startswith("-") and word != "-":
            name = word.split("=", 1)[0]
            param = _option_names(command).get(name)
            if param is None:
                errors.append(f"`{' '.join(path)}` has no option {name}")
            else:
                skip_value = "=" not in word and not (param.is_flag or param.count)
            continue
        if isinstance(command, click.Group):
            sub = command.get_command(click.Context(command), word)  # loads it if lazy
            if sub is None:
                errors.append(f"`{' '.join(path)}` has no subcommand {word!r}")
                break
            command = sub
            path.append(word)
    return errors


COMMANDS = invocations(README.read_text(encoding="utf-8"))


@pytest.mark.parametrize("invocation", COMMANDS)
def test_readme_command_exists(invocation: str) -> None:
    assert problems(invocation) == []


def test_the_setup_guide_shows_the_commands_a_user_needs() -> None:
    needed = {
        "followup auth",
        "followup auth --no-browser --port 8080",
        "followup auth --client-secret ~/Downloads/client_secret.json",
        "followup auth --revoke",
        "followup doctor",
        "followup tick --dry-run",
        "followup service install",
        "followup service install --print",
        "followup run --interval 5",
        "followup tick",  # the cron line
        "followup status",
    }
    assert needed <= set(COMMANDS)
    assert len(COMMANDS) >= 20


def test_the_parser_finds_commands_in_every_shape() -> None:
    markdown = "\n".join(
        [
            "Run `followup tick [--dry-run]` or `FOLLOWUP_HOME=/x followup status --json`.",
            "Logs: `journalctl --user -u followup -f`; `systemctl --user restart followup`.",
            "```sh",
            "$ followup --config ~/f.toml config check  # a comment",
            "cd here && followup -v run --interval=0.5",
            "*/5 * * * * flock -n ~/l.lock $HOME/.local/bin/followup tick >> log 2>&1",
            "It's prose with an apostrophe and followup in it",
            "```",
        ]
    )
    assert invocations(markdown) == [
        "followup --config ~/f.toml config check",
        "followup -v run --interval=0.5",
        "followup tick",
        "followup tick [--dry-run]",
        "followup status --json",
    ]
    assert all(problems(i) == [] for i in invocations(markdown))


@pytest.mark.parametrize(
    ("invocation", "error"),
    [
        ("followup tick --dryrun", "`followup tick` has no option --dryrun"),
        ("followup frobnicate", "`followup` has no subcommand 'frobnicate'"),
        ("followup service instal --print", "`followup service` has no subcommand 'instal'"),
        ("followup config check --json", "`followup config check` has no option --json"),
        ("followup --verbose-ish tick", "`followup` has no option --verbose-ish"),
        ("followup run --print", "`followup run` has no option --print"),
    ],
)
def test_a_drifted_command_is_caught(invocation: str, error: str) -> None:
    assert problems(invocation) == [error]
