"""Reading the templates: the packaged defaults, then the user's folder over them."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from agent.core.compose import TemplateSet, TemplateSource

PACKAGE = "agent.default_templates"  # the repository's templates/ folder (see pyproject.toml)


def load_templates(user_dir: Path | None) -> TemplateSet:
    """The packaged templates, and every file under `user_dir` (if any) over them by its path."""
    packaged = importlib.resources.files(PACKAGE)
    sources = {
        item.name: TemplateSource(item.read_bytes(), str(item))
        for item in packaged.iterdir()
        if item.name.endswith(".j2") and item.is_file()
    }
    if user_dir is not None and user_dir.expanduser().is_dir():
        folder = user_dir.expanduser()
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                sources[path.relative_to(folder).as_posix()] = TemplateSource(
                    path.read_bytes(), str(path)
                )
    return TemplateSet(sources)
