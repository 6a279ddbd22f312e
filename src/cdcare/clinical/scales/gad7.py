"""GAD-7 anxiety questionnaire (Spitzer et al. 2006) with severity bands.

Source: docs/clinical-sources.md [S12]: 7 items 0–3, total 0–21; bands 0–4 minimal, 5–9 mild,
10–14 moderate, 15–21 severe (cut-off ≥ 10). GAD-2 (items 1–2, 0–6) is reported too; ≥ 3
screens positive [S12]. Points, higher = worse.
"""

from __future__ import annotations

from cdcare.clinical.scales.base import AlertRule, Band, Instrument, Item, Subscale, Term, span

_LABELS: tuple[tuple[str, str], ...] = (
    ("Nervousness", "초조함, 긴장"),
    ("Uncontrollable worry", "조절되지 않는 걱정"),
    ("Worrying about many things", "여러 가지 걱정"),
    ("Trouble relaxing", "긴장을 풀기 어려움"),
    ("Restlessness", "안절부절못함"),
    ("Irritability", "짜증"),
    ("Feeling afraid", "두려움"),
)

ITEMS: tuple[Item, ...] = tuple(
    Item(f"q{n}", en, ko, span(0, 3), "gad7", "S12") for n, (en, ko) in enumerate(_LABELS, start=1)
)

SUBSCALES: tuple[Subscale, ...] = (
    Subscale(
        "gad7",
        "GAD-7 total",
        "GAD-7 총점",
        (Term((tuple(i.code for i in ITEMS),), "sum of seven items", "S12"),),
        "S12",
        published_max=21,
    ),
    Subscale(
        "gad2",
        "GAD-2 (items 1–2)",
        "GAD-2 (문항 1–2)",
        (Term((("q1", "q2"),), "sum of items 1 and 2", "S12"),),
        "S12",
        published_max=6,
    ),
)

INSTRUMENT = Instrument(
    code="gad7",
    version="2006-cdcare.1",
    name_en="GAD-7 (Generalized Anxiety Disorder scale)",
    name_ko="GAD-7 (범불안장애 척도)",
    source="S12",
    items=ITEMS,
    subscales=SUBSCALES,
    total=("gad7",),
    total_published_max=21,
    total_source="S12",
    bands=(
        Band(0, 4, "minimal", "Minimal", "최소"),
        Band(5, 9, "mild", "Mild", "경도"),
        Band(10, 14, "moderate", "Moderate", "중등도"),
        Band(15, 21, "severe", "Severe", "중증"),
    ),
    bands_source="S12",
    alerts=(
        AlertRule(
            "gad2_positive",
            "gad2",
            "subscale",
            3,
            "GAD-2 screen positive (≥ 3)",
            "GAD-2 선별 양성 (3점 이상)",
            "S12",
        ),
    ),
    note_en="Items 0–3 over the last two weeks. Cut-off ≥ 10.",
)
