"""Entry point: ``runback`` and ``python -m runback_tui``."""

from __future__ import annotations

import sys


def main() -> None:
    """Run the command line and exit with its code."""
    from runback_tui.cli import finish, run

    finish(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
