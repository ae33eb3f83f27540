"""`followup auth status`: the account, permissions, token file and how long the grant lasts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agent.core.errors import FollowupError
from agent.core.settings import Settings

TESTING_DAYS = 7
UNKNOWABLE = (
    "Google does not say whether your OAuth app is in Testing; if it is, this grant ends "
    f"{TESTING_DAYS} days after `followup auth` (publish the app: README, setup step 4)"
)


def _expiry_line(info: dict, now: datetime) -> str:
    """What the token file tells about the refresh token's end, when it tells anything."""
    seconds = info.get("refresh_token_expires_in")
    issued = info.get("refresh_token_issued_at") or info.get("issued_at")
    if isinstance(seconds, int | float) and isinstance(issued, str):
        try:
            ends = datetime.fromisoformat(issued) + timedelta(seconds=seconds)
        except ValueError:
            return UNKNOWABLE
        if ends.tzinfo is None:
            ends = ends.replace(tzinfo=UTC)
        return (
            f"your OAuth app is in Testing: this grant ends {ends:%Y-%m-%d %H:%M %Z}; "
            "publish the app (README, setup step 4), then run `followup auth` again"
        )
    return UNKNOWABLE


def auth_status_lines(settings: Settings, now: datetime) -> tuple[list[str], int]:
    """The lines `followup auth status` prints and its exit code (0, or the failure's)."""
    from agent.google.auth import read_token_info, required_scopes, scope_list, scope_name

    token = settings.paths.token_file
    info = read_token_info(token)  # AuthError (4) when absent, unsafe or not a token
    granted = scope_list(info.get("scopes"))
    needed = required_scopes(settings.reminders.enabled)
    missing = [s for s in needed if s not in granted]
    lines = [
        f"token     {token} (readable only by you)",
        f"scopes    {', '.join(scope_name(s) for s in granted) or 'none recorded'}",
    ]
    code = 0
    if missing:
        names = ", ".join(scope_name(s) for s in missing)
        lines.append(f"missing   {names}: run `followup auth` again")
        code = 4
    try:
        from agent.cli.runtime import build_services_for
        from agent.google.gmail import Gmail

        account = Gmail(build_services_for(settings)).account().address
        lines.append(f"account   {account}")
    except FollowupError as exc:
        lines.append(f"account   unknown: {exc}")
        code = code or exc.exit_code
    lines.append(f"expiry    {_expiry_line(info, now)}")
    return lines, code
