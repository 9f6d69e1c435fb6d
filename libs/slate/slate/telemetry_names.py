"""Every span attribute and metric name Slate emits, in one place.

Semantic-convention names (messaging, RPC, database) are spelled as OpenTelemetry defines them;
Slate's own attributes live under `slate.`. Pay amounts, tax ids, dates of birth and addresses
never go into an attribute, a metric label or a log line.
"""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info

# --- Slate's own span attributes
ATTR_ORG = "slate.org_id"
ATTR_PRODUCTION = "slate.production_id"
ATTR_AGGREGATE_ID = "slate.aggregate_id"
ATTR_AGGREGATE_TYPE = "slate.aggregate_type"
ATTR_USE_CASE = "slate.use_case"
ATTR_ATTEMPT = "slate.consumer.attempt"
ATTR_DEAD_LETTERED = "slate.consumer.dead_lettered"
ATTR_DUPLICATE = "slate.consumer.duplicate"
ATTR_USER = "enduser.id"  # the token's `sub`, never a name or email
ATTR_ROLES = "enduser.roles"

# --- messaging (OTel semantic conventions for Kafka)
MESSAGING_SYSTEM = "messaging.system"
MESSAGING_SYSTEM_KAFKA = "kafka"
MESSAGING_DESTINATION_NAME = "messaging.destination.name"
MESSAGING_DESTINATION_PARTITION_ID = "messaging.destination.partition.id"
MESSAGING_KAFKA_MESSAGE_KEY = "messaging.kafka.message.key"
MESSAGING_KAFKA_OFFSET = "messaging.kafka.offset"
MESSAGING_MESSAGE_ID = "messaging.message.id"
MESSAGING_CONSUMER_GROUP_NAME = "messaging.consumer.group.name"
MESSAGING_OPERATION_TYPE = "messaging.operation.type"
MESSAGING_OPERATION_NAME = "messaging.operation.name"
# values of messaging.operation.type
OP_SEND = "send"
OP_RECEIVE = "receive"
OP_PROCESS = "process"

# --- CloudEvents (OTel semantic conventions)
CLOUDEVENTS_EVENT_ID = "cloudevents.event_id"
CLOUDEVENTS_EVENT_TYPE = "cloudevents.event_type"
CLOUDEVENTS_EVENT_SOURCE = "cloudevents.event_source"

# --- RPC (OTel semantic conventions for gRPC)
RPC_SYSTEM = "rpc.system"
RPC_SYSTEM_GRPC = "grpc"
RPC_SERVICE = "rpc.service"
RPC_METHOD = "rpc.method"
RPC_GRPC_STATUS_CODE = "rpc.grpc.status_code"
SERVER_ADDRESS = "server.address"

# --- database (OTel semantic conventions for MongoDB)
DB_SYSTEM_NAME = "db.system.name"
DB_SYSTEM_MONGODB = "mongodb"
DB_NAMESPACE = "db.namespace"
DB_COLLECTION_NAME = "db.collection.name"
DB_OPERATION_NAME = "db.operation.name"

# --- metric names (Prometheus; `_total` is added to counters by the client library)
METRIC_OUTBOX_DEPTH = "slate_outbox_depth"
METRIC_DEAD_LETTERS = "slate_dead_letters"
METRIC_CONSUMER_LAG = "slate_consumer_lag"
METRIC_EVENTS_PUBLISHED = "slate_events_published"
METRIC_EVENTS_CONSUMED = "slate_events_consumed"
METRIC_HTTP_REQUEST_SECONDS = "slate_http_request_seconds"
METRIC_GRPC_CLIENT_SECONDS = "slate_grpc_client_seconds"
METRIC_SERVICE = "slate_service"


@dataclass(frozen=True)
class Metrics:
    """One process's Prometheus metrics, registered on its own registry (serve it at /metrics)."""

    registry: CollectorRegistry
    outbox_depth: Gauge  # labels: collection
    dead_letters_total: Counter  # labels: topic
    consumer_lag: Gauge  # labels: topic, partition, group
    events_published_total: Counter  # labels: topic
    events_consumed_total: Counter  # labels: topic, outcome (applied/duplicate/ignored/failed)
    http_request_seconds: Histogram  # labels: method, route, status
    grpc_client_seconds: Histogram  # labels: method, code


def metrics(service: str, registry: CollectorRegistry | None = None) -> Metrics:
    """Create Slate's metrics on `registry` (a fresh one when None; never the global default)."""
    reg = registry if registry is not None else CollectorRegistry(auto_describe=True)
    Info(METRIC_SERVICE, "Which Slate service this process is", registry=reg).info(
        {"service": service}
    )
    return Metrics(
        registry=reg,
        outbox_depth=Gauge(
            METRIC_OUTBOX_DEPTH,
            "Events written to the outbox and not yet published",
            ["collection"],
            registry=reg,
        ),
        dead_letters_total=Counter(
            METRIC_DEAD_LETTERS, "Records sent to a dead-letter topic", ["topic"], registry=reg
        ),
        consumer_lag=Gauge(
            METRIC_CONSUMER_LAG,
            "Records between the committed offset and the end of the partition",
            ["topic", "partition", "group"],
            registry=reg,
        ),
        events_published_total=Counter(
            METRIC_EVENTS_PUBLISHED, "Events published by the outbox relay", ["topic"], registry=reg
        ),
        events_consumed_total=Counter(
            METRIC_EVENTS_CONSUMED,
            "Events handled by consumers, by outcome",
            ["topic", "outcome"],
            registry=reg,
        ),
        http_request_seconds=Histogram(
            METRIC_HTTP_REQUEST_SECONDS,
            "HTTP request latency",
            ["method", "route", "status"],
            registry=reg,
        ),
        grpc_client_seconds=Histogram(
            METRIC_GRPC_CLIENT_SECONDS,
            "Outgoing gRPC call latency",
            ["method", "code"],
            registry=reg,
        ),
    )
