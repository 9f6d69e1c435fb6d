"""Typed settings, read once from the environment when a service starts (`Service.main`).

Nothing here runs at import time; `Settings.from_env()` is called by whoever wires the process.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

GRPC_DEFAULTS = (("casting", 50051), ("payroll", 50052), ("scheduling", 50053), ("legal", 50054))


class SettingsError(ValueError):
    """A setting is missing or invalid; the message names the variable."""


class Secret:
    """A string that never prints its value (repr, str, logs)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


def project_root() -> Path:
    """The checkout root (where .local/ lives), overridable with SLATE_HOME."""
    env = os.environ.get("SLATE_HOME")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "Makefile").exists() and (parent / "libs").is_dir():
            return parent
    return Path.cwd()


@dataclass(frozen=True)
class Settings:
    """Process settings shared by every service; a service may read more of its own."""

    service: str
    env: str = "dev"
    mongo_url: str = "mongodb://127.0.0.1:27017/?directConnection=true&retryWrites=false"
    database: str = ""
    kafka_bootstrap: str = "127.0.0.1:9092"
    http_host: str = "127.0.0.1"
    grpc_host: str = "127.0.0.1"
    http_port: int = 0
    grpc_port: int = 0
    otlp_endpoint: str | None = None
    jwt_issuer: str = "slate-dev"
    jwt_audience: str = "slate"
    jwt_jwks_url: str | None = None
    dev_key_dir: Path = field(default_factory=lambda: project_root() / ".local" / "dev")
    pii_keys: Secret = field(default_factory=lambda: Secret(""))
    pii_active_kid: str = "dev-1"
    # Shared with the gateway, which signs the client's address and user agent with it
    # (slate.caller); empty in dev: a file in dev_key_dir, created once.
    gateway_secret: Secret = field(default_factory=lambda: Secret(""))
    grpc_targets: Mapping[str, str] = field(default_factory=dict)
    relay_poll_interval_s: float = 1.0
    consumer_max_attempts: int = 5

    @property
    def is_dev(self) -> bool:
        return self.env in ("dev", "test")

    @classmethod
    def from_env(
        cls,
        service: str,
        *,
        http_port: int,
        grpc_port: int,
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        """Read `SLATE_*` variables and OTEL_EXPORTER_OTLP_ENDPOINT; refuse dev defaults in prod."""
        env = dict(os.environ if environ is None else environ)
        mode = env.get("SLATE_ENV", "dev")
        if mode not in ("dev", "test", "prod"):
            raise SettingsError(f"SLATE_ENV: must be dev, test or prod, not {mode!r}")

        def port(name: str, default: int) -> int:
            raw = env.get(name)
            if raw is None:
                return default
            try:
                value = int(raw)
            except ValueError:
                raise SettingsError(f"{name}: not an integer: {raw!r}") from None
            if not 0 < value < 65536:
                raise SettingsError(f"{name}: out of range: {value}")
            return value

        targets = {
            peer: env.get(f"SLATE_{peer.upper()}_GRPC", f"127.0.0.1:{p}")
            for peer, p in GRPC_DEFAULTS
        }
        pii = env.get("SLATE_PII_KEYS", "")
        key_dir = env.get("SLATE_DEV_KEY_DIR")
        jwks = env.get("SLATE_JWT_JWKS_URL") or None
        if mode == "prod":
            if not pii:
                raise SettingsError("SLATE_PII_KEYS: required outside dev (kid:base64key,…)")
            if not jwks:
                raise SettingsError("SLATE_JWT_JWKS_URL: required outside dev")
        return cls(
            service=service,
            env=mode,
            mongo_url=env.get("SLATE_MONGO_URL", cls.mongo_url),
            database=env.get("SLATE_DATABASE", f"slate_{service}"),
            kafka_bootstrap=env.get("SLATE_KAFKA_BOOTSTRAP", cls.kafka_bootstrap),
            http_host=env.get("SLATE_HTTP_HOST", cls.http_host),
            grpc_host=env.get("SLATE_GRPC_HOST", cls.grpc_host),
            http_port=port(f"SLATE_{service.upper()}_HTTP_PORT", http_port),
            grpc_port=port(f"SLATE_{service.upper()}_GRPC_PORT", grpc_port),
            otlp_endpoint=env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or None,
            jwt_issuer=env.get("SLATE_JWT_ISSUER", cls.jwt_issuer),
            jwt_audience=env.get("SLATE_JWT_AUDIENCE", cls.jwt_audience),
            jwt_jwks_url=jwks,
            dev_key_dir=Path(key_dir) if key_dir else project_root() / ".local" / "dev",
            pii_keys=Secret(pii),
            pii_active_kid=env.get("SLATE_PII_ACTIVE_KID", cls.pii_active_kid),
            gateway_secret=Secret(env.get("SLATE_GATEWAY_SECRET", "")),
            grpc_targets=targets,
        )
