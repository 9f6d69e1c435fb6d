"""Live fan-out of a topic to in-process listeners (GraphQL subscriptions fed from Kafka).

Unlike `Consumer`, this reads without a consumer group from the latest offset and commits
nothing: every process sees every new record, and a restart simply starts from now (subscribers
reconnect). Durable processing belongs in a `Consumer`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Sequence

from aiokafka import AIOKafkaConsumer

from slate.events.model import Envelope, PoisonMessage

log = logging.getLogger(__name__)
QUEUE_SIZE = 256


class LiveTopics:
    """Start once per process; `listen()` yields the envelopes arriving from then on."""

    def __init__(self, bootstrap: str, topics: Sequence[str]) -> None:
        self.bootstrap = bootstrap
        self.topics = list(topics)
        self._queues: set[asyncio.Queue[Envelope]] = set()
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Join the topics at their latest offsets (no group, no commits)."""
        if not self.topics or self._task is not None:
            return
        consumer = AIOKafkaConsumer(
            *self.topics,
            bootstrap_servers=self.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="latest",
        )
        await consumer.start()
        self._consumer = consumer
        self._task = asyncio.create_task(self._run(consumer), name="slate-live-topics")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            await consumer.stop()

    async def _run(self, consumer: AIOKafkaConsumer) -> None:
        async for record in consumer:
            try:
                envelope = Envelope.from_record(record)
            except PoisonMessage:
                continue  # the durable consumers dead-letter it; live listeners just skip it
            for queue in list(self._queues):
                if queue.full():
                    # A listener that cannot keep up loses the oldest event, never blocks others.
                    queue.get_nowait()
                queue.put_nowait(envelope)

    async def listen(self) -> AsyncGenerator[Envelope, None]:
        """Envelopes arriving while the caller iterates; stops when the caller stops."""
        queue: asyncio.Queue[Envelope] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._queues.discard(queue)

    @property
    def listeners(self) -> int:
        return len(self._queues)
