"""A refusal by field: what the domain raises when a rule rejects a value."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One rejected value: the input field it came from and why."""

    field: str
    message: str


class Invalid(Exception):
    """Every problem found in one input, so the caller can fix them all at once."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = list(problems)
