"""docs/asyncapi.yaml must describe the events the code really publishes and consumes.

Pure: reads the document and the services' source, imports the generated protobuf modules and
the kernel's header builders; no Kafka, no network. Each test names what drifted and where.
"""

from __future__ import annotations

import importlib
import re
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from slate.events import catalogue
from slate.events.consumer import dead_letter_headers
from slate.events.model import CONTENT_TYPE, SPECVERSION, OutboxEvent, headers_for
from slate.events.topics import DLQ_SUFFIX

ROOT = Path(__file__).resolve().parent.parent
DOC_PATH = ROOT / "docs" / "asyncapi.yaml"
EVENTS_PROTO_DIR = ROOT / "proto" / "slate" / "events" / "v1"
PROTOBUF_FORMAT = "application/vnd.google.protobuf;version=3"

SNIPPET_MESSAGE_RE = re.compile(r"^message (\w+) \{\n(.*?)^\}", re.MULTILINE | re.DOTALL)
SNIPPET_FIELD_RE = re.compile(r"^\s*(repeated\s+)?([\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;", re.MULTILINE)

SCALAR_NAMES = {
    FieldDescriptor.TYPE_DOUBLE: "double",
    FieldDescriptor.TYPE_FLOAT: "float",
    FieldDescriptor.TYPE_INT64: "int64",
    FieldDescriptor.TYPE_UINT64: "uint64",
    FieldDescriptor.TYPE_INT32: "int32",
    FieldDescriptor.TYPE_FIXED64: "fixed64",
    FieldDescriptor.TYPE_FIXED32: "fixed32",
    FieldDescriptor.TYPE_BOOL: "bool",
    FieldDescriptor.TYPE_STRING: "string",
    FieldDescriptor.TYPE_BYTES: "bytes",
    FieldDescriptor.TYPE_UINT32: "uint32",
    FieldDescriptor.TYPE_SFIXED32: "sfixed32",
    FieldDescriptor.TYPE_SFIXED64: "sfixed64",
    FieldDescriptor.TYPE_SINT32: "sint32",
    FieldDescriptor.TYPE_SINT64: "sint64",
}

Doc = dict[str, Any]
Field = tuple[str, int, str, bool]  # name, number, type, repeated


# ---------------------------------------------------------------- reading the document and code


def load_doc() -> Doc:
    doc = yaml.safe_load(DOC_PATH.read_text())
    assert isinstance(doc, dict), f"{DOC_PATH} is not a YAML mapping"
    return doc


DOC = load_doc()


