"""Korean-capable fonts for plots and PDF reports, found through matplotlib's font manager.

The font manager knows the fonts of the system's font directories (the ones fontconfig uses);
cdcare asks it for a family by name instead of hard-coding file paths. NanumGothic (SIL Open
Font License; Debian package ``fonts-nanum``, installed by ``scripts/system-deps.sh``) is the
font of the PDF; plots use it, or Noto Sans CJK, when present.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from matplotlib import font_manager

NANUM = "NanumGothic"
#: Families tried for plots, in order (the first one installed is used).
PLOT_FAMILIES = (NANUM, "Noto Sans CJK KR", "Noto Sans CJK JP")


def _lookup(family: str, bold: bool) -> Path | None:
    """The installed file of ``family``: its heaviest face for bold, else the one nearest 400."""
    faces = [
        f
        for f in font_manager.fontManager.ttflist
        if f.name == family and f.style == "normal" and Path(f.fname).is_file()
    ]
    if not faces:
        return None

    def weight(face: font_manager.FontEntry) -> int:
        w = face.weight
        return w if isinstance(w, int) else int(font_manager.weight_dict.get(str(w), 400))

    best = max(faces, key=weight) if bold else min(faces, key=lambda f: abs(weight(f) - 400))
    return Path(best.fname)


@cache
def find_font(family: str, *, bold: bool = False) -> Path | None:
    """The file of ``family`` (bold or regular) known to the font manager, or None.

    A font installed after matplotlib built its font cache is found by rescanning the system
    font directories once for files whose name starts with the family's name."""
    found = _lookup(family, bold)
    if found is None:
        stem = family.replace(" ", "").lower()
        for path in font_manager.findSystemFonts():
            if Path(path).stem.replace(" ", "").lower().startswith(stem):
                font_manager.fontManager.addfont(path)
        found = _lookup(family, bold)
    return found


def plot_families() -> list[str]:
    """The Korean-capable families installed here, in :data:`PLOT_FAMILIES` order."""
    return [f for f in PLOT_FAMILIES if find_font(f) is not None]


__all__ = ["NANUM", "PLOT_FAMILIES", "find_font", "plot_families"]
