"""Clinician care pages (intake & diagnosis support, injection log, medications, follow-up):
one router gathering the ``care_*`` route modules."""

from __future__ import annotations

from fastapi import APIRouter

from cdcare.web.routes import care_followup, care_injections, care_intake, care_medications

router = APIRouter()
for _module in (care_intake, care_injections, care_medications, care_followup):
    router.include_router(_module.router)
