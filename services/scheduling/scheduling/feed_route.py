"""The calendar feed URL (`GET /calendar/<token>.ics`), served beside the subgraph: calendar
apps fetch it with no bearer token, so the token in the path is the whole credential. An
unknown and a revoked token look the same (404), so a revoked URL tells nothing."""

from __future__ import annotations

from typing import Protocol

from slate.runtime.app import ExtraRoute
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response


class Feeds(Protocol):
    async def calendar_feed(self, token: str) -> bytes | None: ...


async def calendar(request: Request, services: Feeds) -> Response:
    token = str(request.path_params["token"]).removesuffix(".ics")
    document = await services.calendar_feed(token) if token else None
    if document is None:
        return PlainTextResponse("no such calendar", status_code=404)
    return Response(
        document,
        media_type="text/calendar; charset=utf-8",
        # Calendar apps poll; a short private cache spares the database without hiding a move
        # for long. The URL is a credential: no shared cache may keep it.
        headers={"Cache-Control": "private, max-age=300", "Referrer-Policy": "no-referrer"},
    )


ROUTES = (ExtraRoute("/calendar/{token}", calendar),)
