"""TWSTRS, the original Toronto Western Spasmodic Torticollis Rating Scale (Consky & Lang).

Source: docs/clinical-sources.md [S1][S2][S3][S5][S7]. Points, higher = worse.
Severity 0–35: maximal-excursion items, duration factor weighted ×2, anterocollis OR
retrocollis (one of the two is scored; both non-zero is refused), sensory tricks, shoulder,
range of motion 0–4 and time 0–4 (ROM/Time bands [U]: 0–4 derived from the published max 35).
Disability 0–30: six items 0–5 [S7]. Pain 0–20: severity = (worst + best + 2 × usual) / 4 [U],
duration 0–5, disability due to pain 0–5 (bands [U]). Total 0–85 [S1][S5] (the Myobloc page's
0–32 / 0–87 variant [S3] is not used). Item wording is licensed and not reproduced.
"""

from __future__ import annotations

from cdcare.clinical.scales.base import Instrument, Item, Subscale, Term, span

_SEV = "severity"
_DIS = "disability"
_PAIN = "pain"

ITEMS: tuple[Item, ...] = (
    Item("rotation", "Rotation (maximal excursion)", "회전 (최대 편위)", span(0, 4), _SEV, "S2"),
    Item("laterocollis", "Laterocollis (head tilt)", "측굴 (머리 기울임)", span(0, 3), _SEV, "S2"),
    Item("anterocollis", "Anterocollis (chin down)", "전굴 (턱 내려감)", span(0, 3), _SEV, "S2"),
    Item("retrocollis", "Retrocollis (head back)", "후굴 (머리 젖혀짐)", span(0, 3), _SEV, "S1"),
    Item("lateral_shift", "Lateral shift", "측방 이동", span(0, 1), _SEV, "S1"),
    Item("sagittal_shift", "Sagittal shift", "전후 이동", span(0, 1), _SEV, "S1"),
    Item("duration", "Duration factor (counts ×2)", "지속 인자 (×2 가중)", span(0, 5), _SEV, "S1"),
    Item("sensory_trick", "Effect of sensory tricks", "감각 속임수 효과", span(0, 2), _SEV, "S1"),
    Item(
        "shoulder_elevation",
        "Shoulder elevation / anterior displacement",
        "어깨 올림 / 앞쪽 변위",
        span(0, 3),
        _SEV,
        "S1",
    ),
    Item(
        "rom",
        "Range of motion (without tricks)",
        "운동 범위 (속임수 없이)",
        span(0, 4),
        _SEV,
        "S1+U",
        verified=False,
    ),
    Item(
        "time",
        "Time holding head near neutral (up to 60 s)",
        "중립 유지 시간 (최대 60초)",
        span(0, 4),
        _SEV,
        "S3+U",
        verified=False,
    ),
    Item("work", "Work / housework", "직업 / 가사 활동", span(0, 5), _DIS, "S7"),
    Item("adl", "Activities of daily living", "일상생활 활동", span(0, 5), _DIS, "S7"),
    Item("driving", "Driving", "운전", span(0, 5), _DIS, "S7"),
    Item("reading", "Reading", "독서", span(0, 5), _DIS, "S7"),
    Item("television", "Watching television", "텔레비전 시청", span(0, 5), _DIS, "S7"),
    Item("outside", "Activities outside the home", "집 밖 활동", span(0, 5), _DIS, "S7"),
    Item(
        "pain_worst",
        "Pain severity, worst in past week",
        "지난 1주 가장 심한 통증",
        span(0, 10),
        _PAIN,
        "S3+U",
        verified=False,
    ),
    Item(
        "pain_best",
        "Pain severity, least in past week",
        "지난 1주 가장 약한 통증",
        span(0, 10),
        _PAIN,
        "S3+U",
        verified=False,
    ),
    Item(
        "pain_usual",
        "Pain severity, usual in past week",
        "지난 1주 평소 통증",
        span(0, 10),
        _PAIN,
        "S3+U",
        verified=False,
    ),
    Item(
        "pain_duration",
        "Pain duration",
        "통증 지속 시간",
        span(0, 5),
        _PAIN,
        "S3+U",
        verified=False,
    ),
    Item(
        "pain_disability",
        "Disability due to pain",
        "통증으로 인한 장애",
        span(0, 5),
        _PAIN,
        "S3+U",
        verified=False,
    ),
)

SUBSCALES: tuple[Subscale, ...] = (
    Subscale(
        _SEV,
        "Severity",
        "중증도",
        (
            Term(
                (
                    (
                        "rotation",
                        "laterocollis",
                        "lateral_shift",
                        "sagittal_shift",
                        "sensory_trick",
                        "shoulder_elevation",
                        "rom",
                        "time",
                    ),
                ),
                "sum of excursion, trick, shoulder, range-of-motion and time items",
                "S1",
            ),
            Term(
                (("anterocollis", "retrocollis"),),
                "anterocollis OR retrocollis: only one of the two is scored",
                "S2",
                exclusive=True,
            ),
            Term((("duration",),), "duration factor weighted ×2", "S1", factor=2.0),
        ),
        "S1+S3+S5",
        published_max=35,
    ),
    Subscale(
        _DIS,
        "Disability",
        "장애",
        (
            Term(
                (("work", "adl", "driving", "reading", "television", "outside"),),
                "sum of six items",
                "S7",
            ),
        ),
        "S5+S7",
        published_max=30,
    ),
    Subscale(
        _PAIN,
        "Pain",
        "통증",
        (
            Term(
                (("pain_worst", "pain_best", "pain_usual"),),
                "pain severity = (worst + best + 2 × usual) / 4",
                "U",
                verified=False,
                weights=(("pain_worst", 0.25), ("pain_best", 0.25), ("pain_usual", 0.5)),
            ),
            Term(
                (("pain_duration", "pain_disability"),),
                "plus pain duration and disability due to pain",
                "S3+U",
                verified=False,
            ),
        ),
        "S2+S3",
        published_max=20,
    ),
)

INSTRUMENT = Instrument(
    code="twstrs",
    version="1994-cdcare.1",
    name_en="TWSTRS (Toronto Western Spasmodic Torticollis Rating Scale, original)",
    name_ko="TWSTRS (토론토 웨스턴 경련성 사경 평가척도, 원판)",
    source="S1+S2+S3+S5+S7",
    items=ITEMS,
    subscales=SUBSCALES,
    total=(_SEV, _DIS, _PAIN),
    total_published_max=85,
    total_source="S1+S5",
    note_en=(
        "Licensed item wording is not reproduced. Answer both anterocollis and retrocollis; "
        "at most one may be non-zero. Pain severity items are integers 0–10."
    ),
)
