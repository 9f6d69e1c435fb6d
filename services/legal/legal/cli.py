"""`slate legal …` subcommands."""

import argparse


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the `legal` command group to the `slate` CLI."""
    parser = subparsers.add_parser("legal", help="legal service commands")

    def show_help(args: argparse.Namespace) -> int:
        parser.print_help()
        return 0

    parser.set_defaults(handler=show_help)
