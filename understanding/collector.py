"""The facts read so far from one message, as the readers set and deny them."""

from __future__ import annotations

from typing import Any

from rules.facts import FACTS


class Collector:
    def __init__(self) -> None:
        self.facts: dict[str, Any] = {}
        self.denied: list[str] = []
        self.notes: dict[str, str] = {}
        self.ambiguous: dict[str, tuple[Any, ...]] = {}
        self.bare_degree = False  # is_college_graduate came from a bare degree word only (硕士, 本科)
        self.about_joblessness = True
        self.message = ""
        self.now: set[str] = set()  # facts said of now (现在在送外卖): nothing said of another time overrides them

    def set(self, fact: str, value: Any, *, weak: bool = False, now: bool = False) -> None:
        if fact in self.now and not now:
            return
        if now:
            self.now.add(fact)
        elif weak and fact in self.facts:
            return
        if FACTS[fact].type == "list":
            items = self.facts.setdefault(fact, [])
            if value not in items:
                items.append(value)
            if value in self.denied:
                self.denied.remove(value)
        else:
            self.facts[fact] = value

    def deny(self, fact: str, value: Any) -> None:
        if FACTS[fact].type == "list":
            if value not in self.denied:
                self.denied.append(value)
            items = self.facts.get(fact)
            if items and value in items:
                items.remove(value)
