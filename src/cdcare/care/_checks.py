"""Input checks shared by the care services: each raises InputError naming the field."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from cdcare.clock import today_or as clock_today_or
from cdcare.errors import N_, InputError


@cache
def load_data(name: str) -> dict[str, Any]:
    """A JSON data file of ``cdcare/care/data``."""
    text = (resources.files("cdcare.care") / "data" / name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def today_or(today: date | None) -> date:
    """``today`` or the centre's local date (:func:`cdcare.clock.local_today`)."""
    return clock_today_or(today)


def as_date(value: object, field: str) -> date:
    """A date from a ``date`` or an ISO ``YYYY-MM-DD`` string."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError(
        N_("{field} must be a date (YYYY-MM-DD), got {value}"), field=field, value=repr(value)
    )


def past_date(value: object, field: str, today: date) -> date:
    """A date that is not after ``today``."""
    d = as_date(value, field)
    if d > today:
        raise InputError(
            N_("{field} {value} is in the future (today is {today})"),
            field=field,
            value=d.isoformat(),
            today=today.isoformat(),
        )
    return d


def int_range(value: object, field: str, lo: int, hi: int) -> int:
    """A whole number ``lo..hi`` (booleans refused)."""
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise InputError(
            N_("{field} must be a whole number from {lo} to {hi}, got {value}"),
            field=field,
            lo=lo,
            hi=hi,
            value=repr(value),
        )
    return value


def positive(value: object, field: str) -> float:
    """A finite number > 0 (booleans refused)."""
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not math.isfinite(float(value)) or float(value) <= 0:  # type: ignore[arg-type]
        raise InputError(
            N_("{field} must be a positive number, got {value}"), field=field, value=repr(value)
        )
    return float(value)  # type: ignore[arg-type]


def opt_bool(value: object, field: str) -> bool | None:
    """True, False or None."""
    if value is None or isinstance(value, bool):
        return value
    raise InputError(
        N_("{field} must be true, false or null, got {value}"), field=field, value=repr(value)
    )


def codes(value: object, field: str, known: Iterable[str] | None = None) -> list[str]:
    """A list of non-empty strings; with ``known``, each must be one of them."""
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, str) and v.strip() for v in value
    ):
        raise InputError(
            N_("{field} must be a list of non-empty texts, got {value}"),
            field=field,
            value=repr(value),
        )
    out = [v.strip() for v in value]
    if known is not None:
        allowed = list(known)
        for v in out:
            if v not in allowed:
                raise InputError(
                    N_("Unknown {field} code '{value}'; known: {known}"),
                    field=field,
                    value=v,
                    known=", ".join(allowed),
                )
    return out


def text(value: object, field: str, *, required: bool = False) -> str:
    """A stripped string (required: non-empty)."""
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise InputError(N_("{field} is required (a text)"), field=field)
    return value.strip()
