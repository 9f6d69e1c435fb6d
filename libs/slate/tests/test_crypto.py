"""Field encryption and masking."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from slate.config import Secret, Settings, SettingsError
from slate.crypto import DecryptionError, FieldCipher, mask_date, mask_tail, new_key_spec


def _settings(tmp_path: Path, keys: str = "", active: str = "dev-1", env: str = "test") -> Settings:
    return Settings(
        service="t", env=env, dev_key_dir=tmp_path, pii_keys=Secret(keys), pii_active_kid=active
    )


def test_round_trip_with_configured_keys(tmp_path: Path) -> None:
    cipher = FieldCipher.from_settings(_settings(tmp_path, new_key_spec("k1"), "k1"))
    blob = cipher.encrypt("123-45-6789", aad="tal_1:tax_id")
    assert blob["kid"] == "k1"
    assert "6789" not in blob["ct"]
    assert cipher.decrypt(blob, aad="tal_1:tax_id") == "123-45-6789"


def test_same_plaintext_encrypts_differently(tmp_path: Path) -> None:
    cipher = FieldCipher.from_settings(_settings(tmp_path))
    assert cipher.encrypt("x", aad="a") != cipher.encrypt("x", aad="a")


def test_ciphertext_moved_to_another_record_does_not_decrypt(tmp_path: Path) -> None:
    cipher = FieldCipher.from_settings(_settings(tmp_path))
    blob = cipher.encrypt("1994-02-11", aad="tal_1:dob")
    with pytest.raises(DecryptionError, match="aad"):
        cipher.decrypt(blob, aad="tal_2:dob")


def test_tampered_ciphertext_is_rejected(tmp_path: Path) -> None:
    cipher = FieldCipher.from_settings(_settings(tmp_path))
    blob = cipher.encrypt("secret", aad="a")
    ct = bytearray(base64.b64decode(blob["ct"]))
    ct[0] ^= 1
    with pytest.raises(DecryptionError):
        cipher.decrypt({**blob, "ct": base64.b64encode(bytes(ct)).decode()}, aad="a")


def test_old_kid_still_decrypts_after_rotation(tmp_path: Path) -> None:
    old, new = new_key_spec("k1"), new_key_spec("k2")
    before = FieldCipher.from_settings(_settings(tmp_path, old, "k1"))
    blob = before.encrypt("DE89 3704 0044 0532 0130 00", aad="tal_1:iban")
    after = FieldCipher.from_settings(_settings(tmp_path, f"{old},{new}", "k2"))
    assert after.needs_rotation(blob)
    assert after.decrypt(blob, aad="tal_1:iban") == "DE89 3704 0044 0532 0130 00"
    rotated = after.rotate(blob, aad="tal_1:iban")
    assert rotated["kid"] == "k2"
    only_new = FieldCipher.from_settings(_settings(tmp_path, new, "k2"))
    assert only_new.decrypt(rotated, aad="tal_1:iban") == "DE89 3704 0044 0532 0130 00"
    with pytest.raises(DecryptionError, match="k1"):
        only_new.decrypt(blob, aad="tal_1:iban")


def test_dev_key_is_created_once_and_private(tmp_path: Path) -> None:
    a = FieldCipher.from_settings(_settings(tmp_path))
    b = FieldCipher.from_settings(_settings(tmp_path))
    assert b.decrypt(a.encrypt("v", aad="x"), aad="x") == "v"
    assert stat.S_IMODE((tmp_path / "pii.key").stat().st_mode) == 0o600


def test_keys_are_required_outside_dev(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SLATE_PII_KEYS"):
        FieldCipher.from_settings(_settings(tmp_path, env="prod"))


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("k1", "kid:base64key"),
        ("k1:!!!", "base64"),
        (f"k1:{base64.b64encode(bytes(16)).decode()}", "32 bytes"),  # 16 bytes, not 32
    ],
)
def test_bad_key_spec_names_the_problem(tmp_path: Path, spec: str, fragment: str) -> None:
    with pytest.raises(SettingsError, match=fragment):
        FieldCipher.from_settings(_settings(tmp_path, spec, "k1"))


def test_active_kid_must_be_known(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SLATE_PII_ACTIVE_KID"):
        FieldCipher.from_settings(_settings(tmp_path, new_key_spec("k1"), "k9"))


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("123-45-6789", "•••-••-6789"),
        ("123456789", "•••••6789"),
        ("12", "••"),
        ("", ""),
    ],
)
def test_mask_tail(value: str, masked: str) -> None:
    assert mask_tail(value) == masked


def test_mask_date_reveals_nothing() -> None:
    assert mask_date("1994-02-11") == "****-**-**"
