"""User-facing errors."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from slate.errors import (
    Conflict,
    NotFound,
    UserError,
    ValidationErrors,
    field_errors,
    validation_errors,
)
from slate_domain import Invalid, Problem


def test_user_error_defaults_to_invalid_and_keeps_its_field() -> None:
    e = UserError("must be positive", field="rate.amount")
    assert (e.field, e.message, e.code) == ("rate.amount", "must be positive", "INVALID")
    assert e.to_dict() == {"field": "rate.amount", "message": "must be positive", "code": "INVALID"}
    assert str(e) == "rate.amount: must be positive"


def test_subclasses_carry_their_code() -> None:
    assert Conflict("booking changed").code == "CONFLICT"
    assert NotFound("no such role", field="roleId").code == "NOT_FOUND"
    assert isinstance(NotFound("x"), UserError)


def test_unknown_code_is_refused() -> None:
    with pytest.raises(ValueError, match="BOGUS"):
        UserError("x", code="BOGUS")  # type: ignore[arg-type]


def test_validation_errors_collect_several_fields() -> None:
    errors = [UserError("required", field="title"), UserError("unknown zone", field="timezone")]
    with pytest.raises(ValidationErrors) as exc:
        ValidationErrors.raise_if_any(errors)
    assert [d["field"] for d in exc.value.to_dicts()] == ["title", "timezone"]
    ValidationErrors.raise_if_any([])


def test_field_errors_turn_the_domains_invalid_into_validation_errors() -> None:
    problems = [Problem("title", "must not be empty"), Problem("roleId", "unknown", "NOT_FOUND")]
    with pytest.raises(ValidationErrors) as exc, field_errors():
        raise Invalid(problems)
    assert exc.value.to_dicts() == [
        {"field": "title", "message": "must not be empty", "code": "INVALID"},
        {"field": "roleId", "message": "unknown", "code": "NOT_FOUND"},
    ]


def test_a_problem_without_a_known_code_is_invalid() -> None:
    @dataclass(frozen=True)
    class FieldError:  # a domain's own kind of problem, without a code
        field: str
        message: str

    errors = validation_errors([FieldError("work_dates", "required"), Problem("x", "y", "ODD")])
    assert [(e.field, e.code) for e in errors.errors] == [
        ("work_dates", "INVALID"),
        ("x", "INVALID"),
    ]


def test_field_errors_let_other_errors_through() -> None:
    with pytest.raises(KeyError), field_errors():
        raise KeyError("x")
