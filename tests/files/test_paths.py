"""File locations: FOLLOWUP_HOME, platform folders, --config; private folders and files."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from agent.files.paths import private_dir, private_file, resolve_paths


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_followup_home_holds_every_file(tmp_path: Path) -> None:
    paths = resolve_paths(env={"FOLLOWUP_HOME": str(tmp_path / "home")})
    home = tmp_path / "home"
    assert paths.config_file == home / "config.toml"
    assert paths.token_file == home / "token.json"
    assert paths.state_db == home / "state.db"
    assert paths.lock_file == home / "followup.lock"
    assert paths.templates_dir == home / "templates"


def test_followup_home_expands_tilde(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    paths = resolve_paths(env={"FOLLOWUP_HOME": "~/fu"})
    assert paths.state_db == tmp_path / "fu" / "state.db"


def test_platform_folders_without_followup_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    paths = resolve_paths(env={})
    assert paths.config_file == tmp_path / "cfg" / "followup" / "config.toml"
    assert paths.token_file == tmp_path / "cfg" / "followup" / "token.json"
    assert paths.templates_dir == tmp_path / "cfg" / "followup" / "templates"
    assert paths.state_db == tmp_path / "data" / "followup" / "state.db"
    assert paths.lock_file == tmp_path / "data" / "followup" / "followup.lock"


def test_empty_followup_home_means_platform_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    paths = resolve_paths(env={"FOLLOWUP_HOME": "  "})
    assert paths.state_db == tmp_path / "data" / "followup" / "state.db"


def test_env_defaults_to_process_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOLLOWUP_HOME", str(tmp_path))
    assert resolve_paths().state_db == tmp_path / "state.db"


def test_config_override_replaces_only_the_config_file(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "mine.toml"
    paths = resolve_paths(other, env={"FOLLOWUP_HOME": str(tmp_path / "home")})
    assert paths.config_file == other
    assert paths.token_file == tmp_path / "home" / "token.json"
    assert paths.state_db == tmp_path / "home" / "state.db"
    assert paths.templates_dir == tmp_path / "home" / "templates"


def test_config_override_with_platform_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    paths = resolve_paths(tmp_path / "x.toml", env={})
    assert paths.config_file == tmp_path / "x.toml"
    assert paths.token_file == tmp_path / "cfg" / "followup" / "token.json"


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o277])
def test_private_dir_is_0700_whatever_the_umask(tmp_path: Path, mask: int) -> None:
    target = tmp_path / "followup"
    with umask(mask):
        assert private_dir(target) == target
    assert target.is_dir()
    assert mode(target) == 0o700


def test_private_dir_creates_missing_parents(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "followup"
    with umask(0o022):
        private_dir(target)
    assert mode(target) == 0o700
    assert mode(tmp_path / "a" / "b") == 0o755


def test_private_dir_leaves_an_existing_folder_alone(tmp_path: Path) -> None:
    target = tmp_path / "shared"
    target.mkdir()
    target.chmod(0o755)
    private_dir(target)
    assert mode(target) == 0o755


def test_private_dir_over_a_file_fails(tmp_path: Path) -> None:
    target = tmp_path / "plain"
    target.write_text("x")
    with pytest.raises(FileExistsError):
        private_dir(target)


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o277])
def test_a_new_private_file_is_0600_whatever_the_umask(tmp_path: Path, mask: int) -> None:
    target = tmp_path / "open" / "state.db"
    (tmp_path / "open").mkdir(mode=0o755)
    with umask(mask):
        assert private_file(target) is True
    assert mode(target) == 0o600
    assert target.read_bytes() == b""


def test_an_existing_file_loses_group_and_others_access_only(tmp_path: Path) -> None:
    wide, narrow = tmp_path / "wide", tmp_path / "narrow"
    wide.write_text("kept")
    wide.chmod(0o664)
    narrow.write_text("x")
    narrow.chmod(0o400)
    assert private_file(wide) is False
    assert private_file(narrow) is False
    assert (mode(wide), wide.read_text()) == (0o600, "kept")
    assert mode(narrow) == 0o400  # read-only stays read-only
