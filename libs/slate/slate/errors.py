"""Errors a use case raises for the caller to see: GraphQL `userErrors { field message code }`.

A resolver catches `UserError` / `ValidationErrors` and turns them into the payload's
`userErrors`; anything else is a bug and surfaces as a GraphQL error. A use case turns the
domain's `slate_domain.Invalid` into `ValidationErrors` with `field_errors()`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import ClassVar, Literal, Protocol, cast

from slate_domain import Invalid

ErrorCode = Literal[
    "INVALID", "NOT_FOUND", "CONFLICT", "FORBIDDEN", "UNAUTHENTICATED", "UNAVAILABLE"
]
ERROR_CODES: frozenset[str] = frozenset(
    {"INVALID", "NOT_FOUND", "CONFLICT", "FORBIDDEN", "UNAUTHENTICATED", "UNAVAILABLE"}
)


class UserError(Exception):
    """An error the caller can act on; `field` names the input field (None: the whole input)."""

    default_code: ClassVar[ErrorCode] = "INVALID"

    def __init__(
        self, message: str, *, field: str | None = None, code: ErrorCode | None = None
    ) -> None:
        resolved = code or self.default_code
        if resolved not in ERROR_CODES:
            raise ValueError(f"unknown error code {resolved!r}; use one of {sorted(ERROR_CODES)}")
        super().__init__(message)
        self.message = message
        self.field = field
        self.code: ErrorCode = resolved

    def to_dict(self) -> dict[str, str | None]:
        """The `{field, message, code}` shape of a GraphQL userError or a CLI error."""
        return {"field": self.field, "message": self.message, "code": self.code}

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, field={self.field!r}, code={self.code!r})"


class NotFound(UserError):
    """The thing the input names does not exist (or the caller may not know that it does)."""

    default_code = "NOT_FOUND"


class Conflict(UserError):
    """The write lost a race or breaks a uniqueness/state rule; re-read and retry or give up."""

    default_code = "CONFLICT"


class Forbidden(UserError):
    """The principal is known but may not do this."""

    default_code = "FORBIDDEN"


class ValidationErrors(Exception):
    """Several field errors found together, so the caller can fix them all at once."""

    def __init__(self, errors: Iterable[UserError]) -> None:
        self.errors: list[UserError] = list(errors)
        if not self.errors:
            raise ValueError("ValidationErrors needs at least one error")
        super().__init__("; ".join(str(e) for e in self.errors))

    @classmethod
    def raise_if_any(cls, errors: Iterable[UserError]) -> None:
        """Raise `ValidationErrors` when `errors` is non-empty; do nothing otherwise."""
        collected = list(errors)
        if collected:
            raise cls(collected)

    def to_dicts(self) -> list[dict[str, str | None]]:
        """Each error in the `{field, message, code}` shape."""
        return [e.to_dict() for e in self.errors]


class FieldProblem(Protocol):
    """A broken rule named by its input field (`slate_domain.Problem`, or a domain's own kind);
    a `code` attribute, when it has one, is kept if it is an error code."""

    @property
    def field(self) -> str: ...

    @property
    def message(self) -> str: ...


def validation_errors(problems: Iterable[FieldProblem]) -> ValidationErrors:
    """The domain's broken rules as the caller's field errors (one `UserError` each)."""
    return ValidationErrors(UserError(p.message, field=p.field, code=_code_of(p)) for p in problems)


def _code_of(problem: FieldProblem) -> ErrorCode:
    code = getattr(problem, "code", "INVALID")
    return cast(ErrorCode, code) if code in ERROR_CODES else "INVALID"


@contextlib.contextmanager
def field_errors() -> Iterator[None]:
    """Inside this block, the domain's `Invalid` becomes `ValidationErrors` naming each field."""
    try:
        yield
    except Invalid as exc:
        raise validation_errors(exc.problems) from None
