"""Packaging: the wheel carries styles/, installs in a fresh venv and the app applies them."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CHECK_APP = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    import runback_tui
    assert "site-packages" in runback_tui.__file__, runback_tui.__file__
    from runback_tui.app import make_app
    from runback_tui.domain.clock import FakeClock
    from runback_tui.storage.store import Store

    async def main() -> None:
        from datetime import date
        from runback_tui.domain.models import Profile

        store = Store(Path("data.json"))
        store.save_profile(Profile(start_date=date(2026, 11, 1), accepted_disclaimer=True))
        app = make_app(store, FakeClock())
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            body = app.screen.query_one("#home-scroll")
            # styles/home.tcss sets `padding: 0 1` on #home-scroll
            assert tuple(body.styles.padding) == (0, 1, 0, 1), body.styles.padding
            print("styles applied from", runback_tui.paths.styles_dir())

    asyncio.run(main())
    """
)


@pytest.mark.slow
def test_wheel_installs_in_a_fresh_venv_and_finds_its_styles(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = dist.glob("runback-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "runback_tui/styles/app.tcss" in names
    assert "runback_tui/styles/home.tcss" in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True
    )
    assert install.returncode == 0, install.stderr[-2000:]

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "RUNBACK_DATA")}
    env["RUNBACK_DATA"] = str(work / "runback.json")
    checked = subprocess.run(
        [str(python), "-c", CHECK_APP], cwd=work, capture_output=True, text=True, env=env
    )
    assert checked.returncode == 0, checked.stderr[-3000:]
    assert "runback_tui/styles" in checked.stdout

    script = venv / "bin" / "runback"
    help_run = subprocess.run([str(script), "--help"], capture_output=True, text=True, env=env)
    assert help_run.returncode == 0 and "usage: runback" in help_run.stdout
