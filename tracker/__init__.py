"""caughtup's core: settings, store, rules and the CLI. Never imports textual or screens."""

__version__ = "0.1.0"
