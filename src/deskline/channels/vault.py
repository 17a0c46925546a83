"""Mailbox secrets at rest: passwords and OAuth2 tokens sealed with Fernet (no ORM).

A sealed value is `fernet:<token>`. The key is derived (HKDF-SHA256) from the setting or
environment variable `DESKLINE_ENCRYPTION_KEY` when set, else from `SECRET_KEY`. Several keys
may be given, separated by commas: the first seals, every one of them (and `SECRET_KEY` with
its fallbacks) opens, so a key can be rotated without losing what was sealed before.
A value without the prefix is a legacy plain-text value and is returned as it is.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "fernet:"
_INFO = b"deskline channels: mailbox secrets v1"


class SecretUnreadable(Exception):
    """A sealed value that none of the configured keys opens."""


def _fernet_key(material: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        material.encode()
    )
    return base64.urlsafe_b64encode(derived)


def _materials() -> list[str]:
    configured = str(getattr(settings, "DESKLINE_ENCRYPTION_KEY", "") or "")
    explicit = [k.strip() for k in configured.split(",") if k.strip()]
    fallbacks = [str(k) for k in getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return list(dict.fromkeys([*explicit, str(settings.SECRET_KEY), *fallbacks]))


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(m)) for m in _materials()])


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def seal(plain: str) -> str:
    """The sealed form of a secret; the empty string stays empty."""
    if not plain:
        return ""
    return PREFIX + _fernet().encrypt(plain.encode()).decode("ascii")


def unseal(stored: str) -> str:
    """The secret behind a stored value (a legacy plain value is returned unchanged)."""
    if not is_sealed(stored):
        return stored
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise SecretUnreadable(
            "a stored mailbox secret cannot be decrypted: DESKLINE_ENCRYPTION_KEY or "
            "SECRET_KEY changed; add the old key to DESKLINE_ENCRYPTION_KEY (after a comma) "
            "or enter the secret again"
        ) from exc
