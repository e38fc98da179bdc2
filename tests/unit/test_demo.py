"""The history generator, the bulk import and `runback demo` (which never touches user data)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from runback_tui import demo
from runback_tui.cli import run
from runback_tui.domain import aggregates as agg
from runback_tui.domain.clock import FakeClock
from runback_tui.domain.models import CheckIn, RunWalkLog
from runback_tui.domain.protocol import plan_for
from runback_tui.storage.store import ConflictError, Store

TODAY = date(2026, 11, 21)
START = TODAY - timedelta(days=demo.DEMO_DAYS - 1)


def test_same_seed_same_history_and_another_seed_differs() -> None:
    first = demo.generate_history(START, 70, 5)
    again = demo.generate_history(START, 70, 5)
    other = demo.generate_history(START, 70, 6)
    assert first[0] == again[0]
    assert first[1].model_dump() == again[1].model_dump()
    assert first[1].model_dump() != other[1].model_dump()


@pytest.mark.parametrize("seed", [demo.DEMO_SEED, 1, 2, 3, 4])
def test_ten_weeks_tell_the_whole_story(seed: int) -> None:
    """Phase 1 to build, gates on day 8–10, a repeat, a flare, a cleared red flag, two pairs."""
    profile, history = demo.generate_history(START, demo.DEMO_DAYS, seed)
    data = agg.compute_dashboard(profile, history, TODAY)
    assert plan_for(profile, history, TODAY).program_phase == "build"
    stages = [e for e in data.events if e.kind == "stage"]
    assert stages[0].title == "Phase 2 began (stage 1)"
    assert 8 <= (stages[0].date - START).days + 1 <= 10
    assert any(e.title == "Build phase began" for e in stages)
    run_walks = [s for s in history.sessions if isinstance(s, RunWalkLog)]
    assert any(max(s.pain_during, s.pain_after) in (2, 3) for s in run_walks)  # a repeat
    [red_flag] = [e for e in data.events if e.kind == "red_flag"]
    [clearance] = [e for e in data.events if e.kind == "clearance"]
    assert 3 <= (clearance.date - red_flag.date).days <= 5
    assert len([e for e in data.events if e.kind == "flare"]) == 1
    assert len(history.shoes) == 2
    assert {s.status for s in data.shoes} == {"ok", "replace_soon"}
    build_weeks = [w for w in data.weeks if w.build_week]
    assert any(w.deload for w in build_weeks)
    assert len([w for w in build_weeks if w.over_km > 0]) <= 2
    # Near the cap: the non-deload weeks after the first use most of it.
    full = [w for w in build_weeks[1:] if not w.deload and not w.current and w.cap_km]
    assert full and all(w.km >= 0.6 * (w.cap_km or 0) for w in full)
    assert data.checkin_count >= 60
    assert plan_for(profile, history, TODAY).phase not in ("paused", "acute")


def test_years_scale_with_about_one_checkin_a_day() -> None:
    days = 5 * 365
    profile, history = demo.generate_history(date(2020, 1, 6), days, 11)
    assert 0.9 * days <= len(history.checkins) <= days
    assert 0.8 * days <= len(history.sessions) <= 1.4 * days
    assert len(history.shoes) >= 4
    assert len({c.date for c in history.checkins}) == len(history.checkins)
    assert len({s.id for s in history.sessions}) == len(history.sessions)
    data = agg.compute_dashboard(profile, history, date(2020, 1, 6) + timedelta(days=days - 1))
    assert len([e for e in data.events if e.kind == "red_flag"]) >= 3
    assert len([e for e in data.events if e.kind == "flare"]) >= 6


def test_seed_store_writes_everything_in_one_go(tmp_path: Path) -> None:
    store = Store(tmp_path / "runback.json")
    profile, history = demo.generate_history(date(2020, 1, 6), 365, 3)
    demo.seed_store(store, profile, history)
    snapshot = store.snapshot()
    assert snapshot.profile == profile
    assert snapshot.history.model_dump() == history.model_dump()


def test_import_records_refuses_clashes_and_writes_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "runback.json")
    store.save_checkin(CheckIn(date=TODAY, pain=1))
    with pytest.raises(ConflictError, match="2026-11-21"):
        store.import_records(checkins=[CheckIn(date=TODAY - timedelta(days=1), pain=2),
                                       CheckIn(date=TODAY, pain=3)])  # fmt: skip
    assert [c.pain for c in store.history().checkins] == [1]
    with pytest.raises(ConflictError, match="2026-11-19"):
        store.import_records(checkins=[CheckIn(date=date(2026, 11, 19), pain=2)] * 2)


def test_seed_demo_ends_today(tmp_path: Path) -> None:
    store = Store(tmp_path / "runback.json")
    demo.seed_demo(store, TODAY)
    history = store.history()
    assert min(c.date for c in history.checkins) == START
    assert max(c.date for c in history.checkins) <= TODAY
    assert max(s.date for s in history.sessions) <= TODAY


def test_runback_demo_never_touches_the_users_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`runback demo` ignores --data and RUNBACK_DATA: neither file is created or read."""
    env_file = tmp_path / "env" / "runback.json"
    data_file = tmp_path / "data" / "runback.json"
    monkeypatch.setenv("RUNBACK_DATA", str(env_file))
    seen: dict[str, Any] = {}

    def fake_launch(app: Any) -> None:
        seen["path"] = app.store.path
        seen["history"] = app.store.history()
        seen["sub_title"] = app.sub_title
        seen["exists"] = app.store.path.exists()

    monkeypatch.setattr(demo, "launch", fake_launch)
    clock = FakeClock(datetime(2026, 11, 21, 7, 30))
    for argv in (["demo"], ["--data", str(data_file), "demo"], ["demo", "--data", str(data_file)]):
        out, err = io.StringIO(), io.StringIO()
        assert run(argv, clock=clock, out=out, err=err) == 0, err.getvalue()
        assert not env_file.exists() and not env_file.parent.exists()
        assert not data_file.exists() and not data_file.parent.exists()
        assert seen["exists"] and seen["path"] not in (env_file, data_file)
        assert not Path(seen["path"]).exists()  # the temporary copy is gone afterwards
        dates = sorted(c.date for c in seen["history"].checkins)
        assert dates[0] == START and dates[-1] == TODAY
        assert "DEMO" in seen["sub_title"]


def test_demo_help_says_user_data_is_ignored(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["demo", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--data / RUNBACK_DATA are ignored" in text
