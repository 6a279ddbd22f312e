"""COL-CAP patterns: side rules, pattern → muscles with side, suggestion from video, sources."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdcare.clinical.posture import (
    VIDEO_LEVEL_NOTE,
    Pattern,
    Side,
    candidate_muscles,
    check_consistent,
    make_pattern,
    muscles,
    parse_pattern,
    patterns,
    suggest_from_video,
    video_thresholds,
)
from cdcare.errors import InputError
from cdcare.i18n import translate

L, R = Side.LEFT, Side.RIGHT
TAG = re.compile(r"^(S([1-9]|[1-6]\d|7[0-2])|V[1-9]|U)$")

# docs/clinical-sources.md table, for a pattern to the patient's LEFT (I = left, C = right).
EXPECTED_LEFT: dict[str, set[tuple[str, Side]]] = {
    "torticaput": {
        ("obliquus_capitis_inferior", L),
        ("splenius_capitis", L),
        ("sternocleidomastoid", R),
    },
    "torticollis": {
        ("levator_scapulae", L),
        ("splenius_cervicis", L),
        ("longissimus_cervicis", L),
        ("semispinalis_cervicis", R),
        ("multifidi", R),
        ("sternocleidomastoid", R),
    },
    "laterocaput": {
        (m, L)
        for m in (
            "sternocleidomastoid",
            "splenius_capitis",
            "semispinalis_capitis",
            "longissimus_capitis",
            "upper_trapezius",
            "obliquus_capitis_superior",
            "rectus_capitis_lateralis",
        )
    },
    "laterocollis": {
        (m, L)
        for m in (
            "levator_scapulae",
            "scalenes",
            "splenius_cervicis",
            "longissimus_cervicis",
            "semispinalis_cervicis",
        )
    },
    "shoulder_elevation": {("levator_scapulae", L), ("upper_trapezius", L)},
}
BILATERAL: dict[str, set[str]] = {
    "anterocaput": {"longus_capitis", "suprahyoid", "rectus_capitis_anterior"},
    "anterocollis": {"longus_colli", "scalenes", "sternocleidomastoid"},
    "retrocaput": {
        "splenius_capitis",
        "semispinalis_capitis",
        "upper_trapezius",
        "rectus_capitis_posterior",
        "obliquus_capitis_superior",
    },
    "retrocollis": {
        "semispinalis_cervicis",
        "splenius_cervicis",
        "levator_scapulae",
        "longissimus_cervicis",
    },
}
SIDED = sorted(c for c, d in patterns().items() if d.sided)
UNSIDED = sorted(c for c, d in patterns().items() if not d.sided)


def _set(p: Pattern) -> set[tuple[str, Side]]:
    return {(c.muscle, c.side) for c in candidate_muscles(p)}


def _mirror(s: set[tuple[str, Side]]) -> set[tuple[str, Side]]:
    return {(m, side.other) for m, side in s}


def _tags_ok(source: str, verified: bool) -> None:
    tags = source.split("+")
    assert tags and all(TAG.match(t) for t in tags), source
    assert not (verified and "U" in tags), f"{source} is unconfirmed but marked verified"
    if "U" in tags:
        assert verified is False


def test_all_twelve_patterns_are_defined() -> None:
    assert set(EXPECTED_LEFT) | set(BILATERAL) | {
        "lateral_shift",
        "sagittal_shift_forward",
        "sagittal_shift_backward",
    } == set(patterns())


@pytest.mark.parametrize("code", sorted(EXPECTED_LEFT))
def test_sided_pattern_maps_to_muscles_with_side(code: str) -> None:
    assert _set(Pattern(code, L)) == EXPECTED_LEFT[code]
    assert _set(Pattern(code, R)) == _mirror(EXPECTED_LEFT[code])


@pytest.mark.parametrize("code", sorted(BILATERAL))
def test_flexion_extension_patterns_are_bilateral(code: str) -> None:
    assert _set(Pattern(code)) == {(m, s) for m in BILATERAL[code] for s in (L, R)}


def test_lateral_shift_is_laterocollis_one_side_and_laterocaput_other() -> None:
    got = _set(Pattern("lateral_shift", L))
    assert got == EXPECTED_LEFT["laterocollis"] | _mirror(EXPECTED_LEFT["laterocaput"])
    assert {c.pattern for c in candidate_muscles(Pattern("lateral_shift", R))} == {"lateral_shift"}


def test_sagittal_shifts_combine_collis_and_caput() -> None:
    fwd = _set(Pattern("sagittal_shift_forward"))
    assert fwd == _set(Pattern("anterocollis")) | _set(Pattern("retrocaput"))
    back = _set(Pattern("sagittal_shift_backward"))
    assert back == _set(Pattern("retrocollis")) | _set(Pattern("anterocaput"))
    assert not patterns()["sagittal_shift_backward"].verified  # mirror of the sourced form


@given(st.sampled_from(SIDED))
def test_right_is_the_mirror_of_left(code: str) -> None:
    assert _set(Pattern(code, R)) == _mirror(_set(Pattern(code, L)))


@given(st.sampled_from(UNSIDED))
def test_unsided_patterns_are_symmetric(code: str) -> None:
    s = _set(Pattern(code))
    assert s and s == _mirror(s)


def test_every_mapped_muscle_exists_and_has_labels() -> None:
    known = muscles()
    for code in patterns():
        side = L if patterns()[code].sided else None
        for c in candidate_muscles(Pattern(code, side)):
            assert c.muscle in known
    for m in known.values():
        assert m.en and m.ko and m.en != m.ko


def test_parse_pattern_with_side_and_aliases() -> None:
    assert parse_pattern("Torticaput:LEFT") == Pattern("torticaput", L)
    assert parse_pattern("antecollis") == Pattern("anterocollis")
    assert str(parse_pattern("laterocollis:right")) == "laterocollis:right"


@pytest.mark.parametrize(
    ("text", "needle_en", "needle_ko"),
    [
        ("wryneck:left", "Unknown posture pattern 'wryneck'", "알 수 없는 자세 유형"),
        ("torticollis", "needs a side", "방향(left 또는 right)이 필요"),
        ("torticollis:", "needs a side", "방향(left 또는 right)이 필요"),
        ("retrocollis:left", "has no side", "방향이 없습니다"),
        ("laterocaput:up", "Unknown side 'up'", "방향 'up'"),
    ],
)
def test_bad_pattern_or_side_is_a_clear_error(text: str, needle_en: str, needle_ko: str) -> None:
    with pytest.raises(InputError) as exc:
        parse_pattern(text)
    assert needle_en in exc.value.text("en")
    assert needle_ko in exc.value.text("ko")
    assert exc.value.exit_code == 2


def test_same_pattern_on_both_sides_is_refused_duplicates_dropped() -> None:
    a = Pattern("torticaput", L)
    assert check_consistent([a, a, Pattern("retrocaput")]) == [a, Pattern("retrocaput")]
    with pytest.raises(InputError, match="both sides"):
        check_consistent([a, Pattern("torticaput", R)])


def test_make_pattern_is_case_and_space_tolerant() -> None:
    assert make_pattern(" Laterocaput ", " Right ") == Pattern("laterocaput", R)


# --- suggestion from a video measurement (docs/video.md contract) -------------------------------


@pytest.mark.parametrize(
    ("key", "value", "side", "candidates"),
    [
        ("rotation_deg", 25.0, L, ("torticaput", "torticollis")),
        ("rotation_deg", -40.0, R, ("torticaput", "torticollis")),
        ("tilt_deg", 18.0, L, ("laterocaput", "laterocollis")),
        ("tilt_deg", -18.0, R, ("laterocaput", "laterocollis")),
        ("flexion_deg", 20.0, None, ("anterocaput", "anterocollis")),
        ("flexion_deg", -20.0, None, ("retrocaput", "retrocollis")),
        ("lateral_shift", 0.8, L, ("lateral_shift",)),
        ("lateral_shift", -0.8, R, ("lateral_shift",)),
        ("sagittal_shift", 1.5, None, ("sagittal_shift_forward",)),
        ("sagittal_shift", -1.5, None, ("sagittal_shift_backward",)),
        ("shoulder_elevation", 0.1, L, ("shoulder_elevation",)),
        ("shoulder_elevation", -0.1, R, ("shoulder_elevation",)),
    ],
)
def test_video_sign_conventions(
    key: str, value: float, side: Side | None, candidates: tuple[str, ...]
) -> None:
    (s,) = suggest_from_video({"posture": {key: value}})
    assert (s.side, s.candidates, s.value) == (side, candidates, value)
    assert s.threshold.key == key and s.unit == video_thresholds()[key].unit
    # collis vs caput is left to the clinician, and the result says so
    assert (s.note == VIDEO_LEVEL_NOTE) == (len(candidates) == 2)
    for code in candidates:  # every suggestion is a valid clinician entry
        make_pattern(code, side.value if side else None)


@given(
    st.fixed_dictionaries({k: st.floats(-t.value, t.value) for k, t in video_thresholds().items()})
)
def test_values_within_the_neutral_margin_suggest_nothing(posture: dict[str, float]) -> None:
    assert suggest_from_video({"posture": posture}) == []


@given(st.sampled_from(sorted(video_thresholds())), st.floats(1.0001, 50), st.booleans())
def test_values_beyond_the_margin_suggest_one_plane(key: str, factor: float, neg: bool) -> None:
    v = video_thresholds()[key].value * factor * (-1 if neg else 1)
    out = suggest_from_video({key: v})  # a bare posture dict is accepted too
    assert len(out) == 1 and out[0].value == v


def test_note_translates_to_korean() -> None:
    assert translate(VIDEO_LEVEL_NOTE, "ko") != VIDEO_LEVEL_NOTE


@pytest.mark.parametrize("bad", ["12", True, float("nan"), [1]])
def test_non_numeric_video_value_is_an_error(bad: object) -> None:
    with pytest.raises(InputError, match="rotation_deg"):
        suggest_from_video({"posture": {"rotation_deg": bad}})


def test_missing_posture_object_is_an_error() -> None:
    with pytest.raises(InputError, match="posture"):
        suggest_from_video({"posture": 3})


# --- sources ----------------------------------------------------------------------------------


def test_every_pattern_mapping_and_threshold_has_a_source() -> None:
    for d in patterns().values():
        _tags_ok(d.source, d.verified)
        _tags_ok(d.muscles_source, d.muscles_verified)
    for t in video_thresholds().values():
        _tags_ok(t.source, t.verified)
        assert t.value > 0
