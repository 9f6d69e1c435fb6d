"""The hold-expiry sweep, run by the casting service itself as a periodic job of the runtime.

Every `SLATE_CASTING_SWEEP_INTERVAL_S` seconds (60 by default) it expires the holds whose time
is up in every organisation, as a service caller, through the same use case as the
`expireHolds` mutation. The sweep is idempotent, so every replica running it at once, or a pass
repeated after a crash, changes nothing twice. Its events go into the outbox like any other
write; the relay publishes them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from slate.auth import Principal
from slate.runtime import Periodic

from casting.usecases import Casting

log = logging.getLogger("casting.sweep")

SWEEPER = Principal(sub="slate-casting-sweeper", org="slate", roles=frozenset({"service"}))
DEFAULT_INTERVAL_S = 60.0


def interval_s(env: Mapping[str, str] = os.environ) -> float:
    """The sweep's interval from `SLATE_CASTING_SWEEP_INTERVAL_S` (60 s when unset)."""
    return float(env.get("SLATE_CASTING_SWEEP_INTERVAL_S", DEFAULT_INTERVAL_S))


def hold_sweep(
    casting: Casting,
    *,
    every_s: float | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Periodic:
    """The sweep as a periodic job on these use cases."""

    async def sweep() -> int:
        found = await casting.expire_holds(SWEEPER, at=clock())
        if found:
            log.info("hold sweep expired %d hold(s)", len(found))
        return len(found)

    return Periodic("hold-sweep", interval_s() if every_s is None else every_s, sweep)


def jobs(casting: Casting) -> list[Periodic]:
    """Casting's background jobs."""
    return [hold_sweep(casting)]
