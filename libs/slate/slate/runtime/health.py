"""`/healthz` (the process is alive) and `/readyz` (its database and Kafka answer)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from aiokafka.admin import AIOKafkaAdminClient
from starlette.responses import JSONResponse, Response

if TYPE_CHECKING:
    from slate.runtime.lifespan import Started

PROBE_TIMEOUT_S = 3.0


class KafkaProbe:
    """One admin client for every readiness probe: a real metadata round trip each time, but no
    new connection per probe; after a failure the next probe reconnects."""

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self._admin: AIOKafkaAdminClient | None = None
        self._lock = asyncio.Lock()

    async def check(self) -> str:
        async with self._lock:
            try:
                if self._admin is None:
                    admin = AIOKafkaAdminClient(
                        bootstrap_servers=self.bootstrap, client_id="slate-readyz"
                    )
                    self._admin = admin
                    await asyncio.wait_for(admin.start(), PROBE_TIMEOUT_S)
                await asyncio.wait_for(self._admin.list_topics(), PROBE_TIMEOUT_S)
                return "ok"
            except Exception as exc:  # readiness reports any failure; it never raises
                await self._drop()
                return f"error: {type(exc).__name__}"

    async def _drop(self) -> None:
        admin, self._admin = self._admin, None
        if admin is not None:
            with contextlib.suppress(Exception):
                await admin.close()

    async def close(self) -> None:
        async with self._lock:
            await self._drop()


async def healthz(service: str) -> Response:
    return JSONResponse({"status": "alive", "service": service})


async def readyz(started: Started | None) -> Response:
    """200 when the database and Kafka both answer, 503 (saying which does not) otherwise."""
    if started is None:
        return JSONResponse({"status": "starting"}, status_code=503)
    checks: dict[str, str] = {}
    try:
        await asyncio.wait_for(started.runtime.db.command("ping"), PROBE_TIMEOUT_S)
        checks["mongo"] = "ok"
    except Exception as exc:  # readiness reports any failure; it never raises
        checks["mongo"] = f"error: {type(exc).__name__}"
    checks["kafka"] = await started.kafka.check()
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ready" if ok else "not ready", **checks}, 200 if ok else 503)
