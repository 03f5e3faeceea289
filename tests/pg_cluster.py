"""A throwaway PostgreSQL server of the tests' own (initdb in a temporary folder, on a free port), for tests that
crash or stop the database under a running system; the shared server on 5432 is never touched."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PG_BINS = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.data = root / "data"
        self.port = port
        self.bin = Path(PG_BINS[-1])
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=on"
        log = str(self.root / "log")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l", log, "-w", "start")

    def crash(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
            capture_output=True,
            timeout=120,
        )


@contextmanager
def throwaway_cluster(prefix: str) -> Iterator[Cluster]:
    """A started cluster, stopped and removed afterwards; skipped where it cannot run (failed under CI=true)."""
    if not PG_BINS:
        reason = "PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are needed"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
    elif pwd.getpwuid(os.geteuid()).pw_name == "postgres":
        owner = None
    else:
        pytest.skip("initdb must run as root (via runuser) or as the postgres user")
    root = Path(tempfile.mkdtemp(prefix=prefix))
    if owner is not None:
        os.chown(root, owner.pw_uid, owner.pw_gid)
    c = Cluster(root, free_port())
    c.init()
    c.start()
    try:
        yield c
    finally:
        c.stop()
        shutil.rmtree(root, ignore_errors=True)
