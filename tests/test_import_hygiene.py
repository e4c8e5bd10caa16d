"""The layering holds: stages never import the views, flow top-down, and talk through their packages."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "citelens"
VIEWS = {"cli.py", "output/terminal.py"}  # and everything under tui/
FORBIDDEN = {"textual", "click", "rich"}
STAGES = ["read", "resolve", "claims", "store", "output"]
# what each stage may import besides the shared modules (records, errors, failures, defaults, settings)
ALLOWED = {
    "read": set(),
    "resolve": {"read"},
    "claims": {"read", "resolve"},
    "store": set(),
    "output": {"store"},
}
SHARED = {"records", "errors", "failures", "defaults", "settings", "__init__"}


def _module(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            base = _module(path).split(".")
            if path.name != "__init__.py":
                base = base[:-1]
            base = base[: len(base) - (node.level - 1)]
            names.add(".".join(base + ([node.module] if node.module else [])))
    return names


def _modules() -> dict[str, Path]:
    return {_module(p): p for p in SRC.rglob("*.py")}


def _is_view(path: Path) -> bool:
    rel = path.relative_to(SRC).as_posix()
    return rel in VIEWS or rel.startswith("tui/")


def test_stages_do_not_import_views():
    offenders = {}
    for path in SRC.rglob("*.py"):
        if _is_view(path):
            continue
        bad = {name.split(".")[0] for name in _imports(path)} & FORBIDDEN
        if bad:
            offenders[path.relative_to(SRC).as_posix()] = bad
    assert offenders == {}


def test_only_cli_and_tui_import_cli_and_tui():
    offenders = {}
    for name, path in _modules().items():
        rel = path.relative_to(SRC).as_posix()
        if rel == "cli.py" or rel.startswith("tui/"):
            continue
        bad = {m for m in _imports(path) if m == "citelens.cli" or m.startswith("citelens.tui")}
        if bad:
            offenders[name] = bad
    assert offenders == {}


def test_stages_flow_top_down_through_their_packages():
    offenders = {}
    for name, path in _modules().items():
        parts = name.split(".")
        if len(parts) < 3 or parts[1] not in STAGES:
            continue
        stage = parts[1]
        for target in _imports(path):
            tparts = target.split(".")
            if tparts[0] != "citelens" or len(tparts) < 2 or tparts[1] == stage or tparts[1] in SHARED:
                continue
            if tparts[1] not in ALLOWED[stage]:
                offenders.setdefault(name, set()).add(f"{target} (a later stage)")
            elif len(tparts) > 2:
                offenders.setdefault(name, set()).add(f"{target} (a private module: import the package)")
    assert offenders == {}


def test_no_import_cycles():
    modules = _modules()
    graph = {
        name: {m for m in _imports(path, top_level_only=True) if m in modules and m != name}
        for name, path in modules.items()
    }
    seen: dict[str, int] = {}  # 1 = on the stack, 2 = done
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(graph[node]):
            if seen.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in seen:
                visit(nxt, [*stack, nxt])
        seen[node] = 2

    for node in sorted(graph):
        if node not in seen:
            visit(node, [node])
    assert cycles == []
