"""Rasa-shaped tracker events (as the tracker store hands them to the event broker) for tests."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import rules
from caselog.spool import Spool


class Conversation:
    """Writes one person's conversation to a spool, the way Rasa would publish it."""

    def __init__(self, spool: Spool, sender: str, *, channel: str | None = None, clock: float | None = None) -> None:
        self.spool = spool
        self.sender = sender
        self.channel = channel
        self.clock = clock if clock is not None else time.time()

    def _publish(self, event: dict[str, Any]) -> None:
        self.clock += 0.001
        self.spool.append_event({"sender_id": self.sender, "timestamp": self.clock, **event})

    def start(self) -> Conversation:
        self._publish({"event": "action", "name": "action_session_start"})
        self._publish({"event": "session_started", "metadata": {"channel": self.channel} if self.channel else {}})
        self._publish({"event": "action", "name": "action_listen"})
        return self

    def user(self, text: str, intent: str = "inform", confidence: float = 0.93) -> None:
        self._publish(
            {
                "event": "user",
                "text": text,
                "parse_data": {"intent": {"name": intent, "confidence": confidence}, "entities": [], "text": text},
                "input_channel": "rest",
                "message_id": "m" + str(self.clock),
                "metadata": {"channel": self.channel} if self.channel else {},
            }
        )

    def slot(self, name: str, value: Any) -> None:
        self._publish({"event": "slot", "name": name, "value": value})

    def bot(self, text: str, assessment: dict[str, Any] | None = None) -> None:
        data: dict[str, Any] = {"elements": None, "buttons": None, "custom": None}
        if assessment is not None:
            data["custom"] = {"assessment": assessment}
        self._publish({"event": "bot", "text": text, "data": data, "metadata": {}})

    def action(self, name: str) -> None:
        self._publish({"event": "action", "name": name})

    def assess(self, facts: dict[str, Any], as_of: dt.date = dt.date(2022, 7, 1), *, slots_after: bool = True) -> dict:
        """One action that answers with an assessment: slots logged after its message, as Rasa does."""
        assessment = rules.assess(facts, as_of).to_dict()
        self.action("action_assess_eligibility")
        if not slots_after:
            for k, v in facts.items():
                self.slot(k, v)
        self.bot("根据您的情况，评估结果如下。", assessment)
        if slots_after:
            for k, v in facts.items():
                self.slot(k, v)
        return assessment

    def restart(self) -> None:
        self._publish({"event": "restart"})
