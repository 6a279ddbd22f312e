"""cdcare: care of people with cervical dystonia (spasmodic torticollis).

Domain packages (``clinical``, ``video``, ``care``) hold the logic; ``store`` persists it;
``web`` and ``cli`` are thin layers over service functions. See docs/architecture.md.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
