"""The reasons of the centre worklist (:mod:`cdcare.care.worklist`), each a pure function.

Each reason works over plain data (dates, numbers) with its threshold from
``care/data/worklist.json`` (value, unit, source or LOCAL convention) and returns a
:class:`Hit` or None; the ``key`` of a hit names the occurrence (e.g. the date the window
opens). Dates are local calendar dates; "days" are calendar days; comparisons are stated in each
docstring so the boundary dates are unambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from cdcare.care._checks import load_data
from cdcare.care.followup import MET, CycleResponse
from cdcare.care.worklist_text import OVERDUE, SILENT, VIDEO_REVIEW, WINDOW_OPENS, Counted
from cdcare.clinical.toxins import min_interval_days
from cdcare.errors import N_

#: Reason code → label (translated at display time); order = default sort priority.
REASONS: dict[str, str] = {
    "phq9_item9": N_("PHQ-9 item 9 answered above 0"),
    "mood_rising": N_("PHQ-9 or GAD-7 rising"),
    "non_response": N_("Possible non-response"),
    "overdue": N_("Re-injection overdue"),
    "window_opens": N_("Re-injection window opens"),
    "wearing_off": N_("Early wearing-off in the diary"),
    "video_review": N_("Video-suggested scores to review"),
    "silent": N_("No diary or questionnaire for a long time"),
}


@dataclass(frozen=True)
class Threshold:
    """One worklist threshold: value in ``unit``, source tag (LOCAL = local convention)."""

    code: str
    value: float
    unit: str
    source: str
    verified: bool
    note: str
    note_ko: str


@cache
def thresholds() -> dict[str, Threshold]:
    """All thresholds by code (the minimum interval is read from the toxin rules)."""
    out = {}
    for code, t in load_data("worklist.json")["thresholds"].items():
        value = min_interval_days() if t["value"] == "toxins.min_interval_days" else t["value"]
        out[code] = Threshold(
            code, float(value), t["unit"], t["source"], t["verified"], t["note"], t["ko"]
        )
    return out


def _t(code: str) -> int:
    return int(thresholds()[code].value)


@dataclass(frozen=True)
class Hit:
    """A reason found for one patient: ``key`` names the occurrence, ``detail`` is an English
    message template with ``params`` (or a counted one, ``worklist_text``; dates among the
    params are ``date`` objects, written for the reader's locale when shown); ``on`` its date."""

    reason: str
    key: str
    detail: str | Counted
    params: dict[str, Any]
    on: date


def window_hit(
    last_injection: date | None, today: date, *, lookahead_weeks: int, booked: bool
) -> Hit | None:
    """Re-injection window opening or overdue.

    The window opens on ``last_injection + min interval``. It is listed as ``window_opens``
    when ``today − overdue_after_days ≤ opens ≤ today + lookahead_weeks·7`` and as ``overdue``
    when ``opens < today − overdue_after_days``. A booked injection appointment removes both.
    """
    if last_injection is None or booked:
        return None
    opens = last_injection + timedelta(days=_t("reinjection_min_interval"))
    late = today - timedelta(days=_t("overdue_after_days"))
    if opens < late:
        days = (today - opens).days
        return Hit(
            "overdue",
            opens.isoformat(),
            OVERDUE,
            {"date": opens, "days": days},
            opens,
        )
    if opens <= today + timedelta(weeks=lookahead_weeks):
        days = (opens - today).days
        detail: str | Counted = WINDOW_OPENS if days > 0 else N_("Window open since {date}")
        return Hit(
            "window_opens",
            opens.isoformat(),
            detail,
            {"date": opens, "days": days},
            opens,
        )
    return None


def wearing_off_hit(diary_cycles: Sequence[CycleResponse]) -> Hit | None:
    """The newest diary-measured cycle whose effect wore off before ``early_wearing_off_week``
    (``wearing_off_week < threshold``; whole weeks since that injection)."""
    limit = _t("early_wearing_off_week")
    for c in reversed(diary_cycles):
        if c.wearing_off_week is not None:
            if c.wearing_off_week < limit:
                return Hit(
                    "wearing_off",
                    c.injected_on.isoformat(),
                    N_("Effect faded in week {week} after the injection of {date}"),
                    {"week": c.wearing_off_week, "date": c.injected_on},
                    c.injected_on,
                )
            return None
    return None


def non_response_hit(
    flags: Iterable[tuple[str, str, tuple[int, ...]]], last: date | None
) -> Hit | None:
    """Primary or secondary non-response flag met (care/followup.py); ``flags`` are
    ``(code, status, cycles)``."""
    met = [(code, cycles) for code, status, cycles in flags if status == MET]
    if not met or last is None:
        return None
    code, cycles = met[0]
    label = N_("primary") if code == "primary_non_response" else N_("secondary")
    return Hit(
        "non_response",
        f"{code}:{last.isoformat()}",
        N_("Follow-up screen: {kind} non-response (cycles {cycles})"),
        {"kind": label, "cycles": ", ".join(str(c) for c in cycles)},
        last,
    )


def phq9_item9_hit(latest_phq9: tuple[int, date, int | None] | None) -> Hit | None:
    """The latest PHQ-9 ``(assessment id, date, item 9)`` has item 9 above the threshold."""
    if latest_phq9 is None:
        return None
    aid, on, item9 = latest_phq9
    if item9 is None or item9 <= _t("phq9_item9_above"):
        return None
    return Hit(
        "phq9_item9",
        str(aid),
        N_("Item 9 = {value} on {date}: same-day safety assessment"),
        {"value": item9, "date": on},
        on,
    )


def mood_rising_hit(series: Mapping[str, Sequence[tuple[int, date, float]]]) -> Hit | None:
    """PHQ-9 or GAD-7 latest total ≥ previous total + ``mood_rise_points``; ``series`` maps
    instrument → ``(assessment id, date, total)`` oldest first."""
    rise = _t("mood_rise_points")
    for instrument in ("phq9", "gad7"):
        rows = series.get(instrument, ())
        if len(rows) < 2:
            continue
        (_, _, before), (aid, on, now) = rows[-2], rows[-1]
        if now - before >= rise:
            return Hit(
                "mood_rising",
                f"{instrument}:{aid}",
                N_("{scale} rose from {before} to {now} ({date})"),
                {
                    "scale": "PHQ-9" if instrument == "phq9" else "GAD-7",
                    "before": f"{before:g}",
                    "now": f"{now:g}",
                    "date": on,
                },
                on,
            )
    return None


def silent_hit(last_activity: date | None, account_since: date | None, today: date) -> Hit | None:
    """A portal patient silent for more than ``silent_after_days``: ``today − last > limit``
    where last = newest diary entry or questionnaire, else the account's creation date."""
    if account_since is None:
        return None
    last = last_activity or account_since
    days = (today - last).days
    if days <= _t("silent_after_days"):
        return None
    return Hit(
        "silent",
        last.isoformat(),
        SILENT,
        {"days": days, "date": last},
        last,
    )


def video_review_hits(analyses: Iterable[tuple[int, date, dict[str, int]]]) -> list[Hit]:
    """Finished analyses ``(id, date, suggested items)`` with a TWSTRS suggestion that no
    assessment has confirmed yet."""
    return [
        Hit(
            "video_review",
            str(aid),
            VIDEO_REVIEW,
            {"date": on, "n": len(items)},
            on,
        )
        for aid, on, items in analyses
        if items
    ]
