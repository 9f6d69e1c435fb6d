"""Personal data never leaves casting's encrypted store: seeded values are absent from every log
file, every Kafka topic and every exported span after the flows that carry them have run.

Named to run after the other end-to-end tests, so their traffic is scanned too.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from slate.events import topic_partitions

from .conftest import CONFIRM, CREATE_PRODUCTION, CREATE_ROLE, HOLD, KAFKA, ROOT, Gateway, ok, token

pytestmark = pytest.mark.e2e

LOGS = ROOT / ".local" / "logs"
TRACES = ROOT / ".local" / "traces.jsonl"

# Literals inline in the document (not variables): what reaches a span's `graphql.document`.
REGISTER_INLINE = """
mutation {
  registerTalent(input: {name: "Canary Person", email: "%(email)s", dateOfBirth: "%(dob)s",
                         union: NONE}) {
    talent { id }
    userErrors { field message code }
  }
}"""

READ_PERSONAL = """
query($id: ID!) { talent(id: $id) { id email dateOfBirth } }
"""


async def all_topic_values() -> list[bytes]:
    """The key, value and headers of every record on every topic, from the beginning."""
    admin = AIOKafkaAdminClient(bootstrap_servers=KAFKA)
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if not t.startswith("__")]
    finally:
        await admin.close()
    partitions = [
        TopicPartition(t, p) for t in topics for p in await topic_partitions(KAFKA, t) or ()
    ]
    assert partitions, "no topics on Kafka"
    consumer = AIOKafkaConsumer(bootstrap_servers=KAFKA, enable_auto_commit=False)
    await consumer.start()
    found: list[bytes] = []
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for r in records:
                    found.append(r.key or b"")
                    found.append(r.value or b"")
                    found.extend(v for _, v in r.headers or ())
    finally:
        await consumer.stop()
    return found


def files_to_scan() -> list[Path]:
    files = sorted(p for p in LOGS.glob("*.log*") if p.is_file()) if LOGS.exists() else []
    if TRACES.exists():
        files.append(TRACES)
    return files


async def test_seeded_personal_data_is_in_no_log_topic_or_span(gateway: Gateway) -> None:
    marker = uuid.uuid4().hex[:12]
    email = f"canary-{marker}@example.com"
    dob = "1987-06-05"
    org = f"org_pii_{marker}"
    producer = token(org, "producer", "casting")
    legal = token(org, "legal")

    talent = ok(
        await gateway(REGISTER_INLINE % {"email": email, "dob": dob}, token=producer),
        "registerTalent",
    )
    talent_id = talent["talent"]["id"]
    prod = ok(
        await gateway(CREATE_PRODUCTION, {"title": "Scan"}, token=producer), "createProduction"
    )
    role = ok(
        await gateway(
            CREATE_ROLE,
            {"productionId": prod["production"]["id"], "amount": "900.00", "dates": ["2027-05-04"]},
            token=producer,
        ),
        "createRole",
    )
    hold = ok(
        await gateway(HOLD, {"roleId": role["role"]["id"], "talentId": talent_id}, token=producer),
        "holdTalent",
    )
    ok(
        await gateway(CONFIRM, {"bookingId": hold["booking"]["id"]}, token=producer),
        "confirmBooking",
    )
    # Reading the personal fields, including a failing read, must not log them either.
    seen = await gateway(READ_PERSONAL, {"id": talent_id}, token=legal)
    assert seen["data"]["talent"]["dateOfBirth"] == dob, seen
    invalid = '{ talent(id: "' + talent_id + '", nope: "' + email + '") { id } }'
    await gateway(invalid, token=producer)
    await asyncio.sleep(2.5)  # spans are exported in batches; logs are flushed line by line

    needles = [email.encode(), dob.encode(), marker.encode()]
    files = files_to_scan()
    assert files, "no log or trace files to scan under .local/"
    leaks = {
        str(path.relative_to(ROOT)): [n.decode() for n in needles if n in path.read_bytes()]
        for path in files
    }
    leaks = {path: found for path, found in leaks.items() if found}
    # The org id carries the marker too and may appear in logs and spans; the personal values
    # may not. Only email and birth date count as leaks.
    leaks = {p: [n for n in found if n != marker] for p, found in leaks.items()}
    assert not {p: f for p, f in leaks.items() if f}, f"personal data found in {leaks}"

    values = await all_topic_values()
    on_kafka = [n.decode() for n in needles[:2] if any(n in v for v in values)]
    assert not on_kafka, f"personal data on Kafka: {on_kafka}"
    # The scan did see this test's own traffic: the booking events are on Kafka.
    assert any(hold["booking"]["id"].encode() in v for v in values)
