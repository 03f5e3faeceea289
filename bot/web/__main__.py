"""`python -m bot.web`: the staff web app on WEB_HOST:WEB_PORT (default 127.0.0.1:8000)."""

from __future__ import annotations

import logging
import os
import sys

import uvicorn

from bot.web.app import create_app
from caselog.salt import SaltMissing


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    host = os.environ.get("WEB_HOST", "127.0.0.1")
    port = int(os.environ.get("WEB_PORT", "8000"))
    try:
        app = create_app()
    except SaltMissing as exc:
        print(f"web: {exc}", file=sys.stderr)
        return 2
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
