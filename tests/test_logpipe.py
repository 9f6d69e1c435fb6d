"""deploy/local/logpipe.py: the stack's logs rotate by size at line boundaries, a few kept, and
the writer's pid is still what stack.sh records."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOGPIPE = ROOT / "deploy" / "local" / "logpipe.py"


def _lines(n: int, width: int = 50) -> list[bytes]:
    return [f"{i:08d} ".encode().ljust(width, b"x") + b"\n" for i in range(n)]


def test_a_long_output_rotates_into_bounded_files_of_whole_lines(tmp_path: Path) -> None:
    log = tmp_path / "casting.log"
    lines = _lines(2_000)  # 102,000 bytes through files of at most 10,000
    done = subprocess.run(
        [sys.executable, str(LOGPIPE), str(log), "--max-bytes", "10000", "--keep", "3"],
        input=b"".join(lines),
        timeout=60,
        check=True,
    )
    assert done.returncode == 0
    files = [log, *(log.with_name(f"casting.log.{n}") for n in (1, 2, 3))]
    assert all(f.exists() for f in files)
    assert not log.with_name("casting.log.4").exists()
    assert all(f.stat().st_size <= 10_000 for f in files)
    kept = b"".join(f.read_bytes() for f in reversed(files))
    assert kept.endswith(b"".join(lines[-400:]))  # the newest output, in order, whole lines
    assert kept in b"".join(lines)


def test_stack_launch_records_the_process_pid_and_its_output_rotates(tmp_path: Path) -> None:
    # The line stack.sh's launch uses, with a writer that prints its own pid, ~15 KB, then
    # keeps running: the launching shell returns at once (the pipe's reader does not hold the
    # caller's output open) and the pid it reports is the writer's.
    log = tmp_path / "svc.log"
    writer = (
        "import os,sys,time; print(os.getpid(), flush=True); "
        "[print('y' * 99, flush=True) for _ in range(150)]; time.sleep(3)"
    )
    script = (
        f'setsid "{sys.executable}" -c "{writer}" '
        f'> >(exec "{sys.executable}" "{LOGPIPE}" "{log}" --max-bytes 6000 --keep 2 '
        ">/dev/null 2>&1) 2>&1 < /dev/null & echo $!"
    )
    started = time.monotonic()
    out = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert time.monotonic() - started < 2.5
    recorded = int(out.stdout.split()[0])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not log.with_name("svc.log.2").exists():
        time.sleep(0.05)
    time.sleep(0.3)  # the pipe's reader finishes its last write
    first = log.with_name("svc.log.2").read_text().splitlines()[0]
    assert int(first) == recorded
    assert not log.with_name("svc.log.3").exists()
    assert all(p.stat().st_size <= 6000 for p in tmp_path.iterdir())
