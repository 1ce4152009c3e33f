"""The `caughtup` command, the top layer: `main` is the entry point (see `tracker.cli.main`).

Importing this package loads nothing: `status` has a 60 ms budget, and every module here is
imported only by the path that needs it.
"""
