"""Geometry of the synthetic person: the source photo and its face-mesh landmarks, rotations,
normals, the face tessellation and triangle winding.

Model frame as in :mod:`cdcare.video.synth_model` (millimetres, right-handed, +X toward the
PATIENT'S LEFT, +Y up, +Z forward). Triangles are counter-clockwise seen from outside.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from importlib import resources
from importlib.util import find_spec

import numpy as np
from numpy.typing import NDArray

from cdcare.errors import N_, CdcareError

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


def rotation(yaw_deg: float, pitch_deg: float, roll_deg: float) -> F64:
    """Head rotation matrix in the model frame, R = Ry(yaw) · Rx(pitch) · Rz(−roll).

    Intrinsic order yaw, then pitch, then roll. yaw + = chin toward the patient's left;
    pitch + = chin down; roll + = head tilted toward the patient's left shoulder.
    """
    y, p, r = np.radians([yaw_deg, pitch_deg, -roll_deg])
    ry = np.array([[np.cos(y), 0, np.sin(y)], [0, 1, 0], [-np.sin(y), 0, np.cos(y)]])
    rx = np.array([[1, 0, 0], [0, np.cos(p), -np.sin(p)], [0, np.sin(p), np.cos(p)]])
    rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    return np.asarray(ry @ rx @ rz, dtype=np.float64)


def vertex_normals(verts: F64, tris: I64) -> F64:
    """Area-weighted unit vertex normals of a counter-clockwise mesh."""
    a, b, c = verts[tris[:, 0]], verts[tris[:, 1]], verts[tris[:, 2]]
    fn = np.cross(b - a, c - a)
    n = np.zeros_like(verts)
    for k in range(3):
        np.add.at(n, tris[:, k], fn)
    length = np.linalg.norm(n, axis=1, keepdims=True)
    return np.asarray(n / np.maximum(length, 1e-9), dtype=np.float64)


def source_photo() -> NDArray[np.uint8]:
    import cv2

    if find_spec("skimage") is None:
        raise CdcareError(N_("The synthetic video needs the scikit-image package (its photo)."))
    path = resources.files("skimage") / "data" / "astronaut.png"
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise CdcareError(N_("The synthetic video needs the scikit-image package (its photo)."))
    return np.asarray(img, dtype=np.uint8)


def photo_landmarks(photo: NDArray[np.uint8]) -> F64:
    """478 MediaPipe landmarks of the photo: (u, v, depth) in photo pixels, depth + = away."""
    import cv2
    import mediapipe as mp

    with mp.solutions.face_mesh.FaceMesh(
        static_image_mode=True, refine_landmarks=True, max_num_faces=1
    ) as mesh:
        result = mesh.process(cv2.cvtColor(photo, cv2.COLOR_BGR2RGB))
    if not result.multi_face_landmarks:
        raise CdcareError(N_("MediaPipe found no face in the synthetic video's photo."))
    w = float(photo.shape[1])
    pts = [
        (p.x * w, p.y * photo.shape[0], p.z * w) for p in result.multi_face_landmarks[0].landmark
    ]
    return np.asarray(pts, dtype=np.float64)


def face_triangles() -> tuple[I64, list[list[int]]]:
    """Canonical tessellation triangles, and the boundary loops (face oval first, then holes)."""
    import mediapipe as mp

    adj: defaultdict[int, set[int]] = defaultdict(set)
    for a, b in mp.solutions.face_mesh.FACEMESH_TESSELATION:
        adj[a].add(b)
        adj[b].add(a)
    tris = {tuple(sorted((a, b, c))) for a in adj for b in adj[a] for c in adj[a] & adj[b]}
    uses: Counter[tuple[int, int]] = Counter()
    for t in tris:
        uses.update([(t[0], t[1]), (t[0], t[2]), (t[1], t[2])])
    # A 3-cycle that is not a face has all three edges shared by three triangles.
    faces = [t for t in tris if min(uses[(t[0], t[1])], uses[(t[0], t[2])], uses[(t[1], t[2])]) < 3]
    uses = Counter()
    for t in faces:
        uses.update([(t[0], t[1]), (t[0], t[2]), (t[1], t[2])])
    nbr: defaultdict[int, list[int]] = defaultdict(list)
    for (a, b), n in uses.items():
        if n == 1:
            nbr[a].append(b)
            nbr[b].append(a)
    loops: list[list[int]] = []
    seen: set[int] = set()
    for start in sorted(nbr):
        if start in seen:
            continue
        loop, prev, cur = [start], -1, start
        seen.add(start)
        while True:
            nxt = [n for n in nbr[cur] if n != prev and n not in seen]
            if not nxt:
                break
            prev, cur = cur, nxt[0]
            loop.append(cur)
            seen.add(cur)
        loops.append(loop)
    loops.sort(key=len, reverse=True)
    return np.asarray(sorted(faces), dtype=np.int64), loops


def orient(verts: F64, tris: I64, outward: F64) -> I64:
    """Flip triangles so that their normal points along ``outward`` (T×3 direction per tri)."""
    a, b, c = verts[tris[:, 0]], verts[tris[:, 1]], verts[tris[:, 2]]
    flip = np.einsum("ij,ij->i", np.cross(b - a, c - a), outward) < 0
    out = tris.copy()
    out[flip, 1], out[flip, 2] = tris[flip, 2], tris[flip, 1]
    return out


def orient_manifold(verts: F64, tris: I64, outward: F64, seeds: int | None = None) -> I64:
    """Consistent winding over a connected mesh (neighbours traverse shared edges oppositely).

    The triangle whose normal is most aligned with ``outward`` (a 3-vector), among the first
    ``seeds`` triangles (all if None), fixes the sense.
    """
    a, b, c = verts[tris[:, 0]], verts[tris[:, 1]], verts[tris[:, 2]]
    n = np.cross(b - a, c - a)
    align = np.abs(n @ outward) / np.maximum(np.linalg.norm(n, axis=1), 1e-9)
    seed = int(np.argmax(align[:seeds]))
    out = [list(t) for t in tris.tolist()]
    if n[seed] @ outward < 0:
        out[seed][1], out[seed][2] = out[seed][2], out[seed][1]
    by_edge: defaultdict[frozenset[int], list[int]] = defaultdict(list)
    for i, t in enumerate(out):
        for k in range(3):
            by_edge[frozenset((t[k], t[(k + 1) % 3]))].append(i)
    done, todo = {seed}, [seed]
    while todo:
        i = todo.pop()
        t = out[i]
        for k in range(3):
            u, v = t[k], t[(k + 1) % 3]
            for j in by_edge[frozenset((u, v))]:
                if j in done:
                    continue
                s = out[j]
                if any(s[m] == u and s[(m + 1) % 3] == v for m in range(3)):
                    s[1], s[2] = s[2], s[1]
                done.add(j)
                todo.append(j)
    return np.asarray(out, dtype=np.int64)


def neutralising_rotation(face: F64) -> F64:
    """Rotation R with ``face @ R`` neutral: outer eye corners (33 → 263) along +X."""
    e = face[263] - face[33]
    roll0 = np.degrees(np.arctan2(-e[1], e[0]))
    yaw0 = np.degrees(np.arctan2(-e[2], e[0]))
    return rotation(yaw0, 0.0, roll0)
