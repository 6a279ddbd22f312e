"""Worklist explanations that state a count: the English singular and plural templates and the
name of the counting parameter, translated with ngettext (``cdcare.i18n.translate_plural``)."""

from __future__ import annotations

from cdcare.errors import NN_

#: (singular template, plural template, name of the parameter that holds the count)
Counted = tuple[str, str, str]

OVERDUE: Counted = (
    *NN_(
        "Window opened {date} ({days} day ago), nothing booked",
        "Window opened {date} ({days} days ago), nothing booked",
    ),
    "days",
)
WINDOW_OPENS: Counted = (
    *NN_("Window opens {date} (in {days} day)", "Window opens {date} (in {days} days)"),
    "days",
)
SILENT: Counted = (
    *NN_(
        "Nothing from the patient for {days} day (last {date})",
        "Nothing from the patient for {days} days (last {date})",
    ),
    "days",
)
VIDEO_REVIEW: Counted = (
    *NN_(
        "Video of {date}: {n} suggested TWSTRS item not confirmed",
        "Video of {date}: {n} suggested TWSTRS items not confirmed",
    ),
    "n",
)
