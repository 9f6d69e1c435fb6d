"""`slate scheduling …` subcommands."""

import argparse


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the `scheduling` command group to the `slate` CLI."""
    parser = subparsers.add_parser("scheduling", help="scheduling service commands")
    parser.set_defaults(handler=lambda args: parser.print_help() or 0)