def resolve(ref: str) -> Any:
    """Follow a local JSON pointer (`#/components/messages/X`) in the document."""
    assert ref.startswith("#/"), f"only local $refs are used: {ref}"
    node: Any = DOC
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def deref(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = resolve(node["$ref"])
    return node


def messages() -> dict[str, Doc]:
    """Event messages (those naming a proto type) by component name."""
    return {
        name: msg for name, msg in DOC["components"]["messages"].items() if "x-proto-message" in msg
    }


def channels_by_address() -> dict[str, Doc]:
    return {ch["address"]: ch for ch in DOC["channels"].values()}


def event_ce_type(msg: Doc) -> str:
    return str(msg["x-ce-type"])


def header_consts(msg: Doc) -> dict[str, str]:
    """`const` values the message's headers schema pins (ce_type, ce_source)."""
    found: dict[str, str] = {}
    headers = deref(msg.get("headers", {}))
    for part in [headers, *headers.get("allOf", [])]:
        for name, prop in deref(part).get("properties", {}).items():
            if "const" in prop:
                found[name] = str(prop["const"])
    return found


def header_names(schema: Doc) -> set[str]:
    schema = deref(schema)
    names = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        names |= header_names(part)
    return names


def service_sources() -> dict[Path, str]:
    """Source of every module of every service package (services/<name>/<name>/**), not tests."""
    out: dict[Path, str] = {}
    for service in sorted((ROOT / "services").iterdir()):
        package = service / service.name
        if package.is_dir():
            for path in sorted(package.rglob("*.py")):
                out[path] = path.read_text()
    assert out, "no service sources found"
    return out


SOURCES = service_sources()


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def pb2_module(proto_file: str) -> ModuleType:
    """`proto/slate/events/v1/casting.proto` -> slate_proto.slate.events.v1.casting_pb2."""
    path = Path(proto_file)
    assert path.parts[0] == "proto", proto_file
    assert path.suffix == ".proto", proto_file
    dotted = ".".join(path.parts[1:-1])
    return importlib.import_module(f"slate_proto.{dotted}.{path.stem}_pb2")


def proto_descriptor(msg: Doc) -> Descriptor:
    full_name = msg["x-proto-message"]
    module = pb2_module(msg["x-proto-file"])
    cls = getattr(module, full_name.rsplit(".", 1)[-1], None)
    assert cls is not None, f"{full_name} is not in {module.__name__}"
    descriptor: Descriptor = cls.DESCRIPTOR
    assert descriptor.full_name == full_name
    return descriptor


def field_of(field: FieldDescriptor) -> Field:
    if field.type in (FieldDescriptor.TYPE_MESSAGE, FieldDescriptor.TYPE_GROUP):
        type_name = field.message_type.name
    elif field.type == FieldDescriptor.TYPE_ENUM:
        type_name = field.enum_type.name
    else:
        type_name = SCALAR_NAMES[field.type]
    return field.name, field.number, type_name, bool(field.is_repeated)


def snippet_messages(snippet: str) -> dict[str, set[Field]]:
    out: dict[str, set[Field]] = {}
    for name, body in SNIPPET_MESSAGE_RE.findall(snippet):
        assert name not in out, f"message {name} defined twice"
        out[name] = {
            (fname, int(number), type_name.rsplit(".", 1)[-1], bool(repeated))
            for repeated, type_name, fname, number in SNIPPET_FIELD_RE.findall(body)
        }
    return out


def reachable(descriptor: Descriptor) -> dict[str, Descriptor]:
    """The message and every message type it contains, transitively, by short name."""
    seen: dict[str, Descriptor] = {}
    todo = [descriptor]
    while todo:
        current = todo.pop()
        assert seen.get(current.name, current) is current, f"two messages named {current.name}"
        if current.name in seen:
            continue
        seen[current.name] = current
        todo += [f.message_type for f in current.fields if f.message_type is not None]
    return seen


# ---------------------------------------------------------------- channels and topics


def test_every_catalogued_topic_is_a_channel_and_every_channel_a_topic() -> None:
    topics = {t.name for t in catalogue.TOPICS}
    addresses = set(channels_by_address())
    missing = sorted(topics - addresses)
    assert not missing, f"topics in the catalogue but not channels in {rel(DOC_PATH)}: {missing}"
    stale = {a for a in addresses if a.removesuffix(DLQ_SUFFIX) not in topics}
    assert not stale, f"channels for topics the catalogue does not declare: {sorted(stale)}"


def test_no_service_writes_a_topic_or_event_type_of_its_own() -> None:
    """Topic and ce_type strings live in the catalogue only; services refer to its entries."""
    literals = {t.name for t in catalogue.TOPICS} | {e.name for e in catalogue.EVENT_TYPES}
    found = {
        rel(path): sorted(x for x in literals if f'"{x}"' in text or f"'{x}'" in text)
        for path, text in SOURCES.items()
    }
    found = {path: names for path, names in found.items() if names}
    assert not found, f"topic or event-type strings written outside the catalogue: {found}"


def test_every_topic_channel_has_its_dead_letter_twin() -> None:
    by_address = channels_by_address()
    for address, channel in by_address.items():
        if address.endswith(DLQ_SUFFIX):
            assert address.removesuffix(DLQ_SUFFIX) in by_address, f"{address} without its topic"
            names = {deref(m)["name"] for m in channel["messages"].values()}
            assert names == {"DeadLetter"}, f"{address} carries {names}"
        else:
            assert address + DLQ_SUFFIX in by_address, f"{address} has no .dlq channel"


def test_channel_bindings_name_the_topic_and_its_partitions() -> None:
    partitions = {t.name: t.partitions for t in catalogue.TOPICS}
    for address, channel in channels_by_address().items():
        kafka = channel["bindings"]["kafka"]
        assert kafka["topic"] == address
        topic = address.removesuffix(DLQ_SUFFIX)
        # topics.ensure_topics gives the .dlq the same count
        assert kafka["partitions"] == partitions[topic], f"{address}: partitions"


# ---------------------------------------------------------------- CloudEvents types


def test_every_catalogued_event_type_is_documented_and_vice_versa() -> None:
    in_code = {e.name for e in catalogue.EVENT_TYPES}
    documented = {event_ce_type(m) for m in messages().values()}
    assert not in_code - documented, f"event types not documented: {sorted(in_code - documented)}"
    assert not documented - in_code, f"documented but not catalogued: {documented - in_code}"


def test_messages_pin_their_ce_type_and_source_in_headers() -> None:
    for name, msg in messages().items():
        consts = header_consts(msg)
        assert consts.get("ce_type") == msg["x-ce-type"], f"{name}: headers ce_type"
        assert consts.get("ce_source") == msg["x-ce-source"], f"{name}: headers ce_source"
        assert msg.get("contentType", DOC.get("defaultContentType")) == CONTENT_TYPE, name


def test_catalogue_entries_match_the_document() -> None:
    """Each catalogued event: its topic, source and proto message are the documented ones."""
    by_type = {event_ce_type(m): (name, m) for name, m in messages().items()}
    channel_of = {
        deref(ref)["name"]: channel["address"]
        for channel in DOC["channels"].values()
        for ref in channel["messages"].values()
    }
    for event in catalogue.EVENT_TYPES:
        name, msg = by_type[event.name]
        assert channel_of[name] == event.topic.name, f"{event.name}: topic"
        assert msg["x-ce-source"] == event.source, f"{event.name}: ce_source"
        descriptor = event.message.DESCRIPTOR
        assert msg["x-proto-message"] == descriptor.full_name, f"{event.name}: proto type"
        assert Path(msg["x-proto-file"]).name == Path(descriptor.file.name).name, name


def test_every_service_publishes_only_its_own_topics() -> None:
    """A service publishes the topics whose producer it is (`published_by`), nothing else."""
    for event in catalogue.EVENT_TYPES:
        service = event.source.removeprefix("slate-")
        assert (ROOT / "services" / service).is_dir(), f"{event.name}: no service {service}"
        assert event.topic.name in catalogue.published_by(event.source)


def test_publish_operations_cover_every_event_channel() -> None:
    sent: dict[str, set[str]] = {}
    for op in DOC["operations"].values():
        assert op["action"] == "send"
        address = deref(op["channel"])["address"]
        sent.setdefault(address, set()).update(deref(m)["name"] for m in op["messages"])
    for address, channel in channels_by_address().items():
        names = {deref(m)["name"] for m in channel["messages"].values()}
        assert sent.get(address) == names, f"operations for {address}: {sent.get(address)}"


# ---------------------------------------------------------------- payloads vs protobuf


@pytest.mark.parametrize("name", sorted(messages()))
def test_payload_lists_exactly_the_fields_of_the_proto_messages(name: str) -> None:
    msg = messages()[name]
    descriptor = proto_descriptor(msg)
    assert (ROOT / msg["x-proto-file"]).is_file(), msg["x-proto-file"]
    assert descriptor.file.name == str(Path(msg["x-proto-file"]).relative_to("proto"))
    payload = msg["payload"]
    assert payload["schemaFormat"] == PROTOBUF_FORMAT, name
    documented = snippet_messages(payload["schema"])
    wanted = reachable(descriptor)
    assert set(documented) == set(wanted), f"{name}: snippet defines {sorted(documented)}"
    for short, proto in wanted.items():
        real = {field_of(f) for f in proto.fields}
        doc = documented[short]
        assert doc == real, (
            f"{name}: message {short} ({proto.full_name}) drifted;"
            f" only in doc {sorted(doc - real)}, only in proto {sorted(real - doc)}"
        )


def test_every_event_message_in_proto_is_documented() -> None:
    """Top-level messages of slate.events.v1 that no other message contains are events."""
    descriptors: dict[str, Descriptor] = {}
    for path in sorted(EVENTS_PROTO_DIR.glob("*.proto")):
        module = pb2_module(str(path.relative_to(ROOT)))
        descriptors.update(
            (d.full_name, d) for d in module.DESCRIPTOR.message_types_by_name.values()
        )
    contained = {
        f.message_type.full_name
        for d in descriptors.values()
        for f in d.fields
        if f.message_type is not None
    }
    events = set(descriptors) - contained
    documented = {m["x-proto-message"] for m in messages().values()}
    assert events == documented, (
        f"undocumented: {sorted(events - documented)}; not events: {sorted(documented - events)}"
    )


# ---------------------------------------------------------------- headers vs the kernel


def test_cloudevents_headers_are_the_ones_the_relay_writes() -> None:
    event = OutboxEvent(
        topic="t",
        key="k",
        type="slate.x.y.z.v1",
        source="s",
        payload=b"",
        time=datetime(2026, 1, 1, tzinfo=UTC),
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        tracestate="k=v",
    )
    written = dict(headers_for(event))
    schema = DOC["components"]["schemas"]["CloudEventHeaders"]
    assert set(written) == header_names(schema)
    props = schema["properties"]
    assert props["ce_specversion"]["const"] == SPECVERSION == written["ce_specversion"].decode()
    assert props["content-type"]["const"] == CONTENT_TYPE == written["content-type"].decode()
    required = set(schema["required"])
    assert required == set(written) - {"traceparent", "tracestate"}


class _Record:
    topic = "slate.casting.booking.v1"
    partition = 2
    offset = 41
    key = b"bkg_1"
    value = b""
    headers = (("ce_id", b"1"), ("dlq_error", b"old"))


def test_dead_letter_headers_are_the_ones_the_consumer_writes() -> None:
    written = dead_letter_headers(_Record(), ValueError("boom"), group_id="g", attempts=5)
    added = {k for k, _ in written if k.startswith("dlq_")}
    schema = DOC["components"]["schemas"]["DeadLetterHeaders"]
    assert added == header_names(schema)
    assert added == set(schema["required"])
    dead_letter = DOC["components"]["messages"]["DeadLetter"]
    assert deref(dead_letter["headers"]) is schema
