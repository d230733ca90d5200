"""``python -m periodize``: the command line, as the ``periodize`` script runs it."""

from periodize.cli import main

if __name__ == "__main__":
    main()
