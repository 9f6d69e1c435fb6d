"""Which wage engine runs: the mypyc-compiled modules, when built for exactly these sources.

The engine's modules (`ENGINE_MODULES`) are plain, `mypy --strict` Python and always work as such.
`make setup` also compiles them with mypyc (`services/payroll/build_engine.py`) into a directory
outside the source tree named by `source_key()`: a hash of every compiled source file (and of the
package `__init__` modules they call), the build options and the interpreter's ABI. Importing
`payroll.domain` runs `install()` (below, before any engine module is imported): if the
directory for the current key exists, an import hook loads the compiled modules from it;
otherwise the sources are imported as usual and one log line says so.
So a compiled module built from other sources can never run: editing any engine file changes the
key, and the engine falls back to Python until the next `make setup`.

`SLATE_PAYROLL_ENGINE=python` forces the pure-Python engine (tests run the engine both ways,
the benchmark compares them); `=compiled` makes a missing build an import error instead of a
fallback. `SLATE_PAYROLL_ENGINE_BUILD` overrides where builds live (default: under the
interpreter's prefix, i.e. the virtualenv, so a build always matches the Python that loads it).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import logging
import os
import sys
import sysconfig
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

PACKAGE = "payroll.domain"
ENGINE_MODULES = (
    "money",
    "models",
    "context",
    "rulebook",
    "meals",
    "request",
    "render",
    "calc",
    "agreements.base",
    "agreements.sag_aftra_commercials",
    "jurisdictions.california",
)
"""Compiled, relative to `payroll.domain`. Package `__init__` modules stay Python (they only wire
modules together), as does everything outside the wage engine (pay runs, timecards, taxes...)."""

HASHED_ONLY = ("__init__", "native", "agreements.__init__", "jurisdictions.__init__")
"""Not compiled, but part of the key: the compiled modules call into them, so editing one also
retires the build (the safe side; mypyc would type-check the calls at run time anyway)."""

BUILD_OPTIONS = "mypyc opt_level=3 v1"
"""Part of the key: changing how the build compiles invalidates every earlier build."""

MANIFEST = "manifest.json"
log = logging.getLogger(__name__)


def source_files(names: Sequence[str] = ENGINE_MODULES) -> list[Path]:
    here = Path(__file__).resolve().parent
    return [here / (name.replace(".", "/") + ".py") for name in names]


def source_key() -> str:
    digest = hashlib.sha256()
    for part in (BUILD_OPTIONS, sys.implementation.cache_tag, sysconfig.get_config_var("SOABI")):
        digest.update(f"{part}\0".encode())
    names = (*ENGINE_MODULES, *HASHED_ONLY)
    for name, path in zip(names, source_files(names), strict=True):
        digest.update(f"{name}\0".encode())
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def build_root() -> Path:
    configured = os.environ.get("SLATE_PAYROLL_ENGINE_BUILD")
    return Path(configured) if configured else Path(sys.prefix) / "var" / "slate-payroll-engine"


def build_dir(key: str | None = None) -> Path:
    return build_root() / (key or source_key())


class _CompiledEngine(MetaPathFinder):
    """Maps the engine's module names (and mypyc's shared library) to the compiled files."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        file = self.files.get(fullname)
        if file is None:
            return None
        loader = importlib.machinery.ExtensionFileLoader(fullname, str(file))
        return importlib.util.spec_from_file_location(fullname, file, loader=loader)


def install() -> str:
    """Put the compiled engine on the import path if it matches the sources; say which runs."""
    mode = os.environ.get("SLATE_PAYROLL_ENGINE", "auto")
    if mode == "python":
        return "python"
    if any(isinstance(finder, _CompiledEngine) for finder in sys.meta_path):
        return "compiled"
    folder = build_dir()
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        if mode == "compiled":
            raise ImportError(
                f"SLATE_PAYROLL_ENGINE=compiled but no build in {folder}: run `make setup`"
            ) from None
        log.warning(
            "payroll engine: no compiled build for these sources (%s); running the pure-Python "
            "engine (`make setup` builds it)",
            folder,
        )
        return "python"
    files = {name: folder / file for name, file in manifest["modules"].items()}
    sys.meta_path.insert(0, _CompiledEngine(files))
    return "compiled"


ENGINE = install()
"""`"compiled"` or `"python"`: which engine this process runs."""
