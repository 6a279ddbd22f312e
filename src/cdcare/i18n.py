"""Korean and English messages from compiled Babel catalogues.

The sources are ``cdcare/locale/{ko,en}/LC_MESSAGES/*.po`` (``messages.po`` for the core, one
more file per area, e.g. ``scales.po``); each is compiled to the ``.mo`` beside it
(``make i18n``, committed; a test fails when a ``.mo`` differs from a fresh compile of its
``.po``). At first use all ``.mo`` files of a language are loaded as
:class:`babel.support.Translations` and merged into one catalogue (one gettext domain), so a
message can live in any file of its area. See docs/i18n.md for the translator workflow.

English is the source language: a message without an English translation falls back to its
id (``ngettext`` to the singular or plural id by ``n``). Python code marks messages with
``_()``/``N_()`` (:mod:`cdcare.errors`) and translates with :func:`translate`,
:func:`translate_plural` (``ngettext``) and :func:`translate_context` (``pgettext``);
templates get ``_``, ``gettext``, ``ngettext`` and ``pgettext`` from ``jinja2.ext.i18n``
(:mod:`cdcare.web.templating`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources

from babel.support import Translations

LANGUAGES: tuple[str, ...] = ("ko", "en")
DEFAULT_LANG = "en"
#: gettext's separator between a message context and its id in a compiled catalogue.
CONTEXT_SEP = "\x04"


def normalize_lang(lang: str | None) -> str:
    """Map 'ko', 'ko-KR', 'ko_KR', 'EN'... to a supported code; unknown → English."""
    if not lang:
        return DEFAULT_LANG
    code = lang.replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANG


@cache
def translations(lang: str | None) -> Translations:
    """All compiled catalogues of ``lang`` merged into one :class:`Translations` (cached).

    Files are merged in name order; the plural rule is the first file's ``Plural-Forms``
    header (every file of a language carries the same one). Without any ``.mo`` the result
    is an empty catalogue (every message falls back to its English id).
    """
    code = normalize_lang(lang)
    folder = resources.files("cdcare") / "locale" / code / "LC_MESSAGES"
    merged: Translations | None = None
    files = sorted(folder.iterdir(), key=lambda p: p.name) if folder.is_dir() else []
    for path in files:
        if not path.name.endswith(".mo"):
            continue
        with path.open("rb") as fh:
            loaded = Translations(fh, domain=path.name.removesuffix(".mo"))
        if merged is None:
            merged = loaded
        else:
            merged.merge(loaded)
    if merged is None:
        merged = Translations()
        merged._catalog = {}  # an empty catalogue, not a half-initialised one
        merged.plural = lambda n: int(n != 1)
    return merged


def catalogue(lang: str) -> dict[str, str]:
    """Message id → translation for ``lang``: singular messages only.

    A message with a context is keyed ``context + CONTEXT_SEP + id`` (as gettext stores it);
    plural messages are read with :func:`plural_forms`.
    """
    raw = translations(lang)._catalog
    return {k: v for k, v in raw.items() if isinstance(k, str) and k and v}


def plural_forms(lang: str, singular: str, context: str | None = None) -> tuple[str, ...]:
    """The translated plural forms of ``singular`` in ``lang`` (empty: not translated)."""
    raw = translations(lang)._catalog
    key = singular if context is None else f"{context}{CONTEXT_SEP}{singular}"
    forms: list[str] = []
    while (key, len(forms)) in raw:
        forms.append(raw[(key, len(forms))])
    return tuple(forms) if all(forms) else ()


def translate(message: str, lang: str | None = None) -> str:
    """Translate a message id into ``lang``; falls back to the English id."""
    if not message:  # the empty id is the catalogue header, never a message
        return message
    return str(translations(lang).gettext(message))


def translate_plural(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    """``ngettext``: the form of ``singular``/``plural`` for the count ``n`` in ``lang``."""
    return str(translations(lang).ngettext(singular, plural, n))


def translate_context(context: str, message: str, lang: str | None = None) -> str:
    """``pgettext``: ``message`` in the sense ``context`` (e.g. 'body side'), in ``lang``."""
    return str(translations(lang).pgettext(context, message))


def gettext_for(lang: str | None) -> Callable[[str], str]:
    """A ``_()`` function bound to one language (for CLI output)."""
    bound = translations(lang)

    def _(message: str) -> str:
        return str(bound.gettext(message)) if message else message

    return _


__all__ = [
    "CONTEXT_SEP",
    "DEFAULT_LANG",
    "LANGUAGES",
    "catalogue",
    "gettext_for",
    "normalize_lang",
    "plural_forms",
    "translate",
    "translate_context",
    "translate_plural",
    "translations",
]
