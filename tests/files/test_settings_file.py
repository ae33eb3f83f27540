"""Reading config.toml: what cannot be read, and the environment's endpoint over the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.core.errors import SettingsError
from agent.core.settings import Paths
from agent.files.paths import resolve_paths
from agent.files.settings_file import ENDPOINT_ENV, load_settings


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return resolve_paths(env={"FOLLOWUP_HOME": str(tmp_path)})


def test_env_endpoint_overrides_the_file(paths: Paths) -> None:
    paths.config_file.write_text('[google]\nendpoint = "https://a.example"\n')
    assert load_settings(paths, {}).google.endpoint == "https://a.example"
    env = {ENDPOINT_ENV: "http://127.0.0.1:9000"}
    assert load_settings(paths, env).google.endpoint == "http://127.0.0.1:9000"
    assert load_settings(paths, {ENDPOINT_ENV: ""}).google.endpoint == "https://a.example"


def test_env_endpoint_without_file(paths: Paths) -> None:
    settings = load_settings(paths, {ENDPOINT_ENV: "http://localhost:1"})
    assert settings.google.endpoint == "http://localhost:1"
    assert settings.google.timeout_seconds == 30.0


def test_bad_env_endpoint_names_the_variable(paths: Paths) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(paths, {ENDPOINT_ENV: "localhost:8080"})
    assert str(caught.value).startswith(f"environment {ENDPOINT_ENV}: google.endpoint: ")
    assert "not an http(s) URL" in str(caught.value)
    assert f"unset {ENDPOINT_ENV}" in str(caught.value)


def test_config_override_is_the_file_read(tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text('[user]\nname = "Grace"\n')
    (tmp_path / "config.toml").write_text('[user]\nname = "Ada"\n')
    env = {"FOLLOWUP_HOME": str(tmp_path)}
    assert load_settings(resolve_paths(None, env), env).user.name == "Ada"
    assert load_settings(resolve_paths(other, env), env).user.name == "Grace"


def test_toml_syntax_error_names_the_line(paths: Paths) -> None:
    paths.config_file.write_text('[user]\nname = "Ada"\nemail = ada@example.com\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(paths, {})
    message = str(caught.value)
    assert caught.value.exit_code == 3
    assert message.startswith(f"{paths.config_file}: not valid TOML: ")
    assert "line 3" in message


def test_not_utf8(paths: Paths) -> None:
    paths.config_file.write_bytes(b'[user]\nname = "\xff"\n')
    with pytest.raises(SettingsError, match="not UTF-8"):
        load_settings(paths, {})


def test_unreadable_config_path(paths: Paths) -> None:
    paths.config_file.mkdir()
    with pytest.raises(SettingsError, match=r"config\.toml: cannot read"):
        load_settings(paths, {})
