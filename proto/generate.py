"""Generate Python (messages, gRPC stubs, .pyi) for proto/ into libs/slate-proto/slate_proto.

protoc names the Python modules after the proto packages (`slate.events.v1`), which would collide
with the kernel package `slate`, so the output is nested under `slate_proto` and the generated
imports are rewritten to match. `--check` regenerates into a temporary directory and fails when the
committed code differs.
"""

from __future__ import annotations

import argparse
import filecmp
import re
import shutil
import sys
import tempfile
from pathlib import Path

from grpc_tools import protoc

BIN = Path(sys.executable).parent

ROOT = Path(__file__).resolve().parent.parent
PROTO_DIR = ROOT / "proto"
OUT_DIR = ROOT / "libs" / "slate-proto" / "slate_proto"
IMPORT_RE = re.compile(r"^(from|import) slate\.", re.MULTILINE)


def generate(out: Path) -> None:
    protos = sorted(str(p.relative_to(PROTO_DIR)) for p in PROTO_DIR.rglob("*.proto"))
    tmp = out / "slate"
    if tmp.exists():
        shutil.rmtree(tmp)
    out.mkdir(parents=True, exist_ok=True)
    well_known = Path(protoc.__file__).parent / "_proto"
    args = [
        "protoc",
        f"-I{PROTO_DIR}",
        f"-I{well_known}",
        f"--python_out={out}",
        f"--grpc_python_out={out}",
        f"--plugin=protoc-gen-mypy={BIN / 'protoc-gen-mypy'}",
        f"--plugin=protoc-gen-mypy_grpc={BIN / 'protoc-gen-mypy_grpc'}",
        f"--mypy_out={out}",
        f"--mypy_grpc_out={out}",
        *protos,
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    for path in sorted(tmp.rglob("*.py*")):
        text = path.read_text()
        path.write_text(IMPORT_RE.sub(r"\1 slate_proto.slate.", text))
    for directory in [tmp, *(d for d in tmp.rglob("*") if d.is_dir())]:
        (directory / "__init__.py").touch()


def same_tree(a: Path, b: Path) -> list[str]:
    diffs: list[str] = []
    files_a = {
        p.relative_to(a) for p in a.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }
    files_b = {
        p.relative_to(b) for p in b.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }
    diffs += [f"missing: {p}" for p in sorted(files_a - files_b)]
    diffs += [f"extra: {p}" for p in sorted(files_b - files_a)]
    diffs += [
        f"differs: {p}"
        for p in sorted(files_a & files_b)
        if not filecmp.cmp(a / p, b / p, shallow=False)
    ]
    return diffs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the committed code is stale")
    args = parser.parse_args()
    if not args.check:
        generate(OUT_DIR)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        diffs = same_tree(Path(tmp) / "slate", OUT_DIR / "slate")
    if diffs:
        print(
            "generated proto code is stale; run `make proto`:", *diffs, sep="\n  ", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
