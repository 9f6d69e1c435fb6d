"""Inputs are bounded before anything parses them (issue 8, findings 1 and 2): the email check
runs in linear time after a length bound, and every string and list a mutation takes has a
limit that names its field, so no input can stall casting or swell an event."""

from __future__ import annotations

import re
import time
from datetime import date
from typing import Any

import pytest
from casting.domain import model
from casting.schema import schema
from casting.usecases import Casting
from hypothesis import given
from hypothesis import strategies as st
from slate.testing import data, graphql_context, principal

TODAY = date(2026, 11, 28)
# The shape that froze casting: `a@a.a.a.…` that fails at its end, 64 KB (the old pattern
# backtracks over every dot from every dot: about 76 s here; 8 KB took 0.9 s).
HOSTILE_EMAIL = "a@" + "a." * (32 << 10) + "@"
# What still gets through the kernel's 10,000-character bound on any input string.
HOSTILE_8_KB = "a@" + "a." * (4 << 10) + "@"
# The pattern the email check used to be (quadratic on HOSTILE_EMAIL): the split-based check
# that replaced it must accept exactly what it accepted.
OLD_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FAST_S = 0.05
PRODUCER = principal("org_a", "producer", "casting")


def problems(exc: pytest.ExceptionInfo[model.Invalid]) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in exc.value.problems]


def timed_invalid(*args: str) -> tuple[float, pytest.ExceptionInfo[model.Invalid]]:
    start = time.perf_counter()
    with pytest.raises(model.Invalid) as exc:
        model.validate_talent(*args, TODAY)
    return time.perf_counter() - start, exc


# --- finding 1: the email check --------------------------------------------------------------


def test_a_64_kb_hostile_email_is_refused_by_its_length_at_once() -> None:
    elapsed, exc = timed_invalid("Ana", HOSTILE_EMAIL, "1990-01-01", "NONE")
    assert problems(exc) == [("email", "at most 254 characters")]
    assert elapsed < FAST_S, f"{elapsed:.3f}s"


def test_the_email_check_itself_is_linear_even_without_the_bound() -> None:
    start = time.perf_counter()
    for _ in range(10):
        assert not model.is_email(HOSTILE_EMAIL)
        assert model.is_email(HOSTILE_EMAIL[:-1])
    assert time.perf_counter() - start < FAST_S


def test_the_longest_hostile_email_within_the_bound_is_checked_quickly() -> None:
    longest = ("a@" + "a." * 200)[: model.MAX_EMAIL - 1] + "@"
    assert len(longest) == model.MAX_EMAIL
    elapsed, exc = timed_invalid("Ana", longest, "1990-01-01", "NONE")
    assert [f for f, _ in problems(exc)] == ["email"]
    assert elapsed < FAST_S, f"{elapsed:.3f}s"


@given(st.text(alphabet="a@. \t\u00a0\u2003Zé", max_size=24))
def test_the_email_check_accepts_what_the_old_pattern_accepted(address: str) -> None:
    assert model.is_email(address) == bool(OLD_EMAIL_RE.match(address))


@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("rosa@example.com", True),
        ("r@e.c", True),
        ("rosa@example", False),
        ("rosa@.com", False),
        ("rosa@example.", False),
        ("@example.com", False),
        ("rosa@@example.com", False),
        ("ro sa@example.com", False),
        ("rosa@exa\u2003mple.com", False),
    ],
)
def test_the_email_check_by_example(address: str, valid: bool) -> None:
    assert model.is_email(address) is valid


REGISTER = """
mutation($name: String!, $email: String!, $dob: String!) {
  registerTalent(input: {name: $name, email: $email, dateOfBirth: $dob}) {
    talent { id } userErrors { field message code }
  }
}"""


async def test_an_8_kb_hostile_email_through_the_subgraph_is_refused_quickly_and_writes_nothing(
    casting: Casting, cast: Any
) -> None:
    start = time.perf_counter()
    result = await schema.execute(
        REGISTER,
        variable_values={"name": "Ana", "email": HOSTILE_8_KB, "dob": "1990-01-01"},
        context_value=graphql_context(casting, PRODUCER),
    )
    elapsed = time.perf_counter() - start
    assert data(result)["registerTalent"] == {
        "talent": None,
        "userErrors": [{"field": "email", "message": "at most 254 characters", "code": "INVALID"}],
    }
    assert elapsed < 0.25, f"{elapsed:.3f}s"  # the whole request (the old pattern alone: 0.9 s)
    assert await cast.docs("talent") == 0
