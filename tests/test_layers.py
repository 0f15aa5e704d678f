"""The layers stay apart: what each top-level package may import (docs/architecture.md)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
# core modules that import nothing of the project, so that db/ may use them without a cycle
LEAVES = {"core.domain", "core.settings"}


def _imports(path: Path) -> set[str]:
    """Absolute module names a file imports (`from a.b import c` gives a.b and a.b.c)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def _files(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]


def _top(names: set[str]) -> set[str]:
    return {n.split(".")[0] for n in names}


@pytest.mark.parametrize("package", ["core", "db", "demo"])
def test_no_ui_below_the_pages(package):
    for path in _files(package):
        assert not _top(_imports(path)) & {"streamlit", "ui", "pages"}, path


def test_db_uses_only_the_leaf_modules_of_core():
    for path in _files("db"):
        used = {n for n in _imports(path) if n.startswith("core.")}
        assert {n for n in used if not any(n == leaf or n.startswith(leaf + ".") for leaf in LEAVES)} \
            == set(), path
        assert not _top(_imports(path)) & {"demo"}, path


@pytest.mark.parametrize("leaf", sorted(LEAVES))
def test_leaf_modules_import_nothing_of_the_project(leaf):
    path = ROOT / (leaf.replace(".", "/") + ".py")
    assert not _top(_imports(path)) & {"core", "db", "demo", "ui", "pages"}


def test_core_never_uses_the_demo_data():
    for path in _files("core"):
        assert "demo" not in _top(_imports(path)), path


def test_pages_reach_the_database_only_through_core_and_ui():
    for path in (ROOT / "pages").glob("*.py"):
        assert "db" not in _top(_imports(path)), path
