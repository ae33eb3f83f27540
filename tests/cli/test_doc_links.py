"""Every link and file path in README.md, docs/ and bench/README.md resolves inside the repo."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", ROOT / "bench" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`\s]+)`")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
TOP = ("agent/", "docs/", "tests/", "scripts/", "config/", "templates/", "bench/")


def targets(page: Path) -> list[str]:
    """Relative link targets, and code spans naming a repo file or a .md page by its path."""
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    found = [t for t in LINK.findall(text) if not re.match(r"^[a-z]+:", t) and t[0] != "#"]
    for span in CODE.findall(text):
        page_or_file = span.endswith(".md") or span.startswith(TOP)
        if page_or_file and "/" in span and not any(c in span for c in "<*{$"):
            found.append(span)
    return found


def resolve(page: Path, target: str) -> Path | None:
    """Where a target points (beside the page, else from the repo root), if it is in the repo."""
    path = target.split("#", 1)[0]
    for base in (page.parent, ROOT):
        candidate = (base / path).resolve()
        if candidate.exists() and candidate.is_relative_to(ROOT):
            return candidate
    return None


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_link_resolves_inside_the_repo(page: Path) -> None:
    broken = [t for t in targets(page) if resolve(page, t) is None]
    assert broken == [], f"{page.relative_to(ROOT)}: {broken}"


def test_the_guides_live_in_docs_and_the_readme_links_them() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("sandbox.md", "google-api-notes.md"):
        assert (ROOT / "docs" / name).is_file()
        assert f"(docs/{name})" in readme, f"README does not link docs/{name}"
    assert not re.search(r"\.\./shared/[\w.-]+\.md", readme), "a guide outside the repo"


def test_the_checker_catches_a_path_outside_the_repo(tmp_path: Path) -> None:
    page = ROOT / "README.md"
    assert resolve(page, "../shared/etiquette.md") is None
    assert resolve(page, "docs/sandbox.md") is not None
    assert resolve(ROOT / "docs" / "sandbox.md", "google-api-notes.md") is not None


def test_the_sandbox_help_points_at_its_guide_in_docs() -> None:
    from click.testing import CliRunner

    from agent.cli.main import main

    text = CliRunner().invoke(main, ["sandbox", "--help"]).output
    assert "docs/sandbox.md" in text and (ROOT / "docs" / "sandbox.md").is_file()


def test_shell_completion_as_the_readme_documents_it() -> None:
    import os
    import subprocess
    import sys

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "_FOLLOWUP_COMPLETE=bash_source followup" in readme
    followup = Path(sys.executable).parent / "followup"  # the installed entry point
    env = dict(os.environ, _FOLLOWUP_COMPLETE="bash_source")
    script = subprocess.run([str(followup)], env=env, capture_output=True, text=True, timeout=60)
    assert "_followup_completion" in script.stdout
    env = dict(os.environ, _FOLLOWUP_COMPLETE="bash_complete", COMP_WORDS="followup st",
               COMP_CWORD="1")
    words = subprocess.run([str(followup)], env=env, capture_output=True, text=True, timeout=60)
    assert words.stdout.split() == ["plain,status", "plain,stop"]
