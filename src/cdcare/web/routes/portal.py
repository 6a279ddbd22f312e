"""The patient portal: ``/me`` home, daily diary and exercise programme (questionnaires are in
:mod:`.portal_questionnaires`); and the clinician's diary block ``/patients/{id}/diary``, an
HTML fragment loaded by htmx.

Who: ``/me/*`` is the logged-in patient's own record only. Staff opening ``/me`` are sent to
their home; any other ``/me/*`` request from staff is 403 — staff do not write a patient's
diary, and they record questionnaires on ``/patients/{id}/scales/...``. "Today" is the local
calendar date in the app's time zone (``CDCARE_TIMEZONE``, :mod:`cdcare.clock`). Every read of
patient data is logged as "view", every write as "create" or "amend".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from cdcare.care.access import Action
from cdcare.care.diary import (
    entries,
    save_day,
    tick_exercise,
    trigger_codes,
    weekly_curve,
)
from cdcare.care.injections import adverse_event_codes
from cdcare.care.rehab import adherence, assignments, library, programme_to_dict
from cdcare.clock import centre_zone
from cdcare.errors import N_, InputError
from cdcare.store.care_models import DiaryEntry
from cdcare.store.models import Patient, Role, User
from cdcare.web.deps import (
    DB,
    CurrentUser,
    audit,
    load_own_record,
    local_today,
    own_record,
    patient_for,
    verify_csrf,
)
from cdcare.web.i18n import request_lang
from cdcare.web.render import render
from cdcare.web.routes import portal_questionnaires
from cdcare.web.routes.auth import home_for
from cdcare.web.routes.portal_common import (
    TREND_DAYS,
    diary_trend,
    entry_on,
    record_statements,
)
from cdcare.web.routes.portal_forms import (
    DiaryFieldError,
    DiaryForm,
    parse_day,
    parse_diary_form,
    parse_score,
    parse_yes_no,
    side_effect_label,
    trigger_label,
)

router = APIRouter(tags=["portal"])
router.include_router(portal_questionnaires.router)

LIST_DAYS = 14  # the diary page lists this many days
T = TypeVar("T")


def _labels(lang: str) -> dict[str, Any]:
    return {
        "triggers": [(c, trigger_label(c, lang)) for c in trigger_codes()],
        "side_effects": [(c, side_effect_label(c, lang)) for c in adverse_event_codes()],
        "trigger_label": lambda c: trigger_label(c, lang),
        "side_effect_label": lambda c: side_effect_label(c, lang),
    }


def _running(db: Session, patient_id: int, today: date) -> list[dict[str, Any]]:
    """Programmes assigned and running today, with their library entry."""
    lib = library()
    out = []
    for a in assignments(db=db, patient_id=patient_id):
        if a.start_on <= today and (a.end_on is None or a.end_on >= today) and a.programme in lib:
            p = lib[a.programme]
            out.append({"assignment": a, "programme": p, "en": p.en, "ko": p.ko})
    return out


# --- home ------------------------------------------------------------------------------------


@router.get("/me")
def home(request: Request, db: DB, user: CurrentUser) -> Response:
    """The patient's home: personal notes from their record, today's diary, links."""
    if user.role is not Role.PATIENT:
        return RedirectResponse(home_for(user), status_code=303)
    patient = load_own_record(db, user, Action.PATIENT_VIEW)
    today = local_today(request)
    zone = centre_zone(request.app.state.settings.timezone)
    statements, phq = record_statements(db, patient.id, today, zone)
    audit(request, db, user, "view", patient_id=patient.id)
    db.commit()
    return render(
        request,
        "portal/home.html",
        {
            "patient": patient,
            "statements": statements,
            "phq": phq,
            "today": today,
            "today_entry": entry_on(db, patient.id, today),
        },
        user=user,
    )


# --- diary -----------------------------------------------------------------------------------


def _diary_page(
    request: Request,
    db: Session,
    user: User,
    patient: Patient,
    form: DiaryForm,
    *,
    existing: DiaryEntry | None,
    status: int = 200,
    saved: str = "",
) -> Response:
    today = local_today(request)
    lang = request_lang(request)
    recent = list(
        entries(db=db, patient_id=patient.id, since=today - timedelta(days=TREND_DAYS - 1))
    )
    listed = [e for e in recent if e.entry_date > today - timedelta(days=LIST_DAYS)]
    return render(
        request,
        "portal/diary.html",
        {
            "patient": patient,
            "form": form,
            "existing": existing,
            "today": today,
            "recent": list(reversed(listed)),
            "plot": diary_trend(recent, lang),
            "saved": saved,
            "error_text": {k: v.text(lang) for k, v in form.errors.items()},
            **_labels(lang),
        },
        user=user,
        status_code=status,
    )


def _values_of(e: DiaryEntry | None, day: date) -> DiaryForm:
    if e is None:
        return DiaryForm(values={"date": day.isoformat()})
    done = {True: "yes", False: "no", None: ""}[e.exercise_done]
    return DiaryForm(
        values={
            "date": e.entry_date.isoformat(),
            "severity": str(e.severity),
            "pain": str(e.pain),
            "triggers": list(e.triggers),
            "exercise_done": done,
            "side_effects": list(e.side_effects),
            "note": e.note,
        }
    )


@router.get("/me/diary")
def diary_form(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, own_record(Action.DIARY_WRITE)],
    day: str = "",
    saved: str = "",
) -> Response:
    """Today's diary form (or ``?day=YYYY-MM-DD``, not in the future), the last 14 days and a
    trend plot; a day already written is pre-filled and saving it again amends it."""
    today = local_today(request)
    audit(request, db, user, "view", patient_id=patient.id)
    db.commit()
    try:
        chosen = parse_day_arg(day, today)
    except DiaryFieldError as err:
        form = DiaryForm(values={"date": day}, errors={"date": err})
        return _diary_page(request, db, user, patient, form, existing=None, status=422)
    existing = entry_on(db, patient.id, chosen)
    form = _values_of(existing, chosen)
    return _diary_page(request, db, user, patient, form, existing=existing, saved=saved)


def parse_day_arg(raw: str, today: date) -> date:
    """The ``day`` query argument: empty → today."""
    return parse_day(raw, today) if raw.strip() else today


@router.post("/me/diary", dependencies=[Depends(verify_csrf)])
async def diary_submit(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, own_record(Action.DIARY_WRITE)],
) -> Response:
    """Save one day; field errors re-show the form at the field (422) and nothing is saved."""
    today = local_today(request)
    raw = await request.form()
    data, form = parse_diary_form({k: [str(v) for v in raw.getlist(k)] for k in raw}, today)
    existing = entry_on(db, patient.id, data.day) if data else None
    if data is not None:
        try:
            row, kind = save_day(
                db=db,
                patient_id=patient.id,
                day=data.day,
                severity=data.severity,
                pain=data.pain,
                triggers=data.triggers,
                exercise_done=data.exercise_done,
                side_effects=data.side_effects,
                note=data.note,
                user_id=user.id,
                today=today,
            )
        except InputError as err:  # e.g. a day before the birth year
            db.rollback()
            params = {k: v for k, v in err.params.items() if k != "field"}
            form.errors["date"] = DiaryFieldError(err.message, field="date", **params)
        else:
            audit(request, db, user, kind, patient_id=patient.id, target=f"diary_entry:{row.id}")
            db.commit()
            return RedirectResponse(
                f"/me/diary?day={row.entry_date.isoformat()}&saved={kind}", status_code=303
            )
    return _diary_page(request, db, user, patient, form, existing=existing, status=422)


# --- exercises -------------------------------------------------------------------------------


def _exercise_page(
    request: Request,
    db: Session,
    user: User,
    patient: Patient,
    errors: dict[str, DiaryFieldError],
    status: int = 200,
    saved: bool = False,
) -> Response:
    today = local_today(request)
    lang = request_lang(request)
    since = today - timedelta(days=TREND_DAYS - 1)
    rows = entries(db=db, patient_id=patient.id, since=since)
    answered = [e for e in rows if e.exercise_done is not None]
    share = adherence(rows, since, today)
    return render(
        request,
        "portal/exercises.html",
        {
            "running": [
                {**r, "view": programme_to_dict(r["programme"], lang)}
                for r in _running(db, patient.id, today)
            ],
            "today_entry": entry_on(db, patient.id, today),
            "adherence_pct": None if share is None else round(100 * share),
            "answered": len(answered),
            "done_days": sum(1 for e in answered if e.exercise_done),
            "weeks": TREND_DAYS // 7,
            "errors": {k: v.text(lang) for k, v in errors.items()},
            "saved": saved,
        },
        user=user,
        status_code=status,
    )


@router.get("/me/exercises")
def exercises(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, own_record(Action.DIARY_WRITE)],
    saved: str = "",
) -> Response:
    """The programmes assigned to the patient, today's tick and adherence over 4 weeks."""
    audit(request, db, user, "view", patient_id=patient.id)
    db.commit()
    return _exercise_page(request, db, user, patient, {}, saved=bool(saved))


