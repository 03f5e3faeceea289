"""Failures of the stores behind a Rasa server, as the REST channel's turn guard sees them."""

from __future__ import annotations


class StoreUnavailable(BaseException):
    """The tracker store (PostgreSQL) could not be read or written for this turn.

    A BaseException on purpose: Rasa's Agent wraps every tracker store in FailSafeTrackerStore, whose
    `except Exception` would turn a failed read into "no tracker" (the person's conversation silently
    starts afresh) and a failed write into a copy kept only in this process's memory. This passes through
    it to rasa_ext.turn_guard, which tells the person to try again.
    """
