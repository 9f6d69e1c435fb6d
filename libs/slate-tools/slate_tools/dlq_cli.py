"""`slate dlq list|replay`: inspect and replay dead-lettered Kafka records."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys

from slate.config import Settings
from slate.events.dlq import UnknownTopic, read_dead_letters, replay_dead_letters


def _bootstrap_default() -> str:
    return os.environ.get("SLATE_KAFKA_BOOTSTRAP", Settings.kafka_bootstrap)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `dlq` command group (list, replay) to the `slate` CLI."""
    dlq = subparsers.add_parser("dlq", help="list and replay dead-lettered Kafka records")
    commands = dlq.add_subparsers(dest="dlq_command", metavar="ACTION", required=True)

    listing = commands.add_parser("list", help="print dead letters of a topic as JSON lines")
    listing.add_argument("--topic", required=True, help="the topic (or its .dlq)")
    listing.add_argument("--limit", type=int, default=100, help="at most N records (oldest first)")
    listing.add_argument("--bootstrap", default=_bootstrap_default(), help="Kafka bootstrap")
    listing.set_defaults(handler=run_list)

    replay = commands.add_parser("replay", help="re-publish dead letters to their original topic")
    replay.add_argument("--topic", required=True, help="the topic (or its .dlq)")
    which = replay.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", dest="ids", action="append", metavar="CE_ID", help="a ce_id")
    which.add_argument("--all", action="store_true", help="every dead letter of the topic")
    replay.add_argument("--bootstrap", default=_bootstrap_default(), help="Kafka bootstrap")
    replay.set_defaults(handler=run_replay)


def run_list(args: argparse.Namespace) -> int:
    """Print one JSON object per dead letter; exit 1 if the topic does not exist."""
    try:
        letters = asyncio.run(read_dead_letters(args.bootstrap, args.topic, limit=args.limit))
    except UnknownTopic as exc:
        print(json.dumps({"error": str(exc)}), file=sys.stderr)
        return 1
    for letter in letters:
        print(json.dumps(letter.to_json(), sort_keys=True))
    return 0


def run_replay(args: argparse.Namespace) -> int:
    """Replay the chosen dead letters; exit 1 if an asked-for id was not found."""
    ids: list[str] | None = None if args.all else list(args.ids)
    try:
        replayed = asyncio.run(replay_dead_letters(args.bootstrap, args.topic, ce_ids=ids))
    except UnknownTopic as exc:
        print(json.dumps({"error": str(exc)}), file=sys.stderr)
        return 1
    for letter in replayed:
        print(
            json.dumps(
                {
                    "replayed": letter.ce_id,
                    "to": letter.original_topic,
                    "from_offset": letter.offset,
                    "partition": letter.partition,
                }
            )
        )
    missing = sorted(set(ids or ()) - {d.ce_id for d in replayed})
    if missing:
        print(
            json.dumps({"error": "not found in dead letters", "ce_ids": missing}), file=sys.stderr
        )
        return 1
    return 0
