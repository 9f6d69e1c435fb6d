"""The permission matrix: every operation of every service against every role, from the code.

Each service declares `PERMISSIONS` (operation -> roles) in its use cases; an empty tuple means
any signed-in member of the organisation. `python -m slate_tools.permissions` prints the matrix
as Markdown (`docs/permissions.md`); `tests/test_permissions.py` checks the document against the
code and the code against the subgraphs' behaviour.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slate.auth import ROLES

SERVICES = ("casting", "payroll", "scheduling", "legal")
ROLE_ORDER = ("producer", "casting", "accounting", "legal", "talent", "crew", "viewer")
DOC = Path(__file__).resolve().parents[3] / "docs" / "permissions.md"


@dataclass(frozen=True)
class Entry:
    service: str
    operation: str
    kind: str  # query, mutation, subscription, rpc, field, federation
    roles: tuple[str, ...]  # empty: any signed-in member


def permissions(service: str) -> Mapping[str, tuple[str, ...]]:
    table: Mapping[str, tuple[str, ...]] = importlib.import_module(
        f"{service}.usecases"
    ).PERMISSIONS
    return table


def root_fields(service: str) -> dict[str, str]:
    """The subgraph's root fields by name, with their kind (query, mutation, subscription)."""
    schema: Any = importlib.import_module(f"{service}.schema").schema
    graphql_schema = schema._schema
    found: dict[str, str] = {}
    for kind, root in (
        ("query", graphql_schema.query_type),
        ("mutation", graphql_schema.mutation_type),
        ("subscription", graphql_schema.subscription_type),
    ):
        for name in root.fields if root is not None else ():
            found[name] = kind
    return found


def entries() -> list[Entry]:
    out: list[Entry] = []
    for service in SERVICES:
        fields = root_fields(service)
        for operation, roles in permissions(service).items():
            if operation.startswith("_"):
                kind = "federation"
            elif "." in operation:
                kind = "field"
            elif operation in fields:
                kind = fields[operation]
            elif operation[:1].isupper():
                kind = "rpc"
            else:
                kind = "field"
            out.append(Entry(service, operation, kind, tuple(roles)))
    return out


def render(rows: Sequence[Entry]) -> str:
    roles = [r for r in ROLE_ORDER if r in ROLES] + sorted(set(ROLES) - set(ROLE_ORDER))
    lines = [
        "# Permission matrix",
        "",
        "Generated from each service's `PERMISSIONS` by `python -m slate_tools.permissions`;",
        "`tests/test_permissions.py` fails when this page and the code disagree, and runs every",
        "mutation in process as each role to check the code does what the table says.",
        "✓ = allowed; *any* = any signed-in member of the organisation. Every operation is also",
        "scoped to the caller's organisation. Field rows narrow what a type shows (the talent",
        "themselves always see their own personal data).",
        "",
        "| service | operation | kind | " + " | ".join(roles) + " |",
        "|---|---|---|" + "---|" * len(roles),
    ]
    for e in sorted(rows, key=lambda e: (e.service, e.kind, e.operation)):
        cells = ["*any*" if not e.roles else ("✓" if r in e.roles else "") for r in roles]
        lines.append(f"| {e.service} | `{e.operation}` | {e.kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m slate_tools.permissions")
    parser.add_argument("--write", action="store_true", help=f"write {DOC}")
    args = parser.parse_args(argv)
    text = render(entries())
    if args.write:
        DOC.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
