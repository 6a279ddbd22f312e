"""The portal's display setting: large text, kept in a year-long cookie of the browser."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from cdcare.care.access import Action
from cdcare.store.models import Patient
from cdcare.web.deps import DB, CurrentUser, own_record, verify_csrf
from cdcare.web.render import render

router = APIRouter(tags=["portal"])
COOKIE = "text_size"
SIZES = ("normal", "large")
ONE_YEAR = 365 * 24 * 3600  # seconds


@router.get("/me/display")
def display_page(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, own_record(Action.DIARY_WRITE)],
    saved: str = "",
) -> Response:
    """Choose normal or large text."""
    current = request.cookies.get(COOKIE, "normal")
    return render(
        request, "portal/display.html", {"current": current, "saved": saved == "1"}, user=user
    )


@router.post("/me/display", dependencies=[Depends(verify_csrf)])
def display_save(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, own_record(Action.DIARY_WRITE)],
    size: Annotated[str, Form()] = "normal",
) -> Response:
    """Keep the choice in this browser (it outlives logging out)."""
    response = RedirectResponse("/me/display?saved=1", status_code=303)
    value = size if size in SIZES else "normal"
    response.set_cookie(COOKIE, value, max_age=ONE_YEAR, samesite="lax", httponly=True)
    return response
