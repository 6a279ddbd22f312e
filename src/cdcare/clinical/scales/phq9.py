"""PHQ-9 depression questionnaire (Kroenke et al. 2001) with severity bands and a safety alert.

Sources (docs/clinical-sources.md): 9 items 0–3, total 0–27; bands 0–4 minimal, 5–9 mild,
10–14 moderate, 15–19 moderately severe, 20–27 severe; cut-off ≥ 10 for major depression
[S75] (the original paper) [S12]. Item 9 (thoughts of self-harm): any non-zero answer raises
``phq9_item9_safety`` regardless of the total; PHQ-2 (items 1–2, 0–6) is reported too, ≥ 3
screens positive; the two-week recall period [S12] (secondary pages only: unconfirmed).
Points, higher = worse.
"""

from __future__ import annotations

from cdcare.clinical.scales.base import AlertRule, Band, Instrument, Item, Subscale, Term, span

_LABELS: tuple[tuple[str, str], ...] = (
    ("Interest or pleasure", "흥미 또는 즐거움"),
    ("Low mood", "우울한 기분"),
    ("Sleep", "수면"),
    ("Tiredness, low energy", "피로, 기력 저하"),
    ("Appetite", "식욕"),
    ("Self-image, guilt", "자기 평가, 죄책감"),
    ("Concentration", "집중력"),
    ("Slowed or restless movement", "느려지거나 안절부절못함"),
    ("Thoughts of self-harm", "자해 생각"),
)

ITEMS: tuple[Item, ...] = tuple(
    Item(f"q{n}", en, ko, span(0, 3), "phq9", "S75+S12")
    for n, (en, ko) in enumerate(_LABELS, start=1)
)

SUBSCALES: tuple[Subscale, ...] = (
    Subscale(
        "phq9",
        "PHQ-9 total",
        "PHQ-9 총점",
        (Term((tuple(i.code for i in ITEMS),), "sum of nine items", "S75"),),
        "S75",
        published_max=27,
    ),
    Subscale(
        "phq2",
        "PHQ-2 (items 1–2)",
        "PHQ-2 (문항 1–2)",
        (Term((("q1", "q2"),), "sum of items 1 and 2", "S12"),),
        "S12",
        published_max=6,
    ),
)

INSTRUMENT = Instrument(
    code="phq9",
    version="2001-cdcare.1",
    name_en="PHQ-9 (Patient Health Questionnaire, depression)",
    name_ko="PHQ-9 (환자 건강 설문지, 우울)",
    source="S75+S12",
    items=ITEMS,
    subscales=SUBSCALES,
    total=("phq9",),
    total_published_max=27,
    total_source="S75",
    bands=(
        Band(0, 4, "minimal", "Minimal", "최소"),
        Band(5, 9, "mild", "Mild", "경도"),
        Band(10, 14, "moderate", "Moderate", "중등도"),
        Band(15, 19, "moderately_severe", "Moderately severe", "중등도-중증"),
        Band(20, 27, "severe", "Severe", "중증"),
    ),
    bands_source="S75",
    alerts=(
        AlertRule(
            "phq9_item9_safety",
            "q9",
            "item",
            1,
            "Self-harm item above zero: same-day safety assessment, whatever the total",
            "자해 문항 0점 초과: 총점과 관계없이 당일 안전 평가",
            "S12",
        ),
        AlertRule(
            "phq2_positive",
            "phq2",
            "subscale",
            3,
            "PHQ-2 screen positive (≥ 3)",
            "PHQ-2 선별 양성 (3점 이상)",
            "S12",
        ),
    ),
    note_en="Items 0–3 over the last two weeks. Cut-off ≥ 10 for major depression.",
)
