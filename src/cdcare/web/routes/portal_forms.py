"""Pure helpers of the patient portal: the diary form and the patient's statements.

No database or request here, so the rules can be tested on their own:

* :func:`parse_diary_form` turns the posted diary fields into a :class:`DiaryInput` or a
  :class:`DiaryFieldError` per bad field. Severity and pain are whole numbers 0–10
  (0 = none, 10 = worst imaginable); the date is a local (centre zone) calendar date not after
  today.
* :func:`patient_statements` builds the statements of the patient's home page from real data
  (injection dates, assigned programmes, latest PHQ-9 and GAD-7). The next appointment is left
  out: cdcare keeps no appointment table, so nothing is said about it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from cdcare.care.diary import trigger_codes
from cdcare.care.followup import psych_prompts
from cdcare.care.injections import adverse_event_codes
from cdcare.education.personal import (
    appointment_statement,
    exercise_statement,
    injection_statement,
    phq9_statements,
)
from cdcare.education.statements import Statement
from cdcare.errors import N_, InputError
from cdcare.i18n import translate

SCORE_MIN, SCORE_MAX = 0, 10  # diary severity and pain: 0 = none, 10 = worst imaginable
NOTE_MAX = 1000  # characters

#: Trigger code (``care/data/intake.json``) → short label; an unlisted code shows as itself.
TRIGGER_LABELS = {
    "stress": N_("Stress"),
    "fatigue": N_("Tiredness"),
    "walking": N_("Walking"),
    "writing": N_("Writing"),
    "driving": N_("Driving"),
    "reading": N_("Reading"),
    "screen_use": N_("Phone or computer screen"),
    "cold": N_("Cold"),
    "other": N_("Other"),
}

#: Referral rules of ``care/data/followup.json`` that call for the support statement.
SUPPORT_RULES = ("psych_referral_phq9", "psych_referral_gad7")
SUPPORT_TEXT = N_(
    "Talk to your clinic about psychological support: tell your doctor or nurse at your next "
    "visit, or call the clinic before then."
)


class DiaryFieldError(InputError):
    """A diary field that cannot be accepted; ``field`` names it (nothing is saved)."""

    def __init__(self, message: str, /, *, field: str, **params: object) -> None:
        self.field = field
        super().__init__(message, field=field, **params)


@dataclass(frozen=True)
class DiaryInput:
    """One checked diary day, ready for :func:`cdcare.care.diary.record_entry`."""

    day: date
    severity: int
    pain: int
    triggers: tuple[str, ...] = ()
    exercise_done: bool | None = None
    side_effects: tuple[str, ...] = ()
    note: str = ""


@dataclass
class DiaryForm:
    """The fields as typed (to re-show the form) and the errors by field name."""

    values: dict[str, str | list[str]] = field(default_factory=dict)
    errors: dict[str, DiaryFieldError] = field(default_factory=dict)


def trigger_label(code: str, lang: str) -> str:
    """The label of a trigger code in ``lang`` (the code itself when unlabelled)."""
    return translate(TRIGGER_LABELS[code], lang) if code in TRIGGER_LABELS else code


def side_effect_label(code: str, lang: str) -> str:
    """The label of a side-effect code (adverse-event vocabulary) in ``lang``."""
    entry = adverse_event_codes().get(code)
    return str(entry["ko" if lang == "ko" else "en"]) if entry else code


def parse_day(raw: str, today: date, name: str = "date") -> date:
    """A ``YYYY-MM-DD`` date not after ``today`` (local calendar date)."""
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise DiaryFieldError(
            N_("Enter a date like {example}"), field=name, example=today.isoformat()
        ) from None
    if day > today:
        raise DiaryFieldError(
            N_("{value} is in the future; the diary takes today ({today}) or an earlier day"),
            field=name,
            value=day.isoformat(),
            today=today.isoformat(),
        )
    return day


def parse_score(raw: str, name: str) -> int:
    """A whole number 0–10 from a form field."""
    raw = raw.strip()
    if raw == "":
        raise DiaryFieldError(N_("Choose a number from {lo} to {hi}"), field=name, lo=0, hi=10)
    if not (raw.isascii() and raw.isdigit()) or not SCORE_MIN <= int(raw) <= SCORE_MAX:
        raise DiaryFieldError(
            N_("{value} is not a whole number from {lo} to {hi}"),
            field=name,
            value=raw,
            lo=SCORE_MIN,
            hi=SCORE_MAX,
        )
    return int(raw)


def parse_yes_no(raw: str, name: str) -> bool | None:
    """'yes' → True, 'no' → False, '' → None (not said)."""
    answers = {"yes": True, "no": False, "": None}
    if raw.strip() not in answers:
        raise DiaryFieldError(N_("Answer yes or no"), field=name)
    return answers[raw.strip()]


def _choices(given: Sequence[str], known: Sequence[str], name: str) -> tuple[str, ...]:
    for code in given:
        if code not in known:
            raise DiaryFieldError(N_("Unknown choice {value}"), field=name, value=code)
    return tuple(dict.fromkeys(given))


def parse_diary_form(
    form: Mapping[str, Sequence[str]], today: date
) -> tuple[DiaryInput | None, DiaryForm]:
    """Check posted diary fields (each a list of the values sent under that name).

    Returns the input when every field is valid, else ``None`` and the errors by field.
    """

    def one(name: str) -> str:
        values = form.get(name) or [""]
        return str(values[0])

    out = DiaryForm(
        values={
            "date": one("date"),
            "severity": one("severity"),
            "pain": one("pain"),
            "triggers": [str(v) for v in form.get("triggers", [])],
            "exercise_done": one("exercise_done"),
            "side_effects": [str(v) for v in form.get("side_effects", [])],
            "note": one("note"),
        }
    )
    parsed: dict[str, object] = {}
    checks: dict[str, Callable[[], object]] = {
        "day": lambda: parse_day(one("date"), today),
        "severity": lambda: parse_score(one("severity"), "severity"),
        "pain": lambda: parse_score(one("pain"), "pain"),
        "triggers": lambda: _choices(form.get("triggers", []), trigger_codes(), "triggers"),
        "exercise_done": lambda: parse_yes_no(one("exercise_done"), "exercise_done"),
        "side_effects": lambda: _choices(
            form.get("side_effects", []), list(adverse_event_codes()), "side_effects"
        ),
        "note": lambda: _note(one("note")),
    }
    for key, check in checks.items():
        try:
            parsed[key] = check()
        except DiaryFieldError as err:
            out.errors[err.field] = err
    if out.errors:
        return None, out
    return DiaryInput(**parsed), out  # type: ignore[arg-type]


def _note(raw: str) -> str:
    if len(raw.strip()) > NOTE_MAX:
        raise DiaryFieldError(
            N_("The note is too long ({length} characters, at most {max})"),
            field="note",
            length=len(raw.strip()),
            max=NOTE_MAX,
        )
    return raw.strip()


def support_statement(*, phq9: float | None = None, gad7: float | None = None) -> Statement | None:
    """'Talk to your clinic about psychological support' when PHQ-9 or GAD-7 reaches the
    referral rule of ``followup.json`` (total ≥ 10 points [S12]); otherwise None."""
    rules = [r for r in psych_prompts(phq9, gad7, None) if r.code in SUPPORT_RULES]
    if not rules:
        return None
    return Statement(
        id="psych_support",
        kind="advice",
        en=translate(SUPPORT_TEXT, "en"),
        ko=translate(SUPPORT_TEXT, "ko"),
        sources=tuple(dict.fromkeys(r.source for r in rules)),
        verified=all(r.verified for r in rules),
    )


def questionnaire_statements(
    instrument: str, total: float | None, answers: Mapping[str, object]
) -> list[Statement]:
    """Plain-language notes after one questionnaire, urgent first.

    PHQ-9: item 9 > 0 → urgent safety note and crisis lines; total ≥ 10 → talk to someone
    (``education/content/personal.json``). PHQ-9 or GAD-7 total ≥ 10 → psychological support.
    """
    out: list[Statement] = []
    if instrument == "phq9":
        item9 = answers.get("q9")
        out += phq9_statements(
            total=round(total) if total is not None else None,
            item9=item9 if isinstance(item9, int) else None,
        )
        support = support_statement(phq9=total)
    elif instrument == "gad7":
        support = support_statement(gad7=total)
    else:
        support = None
    if support is not None:
        out.append(support)
    return sorted(out, key=lambda s: s.kind != "urgent")


def patient_statements(
    *,
    today: date,
    injection_dates: Sequence[date],
    programmes: Sequence[Mapping[str, str]],
    phq9: tuple[float | None, Mapping[str, object]] | None,
    gad7: float | None,
    next_appointment: date | None = None,
) -> list[Statement]:
    """The home page's statements from the patient's record, urgent first.

    ``next_appointment`` is the local date of the soonest booked appointment (None: advice to
    book one).
    ``injection_dates`` after ``today`` are ignored (a session logged ahead of the local date);
    ``programmes`` are the names (``{"en", "ko"}``) of the programmes running today;
    ``phq9`` is the latest PHQ-9 (total, answers) or None; ``gad7`` the latest GAD-7 total.
    """
    out: list[Statement] = []
    inj = injection_statement(
        today=today, injection_dates=[d for d in injection_dates if d <= today]
    )
    if inj is not None:
        out.append(inj)
    out.append(exercise_statement(programmes))
    out.append(appointment_statement(today=today, next_appointment=next_appointment))
    if phq9 is not None:
        out += questionnaire_statements("phq9", phq9[0], phq9[1])
    support = support_statement(gad7=gad7)
    if support is not None and all(s.id != support.id for s in out):
        out.append(support)
    return sorted(out, key=lambda s: s.kind != "urgent")
