"""Subcommands of ``dialer``. Each module has ``register(subparsers)`` that adds its parser and sets
``handler`` (a function of the parsed arguments returning the exit code)."""
