"""The command line starts light: importing it loads neither pydantic, tinydb nor textual.

Each check runs in a fresh interpreter, so modules other tests imported do not hide a leak.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pydantic", "tinydb", "textual", "platformdirs")


def _loaded_after(code: str) -> set[str]:
    """Top-level packages in sys.modules after running *code* in a fresh interpreter."""
    script = (
        code + "\nimport sys\nprint(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split()[-200:])


def test_importing_the_cli_loads_no_heavy_package() -> None:
    loaded = _loaded_after("import runback_tui.cli, runback_tui.__main__")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_the_limits_module_is_pydantic_free() -> None:
    loaded = _loaded_after("import runback_tui.domain.limits, runback_tui.storage.cache")
    assert not loaded & set(HEAVY)


def test_a_cached_today_json_loads_no_heavy_package(tmp_path: Path) -> None:
    path = tmp_path / "runback.json"
    warm = textwrap.dedent(
        f"""
        from runback_tui.cli import run
        assert run(["--data", {str(path)!r}, "init", "--start-date", "2026-01-01",
                    "--units", "km", "--accept-disclaimer"]) == 0
        assert run(["--data", {str(path)!r}, "today", "--json"]) == 0
        """
    )
    _loaded_after(warm)
    loaded = _loaded_after(
        f"from runback_tui.cli import run\nassert run(['--data', {str(path)!r}, 'today', '--json']) == 0"
    )
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_the_models_still_export_the_limits() -> None:
    from runback_tui.domain import limits, models

    for name in ("MIN_DATE", "MAX_DATE", "RED_FLAG_KEYS", "HISTORY_KEYS", "CROSS_ACTIVITIES",
                 "MAX_NOTE_CHARS", "MAX_NAME_CHARS", "to_km", "from_km", "KM_PER_MILE"):  # fmt: skip
        assert getattr(models, name) is getattr(limits, name)
