"""The scheduled hold sweep, as a small process of its own: `python -m casting.sweep`.

Every `SLATE_CASTING_SWEEP_INTERVAL_S` seconds (60 by default) it expires the holds whose time
is up in every organisation, as a service caller, through the same use case as the
`expireHolds` mutation. The sweep is idempotent, so running it on several machines at once, or
after a crash, changes nothing twice. Its events go into the outbox like any other write; the
casting service's relay publishes them. (The runtime has no periodic jobs a service could
declare, hence a process of its own.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Callable
from datetime import UTC, datetime

from slate.auth import Principal
from slate.config import Settings
from slate.runtime import Runtime

from casting import events, rpc
from casting.store import CastingStore
from casting.usecases import Casting

log = logging.getLogger("casting.sweep")

SWEEPER = Principal(sub="slate-casting-sweeper", org="slate", roles=frozenset({"service"}))
DEFAULT_INTERVAL_S = 60.0


async def sweep_forever(
    casting: Casting,
    *,
    interval_s: float,
    stop: asyncio.Event,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    passes: int | None = None,
) -> int:
    """Sweep every `interval_s` until `stop` is set (or after `passes` passes); a failed pass is
    logged and the next one tries again. The number of holds expired."""
    expired = done = 0
    while not stop.is_set() and (passes is None or done < passes):
        try:
            found = await casting.expire_holds(SWEEPER, at=clock())
            expired += len(found)
            if found:
                log.info("hold sweep expired %d hold(s)", len(found))
        except Exception:
            log.exception("hold sweep failed; the next pass tries again")
        done += 1
        if passes is None or done < passes:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval_s)
    return expired


async def run(settings: Settings, interval_s: float) -> None:
    runtime = Runtime(settings)
    try:
        store = CastingStore(runtime.database, events.to_outbox)
        await store.ensure_indexes()
        casting = Casting(store, rpc.GrpcPeers(runtime.channel), runtime.cipher, runtime.audit)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await sweep_forever(casting, interval_s=interval_s, stop=stop)
    finally:
        await runtime.close()


def main() -> None:
    from casting.app import GRPC_PORT, HTTP_PORT

    logging.basicConfig(level=logging.INFO)
    settings = Settings.from_env("casting", http_port=HTTP_PORT, grpc_port=GRPC_PORT)
    interval = float(os.environ.get("SLATE_CASTING_SWEEP_INTERVAL_S", DEFAULT_INTERVAL_S))
    asyncio.run(run(settings, interval))


if __name__ == "__main__":
    main()
