"""The one exception type for bad user input: the CLI prints it as one line and exits 2."""

from collections.abc import Callable, Iterable


def spoken(field: str) -> str:
    """A field in plain words, where no option or label names it: `after_hours` -> after hours."""
    return field.replace("_", " ")


class InputError(ValueError):
    """Bad input from the user; the message names the value and the fix.

    The message may mention fields as `{field}` (each listed in `mentions`): the CLI names them
    by the options that set them, a screen by its labels, `str()` in plain words; so the core
    never names either.
    """

    def __init__(self, message: str, mentions: Iterable[str] = ()) -> None:
        self.message, self.mentions = message, tuple(mentions)
        super().__init__(self.words(spoken))

    def words(self, name: Callable[[str], str]) -> str:
        """The message, each field it mentions named by `name`."""
        text = self.message
        for field in self.mentions:
            text = text.replace(f"{{{field}}}", name(field))
        return text


class FieldError(InputError):
    """Bad input in one named field of a form or command: `{field} {problem}`."""

    def __init__(self, field: str, problem: str, mentions: Iterable[str] = ()) -> None:
        self.field, self.problem = field, problem
        super().__init__(f"{{{field}}} {problem}", (field, *mentions))
