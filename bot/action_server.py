"""`.venv/bin/python -m bot.action_server`: the rasa_sdk action server, on 127.0.0.1 unless told otherwise.

`python -m rasa_sdk` listens on 0.0.0.0 without authentication. This entry point binds `--interface`
(default 127.0.0.1) and, when ACTION_SERVER_TOKEN is set, answers /webhook and /actions only to requests
with that value in the X-Action-Token header (endpoints.yml sends it). Bound to any other address it
refuses to start without ACTION_SERVER_TOKEN.
"""

from __future__ import annotations

import argparse
import hmac
import ipaddress
import logging
import os
import sys

from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

TOKEN_ENV = "ACTION_SERVER_TOKEN"
TOKEN_HEADER = "X-Action-Token"
OPEN_PATHS = frozenset({"/health"})


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def build_app(actions_module: str, token: str | None) -> Sanic:
    executor = ActionExecutor()
    executor.register_package(actions_module)
    app = create_app(executor, cors_origins="")
    if token:

        @app.on_request
        async def check_token(request: Request) -> HTTPResponse | None:
            if request.path in OPEN_PATHS:
                return None
            given = request.headers.get(TOKEN_HEADER, "")
            if not hmac.compare_digest(given.encode(), token.encode()):
                return response.json({"error": f"missing or wrong {TOKEN_HEADER}"}, status=401)
            return None

    return app


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bot.action_server", description="the assistant's action server")
    p.add_argument("--actions", default="actions", help="action package (default: actions)")
    p.add_argument("-i", "--interface", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("-p", "--port", type=int, default=5055)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    token = os.environ.get(TOKEN_ENV, "").strip() or None
    if token is None and not is_loopback(args.interface):
        print(f"action server: binding {args.interface} needs {TOKEN_ENV} (the secret Rasa sends)", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = build_app(args.actions, token)
    app.run(host=args.interface, port=args.port, single_process=True, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
