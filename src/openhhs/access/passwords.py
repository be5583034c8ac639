"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106's recommendations)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from openhhs.errors import InvalidInput

# RFC 9106 §4, second recommended option: argon2id, t=3, m=64 MiB, p=4.
_hasher = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4)
MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 hashes anything, but a megabyte "password" is a denial of service
# Verified when the user does not exist, so an unknown name costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash("openhhs-dummy-password-for-timing")


def check_password_policy(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"a password has at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    check_password_policy(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; never raises on a malformed hash or an oversized input."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
