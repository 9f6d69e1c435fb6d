"""Starting and stopping a service's resources, in order, so a failed start closes what opened.

Every resource is entered into one `AsyncExitStack` right after it opens (its stop is registered
before its start where a start can fail halfway), so a failure at any step unwinds the earlier
ones in reverse: no task, client, channel or port outlives a failed start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import grpc

from slate import grpc as slate_grpc
from slate.config import Settings
from slate.events import Consumer, OutboxRelay, ensure_topics
from slate.events.live import LiveTopics
from slate.runtime.health import KafkaProbe
from slate.runtime.wiring import Periodic, Runtime, Wiring
from slate.telemetry import configure_logging, setup_telemetry, shutdown_telemetry

log = logging.getLogger(__name__)
T = TypeVar("T")

# How long one start-up step may wait on a dependency before the service gives up and exits.
STEP_TIMEOUT_S = 20.0


class StartupError(RuntimeError):
    """A dependency the service needs could not be reached while starting; the message says
    which, where, and what to do."""


@dataclass
class Started:
    """The running parts of a service, for the app and the health checks."""

    runtime: Runtime
    wiring: Wiring[Any]
    kafka: KafkaProbe
    consumers: list[Consumer]
    server: grpc.aio.Server | None


async def _step(what: str, where: str, work: Awaitable[T], timeout_s: float) -> T:
    try:
        return await asyncio.wait_for(work, timeout_s)
    except (TimeoutError, OSError, ConnectionError) as exc:
        raise StartupError(_unreachable(what, where, exc)) from exc
    except Exception as exc:
        # aiokafka and pymongo raise their own connection errors; name them, do not guess.
        if type(exc).__module__.split(".")[0] in ("aiokafka", "kafka", "pymongo"):
            raise StartupError(_unreachable(what, where, exc)) from exc
        raise


def _unreachable(what: str, where: str, exc: BaseException) -> str:
    reason = str(exc) or type(exc).__name__
    return (
        f"cannot start: {what} at {where} is unreachable ({type(exc).__name__}: {reason}); "
        "start the infrastructure with `make infra-up` (or deploy/local/infra.sh start)"
    )


@contextlib.asynccontextmanager
async def running(
    settings: Settings,
    wire: Callable[[Runtime], Awaitable[Wiring[Any]]],
    *,
    step_timeout_s: float = STEP_TIMEOUT_S,
) -> AsyncIterator[Started]:
    """Open everything the service needs, yield it running, and close it all on exit."""
    async with contextlib.AsyncExitStack() as stack:
        provider = setup_telemetry(f"slate-{settings.service}", settings)
        stack.callback(shutdown_telemetry, provider)
        runtime = Runtime(settings)
        stack.push_async_callback(runtime.close)

        # wire() creates indexes: the first round trip to the database.
        wiring = await _step("the database", settings.mongo_url, wire(runtime), step_timeout_s)
        topics = dict(wiring.publishes)
        for spec in wiring.consumers:
            for topic in spec.topics:
                topics.setdefault(topic, 3)
        await _step(
            "Kafka",
            settings.kafka_bootstrap,
            ensure_topics(settings.kafka_bootstrap, topics),
            step_timeout_s,
        )

        kafka = KafkaProbe(settings.kafka_bootstrap)
        stack.push_async_callback(kafka.close)

        relay = OutboxRelay(
            runtime.db,
            list(wiring.outbox_collections),
            settings.kafka_bootstrap,
            poll_interval_s=settings.relay_poll_interval_s,
            metrics=runtime.metrics,
        )
        stack.push_async_callback(relay.stop)
        await _step("Kafka", settings.kafka_bootstrap, relay.start(), step_timeout_s)
        runtime.relay = relay

        consumers: list[Consumer] = []
        for spec in wiring.consumers:
            consumer = Consumer(
                bootstrap=settings.kafka_bootstrap,
                group_id=spec.group_id,
                topics=list(spec.topics),
                handler=spec.handler,
                db=runtime.db,
                max_attempts=settings.consumer_max_attempts,
                metrics=runtime.metrics,
            )
            stack.push_async_callback(consumer.stop)
            await _step("Kafka", settings.kafka_bootstrap, consumer.start(), step_timeout_s)
            consumers.append(consumer)

        if wiring.live_topics:
            live = LiveTopics(settings.kafka_bootstrap, wiring.live_topics)
            stack.push_async_callback(live.stop)
            await _step("Kafka", settings.kafka_bootstrap, live.start(), step_timeout_s)
            runtime.live = live

        server = None
        if wiring.grpc_register is not None:
            server = await slate_grpc.start_server(
                settings.grpc_port,
                wiring.grpc_register,
                service_names=list(wiring.grpc_service_names),
                verifier=runtime.verifier,
                host=settings.grpc_host,
            )
            stack.push_async_callback(server.stop, 2)

        for job in wiring.periodic:
            task = asyncio.create_task(every(job), name=f"slate-periodic-{job.name}")
            stack.push_async_callback(_cancel, task)

        log.info("service started", extra={"http_port": settings.http_port})
        yield Started(runtime, wiring, kafka, consumers, server)


async def every(job: Periodic) -> None:
    """Run `job` now and then every `job.interval_s` seconds, until cancelled; a failed pass is
    logged (not raised: one bad pass must not end the job, nor the service)."""
    while True:
        try:
            await job.run()
        except Exception:
            log.exception("periodic job failed; the next pass tries again", extra={"job": job.name})
        await asyncio.sleep(job.interval_s)


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def start_logging(settings: Settings) -> None:
    """JSON logs with trace ids, configured once before anything else logs."""
    configure_logging(f"slate-{settings.service}")
