"""The user's own login sessions: list them, log one out, or log out everywhere."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from cdcare.care.sessions import active_sessions, revoke_session, revoke_user_sessions
from cdcare.web.deps import DB, CurrentUser, audit, verify_csrf
from cdcare.web.render import render
from cdcare.web.sessions import lifetimes_from

router = APIRouter(tags=["auth"])


@router.get("/account/sessions")
def sessions_page(request: Request, db: DB, user: CurrentUser) -> Response:
    """Where and since when the user is logged in; this browser's session is marked."""
    settings = request.app.state.settings
    lifetimes = lifetimes_from(settings.session_idle_minutes, settings.session_max_hours)
    rows = active_sessions(db=db, user_id=user.id, lifetimes=lifetimes)
    current = request.scope.get("session_id")
    return render(request, "account_sessions.html", {"rows": rows, "current": current}, user=user)


@router.post("/account/sessions/revoke-all", dependencies=[Depends(verify_csrf)])
def revoke_all(request: Request, db: DB, user: CurrentUser) -> Response:
    """Log out everywhere, this browser included."""
    count = revoke_user_sessions(db=db, user_id=user.id)
    audit(request, db, user, "logout", target="sessions:all", reason=f"{count} sessions")
    db.commit()
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.post("/account/sessions/{session_id}/revoke", dependencies=[Depends(verify_csrf)])
def revoke_one(request: Request, session_id: int, db: DB, user: CurrentUser) -> Response:
    """Log out one of the user's own sessions (another user's id changes nothing)."""
    if revoke_session(db=db, session_id=session_id, user_id=user.id):
        audit(request, db, user, "logout", target=f"session:{session_id}")
    db.commit()
    if session_id == request.scope.get("session_id"):
        request.session.clear()
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse("/account/sessions", status_code=303)
