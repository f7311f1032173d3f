"""``python -m sistereval``: the ``sistereval`` command."""

from sistereval.cli import main

if __name__ == "__main__":
    main()
