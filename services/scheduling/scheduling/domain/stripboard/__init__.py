"""Talent scheduling: order scenes so that actors are paid for as few idle days as possible."""

from scheduling.domain.stripboard.cost import talent_cost, violations
from scheduling.domain.stripboard.model import (
    DEFAULT_TIME_LIMIT_S,
    Constraints,
    FieldError,
    InfeasibleError,
    Instance,
    InvalidInstanceError,
    Pin,
    Scene,
    parse_instance,
)
from scheduling.domain.stripboard.solver import Stripboard, solve

__all__ = [
    "DEFAULT_TIME_LIMIT_S",
    "Constraints",
    "FieldError",
    "InfeasibleError",
    "Instance",
    "InvalidInstanceError",
    "Pin",
    "Scene",
    "Stripboard",
    "parse_instance",
    "solve",
    "talent_cost",
    "violations",
]
