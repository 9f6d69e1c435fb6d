"""Copy standard input to a log file that rotates by size: FILE, FILE.1 … FILE.<keep>.

deploy/local/stack.sh runs each process of the stack as `cmd > >(logpipe.py FILE) 2>&1`, so a
service, the gateway or the trace sink never writes an unbounded file however long it runs, and
its crash output (which bypasses any in-process handler) is kept too. Rotation happens at a line
boundary once FILE reaches --max-bytes: FILE.<keep> is dropped, the others shift by one, and a
fresh FILE is opened (readers that follow by name, `tail -F`, carry on). Exits at end of input,
i.e. when the process writing to it (and every child that inherited its output) has exited.

Usage: logpipe.py FILE [--max-bytes N] [--keep K]
       (defaults from STACK_LOG_MAX_BYTES, 10 MiB, and STACK_LOG_KEEP, 3)
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 16


class RotatingFile:
    """FILE opened for appending, rotated at a line boundary once it holds `max_bytes`."""

    def __init__(self, path: Path, max_bytes: int, keep: int) -> None:
        if max_bytes < 1 or keep < 1:
            raise ValueError("max_bytes and keep must be at least 1")
        self.path, self.max_bytes, self.keep = path, max_bytes, keep
        self.file = self._open()

    def _open(self) -> BinaryIO:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        file = self.path.open("ab", buffering=0)
        self.size = file.tell()
        return file

    def write(self, data: bytes) -> None:
        while data:
            if self.size >= self.max_bytes:
                self.rotate()
            room = self.max_bytes - self.size
            if len(data) <= room:
                part, data = data, b""
            else:
                # Fill up to the last newline that fits; a line longer than the whole file
                # (or none in the room) is written whole and rotation waits for its end.
                cut = data.rfind(b"\n", 0, room)
                end = data.find(b"\n", room)
                stop = cut + 1 if cut >= 0 else (end + 1 if end >= 0 else len(data))
                part, data = data[:stop], data[stop:]
            self.file.write(part)
            self.size += len(part)
            if data and self.size < self.max_bytes:
                self.size = self.max_bytes  # what is left starts the next file

    def rotate(self) -> None:
        self.file.close()
        for n in range(self.keep - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{n}")
            if older.exists():
                os.replace(older, self.path.with_name(f"{self.path.name}.{n + 1}"))
        os.replace(self.path, self.path.with_name(f"{self.path.name}.1"))
        self.file = self._open()

    def close(self) -> None:
        self.file.close()


def pump(source: BinaryIO, target: RotatingFile) -> None:
    """Copy `source` into `target` until end of input."""
    fd = source.fileno()
    while True:
        data = os.read(fd, CHUNK)
        if not data:
            return
        target.write(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument(
        "--max-bytes", type=int, default=int(os.environ.get("STACK_LOG_MAX_BYTES", 10 << 20))
    )
    parser.add_argument("--keep", type=int, default=int(os.environ.get("STACK_LOG_KEEP", 3)))
    args = parser.parse_args(argv)
    # Outlive a Ctrl-C or hang-up of the shell that started the stack: the process writing
    # here keeps running, and a closed pipe would fail its next write. End of input ends this.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    target = RotatingFile(args.file, args.max_bytes, args.keep)
    try:
        pump(sys.stdin.buffer, target)
    finally:
        target.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
