"""Command line for the offline data: ``python -m synthlib.offline prepare`` (see :mod:`synthlib.data`)."""
import sys

from .data import _main

if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
