"""Draw docs/video-angles.svg: the three body-plane projections of one head rotation.

The head is posed by :func:`cdcare.video.angles.rotation_from_body_angles` (rotation 60°, tilt
20°, flexion 10°) and each panel draws the projection of its axes onto one body plane, so the
figure is computed from the same code as the measurement. Plain SVG, no plotting library.

    PYTHONPATH=src .venv/bin/python scripts/video_angles_figure.py   # writes docs/video-angles.svg
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from cdcare.video.angles import body_angles, rotation_from_body_angles

OUT = Path(__file__).resolve().parents[1] / "docs" / "video-angles.svg"
POSE = (60.0, 20.0, 10.0)  # rotation, tilt, flexion (degrees)
R = 70.0  # head radius in the drawing (px)


def _arrow(
    x0: float, y0: float, dx: float, dy: float, colour: str, label: str, anchor: str = "start"
) -> str:
    x1, y1 = x0 + dx, y0 + dy
    ang = math.atan2(dy, dx)
    head = [
        (x1 - 10 * math.cos(ang - 0.4), y1 - 10 * math.sin(ang - 0.4)),
        (x1 - 10 * math.cos(ang + 0.4), y1 - 10 * math.sin(ang + 0.4)),
    ]
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in [(x1, y1), *head])
    return (
        f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke="{colour}" '
        f'stroke-width="3"/><polygon points="{pts}" fill="{colour}"/>'
        f'<text x="{x1 + (6 * math.cos(ang) if anchor == "start" else -8):.1f}" '
        f'y="{y1 + 14 * math.sin(ang) + 4:.1f}" text-anchor="{anchor}" '
        f'font-size="12" fill="{colour}">{label}</text>'
    )


def _arc(cx: float, cy: float, a0: float, a1: float, r: float, text: str) -> str:
    """Arc from screen angle a0 to a1 (radians, y down) with a label."""
    x0, y0 = cx + r * math.cos(a0), cy + r * math.sin(a0)
    x1, y1 = cx + r * math.cos(a1), cy + r * math.sin(a1)
    sweep = 1 if a1 > a0 else 0
    mid = (a0 + a1) / 2
    return (
        f'<path d="M {x0:.1f} {y0:.1f} A {r} {r} 0 0 {sweep} {x1:.1f} {y1:.1f}" fill="none" '
        f'stroke="#444" stroke-dasharray="4 3"/>'
        f'<text x="{cx + (r + 14) * math.cos(mid) - 10:.1f}" '
        f'y="{cy + (r + 14) * math.sin(mid):.1f}"'
        f' font-size="13" fill="#222">{text}</text>'
    )


def _panel(x: float, title: str, sub: str, body: str) -> str:
    return (
        f'<g transform="translate({x},0)"><rect x="5" y="5" width="250" height="290" '
        f'fill="#fafafa" stroke="#ccc"/><text x="130" y="26" text-anchor="middle" '
        f'font-size="15" font-weight="bold">{title}</text><text x="130" y="44" '
        f'text-anchor="middle" font-size="11" fill="#555">{sub}</text>{body}</g>'
    )


def figure() -> str:
    """The SVG text."""
    h = rotation_from_body_angles(*POSE)
    rot, tilt, flex = body_angles(h)
    nose, up = h[:, 2], h[:, 1]
    cx, cy = 130.0, 170.0
    # Top view (from above, patient facing down the page toward the viewer's bottom): screen x =
    # body X (patient's left to the viewer's right), screen y = body Z (forward = down).
    top_dir = np.array([nose[0], nose[2]]) / math.hypot(nose[0], nose[2])
    top = (
        f'<circle cx="{cx}" cy="{cy}" r="{R * 0.8}" fill="#f3dcc8" stroke="#333"/>'
        + _arrow(cx, cy, 0, R * 1.1, "#999", "body forward")
        + _arrow(cx, cy, R * 1.1 * top_dir[0], R * 1.1 * top_dir[1], "#c0392b", "nose")
        + _arc(cx, cy, math.pi / 2, math.atan2(top_dir[1], top_dir[0]), 45, f"{rot:.0f}°")
    )
    # Front view (facing the patient): the patient's left is the viewer's right, up is up.
    front_dir = np.array([up[0], -up[1]]) / math.hypot(up[0], up[1])
    front = (
        f'<circle cx="{cx}" cy="{cy}" r="{R * 0.8}" fill="#f3dcc8" stroke="#333"/>'
        + _arrow(cx, cy, 0, -R * 1.2, "#999", "body vertical", "end")
        + _arrow(cx, cy, R * 1.2 * front_dir[0], R * 1.2 * front_dir[1], "#2471a3", "head")
        + _arc(cx, cy, -math.pi / 2, math.atan2(front_dir[1], front_dir[0]), 50, f"{tilt:.0f}°")
    )
    # Side view from the patient's left: forward (+Z) to the viewer's right, up is up.
    side_dir = np.array([up[2], -up[1]]) / math.hypot(up[2], up[1])
    side = (
        f'<circle cx="{cx}" cy="{cy}" r="{R * 0.8}" fill="#f3dcc8" stroke="#333"/>'
        + _arrow(cx, cy, 0, -R * 1.2, "#999", "body vertical", "end")
        + _arrow(cx, cy, R * 1.2 * side_dir[0], R * 1.2 * side_dir[1], "#1e8449", "head")
        + _arc(cx, cy, -math.pi / 2, math.atan2(side_dir[1], side_dir[0]), 50, f"{flex:.0f}°")
    )
    panels = (
        _panel(0, "rotation (from above)", "nose direction about the body vertical", top)
        + _panel(260, "tilt (from the front)", "head vertical vs body vertical", front)
        + _panel(520, "flexion (from the side)", "head vertical vs body vertical", side)
    )
    euler = math.degrees(
        math.atan(math.tan(math.radians(POSE[1])) * math.cos(math.radians(POSE[0])))
    )
    caption = (
        f'<text x="390" y="316" text-anchor="middle" font-size="12" fill="#333">One head '
        f"rotation (turned {POSE[0]:.0f}°, tilted {POSE[1]:.0f}°, flexed {POSE[2]:.0f}°) and its "
        'three body-plane projections.</text><text x="390" y="334" text-anchor="middle" '
        'font-size="12" fill="#333">A yaw-first Euler decomposition would report the tilt as '
        f"about {euler:.0f}° (tilt × cos rotation), not what a rater sees from the front.</text>"
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="780" height="345" '
        'font-family="sans-serif">' + panels + caption + "</svg>\n"
    )


def main() -> None:
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(figure(), encoding="utf-8")
    print(f"written {OUT}")


if __name__ == "__main__":
    main()
