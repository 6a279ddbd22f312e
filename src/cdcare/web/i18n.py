"""Language of a web request: ?lang=, then the ``lang`` cookie, then Korean (the default)."""

from __future__ import annotations

from fastapi import Request

from cdcare.i18n import LANGUAGES

WEB_DEFAULT_LANG = "ko"


def request_lang(request: Request) -> str:
    """'ko' or 'en' for this request."""
    for candidate in (request.query_params.get("lang"), request.cookies.get("lang")):
        if candidate in LANGUAGES:
            return candidate
    return WEB_DEFAULT_LANG
