"""Video measurement of head posture, shoulders and tremor (contract: docs/video.md).

Kept light: import the submodules you need (``cdcare.video.pipeline.analyze_path`` is the
entry point); MediaPipe is only loaded when a model is first used.
"""