@router.post("/me/exercises/today", dependencies=[Depends(verify_csrf)])
async def exercise_tick(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, own_record(Action.DIARY_WRITE)],
) -> Response:
    """Record in today's diary whether the exercises were done (``done`` = yes/no).

    Today's diary entry keeps its other answers (an amendment with the earlier version kept);
    without an entry yet, ``severity`` and ``pain`` (0–10) are needed to start it.
    """
    today = local_today(request)
    form = await request.form()
    entry = entry_on(db, patient.id, today)
    errors: dict[str, DiaryFieldError] = {}

    def field(name: str, parse: Callable[[str, str], T]) -> T | None:
        try:
            return parse(str(form.get(name, "")), name)
        except DiaryFieldError as err:
            errors[name] = err
            return None

    done = field("done", parse_yes_no)
    if done is None and "done" not in errors:  # the tick needs an answer
        errors["done"] = DiaryFieldError(N_("Answer yes or no"), field="done")
    severity = entry.severity if entry else field("severity", parse_score)
    pain = entry.pain if entry else field("pain", parse_score)
    if errors or done is None or severity is None or pain is None:
        return _exercise_page(request, db, user, patient, errors, status=422)
    row, kind = tick_exercise(
        db=db,
        patient_id=patient.id,
        day=today,
        done=done,
        severity=severity,
        pain=pain,
        user_id=user.id,
        today=today,
    )
    audit(request, db, user, kind, patient_id=patient.id, target=f"diary_entry:{row.id}")
    db.commit()
    return RedirectResponse("/me/exercises?saved=1", status_code=303)


