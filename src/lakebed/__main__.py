"""``python -m lakebed``: the ``lakebed`` command."""

from lakebed.cli import main

main()
