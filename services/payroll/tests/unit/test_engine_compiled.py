"""The mypyc-compiled wage engine (`payroll.domain.native`): same answers as the Python engine,
and never run from a build that does not match the sources.

Each engine runs in its own interpreter (`SLATE_PAYROLL_ENGINE=python|compiled`), since a process
loads one or the other when `payroll.domain` is first imported. `make setup` builds the compiled
engine; the first test builds it if it is missing (minutes), as `make setup` would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SERVICE = Path(__file__).resolve().parents[2]
ROOT = SERVICE.parents[1]
BUILD_SCRIPT = SERVICE / "build_engine.py"

# Runs the benchmark's seeded workload (bench/payroll_engine.py: 2,000 requests, both locations,
# both agreements, day and hourly rates, overnight shifts), plus each request with the issue-10
# inputs added, through `calculate_json`, and prints every answer (or field error) as JSON.
RUN_CORPUS = """
import json, random, sys
sys.path.insert(0, sys.argv[1])
from payroll_engine import make_request
from payroll.domain import InvalidRequest, calculate_json, native
from payroll.domain import calc

rng = random.Random(3)
out = []
for i in range(2000):
    req = make_request(rng)
    variants = [req]
    if i % 4 == 0:  # the issue-10 inputs, so their code paths are compared too
        extra = json.loads(json.dumps(req))
        extra["birth_date"] = "2010-05-01" if i % 8 == 0 else "1990-05-01"
        extra["workday_start"] = "06:00" if i % 12 == 0 else None
        if extra["workday_start"] is None:
            del extra["workday_start"]
        extra["non_discretionary_pay"] = [{"amount": "125.00", "description": "session fee"}]
        for j, day in enumerate(extra["days"]):
            h, m = map(int, day["call"].split(":"))
            rest = f"{(h + 2) % 24:02d}:{m:02d}", f"{(h + 2) % 24:02d}:{m + 10:02d}"
            day["rest_breaks"] = [] if j % 2 else [{"start": rest[0], "end": rest[1]}]
            day["scheduled_hours"] = "10"
        variants.append(extra)
    for r in variants:
        try:
            out.append(calculate_json(r))
        except InvalidRequest as e:
            out.append({"errors": [[f.field, f.message] for f in e.errors]})
print(json.dumps({"engine": native.ENGINE, "calc": calc.__file__, "results": out}))
"""


def run_engine(engine: str, code: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env={**os.environ, "SLATE_PAYROLL_ENGINE": engine, **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def built() -> None:
    """The compiled engine for the current sources (no-op when `make setup` built it)."""
    done = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--quiet"],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_compiled_engine_answers_every_request_exactly_as_the_python_engine(built: None) -> None:
    answers = {}
    for engine in ("python", "compiled"):
        done = run_engine(engine, RUN_CORPUS, str(ROOT / "bench"))
        assert done.returncode == 0, done.stderr
        answers[engine] = json.loads(done.stdout)
    assert answers["python"]["engine"] == "python"
    assert answers["python"]["calc"].endswith("calc.py")
    assert answers["compiled"]["engine"] == "compiled"
    assert answers["compiled"]["calc"].endswith(".so")
    python, compiled = answers["python"]["results"], answers["compiled"]["results"]
    assert len(python) == len(compiled) > 2000
    assert any("errors" not in r and r["warnings"] for r in python)  # not a corpus of refusals
    for i, (a, b) in enumerate(zip(python, compiled, strict=True)):
        assert a == b, f"request {i} differs"


@pytest.mark.parametrize("edited", ["calc.py", "jurisdictions/__init__.py"])
def test_an_edited_engine_source_runs_as_python_never_from_the_old_build(
    built: None, tmp_path: Path, edited: str
) -> None:
    """A copy of the package with one engine file changed by a comment (a compiled module, or a
    package module the compiled ones call): its key differs, so the build of the unchanged sources
    is not used; the Python modules run, and one line says so."""
    copy = tmp_path / "payroll"
    shutil.copytree(SERVICE / "payroll", copy)
    changed = copy / "domain" / edited
    changed.write_text(changed.read_text() + "\n# edited\n")
    calc = copy / "domain" / "calc.py"
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from payroll.domain import calc, native\n"
        "print(native.ENGINE, native.source_key(), calc.__file__)"
    )
    original = run_engine("auto", code, str(SERVICE))
    edited = run_engine("auto", code, str(tmp_path))
    assert original.returncode == 0, original.stderr
    assert edited.returncode == 0, edited.stderr
    engine, key, file = original.stdout.split()
    assert (engine, file[-3:]) == ("compiled", ".so")
    engine_edited, key_edited, file_edited = edited.stdout.split()
    assert key_edited != key
    assert (engine_edited, file_edited) == ("python", str(calc))
    assert edited.stderr.count("no compiled build for these sources") == 1


def test_compiled_mode_refuses_to_start_without_a_matching_build(tmp_path: Path) -> None:
    done = run_engine(
        "compiled",
        "import payroll.domain",
        SLATE_PAYROLL_ENGINE_BUILD=str(tmp_path),
    )
    assert done.returncode != 0
    assert "SLATE_PAYROLL_ENGINE=compiled but no build" in done.stderr


def test_python_mode_ignores_a_matching_build(built: None) -> None:
    done = run_engine(
        "python", "from payroll.domain import calc, native; print(native.ENGINE, calc.__file__)"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["python", str(SERVICE / "payroll" / "domain" / "calc.py")]
    assert done.stderr == ""
