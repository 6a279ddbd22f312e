"""One Jinja environment per language, with ``jinja2.ext.i18n`` and locale-aware filters.

Each environment has that language's compiled catalogues installed
(``install_gettext_translations(..., newstyle=True)``), so every template, include and
imported macro gets ``_``/``gettext``, ``ngettext`` and ``pgettext`` in the page's language.
Newstyle gettext formats its result with ``%``: write variables as ``%(name)s`` keyword
arguments (``ngettext`` also gets ``num``) and a literal percent sign as ``%%``. The result of
``_()`` is markup (translations are trusted); the variables are escaped.

Filters (display only; form values stay ISO / plain): ``date`` (a calendar date or an
instant's local date), ``datetime`` (an instant in the centre's zone), ``time`` (its clock
time there), ``number`` (at most one decimal unless ``digits=``), ``signed`` (the same with
``+`` on a positive value), ``exact`` (every decimal the value has: doses, dilutions) and
``percent`` (a fraction 0–1), see :mod:`cdcare.l10n`.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from pathlib import Path

import jinja2
from fastapi.templating import Jinja2Templates

from cdcare.clock import centre_zone
from cdcare.i18n import LANGUAGES, translations
from cdcare.l10n import (
    date_text,
    datetime_text,
    exact_text,
    number_text,
    percent_text,
    signed_text,
    time_text,
)
from cdcare.web import citations


def environment(directory: Path, lang: str, zone: str | None) -> jinja2.Environment:
    """The Jinja environment of ``lang``: templates from ``directory``, dates in ``zone``."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=jinja2.select_autoescape(),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    where = centre_zone(zone)
    env.globals["time_zone"] = where.key  # the IANA name the datetime filter shows times in

    def date_filter(value: date | datetime | str | None) -> str:
        return date_text(value, lang, where)

    def datetime_filter(value: datetime | None) -> str:
        return datetime_text(value, lang, where)

    def time_filter(value: datetime | None) -> str:
        return time_text(value, lang, where)

    env.filters["date"] = date_filter
    env.filters["datetime"] = datetime_filter
    env.filters["time"] = time_filter
    env.filters["exact"] = partial(exact_text, lang=lang)
    env.filters["signed"] = partial(_signed, lang=lang)
    env.filters["number"] = partial(_number, lang=lang)
    env.filters["percent"] = partial(percent_text, lang=lang)
    return env


def _number(value: float | int | None, digits: int = 1, *, lang: str) -> str:
    return number_text(value, lang, digits)


def _signed(value: float | int | None, digits: int = 1, *, lang: str) -> str:
    return signed_text(value, lang, digits)


class LocalizedTemplates:
    """The app's templates: one :class:`Jinja2Templates` per supported language."""

    def __init__(self, directory: Path, zone: str | None = None) -> None:
        self.by_lang: dict[str, Jinja2Templates] = {}
        for lang in LANGUAGES:
            templates = Jinja2Templates(env=environment(directory, lang, zone))
            citations.install(templates)
            self.by_lang[lang] = templates

    def get(self, lang: str) -> Jinja2Templates:
        """The templates of ``lang`` (a code from :data:`cdcare.i18n.LANGUAGES`)."""
        return self.by_lang[lang]


__all__ = ["LocalizedTemplates", "environment"]
