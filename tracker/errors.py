"""The one exception type for bad user input: the CLI prints it as one line and exits 2."""


class InputError(ValueError):
    """Bad input from the user; the message names the value and the fix."""
