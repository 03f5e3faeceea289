"""Login throttling: per user name (normalised), per client address and overall.

- Per address: at most `per_address` attempts in `window` seconds, whatever the names tried.
- Per name: after `per_name` failures in `window`, that name is locked for `name_lock` seconds (short,
  so that an attacker cannot keep a real user out for long) — except from a browser where that user
  logged in before (a signed "known device" cookie), so the real user is not locked out at all.
- Overall: at most `overall` failures per minute across all names and addresses (each try costs a
  128 MiB scrypt): above it only known devices may try.
Names are compared normalised (caselog.staff.normalise_username): padding or case changes do not
give fresh tries. Memory is bounded: the oldest keys are dropped beyond `max_keys`.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass


class _Window:
    """Event times per key within a sliding window, for at most `max_keys` keys."""

    def __init__(self, window: float, max_keys: int) -> None:
        self.window = window
        self.max_keys = max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def count(self, key: str, now: float) -> int:
        hits = self._hits.get(key)
        if hits is None:
            return 0
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        if not hits:
            del self._hits[key]
            return 0
        return len(hits)

    def oldest(self, key: str) -> float | None:
        hits = self._hits.get(key)
        return hits[0] if hits else None

    def newest(self, key: str) -> float | None:
        hits = self._hits.get(key)
        return hits[-1] if hits else None

    def add(self, key: str, now: float) -> None:
        hits = self._hits.setdefault(key, deque())
        self._hits.move_to_end(key)
        hits.append(now)
        while len(hits) > 1000:
            hits.popleft()
        while len(self._hits) > self.max_keys:
            self._hits.popitem(last=False)

    def clear(self, key: str) -> None:
        self._hits.pop(key, None)

    def __len__(self) -> int:
        return len(self._hits)


@dataclass(frozen=True)
class Refusal:
    reason: str  # "address", "name" or "overall"
    retry_after: float  # seconds


class LoginThrottle:
    def __init__(
        self,
        *,
        per_name: int = 5,
        per_address: int = 20,
        overall: int = 60,
        window: float = 600.0,
        name_lock: float = 300.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_name, self.per_address, self.overall = per_name, per_address, overall
        self.name_lock = name_lock
        self._clock = clock
        self._names = _Window(window, max_keys)
        self._addresses = _Window(window, max_keys)
        self._all = _Window(60.0, 1)

    def check(self, name: str, address: str, *, known_device: bool = False) -> Refusal | None:
        """Whether a login attempt may go ahead now; records the attempt against the address."""
        now = self._clock()
        if self._addresses.count(address, now) >= self.per_address:
            return Refusal("address", self._addresses.window - (now - (self._addresses.oldest(address) or now)))
        if not known_device:
            if self._names.count(name, now) >= self.per_name:
                last = self._names.newest(name) or now
                if now - last < self.name_lock:
                    return Refusal("name", self.name_lock - (now - last))
            if self._all.count("*", now) >= self.overall:
                return Refusal("overall", self._all.window - (now - (self._all.oldest("*") or now)))
        self._addresses.add(address, now)
        return None

    def failed(self, name: str) -> None:
        now = self._clock()
        self._names.add(name, now)
        self._all.add("*", now)

    def succeeded(self, name: str) -> None:
        self._names.clear(name)

    def tracked_keys(self) -> int:
        return len(self._names) + len(self._addresses)
