"""Every validation rule of the records, with hypothesis over the numeric ranges and dates.

The records are pydantic models (runback_tui.domain.models): the same rules check a form, a
command-line value and the data file.
"""

from __future__ import annotations

import math
from datetime import date

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from runback_tui.domain import models as m

ValidationError = pydantic.ValidationError


def errors_of(factory: type, **fields: object) -> str:
    """The described validation error of building *factory* with *fields*."""
    with pytest.raises(ValidationError) as caught:
        factory(**fields)
    return m.describe_validation_error(caught.value)


@given(st.integers(min_value=0, max_value=10))
def test_pain_in_range_is_accepted(pain: int) -> None:
    assert m.CheckIn(date=date(2026, 1, 1), pain=pain).pain == pain


@given(st.integers().filter(lambda n: n < 0 or n > 10))
def test_pain_out_of_range_names_field_and_range(pain: int) -> None:
    message = errors_of(m.CheckIn, date=date(2026, 1, 1), pain=pain)
    assert message.startswith("pain:")
    assert "10" in message or "0" in message


@pytest.mark.parametrize("bad", [2.5, "3", True, None])
def test_pain_must_be_a_whole_number(bad: object) -> None:
    assert errors_of(m.CheckIn, date=date(2026, 1, 1), pain=bad).startswith("pain:")


@given(st.integers().filter(lambda n: n < 0 or n > 10))
def test_stiffness_range(stiffness: int) -> None:
    message = errors_of(m.CheckIn, date=date(2026, 1, 1), pain=1, stiffness=stiffness)
    assert message.startswith("stiffness:")


@given(st.dates())
def test_dates_inside_the_range_only(day: date) -> None:
    if m.MIN_DATE <= day <= m.MAX_DATE:
        assert m.CheckIn(date=day, pain=0).date == day
    else:
        assert "must be between" in errors_of(m.CheckIn, date=day, pain=0)


@pytest.mark.parametrize("text", ["2026-02-30", "2025-02-29", "tomorrow", "2026-13-01", ""])
def test_unreal_dates_are_refused(text: str) -> None:
    assert errors_of(m.CheckIn, date=text, pain=0).startswith("date:")


def test_leap_day_is_a_real_date() -> None:
    assert m.CheckIn(date="2028-02-29", pain=0).date == date(2028, 2, 29)


def test_red_flag_keys_are_protocol_keys() -> None:
    message = errors_of(m.CheckIn, date=date(2026, 1, 1), pain=0, red_flags=["back_ache"])
    assert "red_flags.0" in message
    assert "numbness_below_knee" in message and "bladder_bowel" in message


def test_red_flags_are_deduplicated_in_order() -> None:
    checkin = m.CheckIn(
        date=date(2026, 1, 1), pain=0, red_flags=["night_pain", "leg_weakness", "night_pain"]
    )
    assert checkin.red_flags == ["night_pain", "leg_weakness"]


def test_history_keys_are_protocol_keys() -> None:
    assert "history.0" in errors_of(m.Profile, start_date=date(2026, 1, 1), history=["asthma"])
    profile = m.Profile(start_date=date(2026, 1, 1), history=list(m.HISTORY_KEYS))
    assert profile.history == list(m.HISTORY_KEYS)


def test_units_are_km_or_mi() -> None:
    assert "units" in errors_of(m.Profile, start_date=date(2026, 1, 1), units="furlongs")


def test_unknown_fields_are_refused() -> None:
    assert "is not a known field" in errors_of(m.CheckIn, date=date(2026, 1, 1), pain=0, mood=3)


@given(st.floats(allow_nan=True, allow_infinity=True) | st.floats(min_value=-1e9, max_value=1e9))
def test_session_distance_is_finite_non_negative_and_bounded(km: float) -> None:
    fields = {"date": date(2026, 1, 1), "pain_during": 0, "pain_after": 0}
    if math.isfinite(km) and 0 <= km <= m.MAX_SESSION_KM:
        assert m.RunLog(distance_km=km, **fields).distance_km == km
    else:
        message = errors_of(m.RunLog, distance_km=km, **fields)
        assert message.startswith("distance_km:")


@pytest.mark.parametrize(
    ("km", "expected"),
    [(-0.1, "0 or more"), (math.nan, "finite"), (math.inf, "finite"), (251, "at most 250")],
)
def test_distance_messages_say_what_is_allowed(km: float, expected: str) -> None:
    fields = {"date": date(2026, 1, 1), "pain_during": 0, "pain_after": 0}
    assert expected in errors_of(m.RunLog, distance_km=km, **fields)


def test_shoe_start_distance_bound() -> None:
    assert "at most 5000 km" in errors_of(m.Shoe, name="x", start_distance_km=5001)


@pytest.mark.parametrize("name", ["", "   ", "a" * 61, "bad\x07name"])
def test_shoe_names(name: str) -> None:
    assert errors_of(m.Shoe, name=name).startswith("name:")


def test_shoe_name_is_trimmed() -> None:
    assert m.Shoe(name="  Pegasus  ").name == "Pegasus"


def test_run_walk_stage_and_repeats() -> None:
    base = {"date": date(2026, 1, 1), "completed": True, "pain_during": 0, "pain_after": 0}
    assert errors_of(m.RunWalkLog, stage=4, repeats_done=1, **base).startswith("stage:")
    assert errors_of(m.RunWalkLog, stage=1, repeats_done=11, **base).startswith("repeats_done:")


def test_cross_activity_and_minutes() -> None:
    assert "activity" in errors_of(m.CrossLog, date=date(2026, 1, 1), activity="yoga", minutes=20)
    for minutes in (0, -5, math.nan, 24 * 60 + 1):
        message = errors_of(m.CrossLog, date=date(2026, 1, 1), activity="pool_run", minutes=minutes)
        assert message.startswith("minutes:")


def test_note_length_and_control_characters() -> None:
    assert errors_of(m.CheckIn, date=date(2026, 1, 1), pain=0, note="x" * 2001).startswith("note:")
    assert "control" in errors_of(m.CheckIn, date=date(2026, 1, 1), pain=0, note="a\x1b[31m")
    assert m.CheckIn(date=date(2026, 1, 1), pain=0, note="line 1\nline 2 ✓").note


def test_session_union_is_discriminated_by_kind() -> None:
    history = m.History.model_validate(
        {
            "sessions": [
                {"kind": "cross", "date": "2026-01-01", "activity": "cycle_easy", "minutes": 15},
                {"kind": "routine", "date": "2026-01-01", "routine_id": "daily_core"},
            ]
        }
    )
    assert [type(s).__name__ for s in history.sessions] == ["CrossLog", "RoutineLog"]


def test_renamed_fields_in_messages() -> None:
    with pytest.raises(ValidationError) as caught:
        m.CheckIn(date=date(2026, 1, 1), pain=12)
    assert m.describe_validation_error(caught.value, {"pain": "--pain"}).startswith("--pain:")


@given(st.floats(min_value=0, max_value=1000))
def test_unit_conversion_round_trips(distance: float) -> None:
    assert math.isclose(m.from_km(m.to_km(distance, "mi"), "mi"), distance, abs_tol=1e-9)
    assert m.to_km(distance, "km") == distance
