"""``python -m cli``: the ``rolefit`` command line."""

from cli import main

main()
