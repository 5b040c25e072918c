"""ARCHITECTURE §1: the core and storage never import a platform SDK."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("slack_bolt", "slack_sdk", "discord")


def _python_files() -> list[Path]:
    return sorted(p for top in ("bot", "storage") for p in (ROOT / top).rglob("*.py"))


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_there_are_core_files_to_check() -> None:
    assert len(_python_files()) > 20


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_and_storage_import_no_platform_sdk(path: Path) -> None:
    assert not (_imported(path) & set(FORBIDDEN)), f"{path} imports a platform SDK"


def test_zones_come_from_the_pinned_tzdata_through_one_module() -> None:
    """TIME.md: `ZoneInfo(name)` may read the system's older zone files; `get_zone` reads the pinned ones."""
    offenders = [p for top in ("bot", "adapters", "storage") for p in (ROOT / top).rglob("*.py")
                 if p.name != "zones.py" and "ZoneInfo(" in p.read_text(encoding="utf-8")]
    assert not offenders