# --- the clinician's diary block -------------------------------------------------------------


@router.get("/patients/{patient_id}/diary")
def diary_summary(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.PATIENT_VIEW)],
) -> Response:
    """HTML fragment: the patient's diary of the last 28 days as weekly means (week 1 = the
    oldest 7 days), exercise adherence and a daily plot. Severity and pain 0–10."""
    today = local_today(request)
    since = today - timedelta(days=TREND_DAYS - 1)
    rows = list(entries(db=db, patient_id=patient.id, since=since))
    sev = dict(weekly_curve([(e.entry_date, float(e.severity)) for e in rows], since))
    pain = dict(weekly_curve([(e.entry_date, float(e.pain)) for e in rows], since))
    weeks = [
        {
            "week": w + 1,
            "start": since + timedelta(days=7 * w),
            "severity": sev.get(w),
            "pain": pain.get(w),
            "days": sum(1 for e in rows if (e.entry_date - since).days // 7 == w),
        }
        for w in range(TREND_DAYS // 7)
    ]
    share = adherence(rows, since, today)
    audit(request, db, user, "view", patient_id=patient.id)
    db.commit()
    fragment = request.headers.get("hx-request") == "true"  # else a whole page (link, no JS)
    return render(
        request,
        "portal/diary_fragment.html" if fragment else "portal/diary_page.html",
        {
            "patient": patient,
            "weeks": weeks,
            "count": len(rows),
            "since": since,
            "today": today,
            "adherence_pct": None if share is None else round(100 * share),
            "plot": diary_trend(rows, request_lang(request)),
        },
        user=user,
    )
