"""The PDF visit report (reportlab), Korean or English, with the Korean font embedded.

:func:`build_pdf` turns a :class:`~cdcare.reports.model.ReportData` into PDF bytes: header,
rating scales (one table per instrument, oldest first, change from the previous total with
+ = worse, and a trend plot), video measurements (newest first, each signed value with its
direction word), injection log (newest sessions in full, earlier ones one line each) and plan,
then the sources cited on the way (tag, title, authors, year, address); empty sections are left
out. Instruments resting on unconfirmed facts carry the "unconfirmed
reference" flag. Licensed item wording is never printed: only scores, codes and neutral labels.
Every page has a footer with its number and, for demo data, the words "synthetic demo data".

Fonts: NanumGothic (Debian package fonts-nanum, found through matplotlib's font manager),
embedded as a subset; a missing font file is a
:class:`~cdcare.errors.ConfigError`, never a silent fallback that prints empty boxes.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

from cdcare.clinical.toxins import get_product
from cdcare.clock import centre_zone
from cdcare.errors import N_
from cdcare.i18n import normalize_lang
from cdcare.reports.model import ReportData
from cdcare.reports.pdf_base import FONT_FILES, MARGIN, REGULAR, register_fonts
from cdcare.reports.pdf_scales import ScaleSections
from cdcare.reports.pdf_treatment import TreatmentSections


class _Writer(ScaleSections, TreatmentSections):
    """Builds the story (list of flowables) of one report in one language."""


def _numbered_canvas(footer: str, page_text: str) -> type[Canvas]:
    """A canvas class that writes ``footer`` and "page n of N" on every page (two passes)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # reportlab: begin a new page

        def save(self) -> None:
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(REGULAR, 7.5)
                self.setFillColor(colors.HexColor("#52606d"))
                self.drawString(MARGIN, 9 * mm, footer)
                number = page_text.format(page=self.getPageNumber(), pages=len(self._pages))
                self.drawRightString(A4[0] - MARGIN, 9 * mm, number)
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(data: ReportData, *, lang: str = "ko", timezone: str | None = None) -> bytes:
    """The report as PDF bytes (A4) in ``lang`` ('ko' or 'en'); times shown in ``timezone``
    (default: the configured zone, :func:`cdcare.clock.centre_zone`).

    Raises :class:`ConfigError` when the Korean font is not installed.
    """
    register_fonts()
    lang = normalize_lang(lang)
    w = _Writer(lang)
    w.header(data, centre_zone(timezone))
    logged = (*data.injections, *data.earlier_injections)
    markers = [(e.record.on, get_product(e.record.product).name) for e in logged]
    w.scales(data.scales, markers)
    w.video(data.video)
    w.injections(data)
    w.plan(data)
    w.sources()
    footer = "cdcare"
    if data.demo:
        footer += " · " + w._(N_("Synthetic demo data — not a real patient."))
    buf = io.BytesIO()
    title = w._(N_("Cervical dystonia visit report"))
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{title} · {data.header.record_number}",
        author="cdcare",
        initialFontName=REGULAR,  # no unembedded Helvetica reference in the file
    )
    doc.build(w.story, canvasmaker=_numbered_canvas(footer, w._(N_("Page {page} of {pages}"))))
    return buf.getvalue()


__all__ = ["FONT_FILES", "build_pdf", "register_fonts"]
