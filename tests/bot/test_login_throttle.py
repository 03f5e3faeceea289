"""The login throttle on a fake clock: how long a lock lasts, who it stops, and that memory stays bounded."""

from __future__ import annotations

from bot.web.login_throttle import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _fail(t: LoginThrottle, name: str, address: str, times: int) -> None:
    for _ in range(times):
        assert t.check(name, address) is None
        t.failed(name)


def test_a_name_lock_is_short_and_spares_known_devices() -> None:
    clock = Clock()
    t = LoginThrottle(per_name=5, name_lock=300, clock=clock)
    _fail(t, "zhang.san", "10.0.0.1", 5)
    refusal = t.check("zhang.san", "10.0.0.2")
    assert refusal is not None and refusal.reason == "name" and 0 < refusal.retry_after <= 300
    assert t.check("zhang.san", "10.0.0.3", known_device=True) is None  # the user's own browser
    assert t.check("li.si", "10.0.0.2") is None  # other names are not affected
    clock.now += 301
    assert t.check("zhang.san", "10.0.0.2") is None  # over after five minutes


def test_an_address_is_limited_over_all_names() -> None:
    clock = Clock()
    t = LoginThrottle(per_address=20, clock=clock)
    for i in range(20):
        assert t.check(f"user{i}", "10.0.0.9") is None
        t.failed(f"user{i}")
    refusal = t.check("user99", "10.0.0.9", known_device=True)
    assert refusal is not None and refusal.reason == "address"
    assert t.check("user99", "10.0.0.10") is None
    clock.now += 601
    assert t.check("user99", "10.0.0.9") is None


def test_an_overall_limit_protects_the_password_hasher() -> None:
    clock = Clock()
    t = LoginThrottle(overall=60, clock=clock)
    for i in range(60):
        assert t.check(f"u{i}", f"10.1.{i}.1") is None
        t.failed(f"u{i}")
    refusal = t.check("someone", "10.9.9.9")
    assert refusal is not None and refusal.reason == "overall"
    assert t.check("someone", "10.9.9.9", known_device=True) is None
    clock.now += 61
    assert t.check("someone", "10.9.9.8") is None


def test_memory_stays_bounded_under_a_spray_of_names_and_addresses() -> None:
    t = LoginThrottle(max_keys=1000, overall=10**9, per_address=10**9)
    for i in range(50_000):
        t.check(f"name{i}", f"10.{i % 250}.{i // 250 % 250}.{i % 7}")
        t.failed(f"name{i}")
    assert t.tracked_keys() <= 2000


def test_a_success_clears_the_name() -> None:
    t = LoginThrottle(per_name=3)
    _fail(t, "anna", "10.0.0.1", 2)
    t.succeeded("anna")
    _fail(t, "anna", "10.0.0.1", 2)
    assert t.check("anna", "10.0.0.1") is None
