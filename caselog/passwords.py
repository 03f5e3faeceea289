"""Staff password hashes with hashlib.scrypt (stdlib): 'scrypt$n$r$p$salt$hash' (base64).

Cost: N=2^17, r=8, p=1 (the OWASP Password Storage Cheat Sheet's first scrypt setting; 128 MiB per
hash), with an explicit `maxmem` (hashlib's default of 32 MiB refuses anything above N=2^14). Hashes
made with a lower cost verify as before and `needs_rehash` says so: the login upgrades them.
A stored hash is trusted only within sane bounds, so a damaged row cannot make a login allocate gigabytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

DKLEN = 32
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # longer input is refused before hashing


@dataclass(frozen=True)
class ScryptCost:
    n: int
    r: int
    p: int

    @property
    def maxmem(self) -> int:
        """What OpenSSL needs for these parameters (128·r·(n+p+2) bytes), plus room for its own use."""
        return 128 * self.r * (self.n + self.p + 2) + (1 << 20)

    def below(self, other: ScryptCost) -> bool:
        return self.n < other.n or self.n * self.r * self.p < other.n * other.r * other.p

    def sane(self) -> bool:
        power_of_two = self.n > 1 and self.n & (self.n - 1) == 0
        return power_of_two and 2**10 <= self.n <= 2**20 and 1 <= self.r <= 32 and 1 <= self.p <= 16


CURRENT = ScryptCost(n=2**17, r=8, p=1)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, cost: ScryptCost, dklen: int = DKLEN) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=cost.n, r=cost.r, p=cost.p, maxmem=cost.maxmem, dklen=dklen
    )


def hash_password(password: str, cost: ScryptCost | None = None) -> str:
    cost = cost or CURRENT
    salt = os.urandom(16)
    return f"scrypt${cost.n}${cost.r}${cost.p}${_b64(salt)}${_b64(_scrypt(password, salt, cost))}"


def _parse(stored: str) -> tuple[ScryptCost, bytes, bytes] | None:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        cost = ScryptCost(int(n), int(r), int(p))
        if scheme != "scrypt" or not cost.sane():
            return None
        return cost, base64.b64decode(salt, validate=True), base64.b64decode(digest, validate=True)
    except (ValueError, TypeError):
        return None


def verify_password(password: str, stored: str) -> bool:
    parsed = _parse(stored)
    if parsed is None or len(password) > MAX_PASSWORD_LENGTH:
        burn_time(password[:MAX_PASSWORD_LENGTH])
        return False
    cost, salt, expected = parsed
    if not 16 <= len(expected) <= 64:
        return False
    return hmac.compare_digest(_scrypt(password, salt, cost, len(expected)), expected)


def needs_rehash(stored: str) -> bool:
    """True when `stored` was made with less than the current cost (or cannot be read)."""
    parsed = _parse(stored)
    return parsed is None or parsed[0].below(CURRENT)


def burn_time(password: str) -> None:
    """Spend the time of one verification, so unknown usernames answer as slowly as known ones."""
    _scrypt(password[:MAX_PASSWORD_LENGTH], b"\0" * 16, CURRENT)
