"""Where Runback's shipped files are, from a checkout and from an installed wheel alike."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def styles_dir() -> Path:
    """The folder holding the TCSS files (``styles/`` at the top of a checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "styles", here.parent / "styles"):
        if (candidate / "app.tcss").is_file():
            return candidate
    return Path(str(resources.files("runback_tui.styles")))


def stylesheet(name: str) -> Path:
    """The path of one TCSS file, e.g. ``stylesheet("home.tcss")``."""
    return styles_dir() / name
