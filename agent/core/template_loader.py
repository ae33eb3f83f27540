"""The Jinja2 side of the templates: the sandboxed environment and the packaged loader.

Imported only when a template is rendered (agent/core/templating.py), so a tick with nothing
to draft and unchanged templates does not load Jinja2.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment


def environment(
    user_dir: Path | None, packaged: Traversable, filters: Mapping[str, Callable[..., Any]]
) -> jinja2.Environment:
    """User overrides first, then the packaged defaults; strict, sandboxed, no autoescape."""
    loaders: list[jinja2.BaseLoader] = []
    if user_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(user_dir), encoding="utf-8"))
    loaders.append(_PackagedLoader(packaged))
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(filters)
    return env


class _PackagedLoader(jinja2.BaseLoader):
    """Loads the default templates shipped inside the package."""

    def __init__(self, root: Traversable) -> None:
        """Serve templates from `root` (a package folder)."""
        self.root = root

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """The source, file name and an always-fresh check for one packaged template."""
        if "/" in template or "\\" in template or template.startswith("."):
            raise jinja2.TemplateNotFound(template)
        path = self.root / template
        if not path.is_file():
            raise jinja2.TemplateNotFound(template)
        return path.read_text(encoding="utf-8"), str(path), lambda: True

    def list_templates(self) -> list[str]:
        """Every packaged template name."""
        return sorted(p.name for p in self.root.iterdir() if p.name.endswith(".j2"))
