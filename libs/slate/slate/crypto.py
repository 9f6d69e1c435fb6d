"""Personal data at rest: AES-256-GCM field encryption under a key id, and masking for display.

Keys come from `SLATE_PII_KEYS` (`kid:base64key,kid2:base64key`); new values are encrypted under
`SLATE_PII_ACTIVE_KID` and any listed kid still decrypts, so keys rotate by adding a new kid,
switching the active one, re-encrypting (`FieldCipher.rotate`), then removing the old kid.
In dev/test with no keys, one random key is created once in `settings.dev_key_dir / "pii.key"`.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from slate.auth import create_file_once
from slate.config import Settings, SettingsError

_KEY_BYTES = 32
_NONCE_BYTES = 12


class DecryptionError(ValueError):
    """A stored value cannot be decrypted: unknown kid, wrong aad, or tampered ciphertext."""


def parse_keys(spec: str, *, source: str = "SLATE_PII_KEYS") -> dict[str, bytes]:
    """Parse `kid:base64key,…` into {kid: 32-byte key}; errors name `source` and the kid."""
    keys: dict[str, bytes] = {}
    for raw in spec.split(","):
        item = raw.strip()
        if not item:
            continue
        kid, sep, b64 = item.partition(":")
        kid = kid.strip()
        if not sep or not kid:
            raise SettingsError(f"{source}: entries must be kid:base64key")
        try:
            key = base64.b64decode(b64.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise SettingsError(f"{source}: key {kid!r} is not valid base64") from None
        if len(key) != _KEY_BYTES:
            raise SettingsError(f"{source}: key {kid!r} must be {_KEY_BYTES} bytes, not {len(key)}")
        if kid in keys:
            raise SettingsError(f"{source}: key id {kid!r} appears twice")
        keys[kid] = key
    return keys


def new_key_spec(kid: str) -> str:
    """A fresh `kid:base64key` entry (for generating SLATE_PII_KEYS)."""
    return f"{kid}:{base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()}"


class FieldCipher:
    """Encrypts one string field at a time; `aad` binds the ciphertext to its owner and field."""

    def __init__(self, keys: Mapping[str, bytes], active_kid: str) -> None:
        if active_kid not in keys:
            raise SettingsError(f"SLATE_PII_ACTIVE_KID: {active_kid!r} is not among the PII keys")
        self._ciphers = {kid: AESGCM(key) for kid, key in keys.items()}
        self.active_kid = active_kid

    def __repr__(self) -> str:
        return f"FieldCipher(kids={sorted(self._ciphers)}, active={self.active_kid!r})"

    @classmethod
    def from_settings(cls, settings: Settings) -> FieldCipher:
        """Keys from settings.pii_keys; in dev/test without keys, the dev key file (made once)."""
        spec = settings.pii_keys.reveal()
        if not spec.strip():
            if not settings.is_dev:
                raise SettingsError("SLATE_PII_KEYS: required outside dev (kid:base64key,…)")
            path = settings.dev_key_dir / "pii.key"
            content = create_file_once(
                path, (new_key_spec(settings.pii_active_kid) + "\n").encode()
            )
            keys = parse_keys(content.decode(), source=str(path))
            active = (
                settings.pii_active_kid if settings.pii_active_kid in keys else next(iter(keys))
            )
            return cls(keys, active)
        return cls(parse_keys(spec), settings.pii_active_kid)

    def encrypt(self, plaintext: str, *, aad: str) -> dict[str, str]:
        """Encrypt under the active key with a random nonce: {"kid", "nonce", "ct"} (base64)."""
        nonce = os.urandom(_NONCE_BYTES)
        ct = self._ciphers[self.active_kid].encrypt(nonce, plaintext.encode(), aad.encode())
        return {
            "kid": self.active_kid,
            "nonce": base64.b64encode(nonce).decode(),
            "ct": base64.b64encode(ct).decode(),
        }

    def decrypt(self, blob: Mapping[str, str], *, aad: str) -> str:
        """Decrypt a value made by `encrypt` under any known kid with the same `aad`."""
        kid = blob.get("kid")
        cipher = self._ciphers.get(kid) if kid is not None else None
        if cipher is None:
            raise DecryptionError(f"no PII key with id {kid!r} (known: {sorted(self._ciphers)})")
        try:
            nonce = base64.b64decode(blob["nonce"], validate=True)
            ct = base64.b64decode(blob["ct"], validate=True)
            return cipher.decrypt(nonce, ct, aad.encode()).decode()
        except (KeyError, binascii.Error, ValueError):
            raise DecryptionError(f"malformed encrypted value (kid {kid!r})") from None
        except InvalidTag:
            raise DecryptionError(
                f"encrypted value does not authenticate under kid {kid!r} (wrong aad or tampered)"
            ) from None

    def needs_rotation(self, blob: Mapping[str, str]) -> bool:
        """True when `blob` is encrypted under a kid other than the active one."""
        return blob.get("kid") != self.active_kid

    def rotate(self, blob: Mapping[str, str], *, aad: str) -> dict[str, str]:
        """Re-encrypt `blob` under the active key (returns it unchanged if already active)."""
        if not self.needs_rotation(blob):
            return dict(blob)
        return self.encrypt(self.decrypt(blob, aad=aad), aad=aad)


MASK = "•"


def mask_tail(value: str, keep: int = 4) -> str:
    """Mask every letter/digit but the last `keep`; separators stay; short values hide all.

    A tail is shown only when the value has at least 2×`keep` letters/digits:
    "123-45-6789" → "•••-••-6789"; "12" → "••".
    """
    total = sum(ch.isalnum() for ch in value)
    reveal = keep if keep > 0 and total >= 2 * keep else 0
    hidden = total - reveal
    out: list[str] = []
    seen = 0
    for ch in value:
        if ch.isalnum():
            out.append(MASK if seen < hidden else ch)
            seen += 1
        else:
            out.append(ch)
    return "".join(out)


DATE_MASK = "****-**-**"


def mask_date(iso: str) -> str:
    """Always "****-**-**": a masked date (of birth) reveals nothing, not even the year.

    Age rules (minors' permits) run server-side on the decrypted date; the year would leak
    age to anyone allowed to see a masked profile.
    """
    del iso
    return DATE_MASK
