"""CDIP-58, Cervical Dystonia Impact Profile (Cano et al., JNNP 2004;75:1629-1633).

Source: docs/clinical-sources.md [S10]: 58 items in 8 subscales. Subscale names and item
counts, the 1–5 item scale and the transform are [U] (verified: false). Each subscale is
reported on 0–100: ``100 × (raw − n) / (4 × n)`` for n items; higher = worse impact. A profile:
no total. Missing items: a subscale is scored when at least 50 % of its items are answered,
missing ones taking the mean of the answered ones [U]. Items are coded by subscale and number
(e.g. ``hn1``) because the questionnaire's own numbering is unconfirmed; licensed wording is
not reproduced.
"""

from __future__ import annotations

from cdcare.clinical.scales.base import Instrument, Item, Subscale, Term, span

# (code, item prefix, count, label en, label ko) — names and counts [U]
_SUBSCALES: tuple[tuple[str, str, int, str, str], ...] = (
    ("head_neck", "hn", 6, "Head and neck symptoms", "머리·목 증상"),
    ("pain", "pd", 5, "Pain and discomfort", "통증과 불편감"),
    ("upper_limb", "ul", 9, "Upper limb activities", "팔 사용 활동"),
    ("walking", "wk", 8, "Walking", "걷기"),
    ("sleep", "sl", 4, "Sleep", "수면"),
    ("annoyance", "an", 8, "Annoyance", "성가심"),
    ("mood", "md", 6, "Mood", "기분"),
    ("psychosocial", "ps", 12, "Psychosocial functioning", "심리사회적 기능"),
)

ITEMS: tuple[Item, ...] = tuple(
    Item(
        f"{prefix}{n}",
        f"{en}, item {n}",
        f"{ko} 문항 {n}",
        span(1, 5),
        code,
        "S10+U",
        verified=False,
    )
    for code, prefix, count, en, ko in _SUBSCALES
    for n in range(1, count + 1)
)

SUBSCALES: tuple[Subscale, ...] = tuple(
    Subscale(
        code,
        en,
        ko,
        (
            Term(
                (tuple(f"{prefix}{n}" for n in range(1, count + 1)),),
                "sum of items, reported as 100 × (raw − n) / (4 × n)",
                "U",
                verified=False,
            ),
        ),
        "S10+U",
        verified=False,
        rescale_0_100=True,
        min_answered=0.5,
        missing_source="U",
    )
    for code, prefix, count, en, ko in _SUBSCALES
)

INSTRUMENT = Instrument(
    code="cdip58",
    version="2004-cdcare.1",
    name_en="CDIP-58 (Cervical Dystonia Impact Profile)",
    name_ko="CDIP-58 (경부 근긴장이상증 영향 프로파일)",
    source="S10+U",
    items=ITEMS,
    subscales=SUBSCALES,
    total=None,
    note_en=(
        "Profile of 8 subscales, each 0–100 (higher = worse); no total. Items 1–5. "
        "Licensed item wording is not reproduced."
    ),
)
