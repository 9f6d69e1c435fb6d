"""Pure payroll rules: no I/O, no framework imports.

`calculate_json(request_dict)` is the whole engine; `parse_request`, `calculate` and `render` are
its steps. Rule values come from `data/*.toml`, loaded and validated once by `engine_rulebook()`.

`native` is imported first: it decides whether the engine modules load compiled or as Python.
"""

from payroll.domain import native  # noqa: F401  (first: installs the compiled engine, if built)
from payroll.domain.calc import calculate, calculate_json, engine_rulebook
from payroll.domain.models import CalcRequest, CalcResult, FieldError, InvalidRequest
from payroll.domain.render import render, render_errors
from payroll.domain.request import parse_request
from payroll.domain.rulebook import RuleBook, RuleDataError, load_rulebook

__all__ = [
    "CalcRequest",
    "CalcResult",
    "FieldError",
    "InvalidRequest",
    "RuleBook",
    "RuleDataError",
    "calculate",
    "calculate_json",
    "engine_rulebook",
    "load_rulebook",
    "parse_request",
    "render",
    "render_errors",
]
