"""The stages never import the views: no Textual, click or rich outside cli.py, views.py and tui/."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "citelens"
VIEWS = {"cli.py", "views.py"}
FORBIDDEN = {"textual", "click", "rich"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_stages_do_not_import_views():
    offenders = {}
    for path in SRC.glob("*.py"):
        if path.name in VIEWS:
            continue
        bad = _imports(path) & FORBIDDEN
        if bad:
            offenders[path.name] = bad
    assert offenders == {}
