"""The user's voice: Jinja2 templates, user overrides first, rendered in a sandbox.

Only template *files* are ever compiled (the packaged defaults and the user's own
overrides); text from calendar events reaches a template only as a variable value.
Every failure becomes one `TemplateError` line naming the template file and line.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import logging
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.core.errors import TemplateError
from agent.core.model import STEPS
from agent.core.text import one_line

if TYPE_CHECKING:
    pass

if TYPE_CHECKING:
    import jinja2

log = logging.getLogger(__name__)

PACKAGE = "agent.default_templates"  # the repository's templates/ folder (see pyproject.toml)
EMAIL_TEMPLATES = tuple(s.email_template for s in STEPS.values() if s.email_template)
VOICEMAIL_TEMPLATES = tuple(s.voicemail_template for s in STEPS.values() if s.voicemail_template)
CUE_TEMPLATES = tuple(s.cue_template for s in STEPS.values() if s.cue_template)
TEMPLATE_NAMES = (*EMAIL_TEMPLATES, *VOICEMAIL_TEMPLATES, *CUE_TEMPLATES)
VARIABLES = (
    "candidate", "signature", "candidate_phone", "contact", "contacts", "company", "role",
    "interview_date", "interview_when", "fit", "strengths", "start", "follow_up_date",
    "branch", "step", "is_panel", "phone", "thank_you_sent", "check_in_sent",
)
README_HINT = "check the variable names in templates/README.md"


@dataclass(frozen=True)
class EmailText:
    """A rendered email template split into its subject line and plain-text body."""

    subject: str
    body: str


def sentence(text: object) -> str:
    """A filter: the text with a capital first letter and a closing full stop."""
    value = str(text).strip()
    if not value:
        return ""
    value = value[0].upper() + value[1:]
    return value if value[-1] in ".!?…" else value + "."


_LOWER_FIRST = frozenset(
    {"a", "an", "it", "my", "our", "that", "the", "their", "these", "they", "this", "those"}
    | {"we", "you", "your"}
)


def and_list(items: object) -> str:
    """A filter: list items joined for speech, 'a, b and c', ready to sit inside a sentence."""
    parts = [str(p).strip().rstrip(".;,!") for p in (items or ())]  # type: ignore[attr-defined]
    parts = [p for p in parts if p]
    out = []
    for part in parts:
        first, _, rest = part.partition(" ")
        if first.lower() in _LOWER_FIRST and first[:1].isupper() and first[1:].islower():
            part = first.lower() + (" " + rest if rest else "")
        out.append(part)
    if len(out) <= 1:
        return "".join(out)
    return ", ".join(out[:-1]) + " and " + out[-1]


def _user_path(user_dir: Path | None, name: str) -> Path | None:
    """The user's override of `name`, when it exists."""
    if user_dir is None:
        return None
    path = user_dir / name
    return path if path.is_file() else None


