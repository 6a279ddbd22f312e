"""Source tags on web pages: ``[S30]`` becomes a link to its entry on the ``/sources`` page.

:func:`cite` is the Jinja filter ``cite`` (installed by :func:`install`): it takes a data
citation (``"S22+S25"``, ``["S30", "V9"]``, ``"U"``) and returns escaped HTML links;
:func:`link_inline_tags` does the same for ``[S30]`` inside already-rendered HTML.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from cdcare.clinical.sources import INLINE_TAG, bibliography, split_tags

SOURCES_PATH = "/sources"


def tag_link(tag: str) -> Markup:
    """One tag as a link to its entry, with the entry's title as a tooltip."""
    entry = bibliography().get(tag)
    title = entry.title if entry is not None else bibliography().unconfirmed["en"]
    return Markup('<a class="src" href="{path}#{tag}" title="{title}">[{tag}]</a>').format(
        path=SOURCES_PATH, tag=tag, title=title
    )


def cite(cited: str | Iterable[str] | None) -> Markup:
    """A citation as links; text that holds no tag is shown escaped as it is."""
    tags = split_tags(cited)
    if not tags:
        return escape(cited) if isinstance(cited, str) else Markup("")
    return Markup(" ").join(tag_link(t) for t in tags)


def link_inline_tags(html: str) -> Markup:
    """Replace every inline ``[S30]``/``[U]`` in trusted, already-escaped HTML by a link."""
    # the input is trusted, already-escaped HTML (docstring); tag_link escapes the tag itself
    linked = INLINE_TAG.sub(lambda m: str(tag_link(m.group(1))), html)
    return Markup(linked)  # noqa: S704


def install(templates: Jinja2Templates) -> None:
    """Make ``cite`` available to every template."""
    templates.env.filters["cite"] = cite
