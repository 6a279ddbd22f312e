"""The one exception tree of cdcare.

Every error a user can cause is a :class:`CdcareError` subclass. Its message is an English
template (the gettext message id) plus named parameters, so the web and CLI layers can render
it in the user's language at the edge (``err.text("ko")``). Exit codes and HTTP statuses are
attributes of the class and are translated in one place each: ``cdcare.cli.main`` and
``cdcare.web.errors``.

Exit codes: 2 bad input, 3 no usable face in a video, 4 not found, 5 permission denied,
6 conflict (e.g. refusing to overwrite a newer database), 1 any other failure.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar


def N_(message: str) -> str:
    """Mark a string for message extraction without translating it (Babel keyword)."""
    return message


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural message pair for extraction (Babel keyword ``NN_:1,2``); the
    pair is translated later with ``cdcare.i18n.translate_plural`` and the count."""
    return singular, plural


class CdcareError(Exception):
    """Base of every error meant for a user; the message is translatable."""

    exit_code: ClassVar[int] = 1
    http_status: ClassVar[int] = 500

    def __init__(self, message: str, /, **params: Any) -> None:
        self.message = message
        self.params = params
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        """The message rendered in ``lang`` ('en' or 'ko'), parameters filled in; a ``date``
        or aware ``datetime`` parameter is written for the language (:mod:`cdcare.l10n`)."""
        from cdcare.i18n import translate

        template = translate(self.message, lang)
        params = {k: _shown(v, lang) for k, v in self.params.items()}
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):  # a bad translation must not hide the error
            return self.message.format(**params)


def _shown(value: Any, lang: str) -> Any:
    from cdcare.l10n import date_text, datetime_text

    if isinstance(value, datetime) and value.tzinfo is not None:
        return datetime_text(value, lang)
    if isinstance(value, date) and not isinstance(value, datetime):
        return date_text(value, lang)
    return value


class InputError(CdcareError):
    """Input that cannot be accepted (malformed, out of range, missing); nothing was saved."""

    exit_code = 2
    http_status = 422


class ScaleError(InputError):
    """A rating-scale answer set that cannot be scored; ``item`` names the offending item."""

    def __init__(self, message: str, /, *, item: str | None = None, **params: Any) -> None:
        self.item = item
        super().__init__(message, item=item, **params)


class VideoError(InputError):
    """A file that cannot be decoded as video (not a video, empty, truncated)."""


class NoFaceError(CdcareError):
    """A decodable video in which no usable face was found."""

    exit_code = 3
    http_status = 422


class DoseLimitError(InputError):
    """A botulinum-toxin dose or interval that breaks a sourced safety rule."""


class NotFound(CdcareError):
    """The thing asked for does not exist or is not visible to the caller."""

    exit_code = 4
    http_status = 404


class Unauthenticated(CdcareError):
    """The caller is not logged in (or the session expired)."""

    exit_code = 5
    http_status = 401


class PermissionDenied(CdcareError):
    """The caller may not do this."""

    exit_code = 5
    http_status = 403


class Conflict(CdcareError):
    """The operation would destroy newer data or clash with existing data."""

    exit_code = 6
    http_status = 409


class ConfigError(CdcareError):
    """The installation is misconfigured (e.g. no secret key outside demo mode)."""

    exit_code = 1
    http_status = 500


class StoreError(CdcareError):
    """The database or a backup is unusable (corrupt, wrong schema, unreachable)."""

    exit_code = 1
    http_status = 503


__all__ = [
    "N_",
    "CdcareError",
    "ConfigError",
    "Conflict",
    "DoseLimitError",
    "InputError",
    "NoFaceError",
    "NotFound",
    "PermissionDenied",
    "ScaleError",
    "StoreError",
    "Unauthenticated",
    "VideoError",
]
