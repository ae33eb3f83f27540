"""What a newcomer expects of a command line: colour rules, Ctrl-C, clean one-line failures."""

from __future__ import annotations

import json
import os
import pty
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from agent.cli.failures import INTERRUPTED, as_followup_error
from agent.files.paths import resolve_paths
from tests.e2e.helpers import at, one_line
from tests.e2e.world import World

ESC = "\x1b["
CLIENT = {
    "client_id": "id.apps.googleusercontent.com",
    "client_secret": "secret",
    "auth_uri": "https://accounts.google.com/o/oauth2/auth",
    "token_uri": "https://oauth2.googleapis.com/token",
}


def env_for(world: World, **extra: str) -> dict[str, str]:
    """The environment a subprocess `followup` sees in this world."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FOLLOWUP_", "NO_COLOR"))}
    env.update({k: v for k, v in world.env().items() if v})
    env.update(extra)
    return env


def in_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run `followup ARGS` with a pseudo-terminal as stdin, stdout and stderr."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "agent.cli.main", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    code = proc.wait(timeout=60)
    os.close(master)
    return code, b"".join(chunks).decode("utf-8", "replace")


def test_colour_on_a_terminal_and_off_with_no_color_or_the_flag(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    for args in (["doctor"], ["status"]):
        code, text = in_terminal(args, env_for(world))
        assert code == 0, text
        assert ESC in text, f"{args}: no colour on a terminal"
        code, text = in_terminal(args, env_for(world, NO_COLOR="1"))
        assert code == 0 and ESC not in text, f"{args}: NO_COLOR ignored on a terminal"
        code, text = in_terminal(["--no-color", *args], env_for(world))
        assert code == 0 and ESC not in text, f"{args}: --no-color ignored"
    code, text = in_terminal(["--color", "doctor"], env_for(world, NO_COLOR="1"))
    assert code == 0 and ESC in text, "--color wins over NO_COLOR"


def test_color_flag_forces_colour_into_a_pipe(world: World) -> None:
    piped = subprocess.run(
        [sys.executable, "-m", "agent.cli.main", "--color", "doctor"],
        capture_output=True,
        text=True,
        env=env_for(world),
        timeout=60,
    )
    assert piped.returncode == 0 and ESC in piped.stdout
    plain = subprocess.run(
        [sys.executable, "-m", "agent.cli.main", "doctor"],
        capture_output=True,
        text=True,
        env=env_for(world),
        timeout=60,
    )
    assert plain.returncode == 0 and ESC not in plain.stdout


def test_ctrl_c_says_nothing_is_half_done_and_exits_130(world: World, tmp_path: Path) -> None:
    secret = tmp_path / "client_secret.json"
    secret.write_text(json.dumps({"installed": CLIENT}))
    proc = subprocess.Popen(
        [sys.executable, "-m", "agent.cli.main", "auth", "--no-browser", "--port", "0",
         "--client-secret", str(secret)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env_for(world),
    )
    assert proc.stdout is not None
    for line in proc.stdout:  # then it waits for the browser's redirect
        if line.startswith("On a headless machine"):
            break
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=90)
    assert proc.returncode == 130, err
    assert err.strip() == f"followup: {INTERRUPTED}"
    assert "Aborted" not in err and "Traceback" not in err


def test_lock_path_that_is_a_folder_is_one_line_exit_7(world: World) -> None:
    lock = world.home / "followup.lock"
    lock.mkdir()
    for command in (("tick",), ("stop", "0000000")):
        line = one_line(world.cli(*command, expect=None), 7)
        assert str(lock) in line and "is a folder" in line and "move the folder aside" in line
    result = world.cli("doctor", expect=7)
    [fail] = [x for x in result.output.splitlines() if x.startswith("FAIL")]
    assert fail.split(maxsplit=2)[1] == "lock" and str(lock) in fail
    assert "Error" not in fail, "doctor shows an exception class name"
    assert result.output.splitlines()[-1].startswith("not ready: fix one thing")


def test_data_folder_below_a_file_is_one_line_exit_7(world: World, tmp_path: Path) -> None:
    config = tmp_path / "xdg-config" / "followup"
    config.mkdir(parents=True)
    for name in ("config.toml", "token.json"):
        (config / name).write_bytes((world.home / name).read_bytes())
    (config / "token.json").chmod(0o600)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    env = env_for(world, XDG_CONFIG_HOME=str(config.parent), XDG_DATA_HOME=str(blocker / "d"))
    del env["FOLLOWUP_HOME"]
    for command in ("tick", "status"):
        done = subprocess.run(
            [sys.executable, "-m", "agent.cli.main", command],
            capture_output=True, text=True, env=env, timeout=60,
        )
        assert done.returncode == 7, done.stderr
        assert done.stderr.count("\n") == 1 and str(blocker) in done.stderr
        assert "Traceback" not in done.stderr


def test_missing_config_file_named_with_config_exits_3(world: World, tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    commands = (("config", "check"), ("config", "show"), ("tick",), ("status",),
                ("service", "install", "--print"), ("agenda",), ("auth", "status"))
    for command in commands:
        line = one_line(world.cli("--config", str(missing), *command, expect=None), 3)
        assert str(missing) in line and "--config" in line
    doctor = world.cli("--config", str(missing), "doctor", expect=3).output
    assert doctor.startswith("FAIL settings") and str(missing) in doctor
    assert not (world.home / "state.db").exists()


def test_read_only_state_db_is_one_line_with_what_to_do(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    sqlite3.connect(db).execute("CREATE TABLE t(x)").connection.close()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as caught:
        conn.execute("INSERT INTO t VALUES (1)")
    conn.close()
    paths = resolve_paths(None, {"FOLLOWUP_HOME": str(tmp_path)})
    error = as_followup_error(caught.value, paths)
    assert error is not None and error.exit_code == 7
    assert str(db) in str(error) and f"chmod u+w {db}" in str(error)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files anyway")
def test_read_only_state_db_through_the_cli(world: World) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.tick(at(30, 9))
    db = world.home / "state.db"
    for extra in db.parent.glob("state.db-*"):
        extra.unlink()
    db.chmod(0o400)
    try:
        line = one_line(world.cli("tick", expect=None), 7)
    finally:
        db.chmod(0o600)
    assert str(db) in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_unwritable_home_is_one_line_exit_7(world: World, tmp_path: Path) -> None:
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o500)
    world.home = parent / "home"
    try:
        line = one_line(world.cli("tick", expect=None), 7)
    finally:
        parent.chmod(0o700)
    assert "permission denied" in line and "FOLLOWUP_HOME" in line


def test_os_errors_map_to_the_documented_codes(tmp_path: Path) -> None:
    paths = resolve_paths(None, {"FOLLOWUP_HOME": str(tmp_path)})
    cases = {
        paths.lock_file: 7,
        paths.state_db: 7,
        paths.state_db.with_name("state.db-wal"): 7,
        tmp_path: 7,
        paths.token_file: 4,
        paths.config_file: 3,
        paths.templates_dir / "thank_you.email.j2": 6,
    }
    for path, code in cases.items():
        error = as_followup_error(PermissionError(13, "Permission denied", str(path)), paths)
        assert error is not None and error.exit_code == code, path
        assert str(path) in str(error) and "\n" not in str(error)
    assert as_followup_error(ValueError("x"), paths) is None


def test_auth_on_a_busy_port_names_the_port_option(world: World, tmp_path: Path) -> None:
    import socket

    secret = tmp_path / "client_secret.json"
    secret.write_text(json.dumps({"installed": CLIENT}))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        args = ("auth", "--no-browser", "--port", str(port), "--client-secret", str(secret))
        line = one_line(world.cli(*args, expect=None), 4)
    assert f"cannot listen on port {port}" in line and "--port" in line


@pytest.mark.parametrize(
    "content", ['{"web": {"client_id": "x"}}', '{"installed": {"client_id": "x"}}', "{nope"]
)
def test_auth_with_a_wrong_client_file_does_not_say_save_it_as_that_file(
    world: World, tmp_path: Path, content: str
) -> None:
    secret = tmp_path / "client_secret.json"
    secret.write_text(content)
    args = ("auth", "--no-browser", "--client-secret", str(secret))
    line = one_line(world.cli(*args, expect=None), 4)
    assert "save it as" not in line and "Desktop app" in line and "--client-secret" in line


def test_auth_status_shows_account_scopes_token_and_expiry(world: World) -> None:
    text = world.cli("auth", "status").output
    token = world.home / "token.json"
    assert f"token     {token}" in text and "(readable only by you)" in text
    assert "gmail.compose" in text and "gmail.readonly" in text
    assert "calendar.events.readonly" in text
    assert "account   candidate@example.com" in text
    assert "Testing" in text and "missing" not in text
    assert all(len(x) <= 80 for x in text.splitlines() if str(token) not in x)


def test_auth_status_before_auth_says_to_run_it(world: World) -> None:
    (world.home / "token.json").unlink()
    line = one_line(world.cli("auth", "status", expect=None), 4)
    assert "run `followup auth` first" in line


def test_auth_against_the_sandbox_needs_no_insecure_transport_variable(
    world: World, tmp_path: Path
) -> None:
    from agent.google.consent import allow_loopback_http

    local = tmp_path / "local.json"
    local.write_text(json.dumps({"installed": dict(CLIENT, token_uri=world.server.url + "token")}))
    google = tmp_path / "google.json"
    google.write_text(json.dumps({"installed": CLIENT}))
    saved = os.environ.pop("OAUTHLIB_INSECURE_TRANSPORT", None)
    try:
        assert not allow_loopback_http(google)
        assert "OAUTHLIB_INSECURE_TRANSPORT" not in os.environ
        assert allow_loopback_http(local)
        assert os.environ["OAUTHLIB_INSECURE_TRANSPORT"] == "1"
    finally:
        os.environ.pop("OAUTHLIB_INSECURE_TRANSPORT", None)
        if saved is not None:
            os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = saved
