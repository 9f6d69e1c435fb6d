"""Collective bargaining agreements: how each changes or adds to the state rules.

An agreement is a data file (`data/<id>.toml`, `kind = "agreement"`) naming one module here.
"""

from __future__ import annotations

from payroll.domain.agreements.base import AgreementRules, NoAgreement
from payroll.domain.agreements.sag_aftra_commercials import SagAftraCommercials

__all__ = ["AgreementRules", "NoAgreement", "agreement_rules"]

_MODULES: dict[str, AgreementRules] = {"sag_aftra_commercials": SagAftraCommercials()}


def agreement_rules(module: str | None) -> AgreementRules:
    """The rule module named by an agreement's data file; non-union when there is none."""
    if module is None:
        return NoAgreement()
    return _MODULES[module]
