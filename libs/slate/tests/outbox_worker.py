"""A process the crash tests kill with SIGKILL at a chosen point of the outbox's life.

python outbox_worker.py write DB_NAME TOPIC DOC_ID    insert a document with one event, say
                                                      WRITTEN, then wait to be killed
python outbox_worker.py relay DB_NAME COLLECTION      publish, then kill itself before clearing
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

from google.protobuf.wrappers_pb2 import StringValue
from slate.config import Settings
from slate.events import OutboxEvent, OutboxRelay
from slate.mongo import Repository, create_client

MONGO_URL = os.environ.get("SLATE_MONGO_URL", Settings.mongo_url)
KAFKA = os.environ.get("SLATE_KAFKA_BOOTSTRAP", Settings.kafka_bootstrap)


class CrashAfterPublish(OutboxRelay):
    def _after_publish(self, collection: str, doc_id: Any, events: Sequence[OutboxEvent]) -> None:
        print("PUBLISHED", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)


async def main(mode: str, db_name: str, arg: str, doc_id: str = "") -> None:
    client = create_client(Settings(service="crash-test", mongo_url=MONGO_URL))
    db = client[db_name]
    if mode == "write":
        # A relay that is never woken in time: the process dies between write and publish.
        repo = Repository(db, "things", on_events=lambda *_: None)
        event = OutboxEvent.create(
            topic=arg,
            key=doc_id,
            type="slate.test.thing.created.v1",
            source="slate-test",
            message=StringValue(value=doc_id),
        )
        await repo.insert({"_id": doc_id, "org_id": "org_a"}, [event])
        print("WRITTEN", event.id, flush=True)
        await asyncio.sleep(3600)
    elif mode == "relay":
        relay = CrashAfterPublish(db, [arg], KAFKA)
        await relay.drain_once()
        print("NOT KILLED", flush=True)  # unreachable when the hook works
    await client.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
