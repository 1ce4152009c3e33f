"""The one exception type for bad user input: the CLI prints it as one line and exits 2."""


class InputError(ValueError):
    """Bad input from the user; the message names the value and the fix."""


class FieldError(InputError):
    """Bad input in one named field of a form or command: the CLI names its option, a screen
    its label, so the core never names either."""

    def __init__(self, field: str, problem: str) -> None:
        self.field, self.problem = field, problem
        super().__init__(f"{field.replace('_', ' ')} {problem}")
