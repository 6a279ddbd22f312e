"""``cdcare export research``: a de-identified research dataset of one centre."""

from __future__ import annotations
