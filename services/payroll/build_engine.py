"""Compile the wage engine with mypyc for `payroll.domain.native` (run by `make setup`).

    .venv/bin/python services/payroll/build_engine.py [--force] [--quiet]

Idempotent: does nothing when the build for the current sources exists (`native.source_key()`).
Otherwise compiles `native.ENGINE_MODULES` into a temporary directory next to the builds, writes
the manifest last and renames the directory into place, so a half-finished or failed build is
never picked up. Keeps the few most recent builds (another checkout or a running service may
still use one) and removes older ones.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
KEEP = 4


def build(force: bool = False, quiet: bool = False) -> Path:
    # The pure engine is enough to read the key; do not log that the build is missing.
    os.environ["SLATE_PAYROLL_ENGINE"] = "python"
    sys.path.insert(0, str(HERE))
    from payroll.domain import native

    key = native.source_key()
    root = native.build_root()
    final = root / key
    if (final / native.MANIFEST).is_file() and not force:
        if not quiet:
            print(f"payroll engine: compiled build up to date ({final})")
        return final
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        # One build at a time (parallel test workers, two make runs): the second waits, then
        # finds the first one's build.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (final / native.MANIFEST).is_file() and not force:
            return final
        _compile(native, key, final, quiet)
    return final


def _compile(native: ModuleType, key: str, final: Path, quiet: bool) -> None:
    from mypyc.build import mypycify
    from setuptools import Distribution  # type: ignore[import-untyped]

    root = final.parent
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f".{key}-", dir=root) as tmp:
        work = Path(tmp)
        out = work / "out"
        package_dir = HERE / native.PACKAGE.replace(".", "/")
        sources = [str(path.relative_to(HERE)) for path in native.source_files()]
        group = f"payroll_engine_{key}"
        cwd = Path.cwd()
        # mypy names modules from the paths: payroll/domain/calc.py -> payroll.domain.calc
        os.chdir(HERE)
        try:
            # The project's mypy settings (strict for the domain), minus the note that most of its
            # sections do not apply to these files, which mypyc would count as an error.
            options = ["--config-file", str(ROOT / "pyproject.toml"), "--no-warn-unused-configs"]
            extensions = mypycify(
                [*options, *sources], opt_level="3", target_dir=str(work / "c"), group_name=group
            )
            dist = Distribution({"name": "payroll-engine", "ext_modules": extensions})
            command = dist.get_command_obj("build_ext")
            command.build_lib = str(out)
            command.build_temp = str(work / "tmp")
            command.parallel = os.cpu_count() or 1
            dist.run_command("build_ext")
        finally:
            os.chdir(cwd)
        if not package_dir.is_dir():
            raise SystemExit(f"unexpected layout: {package_dir}")
        modules: dict[str, str] = {}
        for built in out.rglob("*.so"):
            relative = built.relative_to(out)
            name = ".".join((*relative.parts[:-1], relative.name.split(".")[0]))
            modules[name] = str(relative)
        expected = {f"{native.PACKAGE}.{name}" for name in native.ENGINE_MODULES}
        missing = expected - modules.keys()
        if missing or f"{group}__mypyc" not in modules:
            raise SystemExit(f"payroll engine build incomplete: {sorted(missing)} {modules}")
        (out / native.MANIFEST).write_text(
            json.dumps({"key": key, "modules": modules}, indent=1, sort_keys=True)
        )
        shutil.rmtree(final, ignore_errors=True)
        out.rename(final)
    for old in sorted(
        (p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
    if not quiet:
        print(f"payroll engine: compiled in {time.monotonic() - started:.0f} s into {final}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    build(args.force, args.quiet)


if __name__ == "__main__":
    main()
