"""``cdcare synth``: render a synthetic test video with a known ground truth (sidecar JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cdcare.cli.context import print_json
from cdcare.cli.main import app
from cdcare.errors import N_, InputError


@app.command("synth")
def synth(
    out: Annotated[Path, typer.Argument(help="Output video (.mp4); truth goes to OUT.json.")],
    yaw: Annotated[float, typer.Option(help="Rotation °, + = chin to patient's left.")] = 0.0,
    roll: Annotated[float, typer.Option(help="Tilt °, + = toward left shoulder.")] = 0.0,
    pitch: Annotated[float, typer.Option(help="Flexion °, + = chin down.")] = 0.0,
    shift: Annotated[
        float, typer.Option(help="Lateral shift, inter-ocular distances, + = left.")
    ] = 0.0,
    sagittal_shift: Annotated[
        float, typer.Option(help="Sagittal shift, inter-ocular distances, + = forward.")
    ] = 0.0,
    shoulder_elevation: Annotated[
        float, typer.Option(help="Fraction of shoulder width, + = left shoulder higher.")
    ] = 0.0,
    tremor_hz: Annotated[float, typer.Option(help="Tremor frequency, Hz.")] = 0.0,
    tremor_deg: Annotated[float, typer.Option(help="Tremor amplitude, ° zero-to-peak.")] = 0.0,
    tremor_axis: Annotated[str, typer.Option(help="yaw, roll or pitch.")] = "yaw",
    tremor_shape: Annotated[str, typer.Option(help="sine, jerky, modulated or harmonic.")] = "sine",
    seconds: Annotated[float, typer.Option(help="Duration, s.")] = 3.0,
    fps: Annotated[float, typer.Option(help="Frames per second.")] = 30.0,
    width: Annotated[int, typer.Option(help="Frame width, px.")] = 640,
    height: Annotated[int, typer.Option(help="Frame height, px.")] = 480,
    mirrored: Annotated[bool, typer.Option(help="Selfie view (image flipped).")] = False,
    noise: Annotated[float, typer.Option(help="Sensor + JPEG noise, 0..1.")] = 0.0,
    lighting: Annotated[float, typer.Option(help="Slow brightness change, 0..1.")] = 0.0,
    seed: Annotated[int, typer.Option(help="Random seed of the noise.")] = 0,
    identity: Annotated[
        str, typer.Option(help="Synthetic person: astronaut, ana, bora, chidi, dara, eun, farid.")
    ] = "ana",
    torso: Annotated[
        str,
        typer.Option(
            help="photo (default: the photo's suit, cut at the left shoulder) or symmetric "
            "(a shirted torso, both shoulders in frame, one shoulder really raised)."
        ),
    ] = "photo",
) -> None:
    """Render a synthetic head-and-shoulders video with known pose; truth in OUT.json."""
    from cdcare.video.synth import SynthSpec, write_clip

    if out.suffix.lower() != ".mp4":
        raise InputError(N_("The output video must be an .mp4 file (got {path})"), path=str(out))
    spec = SynthSpec(
        yaw_deg=yaw,
        roll_deg=roll,
        pitch_deg=pitch,
        lateral_shift=shift,
        sagittal_shift=sagittal_shift,
        shoulder_elevation=shoulder_elevation,
        tremor_hz=tremor_hz,
        tremor_deg=tremor_deg,
        tremor_axis=tremor_axis,  # type: ignore[arg-type]  # validated by SynthSpec
        tremor_shape=tremor_shape,  # type: ignore[arg-type]  # validated by SynthSpec
        seconds=seconds,
        fps=fps,
        width=width,
        height=height,
        mirrored=mirrored,
        noise=noise,
        lighting=lighting,
        seed=seed,
        identity=identity,
        torso=torso,  # type: ignore[arg-type]  # validated by SynthSpec
    )
    truth = write_clip(out, spec)
    print_json(
        {
            "video": str(out),
            "truth": str(out.with_suffix(".json")),
            "frames": len(truth.frames),
            "duration_s": len(truth.frames) / spec.fps,
        }
    )
