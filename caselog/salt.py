"""The secret salt of pseudonymous sender ids and user hashes. Stdlib only (read by the Rasa server too).

CASELOG_SALT when set; else the file CASELOG_SALT_FILE (default var/sender-salt) that the run command
writes on first start. There is no built-in default: a process started alone without either stops with
a message that says what to set, instead of hashing with a salt anyone can read in the source.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from caselog.errors import CaselogError

SALT_ENV = "CASELOG_SALT"
SALT_FILE_ENV = "CASELOG_SALT_FILE"
DEFAULT_SALT_FILE = "var/sender-salt"


class SaltMissing(CaselogError):
    """Neither CASELOG_SALT nor the salt file the run command writes."""


def sender_salt(env: Mapping[str, str] | None = None) -> bytes:
    env = os.environ if env is None else env
    value = env.get(SALT_ENV, "").strip()
    if value:
        return value.encode("utf-8")
    path = Path(env.get(SALT_FILE_ENV) or DEFAULT_SALT_FILE)
    try:
        stored = path.read_bytes().strip()
    except OSError:
        stored = b""
    if stored:
        return stored
    raise SaltMissing(
        f"{SALT_ENV} is not set and there is no salt file at {path}: start the bot with scripts/run (it keeps a "
        f"random salt there) or set {SALT_ENV} to a long random secret, the same for every process"
    )