class TemplateSet:
    """The templates in effect: a user folder's files override the packaged defaults."""

    def __init__(self, user_dir: Path | None) -> None:
        """Use overrides from `user_dir` (may be None or missing) before the defaults."""
        self.user_dir = Path(user_dir).expanduser() if user_dir is not None else None
        self.packaged: Traversable = importlib.resources.files(PACKAGE)

    @functools.cached_property
    def env(self) -> jinja2.Environment:
        """The sandboxed Jinja2 environment, built (and Jinja2 imported) on first render."""
        from agent.core.template_loader import environment

        return environment(self.user_dir, self.packaged, {"sentence": sentence,
                                                          "and_list": and_list})

    def fingerprint(self) -> str:
        """What `check_used` answers for: every template file's name and content, and the code."""
        digest = hashlib.sha256(repr((TEMPLATE_NAMES, str(self.user_dir))).encode())
        digest.update(str(Path(__file__).stat().st_mtime_ns).encode())
        files: list[Traversable] = sorted(
            (t for t in self.packaged.iterdir() if t.is_file()), key=lambda t: t.name
        )
        if self.user_dir is not None and self.user_dir.is_dir():
            files += sorted(p for p in self.user_dir.rglob("*") if p.is_file())  # includes too
        for item in files:
            digest.update(f"\0{item}\0".encode("utf-8", "surrogatepass"))
            digest.update(item.read_bytes())
        return digest.hexdigest()

    def source_path(self, name: str) -> str:
        """The file a template name resolves to: the user's override, else the packaged one."""
        user = _user_path(self.user_dir, name)
        return str(user) if user is not None else str(self.packaged / name)

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        """Render template `name`; any failure is a one-line TemplateError naming file and line."""
        import jinja2

        try:
            template = self.env.get_template(name)
            return template.render(dict(context))
        except TemplateError:
            raise
        except jinja2.TemplateSyntaxError as exc:
            where = exc.filename or self.source_path(exc.name or name)
            message = exc.message or str(exc)
            raise self._error(where, exc.lineno, message, "fix the Jinja syntax") from exc
        except jinja2.TemplateNotFound as exc:
            where, line = self._location(exc, name)
            missing = exc.name if isinstance(exc.name, str) else name
            if line is None:
                hint = "put the file back or reinstall followup"
                raise TemplateError(
                    one_line(f"{where}: template {missing!r} not found ({hint})")
                ) from exc
            message = f"template {missing!r} not found"
            raise self._error(where, line, message, "fix the include") from exc
        except UnicodeDecodeError as exc:
            raise TemplateError(
                one_line(f"{self.source_path(name)}: not UTF-8 text (save the file as UTF-8)")
            ) from exc
        except jinja2.UndefinedError as exc:
            where, line = self._location(exc, name)
            raise self._error(where, line, exc.message or str(exc), README_HINT) from exc
        except jinja2.exceptions.SecurityError as exc:
            where, line = self._location(exc, name)
            hint = "templates may only use the documented variables and filters"
            raise self._error(where, line, str(exc), hint) from exc
        except Exception as exc:
            where, line = self._location(exc, name)
            message = f"{type(exc).__name__}: {exc}"
            raise self._error(where, line, message, "check the expression on that line") from exc

    def render_email(self, name: str, context: Mapping[str, Any]) -> EmailText:
        """Render an email template: `Subject: ...`, a blank line, then the plain-text body."""
        text = self.render(name, context).replace("\r\n", "\n").replace("\r", "\n")
        first, _, rest = text.partition("\n")
        if not first.startswith("Subject:"):
            raise self._error(
                self.source_path(name), 1, "the first line must be 'Subject: ...'",
                "see templates/README.md",
            )
        subject = first[len("Subject:") :].strip()
        body = rest.lstrip("\n").rstrip() + "\n"
        return EmailText(subject=subject, body=body)

    def check_used(self) -> None:
        """Render every template followup uses with sample data; raise the first TemplateError.

        Cheap (milliseconds): every tick and the start of `followup run` call it, so a broken
        template is reported (file and line) before any step is due, not when one is.
        """
        errors = [e for e in self.check_all() if "not a template followup uses" not in str(e)]
        if errors:
            raise errors[0]

    def check_all(self, context: Mapping[str, Any] | None = None) -> list[TemplateError]:
        """Render every template with sample data; the problems found (for `followup doctor`)."""
        contexts = (
            [context] if context is not None else [sample_context(), sample_context(full=False)]
        )
        errors: list[TemplateError] = []
        for name in TEMPLATE_NAMES:
            for ctx in contexts:
                try:
                    if name in EMAIL_TEMPLATES:
                        self.render_email(name, ctx)
                    else:
                        self.render(name, ctx)
                except TemplateError as exc:
                    errors.append(exc)
                    break
        errors.extend(self._unknown_overrides())
        return errors

    def _unknown_overrides(self) -> list[TemplateError]:
        """User files that look like templates but that followup never uses."""
        if self.user_dir is None or not self.user_dir.is_dir():
            return []
        known = ", ".join(TEMPLATE_NAMES)
        return [
            TemplateError(f"{path}: not a template followup uses (rename it to one of: {known})")
            for path in sorted(self.user_dir.glob("*.j2"))
            if path.name not in TEMPLATE_NAMES
        ]

    def _location(self, exc: BaseException, name: str) -> tuple[str, int | None]:
        """The template file and line where a render-time error happened (innermost)."""
        roots = [str(self.packaged)]
        if self.user_dir is not None:
            roots.append(str(self.user_dir))
        found: tuple[str, int | None] = (self.source_path(name), None)
        for frame in traceback.extract_tb(exc.__traceback__):
            in_templates = any(frame.filename.startswith(r) for r in roots)
            if in_templates and not frame.filename.endswith(".py"):
                found = (frame.filename, frame.lineno)
        return found

    @staticmethod
    def _error(where: str, line: int | None, message: str, hint: str) -> TemplateError:
        """One line: `<file>, line <n>: <what> (<what to do>)`."""
        place = f"{where}, line {line}" if line else where
        return TemplateError(one_line(f"{place}: {message} ({hint})"))


def sample_context(*, full: bool = True) -> dict[str, Any]:
    """Realistic values for every template variable (sparse: empty lists, no names, no dates)."""
    from agent.core.interviews import Contact

    jane = Contact(email="jane.doe@example.com", name="Jane Doe" if full else "")
    sam = Contact(email="sam.lee@example.com", name="Sam Lee")
    return {
        "candidate": "Alex Morgan" if full else "",
        "signature": "Alex Morgan\n+1 555 0199" if full else "",
        "candidate_phone": "+1 555 0199" if full else None,
        "contact": jane,
        "contacts": (jane, sam) if full else (jane,),
        "company": "Example Corp" if full else "",
        "role": "Senior Engineer" if full else "",
        "interview_date": "Tuesday, December 1",
        "interview_when": "today" if full else "on Tuesday, December 1",
        "fit": (
            ["the team ships small, reviewed changes every day", "on-call is shared fairly"]
            if full
            else []
        ),
        "strengths": ["Postgres performance tuning", "leading incident reviews"] if full else [],
        "start": "January 5" if full else None,
        "follow_up_date": "Thursday, December 3" if full else None,
        "branch": "named" if full else "next_day",
        "step": "check_in",
        "is_panel": full,
        "phone": "+1 555 0100" if full else None,
        "thank_you_sent": "Monday, November 30" if full else None,
        "check_in_sent": "Wednesday, December 2" if full else None,
    }
