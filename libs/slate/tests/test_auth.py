"""Token verification, dev keys and the `slate token` command."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from slate import authz
from slate.auth import (
    AuthError,
    Principal,
    TokenVerifier,
    ensure_dev_keys,
    issue_dev_token,
)
from slate.config import Settings, SettingsError
from slate.errors import Forbidden
from slate_tools.cli import main


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(service="test", env="test", dev_key_dir=tmp_path / "dev")


@pytest.fixture
def verifier(settings: Settings) -> TokenVerifier:
    return TokenVerifier.from_settings(settings)


def _sign(settings: Settings, claims: dict[str, object], **header: str) -> str:
    keys = ensure_dev_keys(settings.dev_key_dir)
    base: dict[str, object] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": "u1",
        "org": "org_1",
        "roles": ["producer"],
        "exp": int(time.time()) + 600,
    }
    base.update(claims)
    payload = {k: v for k, v in base.items() if v is not None}
    return jwt.encode(
        payload, keys.private_key(), algorithm="RS256", headers={"kid": keys.kid, **header}
    )


def test_dev_token_round_trips_to_principal(settings: Settings, verifier: TokenVerifier) -> None:
    token = issue_dev_token(settings, org="org_1", roles=["talent"], sub="u9", talent_id="tal_1")
    p = verifier.verify(token)
    assert p == Principal(sub="u9", org="org_1", roles=frozenset({"talent"}), talent_id="tal_1")
    assert p.is_talent("tal_1")
    assert not p.is_talent("tal_2")


def test_token_header_names_the_key_id(settings: Settings) -> None:
    token = issue_dev_token(settings, org="o", roles=["viewer"])
    keys = ensure_dev_keys(settings.dev_key_dir)
    assert jwt.get_unverified_header(token)["kid"] == keys.kid


def test_bearer_header_is_parsed(settings: Settings, verifier: TokenVerifier) -> None:
    token = issue_dev_token(settings, org="o", roles=["producer", "casting"])
    p = verifier.principal_from_authorization(f"Bearer {token}")
    assert p.has_any("casting", "legal")
    assert not p.has_any("accounting")


@pytest.mark.parametrize("header", [None, "", "Basic abc", "Bearer", "Bearer  "])
def test_missing_or_non_bearer_authorization_is_unauthenticated(
    verifier: TokenVerifier, header: str | None
) -> None:
    with pytest.raises(AuthError) as exc:
        verifier.principal_from_authorization(header)
    assert exc.value.code == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    ("claims", "fragment"),
    [
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"aud": "other"}, "audience"),
        ({"iss": "evil"}, "issuer"),
        ({"org": None}, "org"),
        ({"sub": None}, "sub"),
        ({"exp": None}, "exp"),
        ({"roles": "producer"}, "roles"),
        ({"roles": ["producer", "superuser"]}, "superuser"),
        ({"roles": ["talent"]}, "talent_id"),
    ],
)
def test_invalid_claims_are_rejected(
    settings: Settings, verifier: TokenVerifier, claims: dict[str, object], fragment: str
) -> None:
    with pytest.raises(AuthError) as exc:
        verifier.verify(_sign(settings, claims))
    assert exc.value.code == "UNAUTHENTICATED"
    assert fragment in exc.value.message


def test_token_signed_by_another_key_is_rejected(
    settings: Settings, verifier: TokenVerifier
) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    keys = ensure_dev_keys(settings.dev_key_dir)
    token = jwt.encode(
        {"iss": "slate-dev", "aud": "slate", "sub": "u", "org": "o", "roles": [], "exp": 2**33},
        other,
        algorithm="RS256",
        headers={"kid": keys.kid},
    )
    with pytest.raises(AuthError, match="signature"):
        verifier.verify(token)


def test_hs256_token_is_rejected(verifier: TokenVerifier) -> None:
    token = jwt.encode({"sub": "u", "org": "o", "roles": []}, "x" * 32, algorithm="HS256")
    with pytest.raises(AuthError, match="RS256"):
        verifier.verify(token)


def test_garbage_token_is_unauthenticated(verifier: TokenVerifier) -> None:
    with pytest.raises(AuthError, match="malformed"):
        verifier.verify("not-a-jwt")


async def test_verify_async_matches_verify(settings: Settings, verifier: TokenVerifier) -> None:
    token = issue_dev_token(settings, org="o", roles=["crew"])
    assert await verifier.verify_async(token) == verifier.verify(token)


def test_forbidden_when_role_missing() -> None:
    p = Principal(sub="u", org="o", roles=frozenset({"viewer"}))
    with pytest.raises(Forbidden) as exc:
        authz.require(p, ("accounting", "producer"), "payRun")
    assert exc.value.code == "FORBIDDEN"
    assert "accounting" in str(exc.value)


def test_forbidden_in_another_organisation_and_unauthenticated_without_a_caller() -> None:
    p = Principal(sub="u", org="o", roles=frozenset({"producer"}))
    assert authz.require(p, ("producer",), "createRole", org="o") is p
    with pytest.raises(Forbidden, match="organisation"):
        authz.require(p, ("producer",), "createRole", org="other")
    with pytest.raises(authz.Unauthenticated):
        authz.require(None, (), "anything")


def test_principal_carries_the_token_expiry(tmp_path: Path) -> None:
    settings = Settings(service="t", dev_key_dir=tmp_path)
    token = issue_dev_token(settings, org="o", roles=["producer"], sub="u", ttl_s=120)
    p = TokenVerifier.from_settings(settings).verify(token)
    assert p.expires_at is not None
    assert 100 < (p.expires_at - datetime.now(UTC)).total_seconds() <= 121


def test_dev_tokens_are_refused_outside_dev(tmp_path: Path) -> None:
    prod = Settings(service="t", env="prod", dev_key_dir=tmp_path)
    with pytest.raises(AuthError, match="SLATE_ENV=prod"):
        issue_dev_token(prod, org="o", roles=["producer"])


def test_verifier_outside_dev_requires_jwks(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SLATE_JWT_JWKS_URL"):
        TokenVerifier.from_settings(Settings(service="t", env="prod", dev_key_dir=tmp_path))


def test_unknown_role_is_refused_when_issuing(settings: Settings) -> None:
    with pytest.raises(ValueError, match="wizard"):
        issue_dev_token(settings, org="o", roles=["wizard"])


def test_dev_keys_are_created_once_with_private_key_unreadable_by_others(tmp_path: Path) -> None:
    first = ensure_dev_keys(tmp_path)
    second = ensure_dev_keys(tmp_path)
    assert first == second
    assert stat.S_IMODE((tmp_path / "private.pem").stat().st_mode) == 0o600
    jwks = json.loads((tmp_path / "jwks.json").read_text())
    assert jwks["keys"][0]["kid"] == first.kid
    assert jwks["keys"][0]["alg"] == "RS256"
    assert (tmp_path / "public.pem").read_bytes() == first.public_pem


def test_processes_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    code = "import sys; from pathlib import Path; from slate.auth import ensure_dev_keys as e; "
    code += "print(e(Path(sys.argv[1])).kid)"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    kids = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert kids == {ensure_dev_keys(tmp_path).kid}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jwks.json", "private.pem", "public.pem"]


def _slate(*args: str, key_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SLATE_DEV_KEY_DIR": str(key_dir), "SLATE_ENV": "dev"}
    return subprocess.run(
        [sys.executable, "-m", "slate_tools.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_slate_token_prints_a_verifiable_token(tmp_path: Path) -> None:
    out = _slate(
        "token", "--org", "org_7", "--role", "talent", "--role", "viewer", "--talent", "tal_3",
        "--sub", "alice", "--ttl", "60", key_dir=tmp_path,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    token = out.stdout.strip()
    assert "\n" not in token
    settings = Settings(service="t", env="dev", dev_key_dir=tmp_path)
    p = TokenVerifier.from_settings(settings).verify(token)
    assert p == Principal("alice", "org_7", frozenset({"talent", "viewer"}), "tal_3")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 60


def _slate_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], key_dir: Path, *args: str
) -> tuple[int, str, str]:
    monkeypatch.setenv("SLATE_DEV_KEY_DIR", str(key_dir))
    monkeypatch.setenv("SLATE_ENV", "dev")
    try:
        code = main(list(args))
    except SystemExit as e:
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_slate_token_unknown_role_exits_2_naming_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _slate_in_process(
        monkeypatch, capsys, tmp_path, "token", "--org", "o", "--role", "wizard"
    )
    assert code == 2
    assert "--role" in err
    assert out == ""


def test_slate_token_talent_role_needs_talent_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _slate_in_process(
        monkeypatch, capsys, tmp_path, "token", "--org", "o", "--role", "talent"
    )
    assert code == 2
    assert "--talent" in err


def test_slate_token_is_refused_in_prod(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLATE_PII_KEYS", "k:AAAA")
    monkeypatch.setenv("SLATE_JWT_JWKS_URL", "https://idp.example/jwks.json")
    monkeypatch.setenv("SLATE_DEV_KEY_DIR", str(tmp_path))
    monkeypatch.setenv("SLATE_ENV", "prod")
    code = main(["token", "--org", "o", "--role", "producer"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "SLATE_ENV=prod" in err
    assert not (tmp_path / "private.pem").exists()
