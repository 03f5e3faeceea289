"""The action server's only clock read: today's date in Shanghai, taken once per action run.

`ASSISTANT_AS_OF=YYYY-MM-DD` pins the date (demos, conversation tests of a given day). The rules
engine and the parsers never read the clock themselves.
"""

from __future__ import annotations

import datetime as dt
import logging
import os

from rules.vocabulary import parse_iso_date, shanghai_today

AS_OF_ENV = "ASSISTANT_AS_OF"

log = logging.getLogger(__name__)


def today() -> dt.date:
    pinned = os.environ.get(AS_OF_ENV, "").strip()
    if pinned:
        try:
            return parse_iso_date(pinned)
        except ValueError:
            log.warning("ignoring %s=%r: not a YYYY-MM-DD date", AS_OF_ENV, pinned)
    return shanghai_today()
