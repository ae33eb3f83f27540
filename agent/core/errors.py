"""The agent's one exception family; each kind carries the CLI exit code it ends with."""

from __future__ import annotations


class FollowupError(Exception):
    """A failure a person can act on: the message says what is wrong and what to do."""

    exit_code = 1


class SettingsError(FollowupError):
    """config.toml is missing a value, has an unknown key, or a value of the wrong shape."""

    exit_code = 3


class AuthError(FollowupError):
    """No token, an unreadable or unsafe token file, or a revoked/expired grant."""

    exit_code = 4


class GoogleUnavailable(FollowupError):
    """Google (or the sandbox) could not be reached or kept failing after retries."""

    exit_code = 5


class OutcomeUnknown(GoogleUnavailable):
    """A write was sent but no answer came back: Google may or may not have done it."""


class GoogleApiError(FollowupError):
    """Google answered with an error that retrying at once will not fix."""

    exit_code = 5


class GoogleRefused(GoogleApiError):
    """Google refused the request itself (HTTP 400/413): sending it again cannot succeed."""


class QuotaStop(FollowupError):
    """Gmail's per-minute quota (429, rate-limit 403) or the tick's unit budget ended the tick."""

    exit_code = 10


class TemplateError(FollowupError):
    """A template could not be loaded or rendered; the message names its file and line."""

    exit_code = 6


class StateError(FollowupError):
    """state.db cannot be used (newer schema, corrupt file)."""

    exit_code = 7


class StateWriteError(StateError):
    """SQLite failed in the middle of a run (read-only file, full disk); nothing was lost."""


class NotFound(FollowupError):
    """A command named an interview or step that does not exist."""

    exit_code = 8


class Busy(FollowupError):
    """A command that must change state found another run holding the lock."""

    exit_code = 11
