"""Shared parts of the PDF report: fonts, styles, number formats and the writer's core.

The sections live in :mod:`cdcare.reports.pdf_scales` (header, rating scales) and
:mod:`cdcare.reports.pdf_treatment` (video, injections, plan, sources); :mod:`cdcare.reports.pdf`
puts them together. Signed values: + / − as in the measurement contract (see docs/video.md).
Dates and numbers are written for the report's language with :mod:`cdcare.l10n` (the same
functions as the web pages): measured values with at most 2 decimals, doses and dilutions with
every decimal they have.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from cdcare.care.injections import adverse_event_codes
from cdcare.clinical.planning import Level
from cdcare.clinical.posture import muscles
from cdcare.clinical.scales import Instrument
from cdcare.clinical.sources import split_tags
from cdcare.clinical.toxins import get_product
from cdcare.errors import N_, ConfigError
from cdcare.i18n import translate, translate_context
from cdcare.l10n import date_text, datetime_text, exact_text, number_text, signed_text
from cdcare.reports.fonts import NANUM, find_font
from cdcare.reports.model import InjectionEntry

REGULAR = "NanumGothic"
BOLD = "NanumGothic-Bold"
#: Font name → TTF file, filled on first use from matplotlib's font manager
#: (:func:`cdcare.reports.fonts.find_font`); both are embedded (subset) in every report.
FONT_FILES: dict[str, Path] = {}
MARGIN = 16 * mm
WIDTH = A4[0] - 2 * MARGIN  # usable width, points
GRID = colors.HexColor("#9aa5b1")
SHADE = colors.HexColor("#eef2f6")
DASH = "–"

SEX = {"F": N_("Female"), "M": N_("Male"), "X": N_("Other or unknown")}
SIDE = {"left": N_("left"), "right": N_("right")}
LEVEL = {Level.REFUSE: N_("Refused"), Level.WARN: N_("Warning")}
#: Direction words of a signed measurement: (word for +, word for −); docs/video.md signs.
SIDE_WORDS = (N_("left"), N_("right"))
FLEXION_WORDS = (N_("chin down"), N_("head back"))
SAGITTAL_WORDS = (N_("forward"), N_("back"))
SOURCE = {"clinic": N_("clinic"), "home": N_("home")}
SEVERITY = {"mild": N_("mild"), "moderate": N_("moderate"), "severe": N_("severe")}
GUIDANCE = {
    "none": N_("no guidance"),
    "emg": N_("EMG"),
    "ultrasound": N_("ultrasound"),
    "emg+ultrasound": N_("EMG + ultrasound"),
}


def register_fonts() -> None:
    """Register NanumGothic (regular, bold) with reportlab; ConfigError if a file is missing."""
    for name, bold in ((REGULAR, False), (BOLD, True)):
        path = FONT_FILES.get(name) or find_font(NANUM, bold=bold)
        if path is None or not path.is_file():
            raise ConfigError(
                N_("Korean font {path} is missing: install the Debian package fonts-nanum"),
                path=str(path or name),
            )
        FONT_FILES[name] = path
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR)


def bracket(interval: tuple[float, float] | None, lang: str) -> str:
    """`` [lo, hi]`` (degrees, one decimal, signed) or nothing."""
    if interval is None:
        return ""
    return f" [{signed_text(interval[0], lang)}, {signed_text(interval[1], lang)}]"


def fmt(value: float | None, lang: str, signed: bool = False) -> str:
    """A number in ``lang`` (at most 2 decimals); ``signed`` prefixes + to a positive value.

    The minus is CLDR's ASCII '-' in Korean and English (NanumGothic has no U+2212).
    """
    if value is None:
        return DASH
    return signed_text(value, lang, 2) if signed else number_text(value, lang, 2)


def short_name(inst: Instrument) -> str:
    """A short instrument name for legends: 'TWSTRS', 'PHQ-9'..."""
    return inst.name_en.split(" (")[0]


class BaseWriter:
    """The story (list of flowables) of one report in one language, and its helpers."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        base = ParagraphStyle("base", fontName=REGULAR, fontSize=9, leading=12.5)
        self.body = base
        self.small = ParagraphStyle("small", base, fontSize=7.5, leading=10)
        self.cell = ParagraphStyle("cell", base, fontSize=8, leading=10)
        self.title = ParagraphStyle("title", base, fontName=BOLD, fontSize=16, leading=21)
        self.h2 = ParagraphStyle(
            "h2", base, fontName=BOLD, fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=4
        )
        self.h3 = ParagraphStyle(
            "h3", base, fontName=BOLD, fontSize=10, leading=13, spaceBefore=7, spaceAfter=2
        )
        self.label = ParagraphStyle("label", base, fontName=BOLD)
        self.flag = ParagraphStyle(
            "flag", self.small, textColor=colors.HexColor("#9a3412"), fontName=BOLD
        )
        self.story: list[Flowable] = []
        self.cited: list[str] = []  # source tags printed so far, in order

    def cite(self, source: str) -> str:
        """``source`` as printed; its tags are listed in the closing Sources section."""
        self.cited += [t for t in split_tags(source) if t not in self.cited]
        return source

    def _(self, message: str, **params: Any) -> str:
        text = translate(message, self.lang)
        return text.format(**params) if params else text

    def p_(self, context: str, message: str) -> str:
        """``pgettext``: ``message`` in the sense ``context`` ('dose', 'body side')."""
        return translate_context(context, message, self.lang)

    def bracket(self, interval: tuple[float, float] | None) -> str:
        """A confidence interval in degrees, `` [lo, hi]``, or nothing."""
        return bracket(interval, self.lang)

    def num(self, value: float | None, signed: bool = False) -> str:
        """A measured number in the report's language (at most 2 decimals)."""
        return fmt(value, self.lang, signed)

    def dose(self, value: float | None) -> str:
        """A dose or dilution with every decimal it has (never rounded)."""
        return DASH if value is None else exact_text(value, self.lang)

    def day(self, value: date | None) -> str:
        """A calendar date: ``2026. 3. 5.`` / ``Mar 5, 2026``."""
        return DASH if value is None else date_text(value, self.lang)

    def when(self, value: datetime, zone: ZoneInfo) -> str:
        """An instant in ``zone``, to the minute, with the zone's abbreviation."""
        # CLDR puts a narrow no-break space before "AM"; NanumGothic has no glyph for it
        shown = datetime_text(value, self.lang, zone).replace("\u202f", " ")
        return f"{shown} {value.astimezone(zone).tzname() or ''}".strip()

    def para(self, text: str, style: ParagraphStyle | None = None) -> None:
        self.story.append(Paragraph(escape(text), style or self.body))

    def table(self, rows: Sequence[Sequence[str]], widths: Sequence[float] | None = None) -> None:
        """A grid table with a shaded header row that repeats on every page."""
        cells = [[Paragraph(escape(c), self.cell) for c in row] for row in rows]
        t = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                    ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                    ("FONT", (0, 0), (-1, -1), REGULAR, 8),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        self.story.append(t)

    def _signed(self, value: float | None, words: tuple[str, str]) -> str:
        """A signed number with the word of its direction (``words`` = (+ word, − word))."""
        text = self.num(value, signed=True)
        if value is None or round(value, 2) == 0:
            return text
        return f"{text} {self._(words[0] if value > 0 else words[1])}"

    def _adverse(self, e: InjectionEntry) -> str:
        known = adverse_event_codes()
        out = []
        for a in e.adverse:
            label = known.get(a.code, {}).get(self.lang, a.code)
            out.append(f"{label} ({self._(SEVERITY.get(a.severity, a.severity))})")
        return ", ".join(out) or DASH

    def _muscle(self, code: str) -> str:
        m = muscles().get(code)
        return code if m is None else (m.ko if self.lang == "ko" else m.en)

    def _site(self, muscle: str, side: str, dose: float) -> str:
        return f"{self._muscle(muscle)} {self._(SIDE.get(side, side))} {self.dose(dose)}"

    def _product(self, code: str) -> str:
        p = get_product(code)
        return p.ko if self.lang == "ko" else p.en
