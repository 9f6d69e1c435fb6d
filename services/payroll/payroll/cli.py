"""`slate payroll …` subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from payroll.domain import (
    FieldError,
    InvalidRequest,
    calculate_json,
    engine_rulebook,
    render_errors,
)

EXIT_INVALID = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `payroll` command group to the `slate` CLI."""
    parser = subparsers.add_parser("payroll", help="payroll service commands")

    def show_help(args: argparse.Namespace) -> int:
        parser.print_help()
        return 0

    parser.set_defaults(handler=show_help)
    commands = parser.add_subparsers(dest="payroll_command", metavar="COMMAND")
    calc = commands.add_parser(
        "calc",
        help="calculate pay for a timecard request (JSON in, JSON out)",
        description="Read a timecard calculation request as JSON from FILE (or - for stdin) and "
        "print the itemised result as JSON. Exit 2 with field errors on invalid input.",
    )
    calc.add_argument("file", metavar="FILE|-", help="request JSON file, or - for stdin")
    calc.set_defaults(handler=run_calc)


def _emit(document: dict[str, Any]) -> None:
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def run_calc(args: argparse.Namespace) -> int:
    """`slate payroll calc FILE|-`: exit 0 with the result, 2 with field errors."""
    try:
        if args.file == "-":
            text = sys.stdin.read()
        else:
            with open(args.file, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as exc:
        _emit(render_errors([FieldError("", f"cannot read {args.file}: {exc.strerror}")]))
        return EXIT_INVALID
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        _emit(render_errors([FieldError("", f"invalid JSON: {exc}")]))
        return EXIT_INVALID
    try:
        result = calculate_json(raw, engine_rulebook())
    except InvalidRequest as exc:
        _emit(render_errors(exc.errors))
        return EXIT_INVALID
    _emit(result)
    return 0
