"""Care pages without a server: the intake form round trip and the per-cycle plot."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import FormData

from cdcare.care.intake import intake_to_dict, validate, vocabulary
from cdcare.store.care_models import Course, Intake
from cdcare.web.routes.care_followup import cycle_plot
from cdcare.web.routes.care_intake import _values_from_row, intake_data

VOC = vocabulary()
TODAY = date(2026, 11, 25)
subsets = {k: st.lists(st.sampled_from(v), unique=True) for k, v in VOC.items()}
tri = st.sampled_from([True, False, None])
day = st.dates(date(1990, 1, 1), TODAY)


def _form(values: dict[str, object]) -> FormData:
    """The fields a browser would send for the pre-filled form (checkboxes, rows, texts)."""
    items: list[tuple[str, str]] = []
    for key, value in values.items():
        if key == "dopamine_blockers":
            for b in value:  # type: ignore[attr-defined]
                items += [
                    ("drb_drug", b["drug"]),
                    ("drb_start", b["start"]),
                    ("drb_stop", b["stop"]),
                ]
        elif isinstance(value, list):
            items += [(key, v) for v in value]
        else:
            items.append((key, str(value)))
    return FormData(items)


@settings(max_examples=60, deadline=None)
@given(
    lists=st.fixed_dictionaries(subsets),
    family=tri,
    trauma=tri,
    stress=tri,
    pain=st.one_of(st.none(), st.integers(0, 10)),
    onset=st.one_of(st.none(), day),
    course=st.sampled_from(list(Course)),
    speed=st.sampled_from([None, "sudden", "subacute", "insidious"]),
    drugs=st.lists(st.tuples(st.sampled_from(["haloperidol", "levosulpiride"]), day), max_size=2),
    infections=st.lists(st.sampled_from(["fever", "tonsillitis", "neck abscess"]), max_size=2),
)
def test_saving_the_prefilled_form_unchanged_stores_the_same_intake(
    lists: dict[str, list[str]],
    family: bool | None,
    trauma: bool | None,
    stress: bool | None,
    pain: int | None,
    onset: date | None,
    course: Course,
    speed: str | None,
    drugs: list[tuple[str, date]],
    infections: list[str],
) -> None:
    blockers = [{"drug": d, "start": s.isoformat(), "stop": None} for d, s in drugs]
    row = Intake(
        onset_age=None if onset is None else onset.year - 1960,
        onset_date=onset,
        onset_speed=speed,
        course=course,
        family_history=family,
        neck_trauma=trauma,
        neck_trauma_note="",
        stress_fatigue=stress,
        pain=pain,
        dopamine_blockers=blockers,
        infections=infections,
        **lists,
    )
    parsed = intake_data(_form(_values_from_row(row)))
    clean = validate(parsed, birth_year=1960, today=TODAY)
    stored = intake_to_dict(row)
    for key, value in clean.items():
        shown = value.value if isinstance(value, Course) else value
        shown = shown.isoformat() if isinstance(shown, date) else shown
        assert shown == stored[key], key


def test_cycle_plot_draws_one_line_per_cycle_with_follow_up() -> None:
    cycles = [
        {
            "cycle": 1,
            "injected_on": "2026-01-05",
            "baseline": 40.0,
            "curve": [[4, 28.0], [12, 36.0]],
        },
        {"cycle": 2, "injected_on": "2026-04-06", "baseline": 37.0, "curve": []},
        {"cycle": 3, "injected_on": "2026-07-06", "baseline": None, "curve": [[5, 30.0]]},
    ]
    svg = cycle_plot(cycles, "twstrs", "en")
    assert svg.startswith("<svg")
    assert "cycle 1 (2026-01-05)" in svg and "cycle 3 (2026-07-06)" in svg
    assert "cycle 2" not in svg  # no follow-up point, no line
    assert "weeks since injection" in svg
    assert "1주기 (2026-01-05)" in cycle_plot(cycles, "twstrs", "ko")
    assert cycle_plot([c for c in cycles if not c["curve"]], "diary", "en") == ""
