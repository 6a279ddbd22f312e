"""Which in-app links a user may follow: a page never shows a link that would answer 403.

Path patterns → the permission their page checks first (the page itself still authorises).
"""

from __future__ import annotations

import re

from cdcare.care.access import Action, can
from cdcare.store.models import User

_NEEDS: tuple[tuple[re.Pattern[str], Action], ...] = (
    (re.compile(r"^/patients/\d+/(injections|medications|intake|followup|visits)(/|$|#)"),
     Action.CARE_VIEW),
    (re.compile(r"^/patients/\d+/videos(/|$|#)"), Action.VIDEO_UPLOAD),
    (re.compile(r"^/patients/\d+/plan(/|$|#|\?)"), Action.INJECTION_PLAN),
    (re.compile(r"^/(worklist|calendar)(/|$|\?)"), Action.CARE_VIEW),
    (re.compile(r"^/admin/audit"), Action.AUDIT_VIEW),
    (re.compile(r"^/admin/users"), Action.USER_MANAGE),
    (re.compile(r"^/admin/centre"), Action.CENTRE_SETTINGS),
)  # fmt: skip


def allowed(user: User | None, href: str) -> bool:
    """False when ``href`` leads to a page the user's role may not open."""
    if user is None:
        return True  # anonymous pages link to login-protected pages by design
    return all(can(user, action) for pattern, action in _NEEDS if pattern.search(href))
