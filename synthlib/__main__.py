"""synthlib's command line: ``python -m synthlib assign 2.2 --out DIR`` (a student notebook) and
``python -m synthlib offline prepare`` (the offline copies of the datasets)."""
import sys

from .book.datasets import DataUnavailable  # already loaded: `python -m synthlib` imports the package first

USAGE = """usage: python -m synthlib COMMAND ...

commands:
  assign SECTION --out DIR   write a section's student notebook (solutions replaced by stubs)
  offline prepare|list|...   the offline copies of the datasets (python -m synthlib offline --help)"""


#: Errors that come from what the user typed or from their files (unknown section or dataset, an existing output
#: file, an unwritable folder, no network and no offline copy): one line and exit status 1, not a traceback.
#: Anything else is a bug and shows one.
USER_ERRORS = (KeyError, ValueError, OSError, ImportError, DataUnavailable)


def main(argv: list[str]) -> int:
    try:
        return _run(argv)
    except Exception as error:
        if not isinstance(error, USER_ERRORS):
            raise
        message = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
        command = f" {argv[0]}" if argv else ""
        print(f"python -m synthlib{command}: error: {' '.join(str(message).split())}", file=sys.stderr)
        return 1


def _run(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "assign":
        from .book.assign import main as assign

        return assign(rest)
    if command == "offline":
        from .book.datasets import _main as offline

        return offline(rest)
    print(f"python -m synthlib: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
