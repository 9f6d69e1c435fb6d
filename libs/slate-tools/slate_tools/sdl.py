"""Export (or check) a subgraph's SDL: `python -m slate_tools.sdl [--check] module:attr FILE`.

The committed `schema.graphql` of each service is the contract the gateway composes; CI fails
when it differs from what the code defines.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from strawberry.printer import print_schema


def sdl_of(target: str) -> str:
    """The federation SDL of the schema object named `module:attribute`."""
    module_name, _, attr = target.partition(":")
    schema = getattr(importlib.import_module(module_name), attr or "schema")
    return print_schema(schema).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m slate_tools.sdl")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("pairs", nargs="+", help="module:attr FILE [module:attr FILE …]")
    args = parser.parse_args(argv)
    if len(args.pairs) % 2:
        parser.error("give pairs of module:attr and FILE")
    stale = []
    for target, file in zip(args.pairs[::2], args.pairs[1::2], strict=True):
        sdl = sdl_of(target)
        path = Path(file)
        if args.check:
            if not path.exists() or path.read_text() != sdl:
                stale.append(file)
        else:
            path.write_text(sdl)
    if stale:
        print("stale SDL (run `make schema`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
