"""`slate schedule …` subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from scheduling.domain.stripboard import (
    InfeasibleError,
    InvalidInstanceError,
    parse_instance,
    solve,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `schedule` command group to the `slate` CLI."""
    schedule = subparsers.add_parser("schedule", help="plan the shoot")
    schedule.set_defaults(handler=_help(schedule))
    commands = schedule.add_subparsers(dest="schedule_command", metavar="COMMAND")
    stripboard = commands.add_parser(
        "stripboard", help="order scenes to minimise talent hold cost (JSON in, JSON out)"
    )
    stripboard.add_argument("file", metavar="FILE|-", help="instance JSON file, or - for stdin")
    stripboard.set_defaults(handler=_stripboard)


def _help(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    def show(args: argparse.Namespace) -> int:
        parser.print_help()
        return 0

    return show


def _print(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, separators=(",", ":")) + "\n")


def _errors(*errors: tuple[str, str]) -> int:
    _print({"errors": [{"field": f, "message": m} for f, m in errors]})
    return 2


def _stripboard(args: argparse.Namespace) -> int:
    try:
        if args.file == "-":
            text = sys.stdin.read()
        else:
            with open(args.file, encoding="utf-8") as fh:
                text = fh.read()
    except OSError as exc:
        return _errors(("file", f"cannot read {args.file}: {exc.strerror}"))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return _errors(("", f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"))
    try:
        instance, time_limit = parse_instance(data)
        result = solve(instance, time_limit)
    except InvalidInstanceError as exc:
        return _errors(*((e.field, e.message) for e in exc.errors))
    except InfeasibleError as exc:
        return _errors(("", str(exc)))
    _print(
        {
            "order": list(result.order),
            "cost": result.cost,
            "optimal": result.optimal,
            "lower_bound": result.lower_bound,
            "fixed_cost": result.fixed_cost,
            "idle_cost": result.cost - result.fixed_cost,
            "expanded": result.expanded,
        }
    )
    return 0
