"""The package's shape: layers as folders, no module over 400 lines, no module left at the top."""

from __future__ import annotations

from pathlib import Path

AGENT = Path(__file__).resolve().parents[1] / "agent"
LAYERS = {"core", "files", "engine", "store", "google", "cli", "sandbox"}
MAX_LINES = 400


def test_every_module_sits_in_a_layer() -> None:
    loose = sorted(p.name for p in AGENT.glob("*.py") if p.name != "__init__.py")
    assert loose == []
    folders = {p.name for p in AGENT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == LAYERS


def test_no_module_is_over_400_lines() -> None:
    sizes = {
        str(p.relative_to(AGENT)): len(p.read_text(encoding="utf-8").splitlines())
        for p in AGENT.rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
