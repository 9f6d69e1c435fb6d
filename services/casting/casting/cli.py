"""`slate casting …` subcommands."""

import argparse


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the `casting` command group to the `slate` CLI."""
    parser = subparsers.add_parser("casting", help="casting service commands")
    parser.set_defaults(handler=lambda args: parser.print_help() or 0)
