"""Dead letters: read `<topic>.dlq` from the start and replay chosen records to their topic."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from slate.events.consumer import DLQ_HEADER_PREFIX
from slate.events.relay import idempotent_producer
from slate.events.topics import DLQ_SUFFIX, dlq_topic, topic_partitions


class UnknownTopic(LookupError):
    """The dead-letter topic does not exist on the cluster."""


@dataclass(frozen=True)
class DeadLetter:
    """One record in a dead-letter topic, with its original headers and the `dlq_*` ones."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]

    def header(self, name: str) -> str | None:
        """The last value of a header as text (None if absent or not UTF-8)."""
        for k, v in reversed(self.headers):
            if k == name:
                try:
                    return v.decode()
                except UnicodeDecodeError:
                    return None
        return None

    @property
    def ce_id(self) -> str | None:
        """The CloudEvents id (None for poison records without one)."""
        return self.header("ce_id")

    @property
    def original_topic(self) -> str:
        """The topic the record was consumed from (falls back to stripping `.dlq`)."""
        return self.header("dlq_original_topic") or self.topic.removesuffix(DLQ_SUFFIX)

    def original_headers(self) -> list[tuple[str, bytes]]:
        """The headers the record had before it was dead-lettered."""
        return [(k, v) for k, v in self.headers if not k.startswith(DLQ_HEADER_PREFIX)]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready summary: position, CloudEvents attributes, error headers, payload base64."""
        return {
            "dlq_topic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
            "key": self.key.decode(errors="replace") if self.key is not None else None,
            "ce_id": self.ce_id,
            "ce_type": self.header("ce_type"),
            "ce_source": self.header("ce_source"),
            "ce_time": self.header("ce_time"),
            "error": self.header("dlq_error"),
            "error_type": self.header("dlq_error_type"),
            "original_topic": self.original_topic,
            "original_partition": _int(self.header("dlq_original_partition")),
            "original_offset": _int(self.header("dlq_original_offset")),
            "consumer_group": self.header("dlq_consumer_group"),
            "attempts": _int(self.header("dlq_attempts")),
            "dead_lettered_at": self.header("dlq_time"),
            "value_b64": base64.b64encode(self.value).decode() if self.value is not None else None,
        }


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _dlq_name(topic: str) -> str:
    return topic if topic.endswith(DLQ_SUFFIX) else dlq_topic(topic)


async def read_dead_letters(
    bootstrap: str, topic: str, *, limit: int | None = None
) -> list[DeadLetter]:
    """Records of `<topic>.dlq` (or of `topic` if it is one) from the start, oldest first."""
    name = _dlq_name(topic)
    partitions = await topic_partitions(bootstrap, name)
    if partitions is None:
        raise UnknownTopic(f"topic {name} does not exist")
    tps = [TopicPartition(name, p) for p in partitions]
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        end: dict[Any, int] = await consumer.end_offsets(tps)
        out: list[DeadLetter] = []
        remaining = {tp for tp in tps if end[tp] > await consumer.position(tp)}
        while remaining:
            batches = await consumer.getmany(*remaining, timeout_ms=1000)
            for tp, records in batches.items():
                for r in records:
                    if r.offset < end[tp]:
                        out.append(
                            DeadLetter(
                                r.topic, r.partition, r.offset, r.key, r.value, tuple(r.headers)
                            )
                        )
            for tp in list(remaining):
                if await consumer.position(tp) >= end[tp]:
                    remaining.discard(tp)
        out.sort(key=lambda d: (d.header("dlq_time") or "", d.partition, d.offset))
        return out[:limit] if limit is not None else out
    finally:
        await consumer.stop()


async def replay_dead_letters(
    bootstrap: str,
    topic: str,
    *,
    ce_ids: Sequence[str] | None = None,
    producer_factory: Callable[[], AIOKafkaProducer] | None = None,
) -> list[DeadLetter]:
    """Re-publish dead letters (all, or those with the given ce_ids) unchanged to their topic.

    The `dlq_*` headers are dropped; key, value and the other headers are kept. Consumers skip
    what they already applied (inbox), so replaying twice is harmless.
    """
    letters = await read_dead_letters(bootstrap, topic)
    if ce_ids is not None:
        wanted = set(ce_ids)
        letters = [d for d in letters if d.ce_id in wanted]
    # The same event may have been dead-lettered more than once: replay its latest copy only.
    latest: dict[str, DeadLetter] = {}
    anonymous: list[DeadLetter] = []
    for letter in letters:
        if letter.ce_id is None:
            anonymous.append(letter)
        else:
            latest.pop(letter.ce_id, None)
            latest[letter.ce_id] = letter
    letters = anonymous + list(latest.values())
    if not letters:
        return []
    producer = (producer_factory or (lambda: idempotent_producer(bootstrap)))()
    await producer.start()
    try:
        for letter in letters:
            await producer.send_and_wait(
                letter.original_topic,
                value=letter.value,
                key=letter.key,
                headers=letter.original_headers(),
            )
    finally:
        await producer.stop()
    return letters
