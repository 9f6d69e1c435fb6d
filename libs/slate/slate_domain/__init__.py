"""Building blocks every service's pure domain shares: stdlib only, no I/O, no framework.

The kernel (`slate`) is I/O; this package is what a `domain/` may import besides itself:
aggregates with a version and pending domain events, field-named validation problems (and the
checks every domain makes the same way), rates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, TypeVar

E = TypeVar("E")


@dataclass(frozen=True)
class Problem:
    """One broken rule, named by the input field as the API spells it."""

    field: str
    message: str
    code: str = "INVALID"


def required_text(field: str, value: str, max_length: int, problems: list[Problem]) -> str:
    """`value` without surrounding blanks; adds a problem on `field` to `problems` when that is
    empty or longer than `max_length` characters."""
    clean = value.strip()
    if not clean:
        problems.append(Problem(field, "must not be empty"))
    elif len(clean) > max_length:
        problems.append(Problem(field, f"at most {max_length} characters"))
    return clean


class Invalid(ValueError):
    """The input breaks the rules listed in `problems`; nothing may be changed."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in self.problems))


@dataclass(kw_only=True)
class Aggregate(Generic[E]):
    """Identity, the version it was loaded at (0: never stored) and its unsaved domain events.

    A transition is a method that checks its rule (raising `Invalid`), changes state and
    `record`s the event it causes; the store saves state and events in one write at `version`.
    """

    id: str
    org_id: str
    version: int = 0
    events: list[E] = field(default_factory=list, repr=False, compare=False)

    def record(self, event: E) -> None:
        """Remember an event this change causes, to be published with the saved state."""
        self.events.append(event)


@dataclass(frozen=True)
class Rate:
    """A pay rate: a decimal amount in a currency per unit (HOUR, DAY, WEEK, FLAT)."""

    amount: Decimal
    currency: str
    unit: str
