"""The records (plain Python) and the pydantic schema agree on every stored document.

The app builds records from input with runback_tui.domain.models; the Store checks a file
it has not seen with runback_tui.domain.schema and decodes the records from pydantic's output;
a file this code validated or wrote is decoded with no checks at all.  That is only sound if:

- whatever the records accept, the schema accepts, and both store it identically;
- whatever the schema accepts, its stored form is a record's stored form (decoding it gives
  the record that validating it would);
- a record's stored form decodes back to an equal record.

Hypothesis feeds both random documents built from the values that matter at the edges.
"""

from __future__ import annotations

import json
from typing import Any

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runback_tui.domain import models as m
from runback_tui.domain import schema

KINDS: list[tuple[type[m.Record], Any]] = [
    (m.Profile, schema.Profile),
    (m.CheckIn, schema.CheckIn),
    (m.Clearance, schema.Clearance),
    (m.RunWalkLog, schema.RunWalkLog),
    (m.RunLog, schema.RunLog),
    (m.RoutineLog, schema.RoutineLog),
    (m.CrossLog, schema.CrossLog),
    (m.Shoe, schema.Shoe),
    (m.Settings, schema.Settings),
    (m.PauseSpan, schema.PauseSpan),
    (m.PainTap, schema.PainTap),
    (m.ActiveSession, schema.ActiveSession),
    (m.IceLog, schema.IceLog),
]

EDGE_TEXT = [
    "",
    " ",
    "  Pegasus  ",
    "daily_core",
    "abc-DEF_1",
    "bad id",
    "line\nbreak",
    "bell\x07",
    "\udbfc",
    "x" * 61,
    "2026-11-21",
    "2026-02-29",
    "2028-02-29",
    "1969-12-31",
    "2201-01-01",
    "20261121",
    "2026-11-21T07:00:00",
    "2026-11-21T07:00",
    "2026-11-21T07:00:00.5",
    "2026-11-21T07:00:00.123456",
    "2026-11-21T07:00:00Z",
    "2026-11-21T07:00:00+00:00",
    "2026-11-21T07:00:00+01:00",
    "2026-11-21 07:00:00",
    "km",
    "mi",
    "run",
    "run_walk",
    "routine",
    "cross",
    "pool_run",
    "cycle_easy",
    "osc9",
    "osc777",
    "night_pain",
    "bladder_bowel",
    "cancer_history",
    "true",
    "3",
    "1.5",
]
KEYS = ["night_pain", "leg_weakness", "cancer_history", "osteoporosis", "asthma", "Warm-up"]
NUMBERS = [0, 1, 2, 3, 10, 11, 15, 20, 21, 60, 250, 251, 1440, 1441, 5000, 5001, -1, 2**40]
FLOATS = [0.0, 0.1, 1.5, 15.0, 250.0, 250.5, 1440.0, 1000.0, 1000.5, -0.5, 86400.0, 1e300]

scalars = (
    st.none()
    | st.booleans()
    | st.sampled_from(NUMBERS)
    | st.sampled_from(FLOATS)
    | st.floats()
    | st.sampled_from(EDGE_TEXT)
    | st.text(max_size=4)
)
pause = st.fixed_dictionaries(
    {"start": st.sampled_from(EDGE_TEXT[16:24])},
    optional={"end": st.none() | st.sampled_from(EDGE_TEXT[16:20])},
)
tap = st.fixed_dictionaries(
    {
        "at": st.sampled_from(EDGE_TEXT[16:20]),
        "elapsed_s": st.sampled_from(FLOATS),
        "pain": st.sampled_from(NUMBERS),
    }
)
values = (
    scalars
    | st.lists(st.sampled_from(KEYS), max_size=4)
    | st.lists(pause, max_size=2)
    | st.lists(tap, max_size=2)
    | st.lists(scalars, max_size=2)
)


