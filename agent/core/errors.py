"""The agent's one exception family; each kind carries the CLI exit code it ends with."""

from __future__ import annotations


class FollowupError(Exception):
    """A failure a person can act on: the message says what is wrong and what to do."""

    exit_code = 1  # what the CLI exits with (README, "exit code"); each kind names its own

    def __init_subclass__(cls, exit_code: int = 0, **kwargs: object) -> None:
        """Take the kind's exit code from its class line (without one: its parent's)."""
        super().__init_subclass__(**kwargs)
        if exit_code:
            cls.exit_code = exit_code


class SettingsError(FollowupError, exit_code=3):
    """config.toml is missing a value, has an unknown key, or a value of the wrong shape."""


class AuthError(FollowupError, exit_code=4):
    """No token, an unreadable or unsafe token file, or a revoked/expired grant."""


class GoogleUnavailable(FollowupError, exit_code=5):
    """Google (or the sandbox) could not be reached or kept failing after retries."""


class OutcomeUnknown(GoogleUnavailable):
    """A write was sent but no answer came back: Google may or may not have done it."""


class GoogleApiError(FollowupError, exit_code=5):
    """Google answered with an error that retrying at once will not fix."""


class GoogleRefused(GoogleApiError):
    """Google refused the request itself (HTTP 400/413): sending it again cannot succeed."""


class QuotaStop(FollowupError, exit_code=10):
    """Gmail's per-minute quota (429, rate-limit 403) or the tick's unit budget ended the tick."""


class TemplateError(FollowupError, exit_code=6):
    """A template could not be loaded or rendered; the message names its file and line."""


class StateError(FollowupError, exit_code=7):
    """state.db cannot be used (newer schema, corrupt file)."""


class StateWriteError(StateError):
    """SQLite failed in the middle of a run (read-only file, full disk); nothing was lost."""


class NotFound(FollowupError, exit_code=8):
    """A command named an interview or step that does not exist."""


class Busy(FollowupError, exit_code=11):
    """A command that must change state found another run holding the lock."""
