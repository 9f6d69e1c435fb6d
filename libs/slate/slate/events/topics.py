"""Topic bootstrap: every event topic exists with its partition count, and so does its `.dlq`."""

from __future__ import annotations

from collections.abc import Mapping

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

DLQ_SUFFIX = ".dlq"


def dlq_topic(topic: str) -> str:
    """The dead-letter topic of a topic: `<topic>.dlq`."""
    return topic + DLQ_SUFFIX


async def ensure_topics(
    bootstrap: str, topics: Mapping[str, int], *, replication_factor: int = 1
) -> None:
    """Create missing topics and their `.dlq` twins with the given partition counts (idempotent)."""
    wanted = dict(topics)
    for topic, partitions in topics.items():
        if not topic.endswith(DLQ_SUFFIX):
            wanted.setdefault(dlq_topic(topic), partitions)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="slate-topics")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name, num_partitions=n, replication_factor=replication_factor)
            for name, n in sorted(wanted.items())
            if name not in existing
        ]
        if not missing:
            return
        response = await admin.create_topics(missing)
        for name, code, *rest in getattr(response, "topic_errors", []) or getattr(
            response, "topic_error_codes", []
        ):
            if code not in (0, TopicAlreadyExistsError.errno):
                message = rest[0] if rest else ""
                raise RuntimeError(f"cannot create topic {name}: error {code} {message}")
    finally:
        await admin.close()


async def topic_partitions(bootstrap: str, topic: str) -> list[int] | None:
    """The partition ids of a topic, or None if it does not exist (never auto-creates it)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="slate-topics")
    await admin.start()
    try:
        if topic not in await admin.list_topics():
            return None
        for described in await admin.describe_topics([topic]):
            if described["topic"] == topic and described["error_code"] == 0:
                return sorted(p["partition"] for p in described["partitions"])
        return None
    finally:
        await admin.close()