VALID: dict[str, dict[str, Any]] = {
    "Profile": {"start_date": "2026-11-01", "units": "mi", "history": ["osteoporosis"],
                "accepted_disclaimer": True, "starting_weekly_km": 12.5},
    "CheckIn": {"date": "2026-11-21", "pain": 2, "stiffness": 3, "red_flags": ["night_pain"],
                "walked_30_pain_free": True, "single_leg_bridge_ok": False,
                "pain_meds_for_daily_life": False, "note": "ok"},
    "Clearance": {"date": "2026-11-21", "note": "GP"},
    "RunWalkLog": {"id": "a1", "date": "2026-11-21", "kind": "run_walk", "stage": 2,
                   "completed": True, "repeats_done": 5, "pain_during": 1, "pain_after": 0,
                   "distance_km": 3.5, "shoe": "Peg"},
    "RunLog": {"id": "b2", "date": "2026-11-21", "kind": "run", "distance_km": 5.0,
               "minutes": 30.0, "pain_during": 0, "pain_after": 1, "shoe": None},
    "RoutineLog": {"id": "c3", "date": "2026-11-21", "kind": "routine",
                   "routine_id": "daily_core", "pain_during": None, "pain_after": 1,
                   "completed": False, "duration_s": 600.0, "skipped": ["Warm-up"]},
    "CrossLog": {"id": "d4", "date": "2026-11-21", "kind": "cross", "activity": "pool_run",
                 "minutes": 20.0},
    "Shoe": {"name": "Peg", "start_distance_km": 120.0, "added": "2026-11-01"},
    "Settings": {"visual_cues": False, "bell": True, "notifications": True,
                 "notify_style": "osc777", "countdown_cues": True, "halfway_cues": False,
                 "tempo_reps": True, "ice_minutes": 17},
    "PauseSpan": {"start": "2026-11-21T07:05:00", "end": "2026-11-21T07:06:00.250000"},
    "PainTap": {"at": "2026-11-21T07:05:00", "elapsed_s": 300.0, "pain": 2},
    "ActiveSession": {"kind": "run_walk", "stage": 1, "minutes": None, "date": "2026-11-21",
                      "started_at": "2026-11-21T07:00:00",
                      "pauses": [{"start": "2026-11-21T07:05:00", "end": None}],
                      "pains": [{"at": "2026-11-21T07:05:00", "elapsed_s": 300.0, "pain": 2}],
                      "skipped": [], "shift_s": -3.5, "speed": 2.0,
                      "saved_at": "2026-11-21T07:06:00", "elapsed_at_save_s": 360.0},
    "IceLog": {"started_at": "2026-11-21T07:00:00", "minutes": 15.0, "completed": True,
               "next_due_from": "2026-11-21T09:15:00", "next_due_by": "2026-11-21T10:15:00"},
}  # fmt: skip
"""One valid stored document per record: the documents below are these with a few changes."""

_DROP = object()


def documents(record: type[m.Record]) -> st.SearchStrategy[dict[str, Any]]:
    """A valid document of *record* with up to three fields changed, dropped or added."""
    base = VALID[record.__name__]
    names = [*base, "mood"]
    change = st.just(_DROP) | values
    changes = (
        st.dictionaries(st.sampled_from(names), change, max_size=1)
        | st.dictionaries(st.sampled_from(names), change, max_size=3)
        | st.builds(dict)
    )

    def changed(edits: dict[str, Any]) -> dict[str, Any]:
        doc = dict(base)
        for name, value in edits.items():
            if value is _DROP:
                doc.pop(name, None)
            else:
                doc[name] = value
        return doc

    return changes.map(changed)


def stored(value: Any) -> str:
    """A JSON value's text, types told apart (1, 1.0 and true differ)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize(("record", "model"), KINDS, ids=[r.__name__ for r, _ in KINDS])
@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_records_and_schema_agree(record: type[m.Record], model: Any, data: st.DataObject) -> None:
    doc = data.draw(documents(record))
    try:
        ours = record.model_validate(doc)
    except m.ValidationError:
        ours = None
    try:
        theirs = model.model_validate(doc)
    except pydantic.ValidationError:
        theirs = None
    if ours is not None:
        assert theirs is not None, f"the schema refuses what the records accept: {doc!r}"
        # A session id is made up when missing: compare with the records' own.
        if "id" in ours.model_dump() and "id" not in doc:
            theirs = model.model_validate({**doc, "id": ours.id})
        assert stored(ours.model_dump(mode="json")) == stored(theirs.model_dump(mode="json"))
    if theirs is not None:
        dumped = theirs.model_dump(mode="json")
        again = record.model_validate(dumped)
        assert record.decode(dumped) == again
        assert stored(again.model_dump(mode="json")) == stored(dumped)


@pytest.mark.parametrize(("record", "model"), KINDS, ids=[r.__name__ for r, _ in KINDS])
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_a_stored_record_decodes_to_itself(
    record: type[m.Record], model: Any, data: st.DataObject
) -> None:
    doc = data.draw(documents(record))
    try:
        ours = record.model_validate(doc)
    except m.ValidationError:
        return
    text = json.dumps(ours.model_dump(mode="json"))
    assert record.decode(json.loads(text)) == ours
