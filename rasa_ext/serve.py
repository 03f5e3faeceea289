"""`.venv-rasa/bin/python -m rasa_ext.serve run …`: `rasa run` with its HTTP API token always set.

With `--enable-api` the token (rasa_ext.api_token: RASA_API_TOKEN, else var/rasa-api-token) is added as
`--auth-token` inside this process, so it never appears in the process list; without a token the
server does not start. Model training stays with `rasa train`: the running server refuses it
(rasa_ext.guard, listed in credentials.yml).
"""

from __future__ import annotations

import sys

from rasa_ext.api_token import ApiTokenMissing, rasa_api_token


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] != ["run"]:
        print("usage: python -m rasa_ext.serve run [rasa run options]", file=sys.stderr)
        return 2
    if any(a == "--auth-token" or a.startswith("--auth-token=") for a in args):
        print("rasa_ext.serve: pass the token in RASA_API_TOKEN, not on the command line", file=sys.stderr)
        return 2
    if "--enable-api" in args:
        try:
            # one argument: a token starting with "-" (token_urlsafe makes some) is no option to argparse
            args.append(f"--auth-token={rasa_api_token()}")
        except ApiTokenMissing as exc:
            print(f"rasa_ext.serve: {exc}", file=sys.stderr)
            return 2
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *args]
    rasa_main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
