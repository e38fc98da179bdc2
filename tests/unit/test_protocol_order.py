"""The plan engine's cheaper session order is exactly the old total order (ties included)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from runback_tui.domain.models import CrossLog, RoutineLog, RunLog
from runback_tui.domain.protocol import session_key, sorted_sessions

DAY = date(2026, 1, 1)

sessions = st.lists(
    st.one_of(
        st.builds(
            RunLog,
            id=st.sampled_from(["a", "b", "c"]),
            date=st.integers(0, 3).map(lambda n: DAY + timedelta(days=n)),
            distance_km=st.sampled_from([1.0, 2.5, 5.0]),
            pain_during=st.integers(0, 3),
            pain_after=st.integers(0, 3),
        ),
        st.builds(
            RoutineLog,
            id=st.sampled_from(["a", "b"]),
            date=st.integers(0, 3).map(lambda n: DAY + timedelta(days=n)),
            routine_id=st.sampled_from(["daily_core", "post_run"]),
            pain_after=st.none() | st.integers(0, 3),
        ),
        st.builds(
            CrossLog,
            id=st.sampled_from(["a", "z"]),
            date=st.integers(0, 3).map(lambda n: DAY + timedelta(days=n)),
            activity=st.sampled_from(["pool_run", "cycle_easy"]),
            minutes=st.sampled_from([10.0, 20.0]),
        ),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(sessions)
def test_sorted_sessions_is_the_full_key_order(logs: list) -> None:
    expected = sorted(logs, key=session_key)
    got = sorted_sessions(logs)
    assert [id(s) for s in got] == [id(s) for s in expected]
