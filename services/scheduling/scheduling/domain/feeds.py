"""Calendar feed subscriptions: an unguessable token in a URL that a calendar app polls, for one
production's shoot days or one talent's calls, until the subscriber revokes it.

Calendar apps cannot send a bearer token, so the token in the URL is the credential: it names
the organisation, what is shown and who subscribed, and nothing else reaches the feed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FeedKind(StrEnum):
    PRODUCTION = "PRODUCTION"  # the production's shoot days
    TALENT = "TALENT"  # one talent's calls across the organisation's productions


@dataclass(frozen=True)
class CalendarFeed:
    token: str
    org_id: str
    kind: FeedKind
    subject_id: str  # the production or talent id
    subscriber: str  # the user (token `sub`) it was issued to
    created_at: str  # RFC 3339 UTC
    revoked_at: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None
