"""Console-script entry point: the matcher's commands plus the service's own."""

from __future__ import annotations

from matcher.cli import app


def main() -> None:
    """Run the ``rolefit`` command line."""
    app()


if __name__ == "__main__":
    main()
