"""CloudEvents binding and outbox entries, without infrastructure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

import pytest
from bson import BSON
from google.protobuf.wrappers_pb2 import StringValue
from slate.events import Envelope, OutboxEvent, PoisonMessage, headers_for


@dataclass
class Record:
    topic: str = "slate.test.v1"
    partition: int = 2
    offset: int = 41
    key: bytes | None = b"thg_1"
    value: bytes | None = b""
    headers: list[tuple[str, bytes]] = field(default_factory=list)


def sample() -> OutboxEvent:
    return OutboxEvent.create(
        topic="slate.test.v1",
        key="thg_1",
        type="slate.test.thing.created.v1",
        source="slate-test",
        message=StringValue(value="hello"),
    )


def test_event_round_trips_through_a_bson_document():
    ev = sample()
    doc = BSON.decode(BSON.encode({"e": ev.to_doc()}))["e"]
    assert OutboxEvent.from_doc(doc) == ev


def test_headers_follow_the_cloudevents_kafka_binary_binding():
    ev = OutboxEvent(
        topic="t",
        key="k",
        type="slate.x.y.v1",
        source="slate-x",
        payload=b"p",
        id="id-1",
        time=datetime(2026, 3, 2, 7, 0, 0, 123000, tzinfo=timezone(timedelta(hours=-8))),
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    )
    assert dict(headers_for(ev)) == {
        "ce_specversion": b"1.0",
        "ce_id": b"id-1",
        "ce_source": b"slate-x",
        "ce_type": b"slate.x.y.v1",
        "ce_time": b"2026-03-02T15:00:00.123Z",
        "content-type": b"application/protobuf",
        "traceparent": b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    }


def test_envelope_parses_what_headers_for_writes():
    ev = sample()
    env = Envelope.from_record(Record(value=ev.payload, headers=headers_for(ev)))
    assert (env.id, env.type, env.source, env.key) == (ev.id, ev.type, ev.source, "thg_1")
    assert env.time == ev.time
    assert env.time.tzinfo is UTC
    assert (env.topic, env.partition, env.offset) == ("slate.test.v1", 2, 41)
    assert env.decode(StringValue).value == "hello"


@pytest.mark.parametrize(
    ("drop", "override", "message"),
    [
        ("ce_id", {}, "missing CloudEvents header"),
        ("ce_type", {}, "missing CloudEvents header"),
        (None, {"ce_specversion": b"0.3"}, "ce_specversion"),
        (None, {"ce_time": b"yesterday"}, "bad ce_time"),
        (None, {"ce_time": b"2026-03-02T07:00:00"}, "bad ce_time"),
        (None, {"content-type": b"application/json"}, "content-type"),
        (None, {"ce_source": b"\xff"}, "not UTF-8"),
    ],
)
def test_records_without_valid_cloudevents_headers_are_poison(drop, override, message):
    ev = sample()
    headers = [(k, override.get(k, v)) for k, v in headers_for(ev) if k != drop]
    with pytest.raises(PoisonMessage, match=message):
        Envelope.from_record(Record(value=ev.payload, headers=headers))


def test_a_record_without_a_value_is_poison():
    with pytest.raises(PoisonMessage, match="no value"):
        Envelope.from_record(Record(value=None, headers=headers_for(sample())))


def test_undecodable_payload_is_poison():
    ev = sample()
    env = Envelope.from_record(Record(value=b"\xff\xff", headers=headers_for(ev)))
    with pytest.raises(PoisonMessage, match="cannot decode"):
        env.decode(StringValue)


def test_naive_event_times_are_refused():
    naive = datetime(2026, 1, 1)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="timezone-aware"):
        OutboxEvent(topic="t", key="k", type="x", source="s", payload=b"", time=naive)
