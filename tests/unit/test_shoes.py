"""The default shoe of a new run: the one rule the CLI and the run summary share."""

from __future__ import annotations

from datetime import date

from runback_tui.domain.models import History, RoutineLog, RunLog, RunWalkLog, Shoe
from runback_tui.domain.shoes import default_shoe

DAY = date(2026, 3, 2)


def run(day: int, shoe: str | None, id: str = "") -> RunLog:
    """A run on DAY + *day* days, in *shoe*."""
    return RunLog(
        id=id or f"run-{day}",
        date=date.fromordinal(DAY.toordinal() + day),
        distance_km=5.0,
        pain_during=0,
        pain_after=0,
        shoe=shoe,
    )


def run_walk(day: int, shoe: str | None) -> RunWalkLog:
    """A completed stage-1 run-walk on DAY + *day* days, in *shoe*."""
    return RunWalkLog(
        id=f"walk-{day}",
        date=date.fromordinal(DAY.toordinal() + day),
        stage=1,
        completed=True,
        repeats_done=10,
        pain_during=0,
        pain_after=0,
        shoe=shoe,
    )


def shoes(*names: str) -> list[Shoe]:
    return [Shoe(name=name) for name in names]


def test_no_shoes_means_no_default() -> None:
    assert default_shoe(History()) is None
    assert default_shoe(History(sessions=[run(0, None)])) is None


def test_the_latest_run_or_run_walk_naming_a_stored_shoe_decides() -> None:
    history = History(
        shoes=shoes("Pegasus", "Ghost"),
        sessions=[run(0, "Pegasus"), run_walk(2, "Ghost"), run(1, "Pegasus")],
    )
    assert default_shoe(history) == "Ghost"


def test_a_session_without_a_shoe_or_with_a_removed_one_is_passed_over() -> None:
    history = History(
        shoes=shoes("Pegasus", "Ghost"),
        sessions=[run(0, "Ghost"), run(1, None), run(2, "Retired pair")],
    )
    assert default_shoe(history) == "Ghost"


def test_names_compare_case_insensitively_and_come_back_as_stored() -> None:
    history = History(shoes=shoes("Pegasus", "Ghost"), sessions=[run(0, "pEGASUS")])
    assert default_shoe(history) == "Pegasus"


def test_the_same_date_is_decided_by_the_id() -> None:
    history = History(
        shoes=shoes("Pegasus", "Ghost"),
        sessions=[run(0, "Ghost", id="b"), run(0, "Pegasus", id="a")],
    )
    assert default_shoe(history) == "Ghost"


def test_with_no_run_naming_a_shoe_the_only_shoe_is_the_default() -> None:
    routine = RoutineLog(date=DAY, routine_id="daily_core")
    assert default_shoe(History(shoes=shoes("Pegasus"), sessions=[routine])) == "Pegasus"
    assert default_shoe(History(shoes=shoes("Pegasus"), sessions=[run(0, "Gone")])) == "Pegasus"
    assert default_shoe(History(shoes=shoes("Pegasus", "Ghost"))) is None
