"""One real stack for every end-to-end test of the session: starting Rasa costs a minute or more."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from bot.stack import RASA_BIN, REPO, Ports, Stack

E2E_STAFF = ("e2e.staff", "e2e-password-1234")


def skip_or_fail(reason: str) -> None:
    """Skip locally; under CI=true a missing prerequisite is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def sender_salt(monkeypatch: pytest.MonkeyPatch) -> None:
    """A salt for code that hashes sender ids in this process (there is no built-in one: caselog/salt.py)."""
    if not os.environ.get("CASELOG_SALT"):
        monkeypatch.setenv("CASELOG_SALT", "tests-sender-salt")


@pytest.fixture(autouse=True)
def quick_password_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Staff passwords hashed in this process at a low scrypt cost (the real cost takes seconds per hash on a
    shared CI machine); tests marked `real_password_cost`, and every server started as a subprocess, use
    the real one."""
    if request.node.get_closest_marker("real_password_cost") is None:
        from caselog import passwords

        monkeypatch.setattr(passwords, "CURRENT", passwords.ScryptCost(n=2**10, r=8, p=1))


@pytest.fixture(scope="session")
def real_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Action server, Rasa (trained model from models/), case-log drain and web app on free ports."""
    if not RASA_BIN.exists():
        skip_or_fail(f"no Rasa environment at {RASA_BIN}")
    if not list((REPO / "models").glob("*.tar.gz")):
        skip_or_fail("no trained model in models/ (scripts/test trains it first)")
    from caselog.db import make_engine
    from caselog.queries import create_staff_user

    workdir = tmp_path_factory.mktemp("stack") / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN")}
    with Stack(
        ports=Ports.free(),
        workdir=workdir,
        env=env,
        components=("actions", "rasa", "drain", "web"),
        train=False,
        out=sys.stderr,
    ) as stack:
        engine = make_engine(stack.database_url)
        with Session(engine) as s, s.begin():
            create_staff_user(s, *E2E_STAFF, role="admin")
        engine.dispose()
        yield stack
