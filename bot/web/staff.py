"""`python -m bot.web.staff add USERNAME` / `passwd USERNAME`: staff logins for the web app.

The password comes from env STAFF_PASSWORD (or CASELOG_STAFF_PASSWORD) or a prompt. This delegates
to `caselog staff`, which hashes the password (caselog.passwords) and stores it in the case log's staff_users table.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from caselog.cli import main as caselog_main


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or args[0] not in ("add", "passwd"):
        print("usage: python -m bot.web.staff add|passwd USERNAME  (password from $STAFF_PASSWORD or a prompt)")
        return 2
    if os.environ.get("STAFF_PASSWORD") and not os.environ.get("CASELOG_STAFF_PASSWORD"):
        os.environ["CASELOG_STAFF_PASSWORD"] = os.environ["STAFF_PASSWORD"]
    return caselog_main(["staff", *args])


if __name__ == "__main__":
    raise SystemExit(main())
