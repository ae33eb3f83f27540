"""The sandbox's modules form no import circle (function-local and TYPE_CHECKING imports count)."""

from __future__ import annotations

import ast
from pathlib import Path

import agent.sandbox

PACKAGE = "agent.sandbox"
ROOT = Path(agent.sandbox.__file__).parent
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    return {
        (PACKAGE if p.stem == "__init__" else f"{PACKAGE}.{p.stem}"): p
        for p in sorted(ROOT.glob("*.py"))
    }


def import_graph() -> dict[str, set[str]]:
    """module -> sandbox modules it imports anywhere in its source (any nesting, any branch)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative import
                    parts = name.split(".")
                    keep = parts if path.stem == "__init__" else parts[:-1]
                    keep = keep[: len(keep) - node.level + 1]
                    base = ".".join([*keep, *([base] if base else [])])
                for alias in node.names:  # `from pkg import mod` imports pkg.mod, not pkg
                    sub = f"{base}.{alias.name}"
                    targets.add(sub if sub in modules else base)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        mod = todo.pop()
        if mod not in seen:
            seen.add(mod)
            todo.extend(graph[mod])
    return seen


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = import_graph()
    assert "agent.sandbox.dispatch" in graph["agent.sandbox.state"]  # the check sees imports
    circles = {
        (mod, dep)
        for mod, deps in graph.items()
        for dep in deps
        if mod in _reach(graph, dep)
    }
    assert not circles, sorted(circles)


def test_the_check_finds_a_function_local_circle(tmp_path: Path) -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}}
    assert "a" in _reach(graph, "b")
    src = "def f():\n    from agent.sandbox.state import Sandbox\n"
    found = [n for n in ast.walk(ast.parse(src)) if isinstance(n, ast.ImportFrom)]
    assert found and found[0].module == "agent.sandbox.state"


def test_every_module_is_short() -> None:
    long = {
        p.name: n
        for p in ROOT.glob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) >= MAX_LINES
    }
    assert not long, long


def test_the_only_agent_module_outside_the_sandbox_it_imports_is_the_quota_table() -> None:
    """Gmail's unit table, which imports nothing itself."""
    outside: set[str] = set()
    for path in _modules().values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            outside.update(n for n in names if n.split(".")[0] == "agent")
    outside = {n for n in outside if not n.startswith(PACKAGE)}
    assert outside == {"agent.google.quota"}
    quota = Path(agent.sandbox.__file__).parents[1] / "google" / "quota.py"
    tree = ast.parse(quota.read_text(encoding="utf-8"))
    imported = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert [getattr(n, "module", None) for n in imported] == ["__future__"]
