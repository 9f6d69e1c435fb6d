"""Who is calling: RS256 JWT verification, the `Principal`, and the local dev signing key.

Tokens come from an identity provider (JWKS at `settings.jwt_jwks_url`); in dev and test a key
pair under `settings.dev_key_dir` signs and verifies them (`slate token`, `issue_dev_token`).
The gateway reads `jwks.json` / `public.pem` from that directory.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import secrets
import tempfile
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from slate.config import Settings, SettingsError, project_root

ROLES: frozenset[str] = frozenset(
    {"producer", "casting", "accounting", "legal", "talent", "crew", "viewer", "service"}
)
ALGORITHM = "RS256"

AuthCode = Literal["UNAUTHENTICATED", "FORBIDDEN"]
_DEFAULT_MESSAGES: dict[str, str] = {
    "UNAUTHENTICATED": "authentication required",
    "FORBIDDEN": "not allowed",
}


class AuthError(Exception):
    """UNAUTHENTICATED: no or bad token. FORBIDDEN: valid token, not allowed to do this."""

    def __init__(self, code: AuthCode = "UNAUTHENTICATED", message: str | None = None) -> None:
        if code not in _DEFAULT_MESSAGES:
            raise ValueError(f"AuthError code must be UNAUTHENTICATED or FORBIDDEN, not {code!r}")
        self.code: AuthCode = code
        self.message = message or _DEFAULT_MESSAGES[code]
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"AuthError({self.code!r}, {self.message!r})"


@dataclass(frozen=True)
class Principal:
    """The verified caller: user id, organisation (tenant), roles, and talent id for talent."""

    sub: str
    org: str
    roles: frozenset[str]
    talent_id: str | None = None
    # When the credentials stop being valid (the token's `exp`); long-lived work such as a
    # subscription ends then, so it never outlives the token it was authorised by.
    expires_at: datetime | None = field(default=None, compare=False)

    def has_any(self, *roles: str) -> bool:
        """True when the principal holds at least one of `roles`."""
        return not self.roles.isdisjoint(roles)

    def is_talent(self, talent_id: str) -> bool:
        """True when the principal is the talent `talent_id` themselves."""
        return self.talent_id is not None and self.talent_id == talent_id and "talent" in self.roles


# --------------------------------------------------------------------------- dev keys


@dataclass(frozen=True)
class DevKeys:
    """The local dev RSA key pair and its JWKS (public key with `kid`)."""

    key_dir: Path
    kid: str
    private_pem: bytes
    public_pem: bytes
    jwks: Mapping[str, Any]

    def private_key(self) -> rsa.RSAPrivateKey:
        """The private key object (signing)."""
        key = serialization.load_pem_private_key(self.private_pem, password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key

    def public_key(self) -> rsa.RSAPublicKey:
        """The public key object (verification)."""
        key = serialization.load_pem_public_key(self.public_pem)
        assert isinstance(key, rsa.RSAPublicKey)
        return key


def create_file_once(path: Path, content: bytes, *, mode: int = 0o600) -> bytes:
    """Write `content` to `path` unless it exists; return whatever the file holds afterwards.

    Race-free across processes: the content is written to a temp file and hard-linked into
    place, which fails if another process got there first (its content wins).
    """
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return path.read_bytes()
        return content
    finally:
        os.unlink(tmp)


def _replace_if_different(path: Path, content: bytes, *, mode: int = 0o644) -> None:
    """Atomically (rename) make `path` hold `content`; readers never see a partial file."""
    try:
        if path.read_bytes() == content:
            return
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _public_jwk(public_key: rsa.RSAPublicKey) -> dict[str, Any]:
    """The JWK of `public_key` with `kid` = its RFC 7638 thumbprint."""
    jwk: dict[str, Any] = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"))
    kid = _b64url(hashlib.sha256(canonical.encode()).digest())
    return {**jwk, "kid": kid, "use": "sig", "alg": ALGORITHM}


def default_dev_key_dir() -> Path:
    """`<project root>/.local/dev`, where the dev key pair lives unless settings say otherwise."""
    return project_root() / ".local" / "dev"


def ensure_dev_keys(key_dir: Path | None = None) -> DevKeys:
    """Create the dev RSA-2048 key pair once (race-free) and (re)derive public.pem and jwks.json."""
    key_dir = key_dir or default_dev_key_dir()
    private_path = key_dir / "private.pem"
    if private_path.exists():
        private_pem = private_path.read_bytes()
    else:
        fresh = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = create_file_once(
            private_path,
            fresh.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
    private_key = serialization.load_pem_private_key(private_pem, password=None)
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise SettingsError(f"{private_path}: not an RSA private key")
    public_key = private_key.public_key()
    public_pem = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    jwk = _public_jwk(public_key)
    jwks = {"keys": [jwk]}
    _replace_if_different(key_dir / "public.pem", public_pem)
    _replace_if_different(key_dir / "jwks.json", (json.dumps(jwks, indent=2) + "\n").encode())
    return DevKeys(key_dir, jwk["kid"], private_pem, public_pem, jwks)


GATEWAY_SECRET_FILE = "gateway.secret"


def gateway_secret(settings: Settings) -> bytes | None:
    """The secret the gateway signs `x-slate-client` with: SLATE_GATEWAY_SECRET, or in dev a
    random one in `<dev_key_dir>/gateway.secret`, created once (the gateway reads the same file).
    None outside dev without the variable: client information is then never trusted."""
    configured = settings.gateway_secret.reveal()
    if configured:
        return configured.encode()
    if not settings.is_dev:
        return None
    path = settings.dev_key_dir / GATEWAY_SECRET_FILE
    return create_file_once(path, secrets.token_hex(32).encode()).strip() or None


def issue_dev_token(
    settings: Settings,
    *,
    org: str,
    roles: Sequence[str],
    sub: str = "dev-user",
    talent_id: str | None = None,
    ttl_s: int = 12 * 3600,
) -> str:
    """Sign a dev JWT with the local key; refused outside dev/test, for unknown roles, bad ttl."""
    if not settings.is_dev:
        raise AuthError(
            "FORBIDDEN", f"dev tokens are only issued in dev/test, not SLATE_ENV={settings.env}"
        )
    claims = _validated_claims(sub=sub, org=org, roles=list(roles), talent_id=talent_id)
    if ttl_s <= 0:
        raise ValueError(f"ttl_s must be positive, not {ttl_s}")
    keys = ensure_dev_keys(settings.dev_key_dir)
    now = int(time.time())
    payload: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": claims.sub,
        "org": claims.org,
        "roles": sorted(claims.roles),
        "iat": now,
        "nbf": now,
        "exp": now + ttl_s,
        "jti": uuid.uuid4().hex,
    }
    if claims.talent_id is not None:
        payload["talent_id"] = claims.talent_id
    return jwt.encode(payload, keys.private_key(), algorithm=ALGORITHM, headers={"kid": keys.kid})


def _validated_claims(
    *, sub: Any, org: Any, roles: Any, talent_id: Any, exp: Any = None
) -> Principal:
    """Build a Principal from raw claims or raise ValueError naming the bad claim."""
    if not isinstance(sub, str) or not sub:
        raise ValueError("claim 'sub' must be a non-empty string")
    if not isinstance(org, str) or not org:
        raise ValueError("claim 'org' must be a non-empty string")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise ValueError("claim 'roles' must be a list of strings")
    unknown = sorted(set(roles) - ROLES)
    if unknown:
        raise ValueError(f"claim 'roles' has unknown role(s) {unknown}; known: {sorted(ROLES)}")
    if talent_id is not None and (not isinstance(talent_id, str) or not talent_id):
        raise ValueError("claim 'talent_id' must be a non-empty string when present")
    if "talent" in roles and talent_id is None:
        raise ValueError("claim 'talent_id' is required with role 'talent'")
    expires_at = datetime.fromtimestamp(exp, UTC) if isinstance(exp, int | float) else None
    return Principal(
        sub=sub, org=org, roles=frozenset(roles), talent_id=talent_id, expires_at=expires_at
    )


# --------------------------------------------------------------------------- verification


class TokenVerifier:
    """Verifies RS256 bearer tokens (exp, iss, aud, sub, org, roles) and returns the Principal."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        keys: Mapping[str, rsa.RSAPublicKey] | None = None,
        jwks_client: jwt.PyJWKClient | None = None,
        leeway_s: float = 30.0,
        client_secret: bytes | None = None,
    ) -> None:
        if (keys is None) == (jwks_client is None):
            raise ValueError("TokenVerifier needs exactly one of keys= or jwks_client=")
        self._issuer = issuer
        self._audience = audience
        self._keys = dict(keys or {})
        self._jwks = jwks_client
        self._leeway = leeway_s
        self._client_secret = client_secret
        # Verified tokens -> their principal: a client sends the same token with every request,
        # and every subgraph and peer verifies it again (RS256 + claims: ~0.1-0.2 ms each). An
        # entry is used until the token's exp (with the same leeway) and at most CACHE_TTL_S
        # (a key withdrawn from the JWKS stops being honoured within that).
        self._verified: dict[str, tuple[Principal, float]] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenVerifier:
        """JWKS from settings.jwt_jwks_url when set; else the dev key pair (dev/test only)."""
        if settings.jwt_jwks_url:
            client = jwt.PyJWKClient(settings.jwt_jwks_url, cache_keys=True, lifespan=300)
            return cls(
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
                jwks_client=client,
                client_secret=gateway_secret(settings),
            )
        if not settings.is_dev:
            raise SettingsError("SLATE_JWT_JWKS_URL: required outside dev")
        dev = ensure_dev_keys(settings.dev_key_dir)
        return cls(
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            keys={dev.kid: dev.public_key()},
            client_secret=gateway_secret(settings),
        )

    CACHE_SIZE = 4096
    CACHE_TTL_S = 60.0

    @property
    def client_secret(self) -> bytes | None:
        """The secret the gateway signs client information with (slate.caller.verify_client)."""
        return self._client_secret

    @property
    def fetches_keys(self) -> bool:
        """True when verification may block on an HTTP fetch of the JWKS."""
        return self._jwks is not None

    def _signing_key(self, token: str) -> Any:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError as e:
            raise AuthError("UNAUTHENTICATED", f"malformed token: {e}") from None
        if header.get("alg") != ALGORITHM:
            raise AuthError("UNAUTHENTICATED", f"token must be signed with {ALGORITHM}")
        if self._jwks is not None:
            try:
                return self._jwks.get_signing_key_from_jwt(token).key
            except jwt.PyJWKClientError as e:
                raise AuthError("UNAUTHENTICATED", f"no signing key for token: {e}") from None
        kid = header.get("kid")
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        if kid not in self._keys:
            raise AuthError("UNAUTHENTICATED", f"token signed with unknown key id {kid!r}")
        return self._keys[kid]

    def verify(self, token: str) -> Principal:
        """Return the Principal of a valid token; raise AuthError(UNAUTHENTICATED) otherwise."""
        now = time.time()
        cached = self._verified.get(token)
        if cached is not None:
            principal, until = cached
            if now < until:
                return principal
            del self._verified[token]
        principal = self._verify(token)
        until = now + self.CACHE_TTL_S
        if principal.expires_at is not None:
            until = min(until, principal.expires_at.timestamp() + self._leeway)
        if len(self._verified) >= self.CACHE_SIZE:
            self._verified.pop(next(iter(self._verified)))  # the oldest entry
        self._verified[token] = (principal, until)
        return principal

    def _verify(self, token: str) -> Principal:
        key = self._signing_key(token)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("UNAUTHENTICATED", "token expired") from None
        except jwt.InvalidAudienceError:
            raise AuthError(
                "UNAUTHENTICATED", f"token audience is not {self._audience!r}"
            ) from None
        except jwt.InvalidIssuerError:
            raise AuthError("UNAUTHENTICATED", f"token issuer is not {self._issuer!r}") from None
        except jwt.InvalidSignatureError:
            raise AuthError("UNAUTHENTICATED", "token signature does not verify") from None
        except jwt.MissingRequiredClaimError as e:
            raise AuthError("UNAUTHENTICATED", f"token lacks claim {e.claim!r}") from None
        except jwt.InvalidTokenError as e:
            raise AuthError("UNAUTHENTICATED", f"invalid token: {e}") from None
        try:
            return _validated_claims(
                sub=claims.get("sub"),
                org=claims.get("org"),
                roles=claims.get("roles"),
                talent_id=claims.get("talent_id"),
                exp=claims.get("exp"),
            )
        except ValueError as e:
            raise AuthError("UNAUTHENTICATED", f"invalid token: {e}") from None

    async def verify_async(self, token: str) -> Principal:
        """`verify` that runs in a thread when it may fetch the JWKS, so the loop never blocks."""
        if self._jwks is not None:
            return await asyncio.to_thread(self.verify, token)
        return self.verify(token)

    def principal_from_authorization(self, header: str | None) -> Principal:
        """Verify `Authorization: Bearer <token>`; missing or another scheme: UNAUTHENTICATED."""
        return self.verify(bearer_token(header))


def bearer_token(header: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` value, or AuthError(UNAUTHENTICATED)."""
    if header is None or not header.strip():
        raise AuthError("UNAUTHENTICATED", "missing Authorization header (Bearer token)")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise AuthError("UNAUTHENTICATED", "Authorization header must be 'Bearer <token>'")
    return token
