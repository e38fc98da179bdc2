"""The domain imports neither textual nor tinydb, and storage never imports textual.

Each check runs in a fresh interpreter, so modules other tests imported do not hide a leak.
"""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import runback_tui.domain
import runback_tui.storage

ROOT = Path(__file__).resolve().parents[2]


def _modules(package: ModuleType) -> list[str]:
    """Every module of *package*, found by pkgutil (recursively)."""
    name = package.__name__
    found = [name]
    for info in pkgutil.walk_packages(package.__path__, prefix=name + "."):
        found.append(info.name)
    return sorted(found)


def _imported_in_fresh_interpreter(modules: list[str]) -> set[str]:
    """Top-level package names present in sys.modules after importing *modules*."""
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_domain_modules_are_found() -> None:
    modules = _modules(runback_tui.domain)
    assert "runback_tui.domain.protocol" in modules
    assert "runback_tui.domain.load" in modules
    assert "runback_tui.domain.models" in modules


def test_domain_imports_neither_textual_nor_tinydb() -> None:
    loaded = _imported_in_fresh_interpreter(_modules(runback_tui.domain))
    assert "textual" not in loaded
    assert "tinydb" not in loaded


def test_storage_never_imports_textual() -> None:
    loaded = _imported_in_fresh_interpreter(_modules(runback_tui.storage))
    assert "textual" not in loaded
