"""Tsui scale for cervical dystonia (Tsui et al., Lancet 1986).

Source: docs/clinical-sources.md. Range 0–25 is sourced [S5]; the item detail and formula
are [U] (verified: false): Total = A × B + C + D, where A = rotation 0–3 + tilt 0–3 +
antero/retrocollis 0–3 (0–9), B = duration of sustained movements (1 intermittent,
2 constant), C = shoulder elevation 0–3, D = tremor severity (0–2) × tremor duration (0–2).
Points, higher = worse.
"""

from __future__ import annotations

from cdcare.clinical.scales.base import Instrument, Item, Subscale, Term, span

_POST = "posture"
_SH = "shoulder"
_TR = "tremor"


def _u(code: str, en: str, ko: str, values: tuple[int, ...], sub: str) -> Item:
    return Item(code, en, ko, values, sub, "U", verified=False)


ITEMS: tuple[Item, ...] = (
    _u("rotation", "Rotation amplitude (A)", "회전 진폭 (A)", span(0, 3), _POST),
    _u("tilt", "Tilt amplitude (A)", "기울임 진폭 (A)", span(0, 3), _POST),
    _u(
        "antero_retrocollis",
        "Antero/retrocollis amplitude (A)",
        "전굴/후굴 진폭 (A)",
        span(0, 3),
        _POST,
    ),
    _u(
        "posture_duration",
        "Sustained movements: 1 intermittent, 2 constant (B)",
        "지속 움직임: 1 간헐, 2 지속 (B)",
        (1, 2),
        _POST,
    ),
    _u("shoulder_elevation", "Shoulder elevation (C)", "어깨 올림 (C)", span(0, 3), _SH),
    _u("tremor_severity", "Head tremor severity (D)", "머리 떨림 정도 (D)", span(0, 2), _TR),
    _u("tremor_duration", "Head tremor duration (D)", "머리 떨림 지속 (D)", span(0, 2), _TR),
)

SUBSCALES: tuple[Subscale, ...] = (
    Subscale(
        _POST,
        "Posture (A × B)",
        "자세 (A × B)",
        (
            Term(
                (("rotation", "tilt", "antero_retrocollis"), ("posture_duration",)),
                "A (sum of three amplitudes) × B (duration)",
                "U",
                verified=False,
            ),
        ),
        "U",
        verified=False,
    ),
    Subscale(
        _SH,
        "Shoulder elevation (C)",
        "어깨 올림 (C)",
        (Term((("shoulder_elevation",),), "C", "U", verified=False),),
        "U",
        verified=False,
    ),
    Subscale(
        _TR,
        "Tremor (D)",
        "떨림 (D)",
        (
            Term(
                (("tremor_severity",), ("tremor_duration",)),
                "D = severity × duration",
                "U",
                verified=False,
            ),
        ),
        "U",
        verified=False,
    ),
)

INSTRUMENT = Instrument(
    code="tsui",
    version="1986-cdcare.1",
    name_en="Tsui scale",
    name_ko="Tsui 척도",
    source="S5+U",
    items=ITEMS,
    subscales=SUBSCALES,
    total=(_POST, _SH, _TR),
    total_published_max=25,
    total_source="S5",
    note_en="Total = A × B + C + D (formula unconfirmed; range 0–25 sourced).",
)
