"""Errors a user can cause, each naming the file, the field, what was expected and what was found.

Every message has the form ``FILE: FIELD: expected WHAT, found WHAT`` (docs/format.md#the-command-line), so
that the command line can print it as one line and exit with status 2.
"""

from __future__ import annotations

__all__ = [
    "ExpressionError",
    "GameError",
    "ScenarioError",
    "ScenarioFileError",
    "UnknownScenarioError",
]


class ScenarioError(ValueError):
    """A scenario, a game or a request is not what the toolkit expects.

    >>> err = ScenarioError("expected a number", found="'abc'", file="m.toml", field="parameters.c.value")
    >>> str(err)
    "m.toml: parameters.c.value: expected a number, found 'abc'"
    """

    def __init__(
        self,
        expected: str,
        *,
        found: str | None = None,
        file: str | None = None,
        field: str | None = None,
    ) -> None:
        self.expected = expected
        self.found = found
        self.file = file
        self.field = field
        super().__init__(self._message())

    def _message(self) -> str:
        parts = [p for p in (self.file, self.field) if p]
        what = self.expected if self.expected.startswith("expected") else f"expected {self.expected}"
        if self.found is not None:
            what += f", found {self.found}"
        return ": ".join([*parts, what])

    def located(self, *, file: str | None = None, field: str | None = None) -> ScenarioError:
        """The same error with a file name and a field path filled in where they were missing."""
        return type(self)(
            self.expected,
            found=self.found,
            file=self.file or file,
            field=self.field or field,
        )


class ScenarioFileError(ScenarioError):
    """The file itself cannot be read: missing, not UTF-8, not TOML, empty."""


class ExpressionError(ScenarioError):
    """An expression string breaks the whitelist of docs/format.md#expressions."""


class GameError(ScenarioError):
    """The game is malformed: unknown actor or strategy, missing or repeated profile, and so on."""


class UnknownScenarioError(ScenarioError):
    """A scenario name that is neither a file nor a built-in scenario."""
