"""caughtup's core (settings, store, rules, ...) and, in `tracker.cli`, the command on top.

The core never imports textual, screens or tracker.cli (pyproject's import-linter contracts).
"""

__version__ = "0.1.0"
