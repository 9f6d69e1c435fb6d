"""User-facing errors."""

from __future__ import annotations

import pytest
from slate.errors import Conflict, NotFound, UserError, ValidationErrors


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
