"""The Rasa HTTP API token (docs/interfaces.md, "API token"). Stdlib only: read by both virtual environments.

`RASA_API_TOKEN` when set; otherwise the run command generates one on first start into
`<workdir>/rasa-api-token` (mode 0600), where tools on the same machine read it. Clients pass it as
`?token=` on every API call (`/status`, `/model/parse`, `/conversations/{id}/tracker`, …).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

TOKEN_ENV = "RASA_API_TOKEN"
TOKEN_FILE = "rasa-api-token"
DEFAULT_WORKDIR = Path(__file__).resolve().parent.parent / "var"


class ApiTokenMissing(RuntimeError):
    """No token in the environment and none generated yet: the message says what to do."""


def rasa_api_token(
    workdir: Path | str | None = None, *, create: bool = False, env: Mapping[str, str] | None = None
) -> str:
    """The token for the Rasa server run from `workdir` (default: the project's var/).

    create=True (the run command only): generate and keep one when there is none yet."""
    value = (os.environ if env is None else env).get(TOKEN_ENV, "").strip()
    if value:
        return value
    path = Path(workdir if workdir is not None else DEFAULT_WORKDIR) / TOKEN_FILE
    try:
        stored = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        stored = ""
    if stored:
        if create:
            os.chmod(path, 0o600)
        return stored
    if not create:
        raise ApiTokenMissing(
            f"no Rasa API token: set {TOKEN_ENV}, or start the bot once with scripts/run (it writes {path})"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    tmp = path.with_name(f".{TOKEN_FILE}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    os.replace(tmp, path)
    return value
