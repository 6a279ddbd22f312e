"""TWSTRS-2, the revised TWSTRS of the CCDRS (Comella et al., Mov Disord 2016;31:563-569).

Sources: docs/clinical-sources.md [S4][S8][S9] and the 2015 multicentre reliability abstract
[V7] (https://www.acemap.info/paper/273749766), which lists the motor-severity items rated:
rotation, laterocollis, anterocollis, retrocollis (rated separately), lateral shift, sagittal
shift, tremor, shoulder elevation, range of motion, time at midline, duration and sensory trick.
Confirmed ranges: rotation 0–4 and sensory trick 0–4 [S9] (PMC7728456 Table 1). Everything
else (other ranges, tremor = severity 0–2 × duration 0–2, unweighted duration, disability and
pain structure) is [U]: the final MDS form (permission required) deleted some items after
testing [S4] and could not be consulted, so the whole instrument is ``verified: false`` and its
severity maximum is derived from the items (39), not the published one. Points, higher = worse.
Never mixed with the original TWSTRS (separate item ranges).
"""

from __future__ import annotations

from cdcare.clinical.scales.base import Instrument, Item, Subscale, Term, span

_SEV = "severity"
_DIS = "disability"
_PAIN = "pain"


def _u(code: str, en: str, ko: str, hi: int, sub: str, source: str = "V7+U") -> Item:
    """An item whose range is unconfirmed (verified false)."""
    return Item(code, en, ko, span(0, hi), sub, source, verified=False)


ITEMS: tuple[Item, ...] = (
    Item("rotation", "Rotation", "회전", span(0, 4), _SEV, "S9"),
    _u("laterocollis", "Laterocollis (head tilt)", "측굴 (머리 기울임)", 3, _SEV),
    _u("anterocollis", "Anterocollis (chin down)", "전굴 (턱 내려감)", 3, _SEV),
    _u("retrocollis", "Retrocollis (head back)", "후굴 (머리 젖혀짐)", 3, _SEV),
    _u("lateral_shift", "Lateral shift", "측방 이동", 1, _SEV),
    _u("sagittal_shift", "Sagittal shift", "전후 이동", 1, _SEV),
    _u("tremor_severity", "Head tremor, severity", "머리 떨림 정도", 2, _SEV),
    _u("tremor_duration", "Head tremor, duration", "머리 떨림 지속", 2, _SEV),
    _u("shoulder_elevation", "Shoulder elevation", "어깨 올림", 3, _SEV),
    _u("rom", "Range of motion", "운동 범위", 4, _SEV),
    _u("time", "Time at midline", "중립 유지 시간", 4, _SEV),
    _u("duration", "Duration (unweighted)", "지속 시간 (가중 없음)", 5, _SEV),
    Item("sensory_trick", "Sensory trick (0–4)", "감각 속임수 (0–4)", span(0, 4), _SEV, "S9"),
    _u("work", "Work / housework", "직업 / 가사 활동", 5, _DIS, "U"),
    _u("adl", "Activities of daily living", "일상생활 활동", 5, _DIS, "U"),
    _u("driving", "Driving", "운전", 5, _DIS, "U"),
    _u("reading", "Reading", "독서", 5, _DIS, "U"),
    _u("television", "Watching television", "텔레비전 시청", 5, _DIS, "U"),
    _u("outside", "Activities outside the home", "집 밖 활동", 5, _DIS, "U"),
    _u("pain_severity", "Pain severity", "통증 강도", 10, _PAIN, "U"),
    _u("pain_duration", "Pain duration", "통증 지속 시간", 5, _PAIN, "U"),
    _u("pain_disability", "Disability due to pain", "통증으로 인한 장애", 5, _PAIN, "U"),
)

_SUM_SEVERITY = (
    "rotation",
    "laterocollis",
    "anterocollis",
    "retrocollis",
    "lateral_shift",
    "sagittal_shift",
    "shoulder_elevation",
    "rom",
    "time",
    "duration",
    "sensory_trick",
)

SUBSCALES: tuple[Subscale, ...] = (
    Subscale(
        _SEV,
        "Motor severity",
        "운동 중증도",
        (
            Term((_SUM_SEVERITY,), "sum of the severity items", "V7+U", verified=False),
            Term(
                (("tremor_severity",), ("tremor_duration",)),
                "plus head tremor = severity × duration",
                "U",
                verified=False,
            ),
        ),
        "S8+V7+U",
        verified=False,
    ),
    Subscale(
        _DIS,
        "Disability",
        "장애",
        (
            Term(
                (("work", "adl", "driving", "reading", "television", "outside"),),
                "sum of six items",
                "U",
                verified=False,
            ),
        ),
        "S8+U",
        verified=False,
    ),
    Subscale(
        _PAIN,
        "Pain",
        "통증",
        (
            Term(
                (("pain_severity", "pain_duration", "pain_disability"),),
                "sum of pain severity, duration and disability",
                "U",
                verified=False,
            ),
        ),
        "S8+U",
        verified=False,
    ),
)

INSTRUMENT = Instrument(
    code="twstrs2",
    version="2016-cdcare.1",
    name_en="TWSTRS-2 (revised TWSTRS, CCDRS module)",
    name_ko="TWSTRS-2 (개정판 TWSTRS, CCDRS 구성 척도)",
    source="S4+S8+S9+V7",
    items=ITEMS,
    subscales=SUBSCALES,
    total=(_SEV, _DIS, _PAIN),
    total_source="U",
    note_en=(
        "Unconfirmed structure: the final MDS form (permission required) was not available. "
        "Licensed item wording is not reproduced. Anterocollis and retrocollis are rated "
        "separately."
    ),
)
