"""`slate token`: print a signed development JWT for the local stack."""

from __future__ import annotations

import argparse
import sys

from slate.auth import ROLES, AuthError, issue_dev_token
from slate.config import Settings, SettingsError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `token` command to the `slate` CLI."""
    parser = subparsers.add_parser(
        "token",
        help="print a signed development JWT",
        description="Print a development JWT signed with the local key (.local/dev).",
    )
    parser.add_argument("--org", required=True, help="organisation (tenant) id")
    parser.add_argument(
        "--role",
        dest="roles",
        action="append",
        required=True,
        choices=sorted(ROLES),
        metavar="ROLE",
        help=f"role to grant (repeatable): {', '.join(sorted(ROLES))}",
    )
    parser.add_argument("--sub", default="dev-user", help="subject (user id)")
    parser.add_argument(
        "--talent", dest="talent_id", help="talent id (required with --role talent)"
    )
    parser.add_argument("--ttl", type=int, default=12 * 3600, help="lifetime in seconds")
    parser.set_defaults(handler=lambda args: _token(parser, args))


def _token(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if "talent" in args.roles and not args.talent_id:
        parser.error("--talent TALENT_ID is required with --role talent")
    if args.ttl <= 0:
        parser.error("--ttl must be a positive number of seconds")
    try:
        settings = Settings.from_env("cli", http_port=0, grpc_port=0)
        token = issue_dev_token(
            settings,
            org=args.org,
            roles=args.roles,
            sub=args.sub,
            talent_id=args.talent_id,
            ttl_s=args.ttl,
        )
    except (AuthError, SettingsError, ValueError) as e:
        print(f"slate token: {e}", file=sys.stderr)
        return 2
    print(token)
    return 0
