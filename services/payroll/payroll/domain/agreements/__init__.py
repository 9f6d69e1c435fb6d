"""Collective bargaining agreements: how each changes or adds to the state rules.

An agreement is a data file (`data/<id>.toml`, `kind = "agreement"`) naming one module here.
"""

from __future__ import annotations

from payroll.domain.agreements.base import AgreementRules, NoAgreement
from payroll.domain.agreements.sag_aftra_commercials import SagAftraCommercials
from payroll.domain.rulebook import RuleBook, RuleDataError

__all__ = ["AgreementRules", "NoAgreement", "agreement_rules", "check_agreements"]

_MODULES: dict[str, AgreementRules] = {"sag_aftra_commercials": SagAftraCommercials()}
_REQUIRED: dict[str, tuple[str, ...]] = {"sag_aftra_commercials": SagAftraCommercials.required_keys}


def check_agreements(book: RuleBook) -> None:
    """Every agreement names a known module and has every key that module reads."""
    for src in book.sources.values():
        if src.kind != "agreement":
            continue
        if src.module not in _MODULES:
            raise RuleDataError(f"{src.id}: unknown agreement module '{src.module}'")
        missing = [key for key in _REQUIRED[src.module] if not src.entries(key)]
        if missing:
            raise RuleDataError(f"{src.id}: agreement module needs {', '.join(missing)}")


def agreement_rules(module: str | None) -> AgreementRules:
    """The rule module named by an agreement's data file; non-union when there is none."""
    if module is None:
        return NoAgreement()
    return _MODULES[module]
