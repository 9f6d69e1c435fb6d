"""Opaque, type-prefixed identifiers (`tal_…`, `bkg_…`)."""

import hashlib
import uuid


def new_id(prefix: str) -> str:
    """A fresh random id with the type prefix."""
    return f"{prefix}_{uuid.uuid4().hex[:24]}"


def derived_id(prefix: str, source_id: str) -> str:
    """A deterministic id derived from another aggregate's id, so that replays upsert, not copy."""
    return f"{prefix}_{hashlib.sha256(source_id.encode()).hexdigest()[:24]}"
