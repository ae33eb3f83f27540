"""agent.google.auth's token file: private atomic writes and safe reads of the token file."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime
from pathlib import Path

import pytest
from google.oauth2.credentials import Credentials

from agent.core.errors import AuthError
from agent.google.auth import (
    read_token_info,
    save_token,
    scope_list,
    token_json,
    write_private,
)

SCOPES = ["https://www.googleapis.com/auth/gmail.compose", "https://www.googleapis.com/auth/x"]


def creds(token: str = "ya29.a", granted: list[str] | None = None) -> Credentials:
    """Real google-auth credentials with fixed values."""
    return Credentials(
        token,
        refresh_token="1//r",
        token_uri="https://oauth2.googleapis.com/token",
        client_id="cid",
        client_secret="csecret",
        scopes=SCOPES,
        granted_scopes=granted,
        expiry=datetime(2030, 1, 1, 12, 0),
    )


def mode(path: Path) -> int:
    """Permission bits of a path."""
    return stat.S_IMODE(path.stat().st_mode)


def test_save_token_creates_private_folder_and_file(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "followup" / "token.json"
    old_umask = os.umask(0)  # the most permissive umask must not widen anything
    try:
        save_token(path, creds())
    finally:
        os.umask(old_umask)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    data = json.loads(path.read_text())
    assert data["token"] == "ya29.a"
    assert data["refresh_token"] == "1//r"
    assert data["client_id"] == "cid"
    assert data["scopes"] == SCOPES
    assert data["expiry"] == "2030-01-01T12:00:00Z"
    assert sorted(p.name for p in path.parent.iterdir()) == ["token.json"]


def test_save_token_replaces_file_atomically(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    save_token(path, creds("ya29.first"))
    first_inode = path.stat().st_ino
    save_token(path, creds("ya29.second"))
    assert json.loads(path.read_text())["token"] == "ya29.second"
    assert path.stat().st_ino != first_inode  # a new file renamed over the old one
    assert mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["token.json"]


def test_write_private_tightens_an_inherited_wide_file(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    path.write_text("{}")
    path.chmod(0o644)
    write_private(path, '{"a": 1}')
    assert mode(path) == 0o600
    assert path.read_text() == '{"a": 1}'


def test_token_json_records_granted_scopes_when_known() -> None:
    granted = [SCOPES[0]]
    assert json.loads(token_json(creds(granted=granted)))["scopes"] == granted
    assert json.loads(token_json(creds()))["scopes"] == SCOPES


def test_scope_list_accepts_string_list_and_none() -> None:
    assert scope_list("a b") == ["a", "b"]
    assert scope_list(("a",)) == ["a"]
    assert scope_list(None) == []


def test_read_missing_file_says_run_auth_first(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    with pytest.raises(AuthError) as err:
        read_token_info(path)
    assert str(err.value) == f"no token at {path}; run `followup auth` first"
    assert err.value.exit_code == 4


@pytest.mark.parametrize("wide", [0o640, 0o604, 0o660])
def test_read_refuses_file_open_to_others(tmp_path: Path, wide: int) -> None:
    path = tmp_path / "token.json"
    save_token(path, creds())
    path.chmod(wide)
    with pytest.raises(AuthError) as err:
        read_token_info(path)
    assert f"chmod 600 {path}" in str(err.value)
    assert f"{wide:o}" in str(err.value)
    assert read_token_info(path, require_private=False)["client_id"] == "cid"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json", "bad JSON"),
        ("[1, 2]", "bad JSON"),
        ('{"refresh_token": "r", "client_id": "c"}', "lacks client_secret"),
        ('{"client_id": "c", "client_secret": "s", "refresh_token": ""}', "lacks refresh_token"),
    ],
)
def test_read_refuses_garbage(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "token.json"
    write_private(path, content)
    with pytest.raises(AuthError) as err:
        read_token_info(path)
    assert expected in str(err.value)
    assert "run `followup auth` again" in str(err.value)
