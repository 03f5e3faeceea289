"""The evaluation date of a consultation: the one asked for, else today in Shanghai.

Asked for by a message's metadata (`{"as_of": "2022-07-01"}`: a client such as a test or a simulation that
evaluates at a given date), or chosen earlier in the conversation (slot `as_of`: the staff widget's date
control, 按2022年7月1日评估). Read once per action run and passed on. `ASSISTANT_AS_OF=YYYY-MM-DD` pins
"today" for the whole action server. The rules engine and the readers never read the clock themselves.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Mapping
from typing import Any

from rules.vocabulary import parse_iso_date, shanghai_today

AS_OF_ENV = "ASSISTANT_AS_OF"
AS_OF_SLOT = "as_of"

log = logging.getLogger(__name__)


def today() -> dt.date:
    pinned = os.environ.get(AS_OF_ENV, "").strip()
    if pinned:
        try:
            return parse_iso_date(pinned)
        except ValueError:
            log.warning("ignoring %s=%r: not a YYYY-MM-DD date", AS_OF_ENV, pinned)
    return shanghai_today()


def requested_date(message: Mapping[str, Any] | None) -> dt.date | None:
    """The evaluation date a message's metadata asks for, if any."""
    metadata = (message or {}).get("metadata")
    value = metadata.get(AS_OF_SLOT) if isinstance(metadata, Mapping) else None
    if not value:
        return None
    try:
        return parse_iso_date(value)
    except ValueError:
        log.warning("ignoring metadata as_of=%r: not a YYYY-MM-DD date", value)
        return None


def evaluation_date(
    slots: Mapping[str, Any], today: Callable[[], dt.date] = today, message: Mapping[str, Any] | None = None
) -> dt.date:
    """The consultation's evaluation date: the message's metadata, the `as_of` slot, else `today()`."""
    asked = requested_date(message)
    if asked is not None:
        return asked
    value = slots.get(AS_OF_SLOT)
    if value:
        try:
            return parse_iso_date(value)
        except ValueError:
            log.warning("ignoring slot as_of=%r: not a YYYY-MM-DD date", value)
    return today()
