"""``/sources``: the bibliography, public and bilingual; every tag has its own anchor
(``/sources#S30``), which the ``cite`` filter links to from every page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from cdcare.clinical.sources import bibliography
from cdcare.store.models import User
from cdcare.web.deps import optional_user
from cdcare.web.i18n import request_lang
from cdcare.web.render import render

router = APIRouter(tags=["education"])


@router.get("/sources")
def sources_page(
    request: Request, user: Annotated[User | None, Depends(optional_user)]
) -> Response:
    """Every source with its kind, what it supports and whether it is authoritative."""
    bib = bibliography()
    lang = request_lang(request)
    return render(
        request,
        "sources.html",
        {
            "entries": bib.ordered(),
            "kinds": {k: v[lang] for k, v in bib.kinds.items()},
            "unconfirmed": bib.unconfirmed[lang],
        },
        user=user,
    )
