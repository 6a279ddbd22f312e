"""Personalised statements for a logged-in patient, from plain data (no database access).

Inputs are what the care record holds: today's date (the centre's calendar date), the dates of
the patient's botulinum-toxin injections, the exercise programmes assigned, the latest PHQ-9
total and item 9, and the next appointment. Figures and wording live in ``personal.json``:

* injection effect: starts at 1–2 weeks, strongest at about 4 weeks, wears off at 10–12 weeks
  (mean time to re-treatment 81–84 days [S30]; decline at 8–10 weeks [V9]); next injection
  not before 84 days (12 weeks) [S25][S29]. Ages are whole days and whole weeks
  (``days // 7``) since the most recent injection on or before today.
* PHQ-9: item 9 > 0 → urgent safety statement regardless of the total; total ≥ 10 →
  "talk to someone" with how [S12]. Crisis phone numbers are not in the bibliography and
  are shipped with ``verified: false``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

from babel.dates import format_date

from cdcare.education.statements import Statement, Template, templates_by_id
from cdcare.errors import N_, InputError


class PersonalDataError(InputError):
    """Patient data that cannot be turned into statements (e.g. a future injection date)."""


@cache
def _data() -> dict[str, Any]:
    path = resources.files("cdcare.education") / "content" / "personal.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def _templates() -> dict[str, Template]:
    return templates_by_id(_data()["statements"])


def _dates(d: date) -> dict[str, str]:
    return {lang: format_date(d, format="long", locale=lang) for lang in ("en", "ko")}


def _ago(days: int) -> dict[str, str]:
    """'today' / 'N days ago' below a week, else 'N weeks ago' (whole weeks, rounded down)."""
    if days == 0:
        return {"en": "today", "ko": "오늘"}
    if days < 7:
        return {"en": f"{days} day{'s' if days > 1 else ''} ago", "ko": f"{days}일 전"}
    weeks = days // 7
    return {"en": f"{weeks} week{'s' if weeks > 1 else ''} ago", "ko": f"{weeks}주 전"}


def _until(days: int) -> dict[str, str]:
    if days == 0:
        return {"en": "today", "ko": "오늘"}
    if days == 1:
        return {"en": "tomorrow", "ko": "내일"}
    return {"en": f"in {days} days", "ko": f"{days}일 뒤"}


def injection_statement(*, today: date, injection_dates: Sequence[date]) -> Statement | None:
    """Where the patient is in the injection cycle, from the most recent injection date.

    ``None`` when no injection is recorded. A date after ``today`` raises
    :class:`PersonalDataError` (the log must not contain future injections).
    """
    if not injection_dates:
        return None
    future = [d for d in injection_dates if d > today]
    if future:
        raise PersonalDataError(
            N_("Injection date {date} is after today ({today})"),
            date=min(future).isoformat(),
            today=today.isoformat(),
        )
    last = max(injection_dates)
    days = (today - last).days
    effect = _data()["injection_effect"]
    params: dict[str, Any] = {"ago": _ago(days), "date": _dates(last)}
    if days < effect["onset_weeks"][1] * 7:
        return _templates()["injection_early"].fill(**params)
    if days < effect["wear_off_weeks"][0] * 7:
        return _templates()["injection_working"].fill(**params)
    next_date = last + timedelta(days=int(effect["min_interval_days"]))
    return _templates()["injection_wearing_off"].fill(**params, next_date=_dates(next_date))


def exercise_statement(programmes: Sequence[str | Mapping[str, str]]) -> Statement:
    """The assigned exercise programmes by name; a name is one string or ``{"en", "ko"}``."""
    if not programmes:
        return _templates()["exercise_none"].fill()
    names = {
        lang: ", ".join(p if isinstance(p, str) else p[lang] for p in programmes)
        for lang in ("en", "ko")
    }
    return _templates()["exercise"].fill(programmes=names)


def phq9_statements(*, total: int | None, item9: int | None) -> list[Statement]:
    """Statements for the latest PHQ-9: urgent safety note when item 9 > 0 (whatever the
    total), "talk to someone" when total ≥ 10, and crisis contacts with either."""
    rule = _data()["phq9"]
    if total is not None and not 0 <= total <= rule["total_max"]:
        raise PersonalDataError(
            N_("PHQ-9 total must be 0–{max}, got {value}"), max=rule["total_max"], value=total
        )
    if item9 is not None and not 0 <= item9 <= rule["item_max"]:
        raise PersonalDataError(
            N_("PHQ-9 item 9 must be 0–{max}, got {value}"), max=rule["item_max"], value=item9
        )
    if total is not None and item9 is not None and item9 > total:
        raise PersonalDataError(
            N_("PHQ-9 item 9 ({item9}) cannot exceed the total ({total})"), item9=item9, total=total
        )
    out: list[Statement] = []
    if item9 is not None and item9 >= rule["safety_from_item9"]:
        out.append(_templates()["phq9_safety"].fill())
    if total is not None and total >= rule["talk_from_total"]:
        out.append(_templates()["phq9_talk"].fill(total=total))
    if out:
        out.append(_templates()["crisis_contacts"].fill())
    return out


def appointment_statement(*, today: date, next_appointment: date | None) -> Statement:
    """The next appointment date and how many days away; advice to book when there is none."""
    if next_appointment is None:
        return _templates()["appointment_none"].fill()
    if next_appointment < today:
        raise PersonalDataError(
            N_("Next appointment {date} is before today ({today})"),
            date=next_appointment.isoformat(),
            today=today.isoformat(),
        )
    return _templates()["appointment"].fill(
        date=_dates(next_appointment), when=_until((next_appointment - today).days)
    )


def personal_statements(
    *,
    today: date,
    injection_dates: Sequence[date] = (),
    programmes: Sequence[str | Mapping[str, str]] | None = None,
    phq9_total: int | None = None,
    phq9_item9: int | None = None,
    next_appointment: date | None = None,
) -> list[Statement]:
    """All personalised statements for one patient, urgent ones first.

    ``programmes=None`` means "not known" (no exercise statement); ``[]`` means none assigned.
    """
    out: list[Statement] = []
    inj = injection_statement(today=today, injection_dates=injection_dates)
    if inj is not None:
        out.append(inj)
    if programmes is not None:
        out.append(exercise_statement(programmes))
    out.extend(phq9_statements(total=phq9_total, item9=phq9_item9))
    out.append(appointment_statement(today=today, next_appointment=next_appointment))
    return sorted(out, key=lambda s: s.kind != "urgent")


__all__ = [
    "PersonalDataError",
    "appointment_statement",
    "exercise_statement",
    "injection_statement",
    "personal_statements",
    "phq9_statements",
]
